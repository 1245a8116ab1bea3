"""One benchmark command for a clinic at a network's size (issue 10): prints ONE table, each
figure beside its floor measured in the same run. It measures; it does not pass or fail.

    .venv/bin/moa-tui generate --patients 250000 --years 10 /tmp/clinic-250k.db
    .venv/bin/python benchmarks/run.py --db /tmp/clinic-250k.db          # ~5-10 min
    .venv/bin/python benchmarks/run.py --db /tmp/small.db --quick        # a smoke run

Rows (the floor in brackets):
- cold start to sign-in / to the painted schedule: the installed moa-tui in a real 80x24
  pseudo-terminal, from exec until the sign-in screen / today's rows are on the terminal
  (the password typed the moment sign-in shows; its argon2 check, timed alone, is shown
  beside it), with moa-tui's bytecode compiled as an installed copy has it [a bare
  Textual app painting one Static];
- patient search, service p95 over 31 realistic terms [the best raw SQL for each term];
- patient search, keystroke to painted results p95, through Pilot [a bare app whose Input
  fills a DataTable on each keystroke];
- area switch F2-F6 revisit p95, with each area's median [a bare app switching five modes];
- open a chart, Enter to painted p95 [a bare app pushing a screen of text];
- claims filter and sort keys, worst (every status, sort, age, payer) [the best raw SQL
  for that filter's first page];
- claims worklists (no response, denials by reason/payer/age, follow-ups: pages, totals,
  groups), worst [the same statements run raw on an open connection];
- bytes written per cursor move in the schedule, mean (first screenful / scrolling), real
  pty [a bare DataTable of 1,000 rows];
- peak RSS after visiting every area F2-F8 [the bare app];
- the busiest day: appointments on file vs rows the schedule holds.

The figures are on the file given, with the clock as it is (the generator makes its
"today" the busiest day). benchmarks/bench_lists.py, bench_schedule.py and bench_audit.py
measure something else (how the services scale from 100 to 100,000 rows on files they
build, and the cost of an audit event); they are kept.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure_pilot  # noqa: E402
import measure_pty  # noqa: E402
import measure_sql  # noqa: E402

from moa_tui.db.database import is_url, open_database  # noqa: E402
from moa_tui.services.security.staff import find_staff, load_clinic  # noqa: E402

TARGETS = {
    "signin": "<= 1.5x",
    "schedule": "<= 1.5x",
    "search_service": "<= 2x floor",
    "keystroke": "<= 30 ms",
    "areas": "<= 50 ms",
    "chart": "<= 50 ms",
    "claims": "<= 100 ms",
    "worklists": "<= 100 ms",
    "bytes": "<= 2 KB",
    "rss": "<= 150 MiB",
    "busiest": "every row",
}


def ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def _median(values):
    return statistics.median(values)


def spread(values: list[float]) -> str:
    """p95 with the median beside it (one slow frame on a shared machine moves a p95)."""
    return f"{ms(measure_sql.p95(values))} (p50 {statistics.median(values):.0f})"


def measure(db: Path, quick: bool, say) -> list[tuple[str, str, str, str]]:
    runs = 2 if quick else 5
    starts = 1 if quick else 9
    rows: list[tuple[str, str, str, str]] = []

    say("cold start (pty)")
    measure_pty.installed_bytecode()
    check = measure_pty.password_check()
    # Taken in turns, so a slower moment of the machine weighs on both alike.
    floors, app = [], []
    for _ in range(starts):
        floors.append(measure_pty.cold_start_floor())
        app.append(measure_pty.cold_start_app(db))
    floor = _median(floors)
    signin, schedule = _median([a[0] for a in app]), _median([a[1] for a in app])
    rows.append(
        (
            "cold start to sign-in",
            f"{signin:.2f} s = {signin / floor:.2f}x",
            f"bare app {floor:.2f} s",
            TARGETS["signin"],
        )
    )
    rows.append(
        (
            "cold start to the painted schedule",
            f"{schedule:.2f} s = {schedule / floor:.2f}x (password check {check:.2f} s)",
            f"bare app {floor:.2f} s",
            TARGETS["schedule"],
        )
    )

    say("patient search service")
    open_database(db)
    load_clinic()
    actor = find_staff("admin")
    # Each term 20 times: a p95 of sub-millisecond calls moves with one busy moment.
    service, raw = measure_sql.patient_search(db, actor, 4 * runs)
    rows.append(
        (
            "patient search, service p95 (31 terms)",
            f"{service:.2f} ms = {service / raw:.2f}x",
            f"raw SQL {raw:.2f} ms",
            TARGETS["search_service"],
        )
    )
    say("claims worklists")
    took, label, raw = measure_sql.worklists(db, actor, runs)
    rows.append(
        (
            "claims worklists (page, total, groups), worst",
            f"{ms(took)} ({label})",
            f"its SQL raw {ms(raw)}",
            TARGETS["worklists"],
        )
    )
    measure_sql.connection_closed()

    say("the app through Pilot")
    session = asyncio.run(measure_pilot.app_session(db, runs))
    bare = asyncio.run(measure_pilot.floor_session(runs))
    _med, key95 = measure_pilot.summary(session["keystroke"])
    rows.append(
        (
            "patient search, keystroke to painted, p95",
            spread(session["keystroke"]),
            f"bare app {spread(bare['keystroke'])}",
            TARGETS["keystroke"],
        )
    )
    every = [t for times in session["areas"].values() for t in times]
    each = ", ".join(f"{k.upper()} {statistics.median(v):.0f}" for k, v in session["areas"].items())
    rows.append(
        (
            "area switch F2-F6 revisit, p95",
            f"{ms(measure_sql.p95(every))} (p50 {each})",
            f"bare app {spread(bare['areas'])}",
            TARGETS["areas"],
        )
    )
    rows.append(
        (
            "open a chart, Enter to painted, p95",
            spread(session["chart"]),
            f"bare app {spread(bare['chart'])}",
            TARGETS["chart"],
        )
    )
    worst, label = max(session["claims"])
    status, payer, sort = _claims_filter(label)
    claims_raw = measure_sql.claims_floor(db, status, payer, sort, runs)
    rows.append(
        (
            "claims filter or sort key, worst",
            f"{ms(worst)} ({label.strip()})",
            f"raw SQL page {claims_raw:.2f} ms",
            TARGETS["claims"],
        )
    )

    say("bytes per cursor move (pty)")
    moves = 20 if quick else 40
    inside, scrolling = measure_pty.bytes_app(db, moves)
    f_inside, f_scrolling = measure_pty.bytes_floor(moves)
    rows.append(
        (
            "bytes per cursor move in the schedule, mean",
            f"{inside / 1024:.1f} KB ({scrolling / 1024:.1f} KB scrolling)",
            f"bare table {f_inside / 1024:.1f} KB ({f_scrolling / 1024:.1f} KB)",
            TARGETS["bytes"],
        )
    )

    say("peak RSS (pty)")
    rss, rss_floor = measure_pty.peak_rss_app(db), measure_pty.peak_rss_floor()
    rows.append(
        (
            "peak RSS after visiting every area",
            f"{rss:.0f} MiB",
            f"bare app {rss_floor:.0f} MiB",
            TARGETS["rss"],
        )
    )

    say("the busiest day")
    day, on_file, held, made = asyncio.run(measure_pilot.busiest_day(db))
    rows.append(
        (
            "busiest day: the schedule shows every appointment",
            f"{held:,} of {on_file:,} held, table {made:,} ({day})",
            f"{on_file:,} on file",
            TARGETS["busiest"],
        )
    )
    return rows


def _claims_filter(label: str) -> tuple[str | None, int | None, str]:
    """The filter a claims label names ("s: paid   age")."""
    _key, _sep, rest = label.partition(": ")
    parts = rest.split(" ")
    status = parts[0] or None
    payer = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    sort = parts[-1] if parts and parts[-1] in ("age", "amount") else "age"
    return status, payer, sort


def print_table(rows, db: Path, seconds: float) -> None:
    headers = ("figure", "measured", "floor (same run)", "target")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "+".join("-" * (w + 2) for w in widths)
    print(f"moa-tui benchmark on {db} ({seconds:.0f} s)")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print(f"|{line}|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        required=True,
        help="a clinic made by `moa-tui generate`, or a postgresql:// URL it was moved to "
        "with `moa-tui migrate-to-postgresql`",
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    db = args.db if is_url(args.db) else Path(args.db).expanduser()
    if isinstance(db, Path) and not db.exists():
        print(
            f"run.py: there is no clinic at {db}; make one with `moa-tui generate`.",
            file=sys.stderr,
        )
        return 2
    say = (
        (lambda _t: None)
        if args.quiet
        else (lambda t: print(f"  {t}...", file=sys.stderr, flush=True))
    )
    start = time.perf_counter()
    rows = measure(db, args.quick, say)
    print_table(rows, db, time.perf_counter() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
