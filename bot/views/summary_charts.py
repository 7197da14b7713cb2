"""The summary's charts from the database: built in a worker thread with its own session."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.i18n import translator
from bot.views.charts import Series, bar_chart, line_chart
from storage.sites import get_site
from storage.summary import WeekSummary, disinfection_history


def summary_chart(engine: Engine, site_id: int, day: date, language: str) -> bytes:
    """14 days of disinfection completion (and, as flows land, attendance and open tickets)."""
    _ = translator(language)
    with Session(engine) as session:
        site = get_site(session=session, site_id=site_id)
        assert site is not None
        points = disinfection_history(session=session, site=site, end=day)
        title = _("{site} · the last 14 days").format(site=site.name)
    series = [Series(_("Disinfection done"), [p.disinfection_rate for p in points])]
    return line_chart(title, [p.day for p in points], series)


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
