"""`make restore FILE=...`: replace the database (and uploaded files) with a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ltc.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by db_backup; every table is replaced."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not options["yes"]:
            answer = input(f"Replace ALL data with {path}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {path}")
