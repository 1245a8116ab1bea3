"""`moa-tui generate FILE`: a large, invented clinic network in a new file, for benchmarks
and query-plan tests (services/demo/large.py)."""

from __future__ import annotations

import sys


def register(commands) -> None:
    generate = commands.add_parser(
        "generate",
        help="build a large invented clinic network in a NEW file (benchmarks)",
        description="Build a deterministic clinic network with invented data in FILE: one "
        "provider per 5,000 patients, one appointment per patient per year, claims for "
        "about 40%% of the visits, the supply stock, and a sealed audit trail. Every staff "
        "account's password is public (it is printed). FILE must not exist yet.",
    )
    generate.add_argument("file", metavar="FILE", help="the new database file")
    generate.add_argument("--patients", type=int, default=250_000, help="default 250000")
    generate.add_argument("--years", type=int, default=10, help="of appointments (default 10)")
    generate.add_argument("--seed", type=int, default=2026, help="same seed, same clinic")
    generate.add_argument("--quiet", action="store_true", help="no progress lines")
    generate.set_defaults(run=run_generate)


def run_generate(args) -> int:
    # Imported here: the app's start-up imports every command module.
    from ..services.demo.large import generate_clinic

    def progress(text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)

    report = generate_clinic(
        args.file,
        patients=args.patients,
        years=args.years,
        seed=args.seed,
        progress=None if args.quiet else progress,
    )
    print(
        f"Generated {report.path} in {report.seconds:.0f} s: {report.patients:,} patients, "
        f"{report.providers} providers, {report.appointments:,} appointments (busiest day "
        f"{report.busiest_day}: {report.busiest_count:,}), {report.claims:,} claims, "
        f"{report.audit_events:,} audit events, {report.supply_items:,} supply items. "
        f"Every account's password is {report.password} (e.g. --user desk)."
    )
    return 0
