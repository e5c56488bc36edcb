#!/bin/sh
# Copy the front-end packages installed from the npm registry into static/vendor, where
# whitenoise serves them. Nothing third-party is committed to the repository.
set -e
V=static/vendor
rm -rf "$V" && mkdir -p "$V/bootstrap" "$V/bootstrap-icons/fonts" "$V/htmx" "$V/chartjs" "$V/sortablejs"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$V/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$V/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$V/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/* "$V/bootstrap-icons/fonts/"
cp node_modules/htmx.org/dist/htmx.min.js "$V/htmx/"
cp node_modules/chart.js/dist/chart.umd.min.js "$V/chartjs/" 2>/dev/null || cp node_modules/chart.js/dist/chart.umd.js "$V/chartjs/chart.umd.min.js"
cp node_modules/sortablejs/Sortable.min.js "$V/sortablejs/"
