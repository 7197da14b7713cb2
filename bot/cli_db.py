"""`houqin db backup FILE` / `houqin db restore FILE`: a copy of everything, taken while the
bot runs (SQLite's online backup API; pg_dump for PostgreSQL), and put back."""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine, make_url

from bot.config import Settings
from bot.startup import StartupError, open_database


def add_backup_commands(db: Any) -> None:
    backup = db.add_parser("backup", help="copy the whole database into FILE (the bot may run)")
    backup.add_argument("file", type=Path, help="where to write the backup")
    backup.set_defaults(func=cmd_db_backup)
    restore = db.add_parser("restore", help="replace the database's contents with a backup")
    restore.add_argument("file", type=Path, help="a file written by houqin db backup")
    restore.add_argument(
        "--replace", action="store_true", help="needed when the database already holds sites"
    )
    restore.set_defaults(func=cmd_db_restore)


def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_database(settings, migrated=False)
    if args.file.exists():
        raise StartupError(f"{args.file} exists already; choose a new file name.")
    if engine.dialect.name == "sqlite":
        _sqlite_copy(_sqlite_path(engine), args.file)
    else:
        _postgres("pg_dump", engine.url, "--format=custom", f"--file={args.file}")
    print(f"Backup written to {args.file}.")
    return 0


def cmd_db_restore(args: argparse.Namespace, settings: Settings) -> int:
    if not args.file.is_file():
        raise StartupError(f"{args.file} is not a file.")
    engine = open_database(settings, migrated=False)
    if _holds_sites(engine) and not args.replace:
        raise StartupError(
            "DATABASE_URL already holds sites; add --replace to overwrite them with the backup."
        )
    if engine.dialect.name == "sqlite":
        engine.dispose()
        _sqlite_copy(args.file, _sqlite_path(engine))
    else:
        with engine.begin() as connection:  # pg_restore --clean cannot drop what it never made
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        _postgres("pg_restore", engine.url, "--no-owner", "--single-transaction", str(args.file))
    print(f"Restored from {args.file}. Start the bot again if it was running.")
    return 0


def _holds_sites(engine: Engine) -> bool:
    if "site" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as connection:
        return bool(connection.execute(text("SELECT count(*) FROM site")).scalar())


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise StartupError("DATABASE_URL: an in-memory SQLite database cannot be backed up.")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while the bot writes."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _postgres(program: str, url: URL, *arguments: str) -> None:
    """Run pg_dump / pg_restore; the password goes in the environment, not the command line."""
    if shutil.which(program) is None:
        raise StartupError(f"{program} is not installed (apt install postgresql-client).")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = make_url(url.set(drivername="postgresql", password=None).render_as_string())
    command = [program, f"--dbname={plain.render_as_string(hide_password=False)}", *arguments]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise StartupError(f"{program} failed: {reason}")

