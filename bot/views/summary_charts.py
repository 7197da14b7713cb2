"""The summary's charts from the database: built in a worker thread with its own session."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.i18n import translator
from bot.views.charts import Series, bar_chart, line_chart
from storage.sites import get_site
from storage.summary import WeekSummary, disinfection_history
from storage.summary_sections import attendance_by_day, open_tickets_by_day


def summary_chart(engine: Engine, site_id: int, day: date, language: str) -> bytes:
    """14 days of disinfection completion, attendance and open tickets."""
    _ = translator(language)
    with Session(engine) as session:
        site = get_site(session=session, site_id=site_id)
        assert site is not None
        points = disinfection_history(session=session, site=site, end=day)
        days = [p.day for p in points]
        attendance = attendance_by_day(session=session, site=site, days=days)
        tickets = open_tickets_by_day(session=session, site=site, days=days)
        title = _("{site} · the last 14 days").format(site=site.name)
    series = [
        Series(_("Disinfection done"), [p.disinfection_rate for p in points]),
        Series(_("Attendance"), attendance),
        Series(_("Open tickets"), [float(n) for n in tickets], percent=False),
    ]
    return line_chart(title, days, series)


def week_chart(week: WeekSummary, language: str) -> bytes | None:
    """The classes compared over the week; None for a site without classes."""
    if not week.classes:
        return None
    _ = translator(language)
    title = _("{site} · disinfection by class, {start}–{end}").format(
        site=week.site.name,
        start=f"{week.start.month}/{week.start.day}",
        end=f"{week.end.month}/{week.end.day}",
    )
    return bar_chart(title, [name for name, _rate in week.classes], [r for _n, r in week.classes])
