"""`make backup` / `make restore`: a database with rows in every stage (the demo seed) is
backed up, wiped and restored with the same number of rows in every table."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ltc import backup


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _round_trip(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "attachments").mkdir(parents=True)
    (tmp_path / "media" / "attachments" / "po.pdf").write_bytes(b"%PDF-1.4 demo")
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    before = _counts()
    for table in (
        "leads_lead",
        "opportunities_opportunity",
        "contracts_contract",
        "orders_order",
        "orders_shipment",
        "billing_invoice",
        "billing_payment",
        "feedback_ticket",
        "pool_poolentry",
    ):
        assert before.get(table), f"the demo left {table} empty"
    out = StringIO()
    call_command("db_backup", "--dir", str(tmp_path / "backups"), stdout=out)
    (path,) = [p for p in (tmp_path / "backups").iterdir() if not p.name.endswith(".tar.gz")]
    assert str(path) in out.getvalue()

    call_command("flush", "--noinput")  # the wipe
    shutil.rmtree(tmp_path / "media")
    assert _counts()["leads_lead"] == 0

    call_command("db_restore", str(path), "--yes", stdout=StringIO())
    assert _counts() == before
    assert (tmp_path / "media" / "attachments" / "po.pdf").read_bytes() == b"%PDF-1.4 demo"
    # the restored database works: the ORM reads and writes it
    from leads.models import Lead

    assert Lead.objects.count() == before["leads_lead"]
    return path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_round_trip(tmp_path, settings):
    """On the database the suite runs on: SQLite by default, PostgreSQL in CI."""
    path = _round_trip(tmp_path, settings)
    magic = backup.SQLITE_MAGIC if connection.vendor == "sqlite" else backup.PG_MAGIC
    assert path.read_bytes().startswith(magic)
    if connection.vendor == "postgresql":  # the restored tables have planner statistics
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stats WHERE tablename = 'leads_lead' "
                "AND attname = 'search_text'"
            )
            assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    with pytest.raises(CommandError, match="not a"):
        call_command("db_restore", str(bogus), "--yes")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("db_restore", str(tmp_path / "missing"), "--yes")
