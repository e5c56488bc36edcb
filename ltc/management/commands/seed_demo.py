"""Seed the demo database: each app's `demo.seed(out)` runs in app order. Idempotent: every
seeder finds its records by a natural key before creating, so a second run adds nothing."""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Create the demo users (one per role) and demo data in every stage."

    def handle(self, *args, **options):
        # Seeding triggers the same emails as real use (quotes, invoices, surveys); keep them
        # out of the console so the demo logins stay readable.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.seed()

    def seed(self):
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(self.stdout)
