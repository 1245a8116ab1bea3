"""A large clinic network, generated: the data the benchmarks and the query-plan tests run on.

`generate_clinic(path, patients=250_000, years=10)` builds, in a NEW file and in minutes, a
deterministic clinic of a network with the project's own schema (open_database runs the
migrations): one provider per 5,000 patients (50), one appointment per patient per year
over *years* years (2.5 million; the last three months still to come, weekdays busy, busy
days of 1,000+ appointments, and today the busiest of all), a claim for about 40 % of the
visits (1 million, every status and payer), the supply stock with its movements, and an
audit trail of about as many events as claims, numbered 1..N and sealed with the clinic's
audit key, so `moa-tui audit verify` passes.

Every staff account's password is GENERATED_PASSWORD and the clinic is marked as a demo:
the data is invented and the password is public. The same seed, sizes and *today* give the
same file. It never writes into an existing file. No ANALYZE is run: the app must plan
its queries well without statistics, as a real clinic's file has none.

The big tables' indexes are dropped while they fill and made again at the end (one sort
each): measured at 250,000 patients on 2 shared cores, 119 s of CPU (140 s wall) instead
of 142 s (194 s wall) with the indexes kept; at 50,000 patients, 24 s instead of 27 s.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...db.audit_key import key_path
from ...db.audit_trail import current
from ...db.database import db, open_database
from ...db.models import Appointment
from .. import clock
from ..errors import ServiceError
from ..security.security import hash_password
from .large_bulk import Table, drop_indexes, fast_pragmas, recreate_indexes, safe_pragmas
from .large_office import Office
from .large_people import ZONE, Setup, patients_and_coverage, practice

GENERATED_PASSWORD = "bench-password-2026"
FUTURE_DAYS = 90
# 15-minute slots: 08:00-12:00 and 13:00-17:00 on weekdays, 09:00-12:00 on Saturdays.
WEEKDAY_SLOTS = [dt.time(8 + q // 4, q % 4 * 15) for q in range(16)] + [
    dt.time(13 + q // 4, q % 4 * 15) for q in range(16)
]
SATURDAY_SLOTS = [dt.time(9 + q // 4, q % 4 * 15) for q in range(12)]
BIG_TABLES = (
    "patient",
    "coverage",
    "appointment",
    "claim",
    "claim_line",
    "claim_status_change",
    "audit_event",
    "stock_movement",
    "waitlist_entry",
)


class ClinicFileExists(ServiceError):
    """generate was given a file that is already there."""


@dataclass(frozen=True)
class LargeReport:
    path: Path
    patients: int
    providers: int
    appointments: int
    claims: int
    audit_events: int
    supply_items: int
    stock_movements: int
    busiest_day: dt.date
    busiest_count: int
    today: dt.date
    seconds: float
    password: str = GENERATED_PASSWORD


def generate_clinic(
    path: str | os.PathLike,
    *,
    patients: int = 250_000,
    years: int = 10,
    seed: int = 2026,
    today: dt.date | None = None,
    drop_big_indexes: bool = True,
    progress: Callable[[str], None] | None = None,
) -> LargeReport:
    """Build the clinic in the new file *path* (refused if anything is there); a failed
    build removes what it made. Returns the counts and the time taken."""
    path = Path(path).expanduser()
    if not 10 <= patients <= 5_000_000:
        raise ServiceError("Give between 10 and 5,000,000 patients.")
    if not 1 <= years <= 30:
        raise ServiceError("Give between 1 and 30 years.")
    companions = [Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal")]
    if path.exists() or any(p.exists() for p in companions):
        raise ClinicFileExists(
            f"{path} already exists; generate only writes a new file, so it was left as it "
            "is. Give the name of a file that is not there yet."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    audit_key = key_path(path)
    key_was_there = audit_key.exists()
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # ours from here on
    os.close(fd)
    try:
        return _generate(path, patients, years, seed, today, drop_big_indexes, progress)
    except BaseException:
        if not db.is_closed():
            db.close()
        for made in [path, *companions] + ([] if key_was_there else [audit_key]):
            made.unlink(missing_ok=True)
        raise


def _generate(path, patients, years, seed, today, drop_big_indexes, progress) -> LargeReport:
    say = progress or (lambda _text: None)
    started = time.perf_counter()
    open_database(path)
    key = current().key
    if key is None:
        raise ServiceError(current().refusal or "There is no audit key for the new clinic.")
    clock.set_zone(ZONE)
    today = today or clock.today()
    rng = random.Random(seed)
    Table.instant = dt.datetime.combine(today, dt.time(6))  # what "now" is in defaults
    password_hash = hash_password(GENERATED_PASSWORD)  # once, before the writing starts
    db.connect()
    try:
        fast_pragmas()
        with db.atomic():
            dropped = drop_indexes(BIG_TABLES) if drop_big_indexes else []
            setup = practice(rng, patients, password_hash, key.fingerprint)
            say(f"{len(setup.providers)} providers, {len(setup.staff)} staff")
            primary = patients_and_coverage(rng, patients, today, setup)
            say(f"{patients:,} patients")
            office = Office(rng, today, key, setup.staff, ZONE)
            counts = _schedule(rng, patients, years, today, setup, primary, office, say)
            office.stock(max(60, min(5_000, patients // 100)))
            office.finish()
            say(f"{office.events:,} audit events, {office.claims:,} claims")
            say("indexes")
            recreate_indexes(dropped)
    finally:
        try:
            safe_pragmas()
        finally:
            db.close()
    busiest = max(counts, key=lambda d: (counts[d], d))
    return LargeReport(
        path=path,
        patients=patients,
        providers=len(setup.providers),
        appointments=sum(counts.values()),
        claims=office.claims,
        audit_events=office.events,
        supply_items=office.items,
        stock_movements=office.movements,
        busiest_day=busiest,
        busiest_count=counts[busiest],
        today=today,
        seconds=time.perf_counter() - started,
    )


def _day_weights(start: dt.date, days: int) -> list[float]:
    """How busy each day is: weekdays (Monday most), Saturday mornings, Sundays closed;
    winter busier than summer; the network growing over the years."""
    by_weekday = (1.15, 1.0, 1.0, 0.98, 0.9, 0.12, 0.0)
    weights = []
    for n in range(days):
        day = start + dt.timedelta(days=n)
        season = 1 + 0.12 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365)
        growth = 0.85 + 0.25 * n / days
        weights.append(by_weekday[day.weekday()] * season * growth)
    return weights


def _schedule(rng, patients, years, today, setup: Setup, primary, office, say):
    """The appointments, day by day, with each visit's claim and the day's audit events."""
    days = years * 365
    start = today - dt.timedelta(days=days - FUTURE_DAYS - 1)
    weights = _day_weights(start, days)
    total_w = sum(weights)
    target = patients * years
    table = Table(
        Appointment,
        [
            "id",
            "patient_id",
            "provider_id",
            "appt_type_id",
            "starts_at",
            "minutes",
            "status",
            "booked_at",
            "arrived_at",
            "roomed_at",
            "with_provider_at",
            "checked_out_at",
            "no_show_at",
            "cancelled_at",
            "cancel_reason",
            "updated_by_id",
            "confirmation",
        ],
    )
    short = [t for t in setup.types if t[1] <= 15]
    long_ = [t for t in setup.types if t[1] > 15] or short
    counts: dict[dt.date, int] = {}
    # of the visits seen (84 %), insured (90 %) and past: claims ~40 % of appointments
    claim_share = min(1.0, 0.4 / (0.84 * 0.9 * (days - FUTURE_DAYS) / days))
    next_id = 1
    planned = [round(target * w / total_w) for w in weights]
    today_index = (today - start).days
    planned[today_index] = max(planned) + 1  # today is the busiest day of all
    for n, day in enumerate(start + dt.timedelta(days=i) for i in range(days)):
        if day.weekday() == 6 and day != today:
            continue
        if day.weekday() == 5 and day != today:
            grid, who = SATURDAY_SLOTS, setup.saturday
        else:
            grid, who = WEEKDAY_SLOTS, setup.providers
        capacity = len(grid) * len(who)
        k = min(planned[n], int(capacity * 0.95))
        if k <= 0:
            continue
        offset = clock.local_to_utc(dt.datetime.combine(day, dt.time(12))) - dt.datetime.combine(
            day, dt.time(12)
        )
        chosen = sorted(rng.sample(range(capacity), k))
        taken = set(chosen)
        seen = []
        for cell in chosen:
            prov, slot = who[cell // len(grid)], cell % len(grid)
            long_ok = (cell + 1) not in taken and slot % 16 != 15 and slot != len(grid) - 1
            kind, minutes = (
                rng.choice(long_) if long_ok and rng.random() < 0.3 else rng.choice(short)
            )
            starts = dt.datetime.combine(day, grid[slot])
            patient = rng.randint(1, patients)
            status, times, reason = _status(rng, day, today, starts, minutes, offset)
            booked = (
                starts + offset - dt.timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
            )
            table.add(
                (
                    next_id,
                    patient,
                    prov,
                    kind,
                    starts.strftime("%Y-%m-%d %H:%M:%S"),
                    minutes,
                    status,
                    booked.strftime("%Y-%m-%d %H:%M:%S"),
                    *times,
                    reason,
                    setup.desk,
                    "confirmed" if status != "cancelled" and rng.random() < 0.5 else "",
                )
            )
            if status == "checked_out":
                seen.append((next_id, patient, prov))
                if primary[patient] and day < today and rng.random() < claim_share:
                    office.claim(next_id, patient, primary[patient], prov, day)
            next_id += 1
        counts[day] = k
        if day <= today:
            office.day_events(day, offset, seen, patients, k)
        if n % 365 == 0:
            say(f"schedule: {day:%Y-%m-%d}, {next_id - 1:,} appointments")
    table.flush()
    return counts


def _status(rng, day, today, starts, minutes, offset):
    """Status, the six status instants (UTC strings or None) and the cancel reason."""

    def at(delta_minutes):
        return (starts + offset + dt.timedelta(minutes=delta_minutes)).strftime("%Y-%m-%d %H:%M:%S")

    if day > today or (day == today and starts.hour >= 12):
        if rng.random() < 0.05:
            return "cancelled", (None, None, None, None, None, at(-60 * 24)), "patient"
        return "booked", (None,) * 6, ""
    if day == today and starts.hour == 11:
        step = rng.choice(("arrived", "roomed", "with_provider", "with_provider"))
        times = [
            at(-10),
            at(2) if step != "arrived" else None,
            at(8) if step == "with_provider" else None,
        ]
        return step, (*times, None, None, None), ""
    roll = rng.random()
    if roll < 0.84:
        return "checked_out", (at(-10), at(3), at(9), at(minutes + 12), None, None), ""
    if roll < 0.90:
        return "no_show", (None, None, None, None, at(30), None), ""
    return (
        "cancelled",
        (None, None, None, None, None, at(-60 * 24)),
        rng.choice(("patient", "patient", "clinic", "late")),
    )
