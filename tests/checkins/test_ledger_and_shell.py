"""The queries the daily summary and the ledgers read, and the shell's calendar and zones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.cli import main
from storage.checkins_ledger import (
    absences_by_reason,
    attendance_by_class,
    attendance_rate,
    children_sent_home,
    missing_checkins,
    sick_followup_list,
)
from storage.checkins_morning import Child, MorningReport, record_followup, record_morning_check
from storage.db import make_engine
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.school_days import is_school_day, list_closed_days
from storage.sites import get_site
from storage.zones import list_zones
from tests.checkins.setup import make_kindergarten, person_of
from tests.factories import class_named

THURSDAY, FRIDAY = date(2026, 11, 26), date(2026, 11, 27)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC)  # Shanghai is UTC+8


def test_the_ledger_queries_count_current_answers_only(db: Session) -> None:
    k = make_kindergarten(db)
    teacher = person_of(db, k.teachers["小一班"]).id or 0
    small_one = class_named(db, k.site, "小一班")
    small_two = class_named(db, k.site, "小二班")
    sick = MorningReport(
        expected=25,
        sick=(Child("小明", "fever"), Child("小红", "cough")),
        personal=1,
        unwell=(Child("小刚", "rash", sent_home=True), Child("小丽", "cough")),
    )
    for report, replace in ((MorningReport(expected=25), False), (sick, True)):
        record_morning_check(
            session=db,
            site=k.site,
            school_class=small_one,
            day=THURSDAY,
            person_id=teacher,
            report=report,
            now=_at(THURSDAY, 8),
            replace=replace,
        )
    record_morning_check(
        session=db,
        site=k.site,
        school_class=small_two,
        day=THURSDAY,
        person_id=teacher,
        report=MorningReport(expected=20, other=1),
        now=_at(THURSDAY, 8),
    )

    rows = attendance_by_class(session=db, site_id=k.site.id or 0, start=THURSDAY, end=THURSDAY)
    assert [
        (r.class_name, r.expected, r.present, r.absent_sick, r.absent_personal) for r in rows
    ] == [
        ("小一班", 25, 22, 2, 1),
        ("小二班", 20, 19, 0, 0),
    ]
    assert rows[0].rate == pytest.approx(0.88)
    assert attendance_rate(
        session=db, site_id=k.site.id or 0, start=THURSDAY, end=THURSDAY
    ) == pytest.approx(41 / 45)
    assert absences_by_reason(session=db, site_id=k.site.id or 0, start=THURSDAY, end=FRIDAY) == {
        "sick": 2,
        "personal": 1,
        "other": 1,
    }
    [home] = children_sent_home(session=db, site_id=k.site.id or 0, start=THURSDAY, end=FRIDAY)
    assert (home.class_name, home.name, home.symptom) == ("小一班", "小刚", "rash")

    followups = sick_followup_list(session=db, site_id=k.site.id or 0, day=FRIDAY)
    assert [(f.child.name, f.days_away, f.answered_today) for f in followups] == [
        ("小明", 1, False),
        ("小红", 1, False),
    ]
    record_followup(
        session=db,
        child=followups[0].child,
        day=FRIDAY,
        back=True,
        reason="back",
        person_id=teacher,
    )
    record_followup(
        session=db,
        child=followups[1].child,
        day=FRIDAY,
        back=False,
        reason="sick",
        person_id=teacher,
    )
    after = sick_followup_list(session=db, site_id=k.site.id or 0, day=FRIDAY)
    assert [(f.child.name, f.days_away, f.answered_today) for f in after] == [("小红", 2, True)]

    missing = missing_checkins(session=db, site=k.site, day=THURSDAY)
    assert ("morning", "中一班") in [(m.window, m.subject_name) for m in missing]
    assert ("start", "大门", "钱大爷") in [
        (m.window, m.subject_name, m.responsible) for m in missing
    ]
    assert missing_checkins(session=db, site=k.site, day=date(2026, 11, 28)) == []  # a Saturday


def test_the_shell_closes_days_and_adds_zones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")

    def houqin(*argv: str) -> int | str | None:
        with pytest.raises(SystemExit) as stopped:
            main(list(argv))
        return stopped.value.code

    houqin("db", "upgrade")
    houqin("site", "create", "--name", "第一幼儿园")
    houqin("invite", "--site", "1", "--role", "guard")
    assert (
        houqin("calendar", "close", "--site", "1", "2026-10-01..2026-10-07", "--reason", "国庆")
        == 0
    )
    assert houqin("calendar", "close", "--site", "1", "2026-10-07..2026-10-01") == 2
    assert houqin("zone", "add", "--site", "1", "大门", "--person", "nobody") == 2
    out, err = capsys.readouterr()
    assert "7 day(s) closed: 2026-10-01..2026-10-07 国庆" in out
    assert "range_backwards" in err and "No staff member 'nobody'" in err

    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    with Session(engine) as session:
        site = get_site(session=session, site_id=1)
        assert site is not None
        closed = list_closed_days(
            session=session, site_id=1, start=date(2026, 9, 1), end=date(2026, 12, 31)
        )
        assert [d.day.day for d in closed] == [1, 2, 3, 4, 5, 6, 7] and closed[0].reason == "国庆"
        assert is_school_day(session=session, site=site, day=date(2026, 10, 8))
        assert not is_school_day(session=session, site=site, day=date(2026, 10, 2))
        guard = get_or_create_person(session=session, telegram_user_id=77, display_name="钱大爷")
        add_membership(session=session, person=guard, site_id=1, role=Role.GUARD)
        session.commit()
        assert houqin("zone", "add", "--site", "1", "大门", "--person", "钱大爷") == 0
        assert [(z.name, z.person_id) for z in list_zones(session=session, site_id=1)] == [
            ("大门", guard.id)
        ]
    assert "大门 — 钱大爷" in capsys.readouterr().out
    engine.dispose()
