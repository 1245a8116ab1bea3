"""The demo clinic's appointments, walked along the flow board so that the day agrees with
the clock: the morning seen, the afternoon in progress, the evening to come."""

from __future__ import annotations

import datetime as dt
import random

from ...db.models import Appointment
from .. import clock
from ..scheduling.schedule import FLOW, STATUS_TIME
from .data import HOURS, LATE_MINUTES


def build_schedule(rng, today, now_local, size, providers, types, patient_ids, desk):
    appts = []
    for offset in range(-size.days_each_side, size.days_each_side + 1):
        day = today + dt.timedelta(days=offset)
        if offset == 10:
            continue  # the clinic is closed that day
        for index, prov in enumerate(providers):
            if index == 1 and 15 <= offset < 20:
                continue  # on vacation
            for starts, ends in HOURS:
                t = dt.datetime.combine(day, dt.time.fromisoformat(starts))
                close = dt.datetime.combine(day, dt.time.fromisoformat(ends))
                while t < close:
                    kind = rng.choices(types, weights=(40, 25, 12, 15, 8))[0]
                    end = t + dt.timedelta(minutes=kind.default_minutes)
                    if rng.random() < 0.25 or end > close:  # an open slot
                        t += dt.timedelta(minutes=15)
                        continue
                    appts.append(_appointment(rng, t, kind, prov, patient_ids, now_local, desk))
                    t = end
    _fill_board(appts, now_local)
    for batch in range(0, len(appts), 500):
        Appointment.insert_many(appts[batch : batch + 500]).execute()


def _appointment(rng, start, kind, prov, patient_ids, now_local, desk) -> dict:
    row = {
        "patient": rng.choice(patient_ids),
        "provider": prov.id,
        "appt_type": kind.id,
        "starts_at": start,
        "minutes": kind.default_minutes,
        "status": "booked",
        "booked_at": clock.local_to_utc(start - dt.timedelta(days=rng.randint(1, 40))),
        "updated_by": desk.id,
        # Every row names every status time: a bulk insert takes its columns from the first.
        **dict.fromkeys(STATUS_TIME.values()),
    }
    minutes_ago = (now_local - start).total_seconds() / 60
    roll = rng.random()
    # Decisions the first demo did not make come from a die of the visit's own, so the shared
    # stream (and every demo and test built on it) stays as it was.
    own = random.Random(f"{start.isoformat()}|{prov.id}")
    if minutes_ago < -10:
        return row  # still to come
    if start.date() == now_local.date() and roll > 0.8:
        if minutes_ago <= LATE_MINUTES:
            return row  # today's and not here yet: running late
        # Long past its time: a desk would have marked it by now (seen, or a no-show).
        if own.random() < 0.3:
            row.update(
                status="no_show", no_show_at=clock.local_to_utc(start + dt.timedelta(minutes=20))
            )
            return row
        return _walk(own, row, start, now_local)
    if roll < 0.06:
        row.update(
            status="no_show", no_show_at=clock.local_to_utc(start + dt.timedelta(minutes=20))
        )
        return row
    if roll < 0.12 and minutes_ago > 0:
        row.update(
            status="cancelled", cancelled_at=clock.local_to_utc(start - dt.timedelta(hours=20))
        )
        return row
    if -10 < minutes_ago < 5:
        # Due about now: in the waiting room.
        arrived = min(start, now_local) - dt.timedelta(minutes=rng.randint(0, 5))
        row.update(status="arrived", arrived_at=clock.local_to_utc(arrived))
        return row
    return _walk(rng, row, start, now_local, own)


def _walk(rng, row, start, now_local, own=None) -> dict:
    """Walk the visit along the flow as far as the clock allows. The four steps are drawn
    from *rng* as the first demo drew them; intake done (between arriving and the room) and
    ready to go (between the provider and check-out) are placed with the visit's own die."""
    own = own or rng
    when = start - dt.timedelta(minutes=rng.randint(0, 15))
    times = {}
    for status, (low, high) in (
        ("arrived", (0, 0)),
        ("roomed", (3, 25)),
        ("with_provider", (2, 15)),
        ("checked_out", (8, 30)),
    ):
        when += dt.timedelta(minutes=rng.randint(low, high))
        times[status] = when
        if when > now_local:
            break
    for step, (before, after) in (
        ("intake_done", ("arrived", "roomed")),
        ("ready_checkout", ("with_provider", "checked_out")),
    ):
        if before in times and after in times:
            times[step] = times[before] + (times[after] - times[before]) * own.uniform(0.3, 0.7)
    for status in FLOW:
        if status in times and times[status] <= now_local:
            row["status"] = status
            row[f"{status}_at"] = clock.local_to_utc(times[status].replace(microsecond=0))
    return row


def _fill_board(appts: list[dict], now_local: dt.datetime) -> None:
    """Make sure today's flow board shows every step once the day is under way: with a few
    providers the dice can leave a step empty, and the demo is how a new user learns them.
    A missing step is given to the visit whose time fits it best (arrived: due now; checked
    out: an hour ago), taken from a step that has others in it, its times redrawn up to now."""
    if now_local.time() < dt.time(9):
        return  # too early in the day for anyone to have finished
    today = [
        a
        for a in appts
        if a["starts_at"].date() == now_local.date()
        and a["status"] in ("booked", *FLOW)
        and now_local - dt.timedelta(minutes=90) <= a["starts_at"] <= now_local
    ]
    for index, status in enumerate(FLOW):
        held = [a["status"] for a in appts if a["starts_at"].date() == now_local.date()]
        if status in held:
            continue
        ideal = now_local - dt.timedelta(minutes=12 * index)
        spare = [a for a in today if a["status"] == "booked" or held.count(a["status"]) > 1]
        if not spare:
            continue
        row = min(spare, key=lambda a: (abs(a["starts_at"] - ideal), a["provider"]))
        _place(row, index, now_local)


def _place(row: dict, index: int, now_local: dt.datetime) -> None:
    """Set *row* at step FLOW[index], its steps spread evenly from its arrival to now."""
    for status in FLOW:
        row[f"{status}_at"] = None
    arrived = min(row["starts_at"], now_local) - dt.timedelta(minutes=5)
    gap = (now_local - dt.timedelta(minutes=1) - arrived) / max(index, 1)
    for n, status in enumerate(FLOW[: index + 1]):
        row[f"{status}_at"] = clock.local_to_utc((arrived + gap * n).replace(microsecond=0))
    row["status"] = FLOW[index]


# --- a demo reopened later: the day catches up with the clock --------------------------

STEPS = (
    ("arrived", (0, 0)),
    ("roomed", (3, 25)),
    ("with_provider", (2, 15)),
    ("checked_out", (8, 30)),
)
BETWEEN = {"intake_done": ("arrived", "roomed"), "ready_checkout": ("with_provider", "checked_out")}
_ROW_FIELDS = ("id", "starts_at", "status", "version", *STATUS_TIME.values(), "no_show_at")


def catch_up_demo_day() -> int:
    """Bring a demo clinic built earlier up to the clock, as if the desk had worked the
    hours in between: the clinic moves to where it is mid-day now (as a build does, never
    back to an earlier date), visits past their time are walked on along the flow board
    (the late ones seen or marked no-show), and today's board holds every step. Only a
    file marked as a demo (is_demo) is touched. Returns how many visits changed."""
    from ...db.database import db, write_transaction
    from ...db.models import AppointmentStatusChange, ClinicSettings, StaffMember
    from .build import demo_zone
    from .data import MIDDAY

    with db.connection_context(), write_transaction():
        settings = ClinicSettings.select().first()
        if settings is None or not settings.is_demo:
            return 0
        clock.set_zone(settings.time_zone)
        if not MIDDAY[0] <= clock.now_local().time() < MIDDAY[1]:
            was = clock.today()
            zone = demo_zone(clock.now_local().datetime)
            if clock.now_local().to(zone).date() >= was:
                settings.time_zone = zone
                settings.save()
                clock.set_zone(zone)
        now_local = clock.now_local().naive
        rows = _rows(
            (Appointment.starts_at <= now_local + dt.timedelta(minutes=10))
            & Appointment.status.in_(("booked", *FLOW[:-1]))
        )
        before = {a["id"]: dict(a) for a in rows}
        for a in rows:
            _catch_up(a, now_local)
        start = dt.datetime.combine(now_local.date(), dt.time.min)
        # _fill_board looks at the whole day: the visits caught up and the others.
        caught = {a["id"]: a for a in rows}
        day = [
            caught.get(a["id"], a)
            for a in _rows(
                (Appointment.starts_at >= start)
                & (Appointment.starts_at < start + dt.timedelta(days=1))
            )
        ]
        for a in day:
            before.setdefault(a["id"], dict(a))
        _fill_board(day, now_local)
        desk = StaffMember.get(StaffMember.username == "desk")
        nurse = StaffMember.get(StaffMember.username == "nurse")
        changed = [a for a in {a["id"]: a for a in rows + day}.values() if a != before[a["id"]]]
        for a in changed:
            fields = {f: a[f] for f in (*STATUS_TIME.values(), "no_show_at", "status")}
            Appointment.update(**fields, version=a["version"] + 1).where(
                Appointment.id == a["id"]
            ).execute()
            # The steps as the desk and the nurse would have recorded them (undo works).
            AppointmentStatusChange.delete().where(
                AppointmentStatusChange.appointment == a["id"]
            ).execute()
            previous = "booked"
            for status in FLOW[: FLOW.index(a["status"]) + 1] if a["status"] in FLOW else ():
                AppointmentStatusChange.create(
                    appointment=a["id"],
                    from_status=previous,
                    to_status=status,
                    at=a[STATUS_TIME[status]],
                    staff=desk if status in ("arrived", "checked_out") else nurse,
                )
                previous = status
        return len(changed)


def _rows(where) -> list[dict]:
    """The visits as the build's dicts (what _walk and _fill_board work on)."""
    fields = [getattr(Appointment, f) for f in _ROW_FIELDS]
    return [
        {f: getattr(a, f) for f in _ROW_FIELDS} | {"provider": a.provider_id}
        for a in Appointment.select(*fields, Appointment.provider).where(where)
    ]


def _die(row: dict, what: str) -> random.Random:
    """The visit's own die for one decision: the same whenever it is asked, so a day caught
    up at 14:00 and again at 15:00 is the day caught up once at 15:00."""
    return random.Random(f"{row['starts_at'].isoformat()}|{row['id']}|{what}")


def _catch_up(row: dict, now_local: dt.datetime) -> None:
    """Walk one visit on to *now_local*, deciding with the visit's own die."""
    start = row["starts_at"]
    minutes_ago = (now_local - start).total_seconds() / 60
    if row["status"] == "booked":
        if minutes_ago <= -10:
            return
        late = _die(row, "late")
        if minutes_ago >= 5 and late.random() < 0.2:
            if minutes_ago <= LATE_MINUTES:
                return  # running late
            if late.random() < 0.3:
                no_show = clock.local_to_utc(start + dt.timedelta(minutes=20))
                row.update(status="no_show", no_show_at=no_show)
                return
        arrived = min(start, now_local) - dt.timedelta(minutes=_die(row, "arrived").randint(0, 10))
        row.update(status="arrived", arrived_at=clock.local_to_utc(arrived))
    _carry_on(row, now_local)


def _carry_on(row: dict, now_local: dt.datetime) -> None:
    """The next steps of a visit in the flow, from its last recorded one, up to now."""
    times = {s: clock.utc_to_local(row[STATUS_TIME[s]]) for s in FLOW if row[STATUS_TIME[s]]}
    when = None
    for status, (low, high) in STEPS:
        if status in times:
            when = times[status]
            continue
        if when is None:
            return  # a visit in the flow has arrived; nothing to walk from otherwise
        # From the last step recorded (intake done may come after the arrival's gap).
        gap = dt.timedelta(minutes=_die(row, status).randint(low, high))
        when = max(when, *times.values()) + gap
        times[status] = when
        if when > now_local:
            break
    for step, (first, then) in BETWEEN.items():
        if step not in times and first in times and then in times:
            share = _die(row, step).uniform(0.3, 0.7)
            times[step] = times[first] + (times[then] - times[first]) * share
    for status in FLOW:
        if status in times and times[status] <= now_local and row[STATUS_TIME[status]] is None:
            row[STATUS_TIME[status]] = clock.local_to_utc(times[status].replace(microsecond=0))
            if FLOW.index(status) > FLOW.index(row["status"]):
                row["status"] = status
