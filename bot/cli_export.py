"""`houqin export`: a ledger (台账) as an XLSX file, from the shell."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.i18n import translator
from storage.db import make_engine, session_scope
from storage.ledgers import LEDGERS, LedgerError, check_period
from storage.sites import get_site


def add_export_command(commands: Any) -> None:
    export = commands.add_parser(
        "export", help="write a ledger (台账) as XLSX", description=__doc__
    )
    export.add_argument("--site", type=int, required=True, help="site id")
    export.add_argument("--kind", choices=sorted(LEDGERS), required=True, help="which ledger")
    export.add_argument("--from", dest="start", required=True, help="first day, e.g. 2026-09-01")
    export.add_argument("--to", dest="end", required=True, help="last day, e.g. 2026-11-30")
    export.add_argument("--out", required=True, help="the .xlsx file to write")
    export.add_argument("--language", choices=["zh", "en"], default=None)
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: the spreadsheet library is needed by this command only.
    from bot.views.export import build_ledger_file, error_text, parse_date

    start, end = parse_date(args.start, date.today()), parse_date(args.end, date.today())
    if start is None or end is None:
        print("Dates are written like 2026-09-01.", file=sys.stderr)
        return 2
    _ = translator("en")
    try:
        check_period(start, end)
    except LedgerError as error:
        print(error_text(_, error), file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        site = get_site(session=session, site_id=args.site)
        if site is None:
            print(f"No site with id {args.site}.", file=sys.stderr)
            return 2
        language = args.language or site.language
    content, _name, count = build_ledger_file(engine, args.site, args.kind, start, end, language)
    Path(args.out).write_bytes(content)
    print(f"Wrote {count} records to {args.out}.")
    return 0
