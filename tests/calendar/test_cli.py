"""`houqin plan import`: --json prints one object per item, --dry-run stores nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.cli import _parser
from bot.config import Settings
from storage.calendar_models import TaskRule
from tests.calendar.setup import make_site_on

PLANS = Path(__file__).parent / "plans"


def run(settings: Settings, *argv: str) -> int:
    args = _parser().parse_args(["plan", "import", *argv])
    return int(args.func(args, settings) or 0)


def plan_rules(db: Session) -> list[TaskRule]:
    db.expire_all()
    return list(db.exec(select(TaskRule).where(TaskRule.source == "plan")))


def test_json_dry_run_prints_every_item_and_stores_nothing(
    settings: Settings, db: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site_on(db, "2026-11-26 10:00")
    file = str(PLANS / "kindergarten_spring.txt")

    code = run(settings, file, "--site", str(site.id), "--year", "2027", "--dry-run", "--json")

    items = json.loads(capsys.readouterr().out)
    assert code == 0 and len(items) == 18
    assert items[5] == {"month": 3, "title": "开展一次紧急疏散演练", "role": None,
                        "due": "2027-03-31", "drill": True}  # fmt: skip
    assert items[6] == {"month": 3, "title": "教职工卫生保健知识培训", "role": "health_teacher",
                        "due": "2027-03-31", "drill": False}  # fmt: skip
    assert plan_rules(db) == []


def test_an_autumn_plan_is_stored_across_the_new_year(
    settings: Settings, db: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site_on(db, "2026-11-26 10:00")
    file = str(PLANS / "primary_autumn.txt")

    refused = run(settings, file, "--site", str(site.id), "--year", "2026")
    stored = run(settings, file, "--site", str(site.id), "--year", "2026", "--past", "skip")

    assert refused == 2 and "Months already past: [9, 10]" in capsys.readouterr().err
    assert stored == 0
    dues = sorted({str(r.start) for r in plan_rules(db)})
    assert dues == ["2026-11-30", "2026-12-31", "2027-01-31"]
    assert len(plan_rules(db)) == 9


def test_a_plan_without_months_or_an_image_is_refused(
    settings: Settings, db: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site_on(db, "2026-11-26 10:00")
    prose = tmp_path / "plan.txt"
    prose.write_text("安全工作计划\n1、检查灭火器\n", encoding="utf-8")
    image = tmp_path / "plan.png"
    image.write_bytes(b"\x89PNG\r\n")

    assert run(settings, str(prose), "--site", str(site.id)) == 2
    assert run(settings, str(image), "--site", str(site.id)) == 2
    err = capsys.readouterr().err
    assert "No month heading found" in err and "not a plan I can read (unsupported)" in err
    assert plan_rules(db) == []
