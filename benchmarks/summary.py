"""The daily summary and the ledgers over three years of history.

500 kindergartens of six classes (two daily areas each), every school day of three years
disinfected (≈4.7 million records), loaded with one bulk insert (COPY on PostgreSQL). Then:
- `summary.one_site`: one site's figures and text (median of 200 builds; the chart is drawn
  in a worker thread and reported apart as `summary.chart`);
- `summary.all_sites_500`: every site's summary, one after another;
- `export.disinfection_year`: a year of one site's disinfection ledger as XLSX bytes;
beside `bare.indexed_count`, one indexed COUNT of a site's day: the least any figure costs.

Run: .venv/bin/python -m benchmarks.summary
"""

from __future__ import annotations

import io
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from benchmarks.common import backends, fresh_database, percentile, report
from bot.i18n import translator
from bot.views.charts import Series, line_chart
from bot.views.export import build_ledger_file
from bot.views.summary import summary_text
from storage.disinfection import DisinfectionRecord
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.sites import add_classes, create_site, list_class_areas, list_sites
from storage.summary import build_summary, disinfection_history

SITES, CLASSES = 500, 6
END = date(2026, 11, 26)
START = END - timedelta(days=3 * 365)
METHODS = ("cabinet", "chlorine", "ventilation", "uv_lamp")


def school_days() -> list[date]:
    days = (START + timedelta(days=n) for n in range((END - START).days + 1))
    return [d for d in days if d.weekday() < 5]


def seed(engine: Engine) -> int:
    """Sites, classes, one operator each, and every school day's records; the row count."""
    plan: list[tuple[int, int, int | None, int]] = []  # site, area, class, operator
    with Session(engine, expire_on_commit=False) as session:
        for s in range(SITES):
            site = create_site(session=session, name=f"第{s}幼儿园")
            add_classes(session=session, site=site, names=[f"{c}班" for c in range(CLASSES)])
            assert site.id is not None
            person = get_or_create_person(
                session=session, telegram_user_id=20_000_000 + s, display_name=f"保育员{s}"
            )
            add_membership(
                session=session, person=person, site_id=site.id, role=Role.CAREGIVER_LEAD
            )
            for area in list_class_areas(session=session, site_id=site.id):
                plan.append((site.id, area.id or 0, area.class_id, person.id or 0))
        session.commit()
    columns = (
        "site_id",
        "area_id",
        "class_id",
        "day",
        "round",
        "method",
        "concentration_mg_l",
        "started_at",
        "ended_at",
        "operator_id",
        "confirmed_by_id",
        "late",
        "created_at",
    )
    days = school_days()

    def rows():  # type: ignore[no-untyped-def]
        for n, (site_id, area_id, class_id, operator) in enumerate(plan):
            for i, day in enumerate(days):
                moment = datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)
                method = METHODS[(n + i) % 4]
                yield (
                    site_id,
                    area_id,
                    class_id,
                    day,
                    1,
                    method,
                    500 if method == "chlorine" else None,
                    moment,
                    moment + timedelta(minutes=60 if method == "uv_lamp" else 0),
                    operator,
                    operator,
                    (n + i) % 50 == 0,
                    moment,
                )

    count = 0
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(  # type: ignore[attr-defined]
                f"COPY disinfection_record ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in rows():
                    copy.write_row(row)
                    count += 1
            raw.commit()
        finally:
            raw.close()
    else:
        # The DB-API's executemany with SQLAlchemy's own text forms of dates and times.
        placeholders = ", ".join("?" * len(columns))
        sql = f"INSERT INTO disinfection_record ({', '.join(columns)}) VALUES ({placeholders})"

        def text_row(row):  # type: ignore[no-untyped-def]
            return tuple(
                v.strftime("%Y-%m-%d %H:%M:%S.%f")
                if isinstance(v, datetime)
                else v.isoformat()
                if isinstance(v, date)
                else v
                for v in row
            )

        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            batch = []
            for row in rows():
                batch.append(text_row(row))
                if len(batch) == 100_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
            raw.commit()
        finally:
            raw.close()
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "sqlite":  # fold the bulk load's WAL into the file
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return count


def run(backend: str) -> None:
    with fresh_database(backend) as engine:
        started = time.perf_counter()
        count = seed(engine)
        print(f"# {backend}: {count} records seeded in {time.perf_counter() - started:.0f} s")
        _ = translator("zh")
        now = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)  # 17:30 in Shanghai
        with Session(engine, expire_on_commit=False) as session:
            sites = list_sites(session=session)
            site = sites[len(sites) // 2]
            bare, one = [], []
            for _round in range(200):
                t0 = time.perf_counter()
                session.execute(
                    select(func.count()).where(
                        col(DisinfectionRecord.site_id) == site.id,
                        col(DisinfectionRecord.day) == END,
                    )
                ).scalar_one()
                t1 = time.perf_counter()
                summary_text(_, "zh", build_summary(session=session, site=site, day=END, now=now))
                t2 = time.perf_counter()
                bare.append((t1 - t0) * 1000)
                one.append((t2 - t1) * 1000)
            report("bare.indexed_count", statistics.median(bare), "ms", backend)
            report("summary.one_site", statistics.median(one), "ms", backend)
            report("summary.one_site.p99", percentile(one, 0.99), "ms", backend)
            t0 = time.perf_counter()
            points = disinfection_history(session=session, site=site, end=END)
            chart = line_chart(
                "第一幼儿园 · 近 14 天",
                [p.day for p in points],
                [Series("消毒完成率", [p.disinfection_rate for p in points])],
            )
            report("summary.chart", (time.perf_counter() - t0) * 1000, "ms", backend)
            assert chart.startswith(b"\x89PNG")
            t0 = time.perf_counter()
            for each in sites:
                summary_text(_, "zh", build_summary(session=session, site=each, day=END, now=now))
            report("summary.all_sites_500", time.perf_counter() - t0, "s", backend)
        t0 = time.perf_counter()
        content, _name, rows = build_ledger_file(
            engine, site.id or 0, "disinfection", END - timedelta(days=364), END, "zh"
        )
        report("export.disinfection_year", time.perf_counter() - t0, "s", backend)
        print(
            f"# {backend}: the year's ledger has {rows} rows, {len(io.BytesIO(content).getvalue()) // 1024} KiB"
        )


def main() -> None:
    for backend in backends():
        run(backend)


if __name__ == "__main__":
    main()
