"""Configuration errors, the console command, and migrations guarding start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.cli import main
from bot.config import Settings
from storage.db import make_engine
from storage.migrate import pending_migrations, upgrade


def _houqin(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "HOUQIN_"))}
    clean.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=tmp_path,
        timeout=60,
    )


def test_invalid_config_names_the_variable_and_exits_2(tmp_path: Path) -> None:
    result = _houqin(tmp_path, "db", "upgrade", HOUQIN_DEFAULT_TIMEZONE="Mars/Olympus")

    assert result.returncode == 2
    assert "HOUQIN_DEFAULT_TIMEZONE" in result.stderr and "Traceback" not in result.stderr


def test_run_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = _houqin(tmp_path, "run", TELEGRAM_BOT_TOKEN="1:x")

    assert result.returncode == 2
    assert "houqin db upgrade" in result.stderr


def test_site_create_prints_the_directors_invitation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    for argv in (
        ["db", "upgrade"],
        ["site", "create", "--name", "第一幼儿园"],
        ["class", "add", "--site", "1", "小一班", "小二班"],
        ["invite", "--site", "1", "--role", "caregiver", "--class", "小二班"],
    ):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 0

    out = capsys.readouterr().out
    assert "Site 1: 第一幼儿园" in out
    assert out.count("?start=") == 2
    assert "Added 2 class(es): 小一班 小二班" in out


def test_token_is_never_shown_in_settings_repr() -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN="123:SECRET", _env_file=None)  # type: ignore[call-arg]

    assert "SECRET" not in repr(settings)
    assert settings.token == "123:SECRET"


def test_upgrade_is_idempotent_and_leaves_no_pending_migration(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert pending_migrations(engine)

    upgrade(engine)
    upgrade(engine)

    assert not pending_migrations(engine)
    assert {"site", "person", "membership", "invite", "audit_event"} <= set(
        inspect(engine).get_table_names()
    )
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_build_exactly_the_schema_the_models_describe(engine) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import storage.all_models  # noqa: F401

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    assert diff == [], "models changed without a migration: run alembic revision --autogenerate"


def test_upgrading_an_older_database_keeps_its_data(tmp_path: Path) -> None:
    from sqlmodel import Session, select

    from storage.models import Site

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")  # a deployment from before disinfection existed
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO site (name, kind, boarding, timezone, language, settings, created_at) "
            "VALUES ('第一幼儿园', 'kindergarten', 0, 'Asia/Shanghai', 'zh', '{}', '2026-09-01 00:00:00')"
        )

    upgrade(engine)

    with Session(engine) as session:
        assert [s.name for s in session.exec(select(Site))] == ["第一幼儿园"]
    assert "disinfection_record" in inspect(engine).get_table_names()


def test_site_settings_are_changed_from_the_shell_and_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")

    def houqin(*argv: str) -> int | str | None:
        with pytest.raises(SystemExit) as stopped:
            main(list(argv))
        return stopped.value.code

    houqin("db", "upgrade")
    houqin("site", "create", "--name", "第一幼儿园")
    houqin("class", "add", "--site", "1", "小一班")
    ok = houqin(
        "site",
        "set",
        "--site",
        "1",
        "disinfection_deadline=17:00",
        'disinfection_areas=["activity_room","nap_room","toilet"]',
    )
    bad_key = houqin("site", "set", "--site", "1", "deadline=17:00")
    bad_value = houqin("site", "set", "--site", "1", "uv_minutes=5")
    houqin("site", "show", "--site", "1")

    out = capsys.readouterr()
    assert (ok, bad_key, bad_value) == (0, 2, 2)
    assert "unknown setting: deadline" in out.err
    assert 'disinfection_deadline = "17:00:00"' in out.out and "uv_minutes = 60" in out.out
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    with engine.connect() as connection:
        kinds = {row[0] for row in connection.exec_driver_sql("SELECT kind FROM area")}
    assert kinds == {"activity_room", "nap_room", "toilet"}
