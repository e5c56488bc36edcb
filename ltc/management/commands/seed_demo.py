"""Seed the demo database: each app's `demo.seed(out)` runs in app order. Idempotent: every
seeder finds its own rows by their demo key (ltc.demo_records), never by a name a user can
repeat, so a second run adds nothing and user data that looks like demo data is left alone.

Each app seeds in a transaction of its own: a seeder that fails is rolled back and logged, the
later ones still run (they skip what is missing), and the command exits non-zero so that
`make seed` shows it; `make run` serves anyway."""

import importlib
import logging

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Create the demo users (one per role) and demo data in every stage."

    def handle(self, *args, **options):
        # Seeding triggers the same emails as real use (quotes, invoices, surveys); keep them
        # out of the console so the demo logins stay readable.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            failed = self.seed()
        if failed:
            raise CommandError(f"Demo seeding failed in: {', '.join(failed)} (see the log).")

    def seed(self) -> list[str]:
        failed = []
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            try:
                with transaction.atomic():
                    module.seed(self.stdout)
            except Exception:
                log.exception("demo seed of %s failed", config.label)
                self.stderr.write(f"Demo seed of {config.label} failed; it was rolled back.")
                failed.append(config.label)
        return failed
