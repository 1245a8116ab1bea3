"""Scheduling rules, called as services: hours, closed days, conflicts, overbooking,
reschedule, cancel, no-show, undo, recurring, waitlist, confirmation calls."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

from moa_tui.db.models import (
    Appointment,
    AppointmentType,
    AuditEvent,
    BlockedTime,
    Patient,
    Provider,
    WaitlistEntry,
)
from moa_tui.services import clock
from moa_tui.services.errors import ServiceError, ValidationError
from moa_tui.services.scheduling.availability import add_block, parse_hours, save_type, set_hours
from moa_tui.services.scheduling.booking import (
    SlotFilter,
    SlotTaken,
    appointment_history,
    book_appointment,
    cancel_appointment,
    find_open_slots,
    mark_no_show,
    reschedule,
    undo_status,
)
from moa_tui.services.scheduling.recurring import cancel_rest_of_series, create_series, occurrences
from moa_tui.services.scheduling.schedule import check_in, day_schedule
from moa_tui.services.scheduling.waitlist import (
    add_to_waitlist,
    book_from_waitlist,
    confirmation_list,
    record_call,
    waitlist_for_appointment,
)
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

from .conftest import FROZEN_NOW

TOMORROW = dt.date(2026, 11, 19)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm))


def follow_up() -> AppointmentType:
    return AppointmentType.get(AppointmentType.name == "Follow-up")


def first_provider() -> Provider:
    return Provider.select().order_by(Provider.full_name).first()


def free_slot(desk, provider=None, day=TOMORROW):
    slots = find_open_slots(
        desk,
        follow_up().id,
        SlotFilter(provider_id=provider.id if provider else None, earliest=day),
        1,
    )
    return slots[0]


def patient(n: int = 0) -> Patient:
    return Patient.select().order_by(Patient.id).offset(n).first()


def book(desk, slot, who=None, **kw):
    return book_appointment(
        desk, (who or patient()).id, slot.provider_id, follow_up().id, slot.starts_at, **kw
    )


# --- open slots -------------------------------------------------------------------------


def test_open_slots_are_free_inside_hours_and_in_time_order(desk):
    slots = find_open_slots(desk, follow_up().id, SlotFilter(), 10)
    assert len(slots) == 10
    assert [s.starts_at for s in slots] == sorted(s.starts_at for s in slots)
    now = clock.now_local().naive
    for s in slots:
        assert s.starts_at >= now
        assert dt.time(8) <= s.starts_at.time() and s.ends_at.time() <= dt.time(17)
        assert not (dt.time(12) <= s.starts_at.time() < dt.time(13))
        clash = Appointment.select().where(
            (Appointment.provider == s.provider_id)
            & Appointment.status.in_(
                ["booked", "arrived", "roomed", "with_provider", "checked_out"]
            )
            & (Appointment.starts_at < s.ends_at)
            & (Appointment.starts_at >= s.starts_at - dt.timedelta(minutes=60))
        )
        assert all(a.starts_at + dt.timedelta(minutes=a.minutes) <= s.starts_at for a in clash)


def test_open_slot_filters(desk):
    prov = first_provider()
    pm = find_open_slots(desk, follow_up().id, SlotFilter(provider_id=prov.id, part_of_day="pm"), 5)
    assert pm and all(s.provider_id == prov.id and s.starts_at.hour >= 13 for s in pm)
    mondays = find_open_slots(desk, follow_up().id, SlotFilter(weekdays="0"), 5)
    assert mondays and all(s.starts_at.weekday() == 0 for s in mondays)
    later = find_open_slots(desk, follow_up().id, SlotFilter(earliest=dt.date(2026, 12, 20)), 3)
    assert all(s.starts_at.date() >= dt.date(2026, 12, 20) for s in later)


def test_no_slots_on_a_closed_day_or_during_a_vacation(desk):
    closed = BlockedTime.get(BlockedTime.provider.is_null())
    slots = find_open_slots(desk, follow_up().id, SlotFilter(earliest=closed.starts_at.date()), 40)
    assert all(s.starts_at.date() != closed.starts_at.date() for s in slots)
    away = BlockedTime.get(BlockedTime.provider.is_null(False))
    theirs = find_open_slots(
        desk,
        follow_up().id,
        SlotFilter(provider_id=away.provider_id, earliest=away.starts_at.date()),
        3,
    )
    assert theirs and all(s.starts_at >= away.ends_at for s in theirs)


# --- booking rules ------------------------------------------------------------------------


def test_booking_the_first_open_slot(desk):
    slot = free_slot(desk)
    row = book(desk, slot)
    assert (row.starts_at, row.provider_id, row.status) == (
        slot.starts_at,
        slot.provider_id,
        "booked",
    )
    assert AuditEvent.select().where(AuditEvent.action == "appointment.book").count() == 1


def test_double_booking_is_refused_with_who_and_alternatives(desk):
    slot = free_slot(desk)
    book(desk, slot)
    before = Appointment.select().count()
    with pytest.raises(SlotTaken) as taken:
        book(desk, slot, who=patient(1))
    assert "already booked" in str(taken.value) and "M. Deskworth" in str(taken.value)
    assert taken.value.alternatives and slot.starts_at not in [
        s.starts_at for s in taken.value.alternatives if s.provider_id == slot.provider_id
    ]
    assert Appointment.select().count() == before


def test_overlap_with_a_longer_visit_is_refused(desk):
    physical = AppointmentType.get(AppointmentType.name == "Physical")  # 30 minutes
    slot = find_open_slots(desk, physical.id, SlotFilter(earliest=TOMORROW), 1)[0]
    book_appointment(desk, patient().id, slot.provider_id, physical.id, slot.starts_at)
    with pytest.raises(SlotTaken):
        book_appointment(
            desk,
            patient(1).id,
            slot.provider_id,
            follow_up().id,
            slot.starts_at + dt.timedelta(minutes=15),
        )


@pytest.mark.parametrize(
    "when, says",
    [
        (at(TOMORROW, "07:00"), "does not work"),
        (at(TOMORROW, "12:15"), "does not work"),
        (at(TOMORROW, "16:55"), "does not work"),
        (at(dt.date(2026, 11, 28), "09:00"), "clinic is closed"),
        (at(dt.date(2026, 11, 17), "09:00"), "already passed"),
    ],
)
def test_booking_outside_hours_on_a_closed_day_or_in_the_past_is_refused(desk, when, says):
    before = Appointment.select().count()
    with pytest.raises(ValidationError, match=f"(?i){says}"):
        book_appointment(desk, patient().id, first_provider().id, follow_up().id, when)
    assert Appointment.select().count() == before


def test_an_override_with_a_reason_books_outside_hours_and_is_recorded(desk):
    row = book_appointment(
        desk,
        patient().id,
        first_provider().id,
        follow_up().id,
        at(TOMORROW, "07:30"),
        override="early lab draw",
    )
    stored = Appointment.get_by_id(row.id)
    assert "outside hours" in stored.override_reason and "early lab draw" in stored.override_reason


def test_overbooking_needs_a_type_that_allows_it_or_says_so(desk):
    slot = free_slot(desk)
    book(desk, slot)
    with pytest.raises(SlotTaken):
        book(desk, slot, who=patient(1), override="squeeze in")
    sick = AppointmentType.get(AppointmentType.name == "Sick visit")  # may be overbooked
    row = book_appointment(
        desk, patient(2).id, slot.provider_id, sick.id, slot.starts_at, override="fever, same day"
    )
    assert "overbooked" in Appointment.get_by_id(row.id).override_reason
    row = book(desk, slot, who=patient(3), override="overbook: provider agreed")
    assert "overbooked" in Appointment.get_by_id(row.id).override_reason


@pytest.mark.parametrize(
    "change, field",
    [
        ({"patient_id": 999_999}, "patient"),
        ({"provider_id": 999_999}, "provider"),
        ({"type_id": 999_999}, "appointment type"),
    ],
)
def test_unknown_patient_provider_or_type_is_refused(desk, change, field):
    args = {
        "patient_id": patient().id,
        "provider_id": first_provider().id,
        "type_id": follow_up().id,
        "starts_at": at(TOMORROW, "09:00"),
    }
    args.update(change)
    with pytest.raises(ServiceError, match=f"That {field} no longer exists"):
        book_appointment(desk, **args)


def test_a_type_only_some_providers_offer(desk, demo_db):
    manager = find_staff("manager")
    providers = list(Provider.select().order_by(Provider.id))
    info = save_type(
        manager, None, {"name": "Allergy shot", "minutes": "15", "provider_ids": [providers[0].id]}
    )
    with pytest.raises(ValidationError, match="does not offer"):
        book_appointment(desk, patient().id, providers[1].id, info.id, at(TOMORROW, "09:00"))
    slots = find_open_slots(desk, info.id, SlotFilter(), 5)
    assert {s.provider_id for s in slots} == {providers[0].id}


def test_hours_edits_change_the_slots(desk):
    manager = find_staff("manager")
    prov = first_provider()
    set_hours(manager, prov.id, TOMORROW.weekday(), "14:00-15:00")
    slots = find_open_slots(
        desk,
        follow_up().id,
        SlotFilter(provider_id=prov.id, earliest=TOMORROW, weekdays=str(TOMORROW.weekday())),
        20,
    )
    assert slots and all(
        dt.time(14) <= s.starts_at.time() and s.ends_at.time() <= dt.time(15) for s in slots
    )
    with pytest.raises(ValidationError, match="end is before the start"):
        parse_hours("hours", "12:00-9:00")
    with pytest.raises(PermissionDenied):
        set_hours(desk, prov.id, 0, "9:00-10:00")


def test_blocked_time_refuses_booking(desk):
    manager = find_staff("manager")
    prov = first_provider()
    add_block(manager, prov.id, at(TOMORROW, "09:00"), at(TOMORROW, "10:00"), "Staff meeting")
    with pytest.raises(ValidationError, match="away then: Staff meeting"):
        book_appointment(desk, patient().id, prov.id, follow_up().id, at(TOMORROW, "09:30"))
    with pytest.raises(ValidationError, match="end is before"):
        add_block(manager, prov.id, at(TOMORROW, "10:00"), at(TOMORROW, "09:00"), "x")


# --- changes ------------------------------------------------------------------------------


def test_reschedule_links_old_to_new(desk):
    first = book(desk, free_slot(desk))
    target = free_slot(desk, day=TOMORROW + dt.timedelta(days=2))
    new = reschedule(desk, first.id, first.version, target.starts_at, target.provider_id)
    old = Appointment.get_by_id(first.id)
    assert old.status == "rescheduled" and old.rescheduled_to_id == new.id
    history = appointment_history(desk, patient().id)
    assert any("moved to" in h.detail for h in history if h.id == first.id)


def test_reschedule_into_a_taken_slot_changes_nothing(desk):
    first = book(desk, free_slot(desk))
    taken = book(desk, free_slot(desk), who=patient(1))
    with pytest.raises(SlotTaken):
        reschedule(desk, first.id, first.version, taken.starts_at, taken.provider_id)
    assert Appointment.get_by_id(first.id).status == "booked"


def test_cancel_reasons_and_late_cancel(desk):
    soon = book_appointment(
        desk,
        patient().id,
        first_provider().id,
        follow_up().id,
        free_slot(desk, first_provider(), dt.date(2026, 11, 18)).starts_at,
    )
    cancelled = cancel_appointment(desk, soon.id, soon.version, "patient")
    assert cancelled.status == "cancelled"
    assert Appointment.get_by_id(soon.id).cancel_reason == "late"
    later = book(desk, free_slot(desk, day=dt.date(2026, 11, 25)))
    cancel_appointment(desk, later.id, later.version, "clinic")
    assert Appointment.get_by_id(later.id).cancel_reason == "clinic"
    with pytest.raises(ValidationError):
        cancel_appointment(desk, later.id, later.version + 1, "because")


def test_a_cancelled_slot_can_be_booked_again(desk):
    slot = free_slot(desk)
    row = book(desk, slot)
    cancel_appointment(desk, row.id, row.version, "patient")
    assert book(desk, slot, who=patient(1)).starts_at == slot.starts_at


def test_no_show_and_undo(desk, frozen_clock):
    row = book(desk, free_slot(desk))
    with pytest.raises(ServiceError, match="not started"):
        mark_no_show(desk, row.id, row.version)
    frozen_clock.freeze(row.starts_at + dt.timedelta(minutes=20))
    missed = mark_no_show(desk, row.id, row.version)
    assert missed.status == "no_show"
    back = undo_status(desk, row.id, missed.version)
    assert back.status == "booked" and Appointment.get_by_id(row.id).no_show_at is None
    with pytest.raises(ServiceError, match="nothing|no status change"):
        undo_status(desk, row.id, back.version)


def test_undo_a_check_in(desk):
    row = next(r for r in day_schedule(desk, clock.today()) if r.status == "booked")
    arrived = check_in(desk, row.id, row.version)
    undone = undo_status(desk, row.id, arrived.version)
    assert undone.status == "booked" and Appointment.get_by_id(row.id).arrived_at is None


def test_undo_of_a_cancel_is_refused_when_the_slot_was_given_away(desk):
    slot = free_slot(desk)
    row = book(desk, slot)
    gone = cancel_appointment(desk, row.id, row.version, "patient")
    book(desk, slot, who=patient(1))
    with pytest.raises(SlotTaken):
        undo_status(desk, row.id, gone.version)
    assert Appointment.get_by_id(row.id).status == "cancelled"


# --- recurring ----------------------------------------------------------------------------


def test_occurrence_dates():
    first = at(dt.date(2026, 1, 31), "09:00")
    assert [d.date() for d in occurrences(first, "monthly", 1, 3, None)] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]
    weekly = occurrences(first, "weekly", 2, None, dt.date(2026, 3, 1))
    assert [d.date() for d in weekly] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
    ]


def test_recurring_weekly_skips_a_conflict_and_reports_it(desk):
    prov = first_provider()
    first = at(dt.date(2026, 11, 23), "09:00")
    book_appointment(
        desk, patient(1).id, prov.id, follow_up().id, first + dt.timedelta(weeks=1)
    )  # the second occurrence is taken
    result = create_series(desk, patient().id, prov.id, follow_up().id, first, "weekly", count=4)
    assert len(result.booked) == 3 and len(result.skipped) == 1
    assert result.skipped[0][0] == first + dt.timedelta(weeks=1)
    # Cancel from the third visit on: the third and fourth go, the first stays.
    third = sorted(result.booked, key=lambda r: r.starts_at)[1]
    cancelled = cancel_rest_of_series(desk, third.id, third.version, "patient")
    assert len(cancelled) == 2
    statuses = sorted(Appointment.get_by_id(r.id).status for r in result.booked)
    assert statuses == ["booked", "cancelled", "cancelled"]


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"rule": "daily", "count": 2}, "rule"),
        ({"rule": "weekly"}, "count"),
        ({"rule": "weekly", "count": 2, "until": dt.date(2026, 12, 1)}, "count"),
        ({"rule": "weekly", "count": 99}, "count"),
        ({"rule": "weekly", "until": dt.date(2026, 11, 1)}, "until"),
        ({"rule": "weekly", "count": 2, "interval": 0}, "interval"),
    ],
)
def test_recurring_bad_rules_write_nothing(desk, kw, field):
    before = Appointment.select().count()
    with pytest.raises(ValidationError) as refused:
        create_series(
            desk,
            patient().id,
            first_provider().id,
            follow_up().id,
            at(dt.date(2026, 11, 23), "09:00"),
            **kw,
        )
    assert field in refused.value.errors
    assert Appointment.select().count() == before


# --- waitlist and calls -------------------------------------------------------------------


def test_cancelling_offers_the_slot_to_matching_waitlist_patients(desk):
    slot = free_slot(desk)
    row = book(desk, slot)
    prov = Provider.get_by_id(slot.provider_id)
    wanted = add_to_waitlist(desk, patient(5).id, {"provider_id": prov.id})
    add_to_waitlist(desk, patient(6).id, {"weekdays": str((slot.starts_at.weekday() + 1) % 7)})
    part = "pm" if slot.starts_at.hour < 12 else "am"
    add_to_waitlist(desk, patient(7).id, {"part_of_day": part})
    cancel_appointment(desk, row.id, row.version, "patient")
    matches = waitlist_for_appointment(desk, row.id)
    assert [m.id for m in matches] == [wanted.id]
    booked = book_from_waitlist(desk, wanted.id, slot.provider_id, follow_up().id, slot.starts_at)
    assert booked.patient_id == patient(5).id
    assert not WaitlistEntry.get_by_id(wanted.id).active


def test_waitlist_refuses_bad_preferences(desk):
    with pytest.raises(ValidationError) as bad:
        add_to_waitlist(desk, patient().id, {"weekdays": "79"})
    assert "weekdays" in bad.value.errors


def test_confirmation_list_and_outcomes(desk):
    rows = confirmation_list(desk)
    assert rows and all(r.starts_at.date() == TOMORROW for r in rows)
    first, second, third = rows[:3]
    record_call(desk, first.appointment_id, first.version, "confirmed")
    record_call(desk, second.appointment_id, second.version, "left_message")
    record_call(desk, third.appointment_id, third.version, "cancelled")
    after = {r.appointment_id: r for r in confirmation_list(desk)}
    assert first.appointment_id not in after
    assert after[second.appointment_id].last_outcome == "Left message"
    assert third.appointment_id not in after
    assert Appointment.get_by_id(third.appointment_id).status == "cancelled"
    with pytest.raises(ValidationError):
        record_call(desk, second.appointment_id, after[second.appointment_id].version, "maybe")


# --- two terminals race for one slot --------------------------------------------------------


def _race(path, username, patient_id, provider_id, type_id, starts_at, barrier, results):
    from moa_tui.db.database import open_database
    from moa_tui.services import clock as child_clock
    from moa_tui.services.security.staff import find_staff as find
    from moa_tui.services.security.staff import load_clinic

    child_clock.set_zone("America/New_York")
    child_clock.freeze(FROZEN_NOW)
    open_database(path)
    load_clinic()
    actor = find(username)
    barrier.wait(timeout=30)
    try:
        row = book_appointment(actor, patient_id, provider_id, type_id, starts_at)
        results.put((username, "booked", row.id))
    except SlotTaken as exc:
        results.put((username, "taken", str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        results.put((username, "error", repr(exc)))


def test_two_processes_racing_for_one_slot_one_wins(desk, demo_db):
    slot = free_slot(desk)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(
            target=_race,
            args=(
                str(demo_db),
                user,
                patient(n).id,
                slot.provider_id,
                follow_up().id,
                slot.starts_at,
                barrier,
                results,
            ),
        )
        for n, user in enumerate(("desk", "desk2"))
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    kinds = sorted(o[1] for o in outcomes)
    assert kinds == ["booked", "taken"], outcomes
    loser = next(o for o in outcomes if o[1] == "taken")
    winner = next(o for o in outcomes if o[1] == "booked")
    assert "already booked" in loser[2]
    assert {"desk": "M. Deskworth", "desk2": "R. Frontley"}[winner[0]] in loser[2]
    same_slot = Appointment.select().where(
        (Appointment.provider == slot.provider_id)
        & (Appointment.starts_at == slot.starts_at)
        & (Appointment.status == "booked")
    )
    assert same_slot.count() == 1


def test_a_row_read_off_a_model_is_the_row_the_lists_read(desk):
    """Writers make their answer from the appointment in hand (schedule_row(model)); the
    lists read plain tuples (listing). Both give the same row, for every status of the
    demo's day."""
    from dataclasses import replace

    from moa_tui.db.database import db
    from moa_tui.services.scheduling.rows import schedule_row

    listed = day_schedule(desk, clock.today())
    assert {r.status for r in listed} >= {"booked", "arrived", "checked_out", "cancelled"}
    with db.connection_context():
        for row in listed:
            from_model = schedule_row(Appointment.get_by_id(row.id))
            assert from_model == replace(row, moved_to=None), row.id
