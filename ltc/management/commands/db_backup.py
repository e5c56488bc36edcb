"""`make backup`: a consistent copy of the database (and uploaded files) in BACKUP_DIR."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ltc.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (SQLite or PostgreSQL) and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BACKUP_DIR), help="where to write it")

    def handle(self, *args, **options):
        try:
            path = backup(Path(options["dir"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {path}")
