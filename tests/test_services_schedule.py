"""The day's schedule, check-in and patient flow, against the small demo clinic.

The clock is frozen at Wednesday 18 November 2026, 10:30 in the clinic (see conftest), so
"today" holds a mix of booked, arrived, roomed, with-provider, checked-out, no-show and
cancelled appointments.
"""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.db.models import Appointment, AuditEvent, Provider
from moa_tui.services import clock
from moa_tui.services.errors import Conflict, ServiceError
from moa_tui.services.frontdesk.flow_board import flow_board
from moa_tui.services.scheduling.schedule import FLOW, IN_OFFICE, advance, check_in, day_schedule
from moa_tui.services.security.staff import find_staff

TODAY = dt.date(2026, 11, 18)


def _day_query(day: dt.date):
    start = dt.datetime.combine(day, dt.time.min)
    return Appointment.select().where(
        (Appointment.starts_at >= start) & (Appointment.starts_at < start + dt.timedelta(days=1))
    )


def _first(day: dt.date, status: str) -> Appointment:
    appt = (
        _day_query(day)
        .where(Appointment.status == status)
        .order_by(Appointment.starts_at, Appointment.id)
        .first()
    )
    assert appt is not None, f"the demo clinic has no {status} appointment on {day}"
    return appt


def _snapshot(appt_id: int) -> dict:
    return Appointment.select().where(Appointment.id == appt_id).dicts().get()


def _audit_count() -> int:
    return AuditEvent.select().where(AuditEvent.outcome == "ok").count()


def test_frozen_clock_is_the_demo_day(desk):
    assert clock.today() == TODAY


# --- day_schedule --------------------------------------------------------------------


def test_day_schedule_is_the_whole_day_by_provider_then_time(desk):
    rows = day_schedule(desk, TODAY)
    names = {p.id: p.full_name for p in Provider.select()}

    assert len(rows) == _day_query(TODAY).count() > 0
    assert all(r.starts_at.date() == TODAY for r in rows)
    keys = [(names[r.provider_id], r.starts_at) for r in rows]
    assert keys == sorted(keys)
    # Every provider is present and each provider's block is contiguous.
    order = [names[r.provider_id] for r in rows]
    blocks = [n for i, n in enumerate(order) if i == 0 or order[i - 1] != n]
    assert len(blocks) == len(set(blocks)) == len(names)


def test_day_schedule_has_every_status_of_the_day(desk):
    statuses = {r.status for r in day_schedule(desk, TODAY)}
    assert {"booked", "arrived", "checked_out", "cancelled", "no_show"} <= statuses


def test_day_schedule_provider_filter(desk):
    everyone = day_schedule(desk, TODAY)
    seen = []
    for provider in Provider.select():
        rows = day_schedule(desk, TODAY, provider_id=provider.id)
        assert rows, f"{provider.full_name} has nothing today"
        assert {r.provider_id for r in rows} == {provider.id}
        assert {r.provider for r in rows} == {provider.short_name}
        times = [r.starts_at for r in rows]
        assert times == sorted(times)
        seen.extend(r.id for r in rows)
    assert sorted(seen) == sorted(r.id for r in everyone)


def test_day_schedule_other_day_holds_only_that_day(desk):
    tomorrow = TODAY + dt.timedelta(days=1)
    rows = day_schedule(desk, tomorrow)
    assert len(rows) == _day_query(tomorrow).count() > 0
    assert {r.starts_at.date() for r in rows} == {tomorrow}
    assert not {r.id for r in rows} & {r.id for r in day_schedule(desk, TODAY)}


def test_day_schedule_empty_day(desk):
    assert day_schedule(desk, TODAY + dt.timedelta(days=30)) == []


# --- check_in ------------------------------------------------------------------------


def test_check_in_marks_arrived_and_audits(desk):
    appt = _first(TODAY, "booked")
    before = _audit_count()

    row = check_in(desk, appt.id, appt.version)

    assert row.id == appt.id
    assert row.status == "arrived"
    assert row.version == appt.version + 1
    assert row.arrived_at == clock.now_utc() == dt.datetime(2026, 11, 18, 15, 30)
    stored = Appointment.get_by_id(appt.id)
    assert stored.status == "arrived"
    assert stored.arrived_at == dt.datetime(2026, 11, 18, 15, 30)
    assert stored.version == appt.version + 1
    assert stored.updated_by_id == desk.id

    assert _audit_count() == before + 1
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "appointment.check_in"
    assert event.patient_id == appt.patient_id
    assert event.entity == "appointment"
    assert event.entity_id == appt.id
    assert event.staff_id == desk.id
    assert event.at == clock.now_utc()


def test_check_in_refuses_another_days_appointment(desk):
    appt = _first(TODAY + dt.timedelta(days=1), "booked")
    before, audits = _snapshot(appt.id), _audit_count()

    with pytest.raises(ServiceError, match="today") as err:
        check_in(desk, appt.id, appt.version)

    assert "11/19/2026" in str(err.value)
    assert _snapshot(appt.id) == before
    assert _audit_count() == audits


def test_check_in_refuses_already_arrived_naming_who(desk):
    desk2 = find_staff("desk2")
    appt = _first(TODAY, "booked")
    check_in(desk2, appt.id, appt.version)
    fresh = Appointment.get_by_id(appt.id)
    before, audits = _snapshot(appt.id), _audit_count()

    # This terminal has the refreshed row and still presses check-in.
    with pytest.raises(Conflict) as err:
        check_in(desk, appt.id, fresh.version)
    message = str(err.value)
    assert "already checked in" in message
    assert "R. Frontley" in message
    assert "10:30" in message

    # This terminal still shows the old row.
    with pytest.raises(Conflict, match="R. Frontley"):
        check_in(desk, appt.id, appt.version)

    assert _snapshot(appt.id) == before
    assert _audit_count() == audits


def test_check_in_refuses_stale_version(desk):
    desk2 = find_staff("desk2")
    appt = _first(TODAY, "booked")
    # Another terminal edited the appointment (say, its note) since this one read it.
    Appointment.update(note="Needs interpreter", version=appt.version + 1, updated_by=desk2).where(
        Appointment.id == appt.id
    ).execute()
    before, audits = _snapshot(appt.id), _audit_count()

    with pytest.raises(Conflict, match="R. Frontley"):
        check_in(desk, appt.id, appt.version)

    assert _snapshot(appt.id) == before
    assert before["status"] == "booked"
    assert _audit_count() == audits
    # With the current version it goes through.
    assert check_in(desk, appt.id, appt.version + 1).status == "arrived"


@pytest.mark.parametrize("status", ["cancelled", "no_show"])
def test_check_in_refuses_cancelled_and_no_show(desk, status):
    appt = _first(TODAY, status)
    before, audits = _snapshot(appt.id), _audit_count()

    with pytest.raises(ServiceError, match="cannot be checked in") as err:
        check_in(desk, appt.id, appt.version)

    assert not isinstance(err.value, Conflict)
    assert _snapshot(appt.id) == before
    assert before["arrived_at"] is None
    assert _audit_count() == audits


def test_check_in_unknown_appointment(desk):
    with pytest.raises(ServiceError, match="no longer exists"):
        check_in(desk, 10_000_000, 1)


# --- advance -------------------------------------------------------------------------


def test_advance_walks_the_flow_setting_each_time(desk):
    appt = _first(TODAY, "booked")
    row = check_in(desk, appt.id, appt.version)
    times = {"arrived": clock.now_utc()}
    audits = _audit_count()

    steps = (
        (5, "intake_done"),
        (10, "roomed"),
        (25, "with_provider"),
        (45, "ready_checkout"),
        (50, "checked_out"),
    )
    for minutes, expected in steps:
        clock.freeze(dt.datetime(2026, 11, 18, 10, 30) + dt.timedelta(minutes=minutes))
        room = _free_room(desk) if expected == "roomed" else ""
        row = advance(desk, appt.id, row.version, room)
        assert row.status == expected
        assert row.status_at == clock.now_utc()
        times[expected] = clock.now_utc()

        stored = Appointment.get_by_id(appt.id)
        assert stored.status == expected
        for status, when in times.items():
            assert getattr(stored, f"{status}_at") == when, status
        event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
        assert event.action == f"appointment.{expected}"
        assert event.patient_id == appt.patient_id
        assert event.entity_id == appt.id

    assert list(times) == list(FLOW)
    assert len(set(times.values())) == 6  # each step got its own instant
    assert _audit_count() == audits + 5
    assert row.version == appt.version + 6


def _free_room(desk) -> str:
    from moa_tui.services.frontdesk.flow_board import rooms

    return next(name for name, who in rooms(desk) if not who)


def test_rooming_needs_a_free_room(desk):
    from moa_tui.services.errors import ValidationError

    appt = _first(TODAY, "booked")
    row = advance(desk, appt.id, check_in(desk, appt.id, appt.version).version)
    with pytest.raises(ValidationError, match="Which exam room"):
        advance(desk, appt.id, row.version)
    taken = _free_room(desk)
    other = next(a for a in _day_query(TODAY) if a.status == "booked" and a.id != appt.id)
    Appointment.update(status="roomed", room=taken).where(Appointment.id == other.id).execute()
    with pytest.raises(ValidationError, match="in use"):
        advance(desk, appt.id, row.version, taken)
    with pytest.raises(ValidationError, match="no room"):
        advance(desk, appt.id, row.version, "Broom closet")
    assert advance(desk, appt.id, row.version, _free_room(desk)).status == "roomed"


def test_advance_refuses_after_checked_out(desk):
    appt = _first(TODAY, "checked_out")
    before, audits = _snapshot(appt.id), _audit_count()

    with pytest.raises(ServiceError, match="no next step"):
        advance(desk, appt.id, appt.version)

    assert _snapshot(appt.id) == before
    assert _audit_count() == audits


@pytest.mark.parametrize("status", ["booked", "cancelled", "no_show"])
def test_advance_refuses_patients_not_in_the_office(desk, status):
    appt = _first(TODAY, status)
    before = _snapshot(appt.id)
    with pytest.raises(ServiceError, match="no next step"):
        advance(desk, appt.id, appt.version)
    assert _snapshot(appt.id) == before


def test_advance_refuses_stale_version(desk):
    desk2 = find_staff("desk2")
    appt = _first(TODAY, "arrived")
    advance(desk2, appt.id, appt.version)
    before, audits = _snapshot(appt.id), _audit_count()

    with pytest.raises(Conflict, match="R. Frontley"):
        advance(desk, appt.id, appt.version)

    assert _snapshot(appt.id) == before
    assert before["status"] == "intake_done"  # moved once, not twice
    assert _audit_count() == audits


def checkin_queue(desk):
    """The board's rows, as the queue tests read them."""
    return [b.row for b in flow_board(desk)]


# --- the flow board (today's checked-in patients) -----------------------------------


def test_checkin_queue_holds_only_todays_checked_in_patients(desk):
    rows = checkin_queue(desk)
    expected = {a.id for a in _day_query(TODAY).where(Appointment.status.in_(FLOW))}
    excluded = {
        a.id for a in _day_query(TODAY).where(Appointment.status.in_(("no_show", "cancelled")))
    }

    assert excluded, "the demo day should have no-shows or cancellations"
    assert [r.id for r in rows] and len(rows) == len({r.id for r in rows})
    assert {r.id for r in rows} == expected
    assert not {r.id for r in rows} & excluded
    assert all(r.starts_at.date() == TODAY for r in rows)
    assert {r.status for r in rows} <= set(FLOW)


def test_checkin_queue_order(desk):
    rows = checkin_queue(desk)
    statuses = [r.status for r in rows]
    in_office = [r for r in rows if r.status in IN_OFFICE]
    done = [r for r in rows if r.status == "checked_out"]

    assert in_office and done
    # Everyone still in the office comes before everyone who has left.
    assert rows == in_office + done, statuses
    # Longest in their current status first.
    waits = [r.status_at for r in in_office]
    assert None not in waits
    assert waits == sorted(waits)
    # Then the checked-out, most recent first.
    left = [r.status_at for r in done]
    assert left == sorted(left, reverse=True)


def test_checkin_queue_follows_check_in_and_advance(desk):
    appt = _first(TODAY, "booked")
    assert appt.id not in {r.id for r in checkin_queue(desk)}

    row = check_in(desk, appt.id, appt.version)
    queue = checkin_queue(desk)
    in_office = [r for r in queue if r.status in IN_OFFICE]
    # Just arrived: the shortest wait, so the last of those in the office.
    assert in_office[-1].id == appt.id

    clock.freeze("2026-11-18T10:45:00")
    for _step in range(5):
        room = _free_room(desk) if row.status == "intake_done" else ""
        row = advance(desk, appt.id, row.version, room)
    queue = checkin_queue(desk)
    done = [r for r in queue if r.status == "checked_out"]
    # Just left: the most recent departure, so the first of the checked-out.
    assert done[0].id == appt.id
    assert appt.id not in {r.id for r in queue if r.status in IN_OFFICE}


def test_checkin_queue_excludes_other_days(desk):
    yesterday = {a.id for a in _day_query(TODAY - dt.timedelta(days=1))}
    assert yesterday
    assert not yesterday & {r.id for r in checkin_queue(desk)}
