#!/bin/sh
# Copy the front-end packages installed from the npm registry into static/vendor, where
# whitenoise serves them. Nothing third-party is committed to the repository.
#
# Minified files end with a sourceMappingURL comment; whitenoise's manifest storage
# (production collectstatic) rewrites that reference and refuses a file whose map is
# missing. So each file's map is copied beside it when the package ships one, and a
# reference to a map that is not there is removed.
set -e
V=static/vendor
rm -rf "$V" && mkdir -p "$V/bootstrap" "$V/bootstrap-icons/fonts" "$V/htmx" "$V/chartjs" "$V/sortablejs" "$V/axe-core"

# vendor SOURCE DEST_DIR [DEST_NAME]: copy one file and, if it exists, its source map.
vendor() {
  name=${3:-$(basename "$1")}
  cp "$1" "$2/$name"
  if [ -f "$1.map" ] && [ "$name" = "$(basename "$1")" ]; then
    cp "$1.map" "$2/"
  fi
}

vendor node_modules/bootstrap/dist/css/bootstrap.min.css "$V/bootstrap"
vendor node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$V/bootstrap"
vendor node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$V/bootstrap-icons"
cp node_modules/bootstrap-icons/font/fonts/* "$V/bootstrap-icons/fonts/"
vendor node_modules/htmx.org/dist/htmx.min.js "$V/htmx"
if [ -f node_modules/chart.js/dist/chart.umd.min.js ]; then
  vendor node_modules/chart.js/dist/chart.umd.min.js "$V/chartjs"
else
  vendor node_modules/chart.js/dist/chart.umd.js "$V/chartjs" chart.umd.min.js
fi
vendor node_modules/sortablejs/Sortable.min.js "$V/sortablejs"
# The accessibility checker the browser tests inject into each page they audit; no page of
# the app loads it.
vendor node_modules/axe-core/axe.min.js "$V/axe-core"

# Drop any sourceMappingURL whose map file was not copied.
find "$V" -type f \( -name '*.js' -o -name '*.css' \) | while read -r f; do
  map=$(sed -n 's|.*sourceMappingURL=\([^ *]*\).*|\1|p' "$f" | tail -n 1)
  if [ -n "$map" ] && [ ! -f "$(dirname "$f")/$map" ]; then
    sed -i '/sourceMappingURL=/d' "$f"
  fi
done
