"""Many terminals on one database file (security issue, point 8).

"A test runs 20 processes on one database doing a mix of bookings, check-ins, patient
edits and stock changes and proves that no write was lost, no slot was double-booked,
stock counts add up, and no user ever saw 'database is locked'."

Each terminal is a separate OS process ("spawn", as another moa-tui would be) calling the
services as a signed-in staff member. All start together behind a barrier and race for a
deliberately small pool of slots, appointments, patients and supply items. A refusal the
desk is meant to see (the slot is taken, the patient is already checked in, someone else
saved the patient first, not enough on hand) is an expected answer; anything else,
including "The database is busy; please try again.", fails the test.

Every terminal's plan of operations is drawn from its own seeded RNG in this process
before it starts, so the amount of contention is known up front (and the run repeatable).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue
import random
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from peewee import fn

from moa_tui.db.database import db
from moa_tui.db.models import (
    Appointment,
    AppointmentType,
    AuditEvent,
    Patient,
    Provider,
    StockMovement,
    SupplyItem,
)
from moa_tui.services import clock
from moa_tui.services.scheduling.schedule import ACTIVE, insurance_verified
from moa_tui.services.security.audit import verify_chain

from .conftest import FROZEN_NOW

TERMINALS = 20
OPS_EACH = 25
SEED = 20261118
STAFF = ("desk", "desk2", "manager")
# The contended slots: eight start times on an open afternoon just past the small demo's
# schedule (it is booked three days each side of today), inside the providers' hours.
SLOT_DAY = 5  # days from today
SLOT_TIMES = [dt.time(14 + q // 4, 15 * (q % 4)) for q in range(8)]  # 14:00 ... 15:45
LENGTHS = (None, 15, 30, 45)  # None: the appointment type's own length
EDITED_PATIENTS = 4
STOCK_ITEMS = 3
CHECKIN_POOL = 12
KINDS = ("book", "check_in", "edit_patient", "stock")
CHILD_DEADLINE = 150.0  # seconds for every terminal to report back (2 cores, 20 imports)
BUSY_WORDS = ("busy", "locked")

SPAWN = multiprocessing.get_context("spawn")


# --- one terminal (runs in a child process) ----------------------------------------------


def _run_terminal(index: int, db_path: str, plan: list[tuple], barrier, results) -> None:
    """Open the file as a fresh moa-tui would, wait for the others, then do *plan*."""
    log: dict = {
        "index": index,
        "booked": [],  # (appointment id, patient, provider, starts_at, minutes)
        "book_refused": [],
        "checked_in": [],  # (appointment id, version after)
        "checkin_refused": [],
        "updated": [],  # (patient id, version after, city written)
        "update_refused": [],
        "moved": [],  # (item id, signed quantity, on hand after, the move's reason)
        "stock_refused": [],
        # An expected refusal whose recording in the audit trail met "database is locked"
        # (the bug test_a_refusal_is_not_turned_into_database_busy shows): (op, refusal).
        "refusal_lost": [],
        "unexpected": [],  # anything else: must stay empty
        "seconds": 0.0,
        "slowest": 0.0,  # the longest single operation
    }
    try:
        from moa_tui.db.database import open_database
        from moa_tui.services import clock as child_clock
        from moa_tui.services.security.staff import find_staff, load_clinic

        child_clock.set_zone("America/New_York")
        child_clock.freeze(FROZEN_NOW)
        open_database(db_path)
        load_clinic()
        actor = find_staff(STAFF[index % len(STAFF)])
        barrier.wait(timeout=CHILD_DEADLINE)
        started = time.monotonic()
        for n, op in enumerate(plan):
            began = time.monotonic()
            try:
                _do(op, index, n, actor, log)
            except Exception as exc:  # noqa: BLE001 - reported to the test, which fails with it
                refusal = _refusal_behind_busy(exc)
                if refusal is not None and op[0] == "book":
                    log["refusal_lost"].append((op, refusal))
                    continue
                took = time.monotonic() - began
                log["unexpected"].append(f"{op!r} after {took:.2f} s:\n{traceback.format_exc()}")
            log["slowest"] = max(log["slowest"], time.monotonic() - began)
        log["seconds"] = time.monotonic() - started
    except BaseException:  # noqa: BLE001 - reported to the test, which fails with it
        log["unexpected"].append(traceback.format_exc())
    results.put(log)


def _refusal_behind_busy(exc: BaseException) -> str | None:
    """If *exc* is "The database is busy" raised while the service was recording why it
    refused the job (a slot already taken...), that refusal's message; else None."""
    from moa_tui.services.errors import Conflict, ServiceError

    if type(exc) is not ServiceError or "busy" not in str(exc):
        return None
    cause = exc.__cause__
    if cause is None or "locked" not in str(cause):
        return None
    context = cause.__context__
    while context is not None and not isinstance(context, Conflict):
        context = context.__context__
    return str(context) if context is not None else None


def _do(op: tuple, index: int, n: int, actor, log: dict) -> None:
    from moa_tui.services.errors import Conflict, ValidationError
    from moa_tui.services.patients.patients import open_patient, update_patient
    from moa_tui.services.scheduling.booking import book_appointment
    from moa_tui.services.scheduling.schedule import check_in
    from moa_tui.services.supplies.inventory import receive_stock, use_stock

    kind = op[0]
    if kind == "book":
        _, patient_id, provider_id, type_id, starts_at, minutes = op
        try:
            row = book_appointment(actor, patient_id, provider_id, type_id, starts_at, minutes)
        except Conflict as exc:
            log["book_refused"].append(str(exc))
        else:
            log["booked"].append(
                (row.id, row.patient_id, row.provider_id, row.starts_at, row.minutes)
            )
    elif kind == "check_in":
        _, appointment_id, version = op
        try:
            row = check_in(actor, appointment_id, version)
        except Conflict as exc:
            # Another terminal was first: "already checked in" (no version given) or
            # "was changed by" (the version read before it started is stale).
            text = str(exc)
            if "already checked in" not in text and "changed by" not in text:
                raise
            log["checkin_refused"].append(text)
        else:
            log["checked_in"].append((row.id, row.version, row.status))
    elif kind == "edit_patient":
        _, patient_id = op
        chart = open_patient(actor, patient_id)
        values = dict(chart.values)
        city = f"Town {index:02d}-{n:02d}"
        values["city"] = city
        try:
            saved = update_patient(actor, patient_id, chart.version, values)
        except Conflict as exc:
            log["update_refused"].append(str(exc))
        else:
            assert saved.values["city"] == city
            log["updated"].append((patient_id, saved.version, city))
    elif kind == "stock":
        _, item_id, delta = op
        service = receive_stock if delta > 0 else use_stock
        try:
            reason = f"terminal {index} op {n}"
            row = service(actor, item_id, abs(delta), reason)
        except ValidationError as exc:
            # Too few on hand, or too few usable (the rest in an expired lot).
            if delta > 0 or not any(w in str(exc) for w in ("on hand", "usable")):
                raise
            log["stock_refused"].append(str(exc))
        else:
            log["moved"].append((item_id, delta, row.on_hand, reason))
    else:  # pragma: no cover - a mistake in the plan
        raise AssertionError(f"unknown operation {op!r}")


# --- the plan -------------------------------------------------------------------------------


def _pool() -> dict:
    """The small set of things every terminal fights over, read before they start."""
    today = clock.today()
    slot_day = today + dt.timedelta(days=SLOT_DAY)
    start = dt.datetime.combine(today, dt.time.min)
    # Today's booked visits that may be checked in (insurance verified, or self-pay).
    booked_today = [
        a
        for a in Appointment.select()
        .where(
            (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
            & (Appointment.status == "booked")
        )
        .order_by(Appointment.starts_at, Appointment.id)
        if a.self_pay or insurance_verified(a)
    ][:CHECKIN_POOL]
    items = list(SupplyItem.select().order_by(SupplyItem.on_hand, SupplyItem.id))
    # The scarcest item (so "Only N on hand" happens), and two ordinary ones.
    chosen_items = [items[0], items[len(items) // 2], items[-1]][:STOCK_ITEMS]
    return {
        "providers": [p.id for p in Provider.select().order_by(Provider.id).limit(3)],
        "types": [t.id for t in AppointmentType.select().order_by(AppointmentType.id)],
        "patients": [p.id for p in Patient.select(Patient.id).order_by(Patient.id).limit(60)],
        "slots": [dt.datetime.combine(slot_day, t) for t in SLOT_TIMES],
        "checkins": [(a.id, a.version) for a in booked_today],
        "edited": [
            p.id
            for p in Patient.select(Patient.id).order_by(Patient.id.desc()).limit(EDITED_PATIENTS)
        ],
        "items": [i.id for i in chosen_items],
    }


def _plan(index: int, pool: dict) -> list[tuple]:
    rng = random.Random(SEED + index)
    plan = []
    for _ in range(OPS_EACH):
        kind = rng.choice(KINDS)
        if kind == "book":
            plan.append(
                (
                    "book",
                    rng.choice(pool["patients"]),
                    rng.choice(pool["providers"]),
                    rng.choice(pool["types"]),
                    rng.choice(pool["slots"]),
                    rng.choice(LENGTHS),
                )
            )
        elif kind == "check_in":
            appointment_id, version = rng.choice(pool["checkins"])
            plan.append(("check_in", appointment_id, rng.choice((None, version))))
        elif kind == "edit_patient":
            plan.append(("edit_patient", rng.choice(pool["edited"])))
        else:
            delta = rng.choice((1, 2, 3, 5)) * rng.choice((1, -1, -1))
            plan.append(("stock", rng.choice(pool["items"]), delta))
    return plan


def _run_all(db_path: Path, plans: list[list[tuple]]) -> list[dict]:
    results = SPAWN.Queue()
    barrier = SPAWN.Barrier(len(plans))
    procs = [
        SPAWN.Process(
            target=_run_terminal, args=(i, str(db_path), plan, barrier, results), daemon=True
        )
        for i, plan in enumerate(plans)
    ]
    for proc in procs:
        proc.start()
    logs = []
    end = time.monotonic() + CHILD_DEADLINE
    try:
        # Read before joining: a child blocks on exit until its report has been taken.
        while len(logs) < len(procs) and time.monotonic() < end:
            try:
                logs.append(results.get(timeout=1.0))
            except queue.Empty:
                if all(p.exitcode is not None for p in procs) and results.empty():
                    break
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
    assert len(logs) == len(procs), (
        f"only {len(logs)} of {len(procs)} terminals reported; exit codes "
        f"{[p.exitcode for p in procs]}"
    )
    return sorted(logs, key=lambda log: log["index"])


# --- the test -------------------------------------------------------------------------------


@pytest.mark.both_backends
def test_twenty_terminals_lose_nothing_and_never_see_a_locked_database(demo_db: Path):
    pool = _pool()
    assert len(pool["checkins"]) == CHECKIN_POOL and len(pool["edited"]) == EDITED_PATIENTS
    window = Appointment.select().where(
        Appointment.provider.in_(pool["providers"])
        & (Appointment.starts_at >= min(pool["slots"]) - dt.timedelta(hours=1))
        & (Appointment.starts_at <= max(pool["slots"]))
        & Appointment.status.in_(ACTIVE)
    )
    assert not window.exists(), "the contended afternoon should start empty"
    plans = [_plan(i, pool) for i in range(TERMINALS)]
    attempts = Counter(op[0] for plan in plans for op in plan)
    before_patients = {
        p.id: (p.version, p.city) for p in Patient.select().where(Patient.id.in_(pool["edited"]))
    }
    before_stock = {
        i.id: i.on_hand for i in SupplyItem.select().where(SupplyItem.id.in_(pool["items"]))
    }
    last_move = StockMovement.select(fn.MAX(StockMovement.id)).scalar() or 0
    before_appointments = {
        a.id: (a.status, a.version)
        for a in Appointment.select().where(Appointment.id.in_([c[0] for c in pool["checkins"]]))
    }
    db.close()  # the children have the file to themselves while they race

    logs = _run_all(demo_db, plans)
    db.connect(reuse_if_open=True)

    # Nobody saw anything but the answers the desk is meant to see.
    unexpected = [f"terminal {log['index']}: {u}" for log in logs for u in log["unexpected"]]
    assert not unexpected, "\n\n".join(unexpected)
    every_message = [
        text
        for log in logs
        for key in ("book_refused", "checkin_refused", "update_refused", "stock_refused")
        for text in log[key]
    ]
    busy = [t for t in every_message if any(w in t.lower() for w in BUSY_WORDS)]
    assert not busy, busy
    answered = sum(
        len(log[key])
        for log in logs
        for key in (
            "booked",
            "book_refused",
            "checked_in",
            "checkin_refused",
            "updated",
            "update_refused",
            "moved",
            "stock_refused",
            "refusal_lost",
        )
    )
    assert answered == TERMINALS * OPS_EACH, "an operation went unanswered"

    _check_bookings(logs, attempts)
    _check_check_ins(logs, attempts, before_appointments)
    _check_patients(logs, before_patients)
    _check_stock(logs, before_stock, last_move)
    report = verify_chain()
    assert report.ok, report.message  # 20 writers, one unbroken audit chain

    seconds = max(log["seconds"] for log in logs)
    slowest = max(log["slowest"] for log in logs)
    print(
        f"{TERMINALS} terminals x {OPS_EACH} ops in {seconds:.1f} s "
        f"(slowest operation {slowest:.2f} s): "
        f"{sum(len(log['booked']) for log in logs)} booked / "
        f"{sum(len(log['book_refused']) for log in logs)} slot taken, "
        f"{sum(len(log['checked_in']) for log in logs)} checked in / "
        f"{sum(len(log['checkin_refused']) for log in logs)} already, "
        f"{sum(len(log['updated']) for log in logs)} edits / "
        f"{sum(len(log['update_refused']) for log in logs)} stale, "
        f"{sum(len(log['moved']) for log in logs)} stock moves / "
        f"{sum(len(log['stock_refused']) for log in logs)} not enough"
    )
    lost = [f"terminal {log['index']}: {r}" for log in logs for _, r in log["refusal_lost"]]
    assert not lost, (
        f"{len(lost)} refused booking(s) reached the desk as 'The database is busy': "
        + "; ".join(lost[:3])
    )


def _check_bookings(logs: list[dict], attempts: Counter) -> None:
    booked = [b for log in logs for b in log["booked"]]
    refused = sum(len(log["book_refused"]) for log in logs)
    lost = sum(len(log["refusal_lost"]) for log in logs)
    assert len(booked) + refused + lost == attempts["book"]
    # More attempts than slots: some must have lost the race, and some won.
    assert booked and refused, (len(booked), refused)
    ids = [b[0] for b in booked]
    assert len(ids) == len(set(ids)), "two terminals were handed the same appointment"
    stored = {a.id: a for a in Appointment.select().where(Appointment.id.in_(ids))}
    for appointment_id, patient_id, provider_id, starts_at, minutes in booked:
        a = stored.get(appointment_id)
        assert a is not None, f"booked appointment {appointment_id} is not in the database"
        assert (a.patient_id, a.provider_id, a.starts_at, a.minutes, a.status) == (
            patient_id,
            provider_id,
            starts_at,
            minutes,
            "booked",
        )
    # No provider is ever in two active appointments at once, across the whole table.
    by_provider = defaultdict(list)
    for a in Appointment.select().where(Appointment.status.in_(ACTIVE)):
        if "overbook" in (getattr(a, "override_reason", "") or ""):
            continue  # booked over another on purpose, with a stated reason
        by_provider[a.provider_id].append(
            (a.starts_at, a.starts_at + dt.timedelta(minutes=a.minutes), a.id)
        )
    for provider_id, spans in by_provider.items():
        spans.sort()
        for (start, end, first), (nxt, _end, second) in zip(spans, spans[1:], strict=False):
            assert nxt >= end, (
                f"provider {provider_id} is double-booked: appointment {first} "
                f"{start:%m/%d %H:%M}-{end:%H:%M} and {second} from {nxt:%H:%M}"
            )


def _check_check_ins(logs: list[dict], attempts: Counter, before: dict) -> None:
    wins = Counter(c[0] for log in logs for c in log["checked_in"])
    refused = sum(len(log["checkin_refused"]) for log in logs)
    assert sum(wins.values()) + refused == attempts["check_in"]
    assert refused, "more check-ins than appointments, yet none was refused"
    doubled = [appointment_id for appointment_id, n in wins.items() if n > 1]
    assert not doubled, f"checked in twice, by two terminals: {doubled}"
    events = Counter(
        e.entity_id
        for e in AuditEvent.select().where(
            (AuditEvent.action == "appointment.check_in") & (AuditEvent.outcome == "ok")
        )
    )
    for appointment_id, (status, version) in before.items():
        a = Appointment.get_by_id(appointment_id)
        if appointment_id in wins:
            assert (a.status, a.version) == ("arrived", version + 1)
            assert events[appointment_id] == 1, (appointment_id, events[appointment_id])
        else:
            assert (a.status, a.version) == (status, version)
            assert events[appointment_id] == 0
    for log in logs:
        for appointment_id, version, status in log["checked_in"]:
            assert (version, status) == (before[appointment_id][1] + 1, "arrived")


def _check_patients(logs: list[dict], before: dict) -> None:
    updates = defaultdict(list)
    for log in logs:
        for patient_id, version, city in log["updated"]:
            updates[patient_id].append((version, city))
    assert set(updates) <= set(before)
    for patient_id, (version, city) in before.items():
        p = Patient.get_by_id(patient_id)
        saved = sorted(updates[patient_id])
        # Every save that was reported succeeded on top of the one before: no lost write.
        assert [v for v, _ in saved] == list(range(version + 1, version + 1 + len(saved)))
        assert p.version == version + len(saved)
        assert p.city == (saved[-1][1] if saved else city)
        opened = AuditEvent.select().where(
            (AuditEvent.action == "patient.update")
            & (AuditEvent.entity_id == patient_id)
            & (AuditEvent.outcome == "ok")
        )
        assert opened.count() == len(saved)


def _check_stock(logs: list[dict], before: dict, last_move: int) -> None:
    moves = defaultdict(list)
    for log in logs:
        for item_id, delta, after, reason in log["moved"]:
            moves[item_id].append((delta, after, reason))
    for item_id, initial in before.items():
        item = SupplyItem.get_by_id(item_id)
        assert item.on_hand == initial + sum(d for d, _, _ in moves[item_id]), item.name
        assert item.on_hand >= 0
        rows = list(
            StockMovement.select()
            .where((StockMovement.item == item_id) & (StockMovement.id > last_move))
            .order_by(StockMovement.id)
        )
        # The race's rows carry on from the count before it, each after-count the last plus
        # its own change, never below zero.
        running = initial
        for row in rows:
            running += row.quantity
            assert row.on_hand_after == running >= 0, (item.name, row.id)
        assert running == item.on_hand
        # Exactly the moves the terminals were told succeeded: a use may take from several
        # lots (first expiring first), so one move is the sum of the rows with its reason.
        by_reason = defaultdict(int)
        for row in rows:
            by_reason[row.reason] += row.quantity
        assert by_reason == {reason: d for d, _, reason in moves[item_id]}, item.name
        # What each terminal was shown is a count the item really passed through.
        assert {after for _, after, _ in moves[item_id]} <= {r.on_hand_after for r in rows}


# --- the bug the race finds ---------------------------------------------------------------


def test_a_refusal_is_not_turned_into_database_busy(demo_db: Path, monkeypatch):
    """A booking over two appointments is refused; between the refused job's rollback and
    the recording of the refusal, another terminal commits (made to happen here at that
    moment; with 20 terminals it happens by itself). The desk must still be told the slot
    is taken, and the refusal must be in the audit trail."""
    import sqlite3

    from moa_tui.services import core
    from moa_tui.services.errors import Conflict
    from moa_tui.services.scheduling.booking import book_appointment
    from moa_tui.services.security.staff import find_staff

    desk = find_staff("desk")
    tomorrow = dt.datetime.combine(clock.today() + dt.timedelta(days=1), dt.time(8))
    # Two appointments of one provider within an hour of each other, in the morning hours.
    first = [
        a
        for a in Appointment.select()
        .where(
            (Appointment.starts_at >= tomorrow)
            & (Appointment.starts_at <= tomorrow + dt.timedelta(hours=3))
            & (Appointment.status == "booked")
        )
        .order_by(Appointment.provider, Appointment.starts_at)
        if Appointment.select()
        .where(
            (Appointment.provider == a.provider)
            & (Appointment.starts_at > a.starts_at)
            & (Appointment.starts_at < a.starts_at + dt.timedelta(minutes=60))
            & (Appointment.status == "booked")
        )
        .exists()
    ][0]

    real = core.write_transaction
    calls = []

    def another_terminal_commits_first():
        calls.append(1)
        if len(calls) == 2:  # the transaction that records the refusal
            other = sqlite3.connect(demo_db, isolation_level=None, timeout=10)
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE supply_item SET version = version + 1 WHERE id = 1")
            other.execute("COMMIT")
            other.close()
        return real()

    monkeypatch.setattr(core, "write_transaction", another_terminal_commits_first)
    mark = AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1).scalar() or 0
    with pytest.raises(Conflict):
        book_appointment(
            desk, first.patient_id, first.provider_id, first.appt_type_id, first.starts_at, 60
        )
    refused = AuditEvent.select().where(
        (AuditEvent.id > mark)
        & (AuditEvent.action == "book_appointment")
        & (AuditEvent.outcome == "refused")
    )
    assert refused.count() == 1
