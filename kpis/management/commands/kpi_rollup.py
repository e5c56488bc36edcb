import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kpis.rollup import rollup


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Recompute the daily KPI snapshots of a date range (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default today)")
        parser.add_argument(
            "--months", type=int, help="instead of --from: this many months back from --to"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when snapshots already exist"
        )

    def handle(self, *args, start=None, end=None, months=None, if_empty=False, **options):
        from kpis.models import KpiSnapshot
        from kpis.periods import add_months

        if if_empty and KpiSnapshot.objects.exists():
            self.stdout.write("KPI snapshots exist already; nothing to do.")
            return
        last = _date(end) if end else timezone.localdate()
        if start:
            first = _date(start)
        elif months:
            first = add_months(last, -months)
        else:
            raise CommandError("give --from YYYY-MM-DD or --months N")
        if first > last:
            raise CommandError("--from is after --to")
        started = timezone.now()
        written = rollup(first, last)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(f"KPI rollup {first} .. {last}: {written} snapshots in {seconds:.1f} s")
