"""`houqin db backup` and `houqin db restore`: a kindergarten's whole record survives the trip
into a fresh database (SQLite's online backup; pg_dump / pg_restore for PostgreSQL)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.cli import main
from storage.db import make_engine
from storage.disinfection import Entry, Method, load_room, record_disinfection
from storage.models import Area
from storage.permissions import Role
from tests.disinfection.setup import make_kindergarten
from tests.factories import make_member
from tests.security.world import snapshot
from tests.support.telegram import User


def _houqin(monkeypatch: pytest.MonkeyPatch, url: str, *argv: str) -> int | str | None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    return stopped.value.code


@pytest.fixture
def fresh_url(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as the test database."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    name = f"{engine.url.database}_restore"
    admin = make_engine(
        engine.url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield engine.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _a_day_of_records(db: Session) -> None:
    """Sites, classes, rooms, people, memberships, invitations, a group and a record."""
    k = make_kindergarten(db)
    caregiver = make_member(db, k.site, User(7001, "新人"), Role.CAREGIVER, "小一班")
    area = db.exec(select(Area).where(Area.site_id == k.site.id)).first()
    assert area is not None and area.id is not None and caregiver.id is not None
    room = load_room(session=db, area_id=area.id, day=date(2026, 11, 23))
    assert room is not None
    record_disinfection(
        session=db,
        entry=Entry(room, Method.CABINET, caregiver.id),
        now=datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
    )


def test_a_backup_restored_into_a_fresh_database_has_every_record(
    engine: Engine, db: Session, fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _a_day_of_records(db)
    source = engine.url.render_as_string(hide_password=False)
    before = snapshot(engine)

    assert _houqin(monkeypatch, source, "db", "backup", str(tmp_path / "houqin.backup")) == 0
    assert _houqin(monkeypatch, fresh_url, "db", "restore", str(tmp_path / "houqin.backup")) == 0

    restored = make_engine(fresh_url)
    try:
        after = snapshot(restored)
        with restored.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        restored.dispose()
    assert after == before and sum(len(rows) for rows in after.values()) > 20
    assert version is not None
    # A second restore over data needs --replace.
    assert _houqin(monkeypatch, fresh_url, "db", "restore", str(tmp_path / "houqin.backup")) == 2
