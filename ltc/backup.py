"""Back up and restore the whole database (and the uploaded files) of the configured
DATABASE_URL: SQLite through its online backup API, PostgreSQL with pg_dump -Fc / pg_restore.
Used by `manage.py db_backup` / `db_restore` (`make backup`, `make restore FILE=...`)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    pass


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def backup(directory: Path, *, alias: str = "default") -> Path:
    """Write a consistent copy of the database to `directory`; returns its path. The uploaded
    files (MEDIA_ROOT), if any, go beside it as <name>.media.tar.gz."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    kind = vendor(alias)
    if kind == "sqlite":
        target = directory / f"ltc-{stamp}.sqlite3"
        _sqlite_backup(alias, target)
    elif kind == "postgresql":
        target = directory / f"ltc-{stamp}.pgdump"
        _run(["pg_dump", "-Fc", "--no-owner", "--no-acl", "-f", str(target)], alias)
    else:
        raise BackupError(f"No backup for the {kind} database.")
    _media_backup(target)
    return target


def restore(path: Path, *, alias: str = "default") -> None:
    """Replace every table of the database with the backup at `path` (and the uploaded files
    with its media archive, when there is one)."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    head = _head(path)
    kind = vendor(alias)
    if kind == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{path} is not a SQLite backup.")
        _sqlite_restore(alias, path)
    elif kind == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{path} is not a pg_dump -Fc backup.")
        connections[alias].close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                str(path),
            ],
            alias,
            database_flag=True,
        )
        # pg_restore recreates the tables without their planner statistics; a search over a
        # large table planned without them sorts every match (ltc.searchtext.STATISTICS).
        with connections[alias].cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        raise BackupError(f"No restore for the {kind} database.")
    _media_restore(path)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(16)


def _sqlite_backup(alias: str, target: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _sqlite_restore(alias: str, path: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_env(alias: str) -> dict[str, str]:
    db = settings.DATABASES[alias]
    env = dict(os.environ)
    env.update(
        {
            key: str(value)
            for key, value in {
                "PGHOST": db.get("HOST"),
                "PGPORT": db.get("PORT"),
                "PGUSER": db.get("USER"),
                "PGPASSWORD": db.get("PASSWORD"),
                "PGDATABASE": db.get("NAME"),
            }.items()
            if value
        }
    )
    return env


def _run(command: list[str], alias: str, *, database_flag: bool = False) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    if database_flag:
        command = [*command[:-1], "-d", settings.DATABASES[alias]["NAME"], command[-1]]
    result = subprocess.run(command, env=_pg_env(alias), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _media_archive(backup_path: Path) -> Path:
    return backup_path.with_name(backup_path.name + ".media.tar.gz")


def _media_backup(backup_path: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        with tarfile.open(_media_archive(backup_path), "w:gz") as archive:
            archive.add(media, arcname=".")


def _media_restore(backup_path: Path) -> None:
    archive_path = _media_archive(backup_path)
    if not archive_path.is_file():
        return
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(media, filter="data")
