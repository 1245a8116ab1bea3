"""How the list services behave as a clinic's tables grow.

Builds throw-away SQLite clinics (in a temporary directory, through the same
``open_database`` the app uses: WAL, synchronous=full, migrations) with 100, 10,000 and
100,000 claims, as many patients and as many supply items, plus one day of 20 providers x
40 appointments (and as many appointments again spread over the rest of the year). Then it
times the service calls the screens make, each called the way a screen's worker thread calls
it (a fresh connection per call), and prints the median of several runs in milliseconds:

    claims_page, first page         the claims worklist as it opens (100 rows, oldest first)
    claims_page, page 51 (keyset)   after paging down 50 pages; cost should not grow
    claims_page, by amount          the worklist sorted by amount, first page
    claim_totals                    count/charges/balance line under the worklist
    stock_page, first page          the stock list as it opens (100 items by name)
    search_patients("smi jo")       patient lookup by last/first name prefixes
    day_schedule (20 x 40)          one busy day of the schedule, all providers

Run it from the project directory (no terminal needed; about a minute on 2 cores):

    .venv/bin/python benchmarks/bench_lists.py

Speed is measured here and never asserted in the test suite.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bulk import bulk  # benchmarks/bulk.py, beside this script

from moa_tui.db.database import db, open_database
from moa_tui.db.models import (
    Appointment,
    AppointmentType,
    Claim,
    Patient,
    Payer,
    Provider,
    StaffMember,
    SupplyItem,
)
from moa_tui.services import clock
from moa_tui.services.billing.claim_totals import claim_totals
from moa_tui.services.billing.claims import ClaimFilter, claims_page
from moa_tui.services.patients.patients import search_patients
from moa_tui.services.scheduling.schedule import day_schedule
from moa_tui.services.security.staff import create_first_admin, find_staff, load_clinic
from moa_tui.services.supplies.inventory import stock_page

SIZES = (100, 10_000, 100_000)
NOW = "2026-11-18T10:30:00"  # the clinic clock is frozen, so every run sees the same data
PROVIDERS = 20
APPTS_PER_PROVIDER = 40
MIN_RUNS, MAX_RUNS, BUDGET_S = 5, 25, 1.5  # per operation and size

FIRST = (
    "John Joan Jonah Jose Joy June Jordan Mary Maria Michael Linda James Robert Patricia "
    "Jennifer David Susan Karen Nancy Lisa Daniel Paul Mark Sandra Ashley Kevin Emily"
).split()
LAST = (
    "Smith Smithers Smithwick Smiley Johnson Jones Brown Williams Garcia Miller Davis "
    "Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson "
    "Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker"
).split()
SUPPLY_WORDS = (
    "gloves gauze syringe needle bandage swab mask gown tape splint lancet strip cup tube "
    "drape sheet wipe pad cover speculum"
).split()
CLAIM_STATUSES = ("draft", "ready", "submitted", "accepted", "denied", "paid", "void")
APPT_STATUSES = ("booked", "arrived", "roomed", "with_provider", "checked_out", "no_show")


def build_clinic(path: Path, n: int, seed: int = 2026) -> None:
    """A migrated clinic file with *n* claims, *n* patients and *n* supply items."""
    rng = random.Random(seed)
    open_database(path)
    load_clinic()
    clock.freeze(NOW)
    staff = create_first_admin(
        {"username": "bench", "full_name": "Bench Mark", "password": "quiet lake 2026"}
    )
    today = clock.today()
    with db.connection_context(), db.atomic():
        bulk(
            Provider,
            [Provider.full_name, Provider.short_name],
            [(f"Dr. Provider {i:02d}", f"Dr P{i:02d}") for i in range(PROVIDERS)],
        )
        bulk(Payer, [Payer.name, Payer.payer_code], [(f"Payer {i}", f"P{i}") for i in range(8)])
        AppointmentType.insert(name="Follow-up", default_minutes=15).execute()
        provider_ids = [p.id for p in Provider.select(Provider.id)]
        payer_ids = [p.id for p in Payer.select(Payer.id)]
        type_id = AppointmentType.select(AppointmentType.id).scalar()

        patients = []
        for i in range(n):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            patients.append(
                (
                    str(100001 + i),
                    last,
                    first,
                    last.casefold(),
                    first.casefold(),
                    today - dt.timedelta(days=rng.randint(365, 365 * 90)),
                    rng.choice("FM"),
                    f"555{rng.randint(0, 9_999_999):07d}",
                )
            )
        bulk(
            Patient,
            [
                Patient.mrn,
                Patient.last_name,
                Patient.first_name,
                Patient.last_key,
                Patient.first_key,
                Patient.dob,
                Patient.sex,
                Patient.phone_mobile,
            ],
            patients,
        )
        first_patient = Patient.select(Patient.id).order_by(Patient.id).scalar()
        patient_ids = range(first_patient, first_patient + n)

        claims = []
        for _ in range(n):
            total = rng.randint(20, 900) * 100
            status = rng.choice(CLAIM_STATUSES)
            claims.append(
                (
                    rng.choice(patient_ids),
                    rng.choice(payer_ids),
                    rng.choice(provider_ids),
                    today - dt.timedelta(days=rng.randint(1, 365)),
                    status,
                    total,
                    total if status == "paid" else 0,
                )
            )
        bulk(
            Claim,
            [
                Claim.patient,
                Claim.payer,
                Claim.provider,
                Claim.service_date,
                Claim.status,
                Claim.total_cents,
                Claim.paid_cents,
            ],
            claims,
        )

        items = []
        for i in range(n):
            name = " ".join(rng.sample(SUPPLY_WORDS, 3)).capitalize() + f" {i}"
            reorder = rng.choice((2, 5, 10, 20))
            items.append((f"SKU-{i:06d}", name, rng.randint(0, reorder * 5), reorder, reorder * 3))
        bulk(
            SupplyItem,
            [
                SupplyItem.sku,
                SupplyItem.name,
                SupplyItem.on_hand,
                SupplyItem.reorder_point,
                SupplyItem.reorder_qty,
            ],
            items,
        )

        # The benchmark day: 20 providers x 40 back-to-back 15-minute visits ...
        appts = []
        for prov in provider_ids:
            start = dt.datetime.combine(today, dt.time(8, 0))
            for k in range(APPTS_PER_PROVIDER):
                appts.append(
                    (
                        rng.choice(patient_ids),
                        prov,
                        type_id,
                        start + dt.timedelta(minutes=15 * k),
                        15,
                        rng.choice(APPT_STATUSES),
                        staff.id,
                    )
                )
        # ... and the rest of the year's appointments around it.
        for _ in range(n):
            day = today + dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(1, 180))
            appts.append(
                (
                    rng.choice(patient_ids),
                    rng.choice(provider_ids),
                    type_id,
                    dt.datetime.combine(
                        day, dt.time(8 + rng.randint(0, 9), 15 * rng.randint(0, 3))
                    ),
                    15,
                    "booked",
                    staff.id,
                )
            )
        bulk(
            Appointment,
            [
                Appointment.patient,
                Appointment.provider,
                Appointment.appt_type,
                Appointment.starts_at,
                Appointment.minutes,
                Appointment.status,
                Appointment.updated_by,
            ],
            appts,
        )
    with db.connection_context():
        db.execute_sql("ANALYZE")
    db.close()


def median_ms(call: Callable[[], object]) -> float:
    """Median wall time of *call* in ms over MIN_RUNS..MAX_RUNS runs (after one warm-up)."""
    call()
    times: list[float] = []
    spent = time.perf_counter()
    while len(times) < MAX_RUNS and (
        len(times) < MIN_RUNS or time.perf_counter() - spent < BUDGET_S
    ):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def keyset_after(actor: StaffMember, f: ClaimFilter, pages: int) -> tuple | None:
    """The ``after`` key at the end of page *pages*, reached by paging like the screen."""
    after = None
    for _ in range(pages):
        page = claims_page(actor, f, after=after)
        if page.next_after is None:
            return None
        after = page.next_after
    return after


def measure(path: Path) -> dict[str, float | None]:
    open_database(path, migrate=False)
    load_clinic()
    clock.freeze(NOW)
    actor = find_staff("bench")
    today = clock.today()
    everything = ClaimFilter()
    deep = keyset_after(actor, everything, 50)
    results: dict[str, float | None] = {
        "claims_page, first page": median_ms(lambda: claims_page(actor, everything)),
        "claims_page, page 51 (keyset)": (
            median_ms(lambda: claims_page(actor, everything, after=deep)) if deep else None
        ),
        "claims_page, by amount": median_ms(lambda: claims_page(actor, ClaimFilter(sort="amount"))),
        "claim_totals": median_ms(lambda: claim_totals(actor, everything)),
        "stock_page, first page": median_ms(lambda: stock_page(actor)),
        'search_patients("smi jo")': median_ms(lambda: search_patients(actor, "smi jo")),
        f"day_schedule ({PROVIDERS} x {APPTS_PER_PROVIDER})": median_ms(
            lambda: day_schedule(actor, today)
        ),
    }
    # Guard against timing a query that quietly returns nothing.
    assert len(day_schedule(actor, today)) == PROVIDERS * APPTS_PER_PROVIDER
    assert len(claims_page(actor, everything).rows) == min(100, claim_count(path))
    db.close()
    return results


def claim_count(path: Path) -> int:
    with db.connection_context():
        return Claim.select().count()


def label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)


def print_table(table: dict[int, dict[str, float | None]]) -> None:
    ops = list(next(iter(table.values())))
    width = max(len(op) for op in ops) + 2
    header = "operation (median ms)".ljust(width) + "".join(
        f"{label(n) + ' rows':>12}" for n in table
    )
    print(header)
    print("-" * len(header))
    for op in ops:
        cells = []
        for n in table:
            value = table[n][op]
            cells.append(f"{'n/a':>12}" if value is None else f"{value:>12.2f}")
        print(op.ljust(width) + "".join(cells))


def main() -> int:
    began = time.perf_counter()
    table: dict[int, dict[str, float | None]] = {}
    with tempfile.TemporaryDirectory(prefix="moa-bench-") as tmp:
        for n in SIZES:
            path = Path(tmp) / f"clinic-{n}.db"
            t0 = time.perf_counter()
            build_clinic(path, n)
            built = time.perf_counter() - t0
            t0 = time.perf_counter()
            table[n] = measure(path)
            print(
                f"# {label(n)}: built in {built:.1f} s, measured in "
                f"{time.perf_counter() - t0:.1f} s",
                file=sys.stderr,
            )
    clock.freeze(None)
    print(
        f"moa-tui list services, SQLite {db_version()}, Python {sys.version.split()[0]}; "
        "n/a = fewer than 51 pages"
    )
    print_table(table)
    print(f"(total {time.perf_counter() - began:.0f} s)")
    return 0


def db_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    sys.exit(main())
