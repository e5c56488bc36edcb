"""Seed the demo database: each app's `demo.seed(out)` runs in app order. Idempotent: every
seeder finds its records by a natural key before creating, so a second run adds nothing."""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo users (one per role) and demo data in every stage."

    def handle(self, *args, **options):
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(self.stdout)
