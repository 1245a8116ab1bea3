"""The demo shows a real day (issue 9 item 10): its "now" and its appointments agree with the
clock, and a new user finds every step of the flow board at whatever hour the demo is built."""

from __future__ import annotations

import datetime as dt

import arrow
import pytest

from moa_tui.db.database import db, open_database
from moa_tui.db.models import Appointment, AuditEvent, ClinicSettings
from moa_tui.services import clock
from moa_tui.services.demo import DemoSize, build_demo
from moa_tui.services.frontdesk.flow_board import flow_board
from moa_tui.services.scheduling.schedule import FLOW, STATUS_TIME
from moa_tui.services.security.staff import find_staff, load_clinic

SMALL = DemoSize(patients=200, days_each_side=3, claims=60)


def _build_at(tmp_path, when: str):
    clock.set_zone("America/New_York")
    clock.freeze(when)
    open_database(tmp_path / "demo.db")
    load_clinic()
    build_demo(SMALL)


@pytest.mark.parametrize(
    "when, zone",
    [
        ("2026-11-18T08:00", "America/Sao_Paulo"),  # New York not open long enough yet
        ("2026-11-18T10:30", "America/New_York"),  # the tests' clinic stays where it was
        ("2026-11-18T14:00", "America/New_York"),
        ("2026-11-18T19:00", "America/Anchorage"),  # New York closed: the day is further west
        ("2026-11-18T03:00", "Europe/Athens"),
        ("2026-11-18T22:00", "Asia/Singapore"),  # tomorrow there
    ],
)
def test_the_demo_day_agrees_with_the_clock_at_any_hour(tmp_path, when, zone):
    _build_at(tmp_path, when)
    try:
        now = clock.now_local().naive
        with db.connection_context():
            assert ClinicSettings.get().time_zone == zone
        assert load_clinic().time_zone == zone
        assert dt.time(9, 30) <= now.time() < dt.time(15, 30)
        start = dt.datetime.combine(now.date(), dt.time.min)
        with db.connection_context():
            today = list(
                Appointment.select().where(
                    (Appointment.starts_at >= start)
                    & (Appointment.starts_at < start + dt.timedelta(days=1))
                )
            )
        # Nobody an hour past their time is still plain booked; nothing ahead has begun.
        assert not [
            a.starts_at
            for a in today
            if a.status == "booked" and a.starts_at < now - dt.timedelta(hours=1)
        ]
        assert not [
            (a.starts_at, a.status)
            for a in today
            if a.status != "booked" and a.starts_at > now + dt.timedelta(minutes=10)
        ]
        # The evening is empty; the morning is mostly done.
        assert all(a.starts_at.time() < dt.time(17) for a in today)
        morning = [a for a in today if a.starts_at < now - dt.timedelta(hours=2)]
        done = [a for a in morning if a.status in ("checked_out", "no_show", "cancelled")]
        assert len(done) >= 0.8 * len(morning), [(a.starts_at, a.status) for a in morning]
        # Every recorded step happened, in order, by now (UTC instants).
        utc_now = clock.now_utc()
        for a in today:
            if a.status in FLOW:
                times = [getattr(a, STATUS_TIME[s]) for s in FLOW[: FLOW.index(a.status) + 1]]
                assert None not in times, (a.starts_at, a.status)
                assert times == sorted(times) and times[-1] <= utc_now
        # The flow board shows every step, as a desk member sees it.
        board = flow_board(find_staff("desk"))
        assert {b.row.status for b in board} == set(FLOW)
    finally:
        db.close()


def test_the_same_instant_builds_the_same_demo(tmp_path):
    days = []
    for n in (1, 2):
        (tmp_path / str(n)).mkdir()
        _build_at(tmp_path / str(n), "2026-11-18T22:00")
        with db.connection_context():
            days.append(
                [
                    (a.starts_at, a.patient_id, a.status, a.arrived_at, a.ready_checkout_at)
                    for a in Appointment.select().order_by(Appointment.id)
                ]
            )
        db.close()
    assert days[0] == days[1]


def test_the_audit_trail_says_where_the_demo_clinic_was_placed(tmp_path):
    _build_at(tmp_path, "2026-11-18T03:00")
    try:
        with db.connection_context():
            event = AuditEvent.get(AuditEvent.action == "demo.build")
        assert event.detail == (
            "demo clinic for 2026-11-18 in Europe/Athens, where it is mid-day now"
        )
    finally:
        db.close()


def test_undo_works_on_the_demo_flow_board(demo_db):
    """The demo's steps are recorded as the desk would have recorded them: undo steps back."""
    from moa_tui.services.scheduling.booking import undo_status

    desk = find_staff("desk")
    board = {b.row.status: b.row for b in flow_board(desk)}
    roomed = board["roomed"]
    back = undo_status(desk, roomed.id, roomed.version)
    assert back.status == "intake_done"
    with db.connection_context():
        assert Appointment.get_by_id(roomed.id).roomed_at is None


def _today_and_board(now: dt.datetime):
    start = dt.datetime.combine(now.date(), dt.time.min)
    with db.connection_context():
        today = list(
            Appointment.select().where(
                (Appointment.starts_at >= start)
                & (Appointment.starts_at < start + dt.timedelta(days=1))
            )
        )
    return today, flow_board(find_staff("desk"))


@pytest.mark.parametrize(
    "reopened",
    ["2026-11-18T16:45", "2026-11-18T19:00", "2026-11-20T11:00"],  # afternoon, evening, days on
)
def test_a_demo_reopened_later_catches_up_with_the_clock(tmp_path, reopened):
    """Built at 10:30 in New York, opened again later (the frozen clock moved): nobody is
    still booked an hour past their time, the board holds every step, undo still works."""
    from moa_tui.db.models import AppointmentStatusChange
    from moa_tui.services.demo.day import catch_up_demo_day

    _build_at(tmp_path, "2026-11-18T10:30")
    try:
        clock.set_zone("America/New_York")
        clock.freeze(arrow.get(reopened, tzinfo="America/New_York"))
        assert catch_up_demo_day() > 0
        now = clock.now_local().naive
        assert dt.time(9, 30) <= now.time() < dt.time(15, 30)  # mid-day where the clinic is
        assert now.date() >= dt.date(2026, 11, 18)
        with db.connection_context():
            stale = [
                (a.starts_at, a.status)
                for a in Appointment.select().where(
                    (Appointment.status == "booked")
                    & (Appointment.starts_at < now - dt.timedelta(hours=1))
                )
            ]
        assert not stale  # the morning of the build and the days between are done
        today, board = _today_and_board(now)
        assert not [
            (a.starts_at, a.status)
            for a in today
            if a.status != "booked" and a.starts_at > now + dt.timedelta(minutes=10)
        ]
        utc_now = clock.now_utc()
        with db.connection_context():
            for a in today:
                if a.status in FLOW:
                    times = [getattr(a, STATUS_TIME[s]) for s in FLOW[: FLOW.index(a.status) + 1]]
                    assert None not in times and times == sorted(times) and times[-1] <= utc_now
                    last = (
                        AppointmentStatusChange.select()
                        .where(AppointmentStatusChange.appointment == a.id)
                        .order_by(AppointmentStatusChange.id.desc())
                        .first()
                    )
                    assert last is not None and last.to_status == a.status  # undo works
        assert {b.row.status for b in board} == set(FLOW)
        assert catch_up_demo_day() == 0  # opened again at once: nothing moves on
    finally:
        db.close()


def test_catching_up_leaves_a_clinic_that_is_not_a_demo_alone(tmp_path):
    from moa_tui.db.models import ClinicSettings
    from moa_tui.services.demo.day import catch_up_demo_day

    _build_at(tmp_path, "2026-11-18T10:30")
    try:
        with db.connection_context():
            ClinicSettings.update(is_demo=False).execute()
            statuses = [a.status for a in Appointment.select().order_by(Appointment.id)]
        clock.freeze(arrow.get("2026-11-18T16:45", tzinfo="America/New_York"))
        assert catch_up_demo_day() == 0
        with db.connection_context():
            assert [a.status for a in Appointment.select().order_by(Appointment.id)] == statuses
            assert ClinicSettings.get().time_zone == "America/New_York"
    finally:
        db.close()
