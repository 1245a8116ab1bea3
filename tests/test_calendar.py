"""Calendar read services (day grid, week, month) and the parsers of the hours and types
screens, against the small demo clinic (clock frozen Wednesday 2026-11-18 10:30; every
provider works 08:00-12:00 and 13:00-17:00 every day; the clinic is closed at today+10;
provider #2 is on vacation today+15 to today+19)."""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.db.database import db
from moa_tui.db.models import Appointment, AppointmentType, BlockedTime, Provider
from moa_tui.services.errors import ValidationError
from moa_tui.services.scheduling.availability import add_block, set_hours
from moa_tui.services.scheduling.calendar import (
    SHOWN,
    add_months,
    covering_reason,
    day_grid,
    month_overview,
    parse_provider_list,
    parse_time,
    parse_when,
    provider_list_text,
    week_grid,
    week_start,
)
from moa_tui.services.scheduling.schedule import ACTIVE, list_providers
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

TODAY = dt.date(2026, 11, 18)
CLOSED = TODAY + dt.timedelta(days=10)
AWAY = TODAY + dt.timedelta(days=15)


@pytest.fixture
def manager(demo_db):
    return find_staff("manager")


def _on(day: dt.date, statuses=ACTIVE, provider_id: int | None = None):
    start = dt.datetime.combine(day, dt.time.min)
    query = Appointment.select().where(
        (Appointment.starts_at >= start)
        & (Appointment.starts_at < start + dt.timedelta(days=1))
        & Appointment.status.in_(statuses)
    )
    if provider_id is not None:
        query = query.where(Appointment.provider == provider_id)
    return query


def _provider(n: int) -> Provider:
    return Provider.select().order_by(Provider.id).offset(n - 1).get()


# --- month -----------------------------------------------------------------------------


def test_month_counts_match_a_direct_count(manager):
    month = month_overview(manager, 2026, 11)
    assert [d.day for d in month.days] == [dt.date(2026, 11, d) for d in range(1, 31)]
    for d in month.days:
        assert d.booked == _on(d.day).count(), d.day
        for provider_id, n in d.by_provider.items():
            assert n == _on(d.day, provider_id=provider_id).count()
        assert sum(d.by_provider.values()) == d.booked
    assert sum(d.booked for d in month.days) > 0  # the demo has a schedule around today
    assert month.booked == sum(d.booked for d in month.days)
    assert month.get(TODAY).booked == _on(TODAY).count()
    assert month.get(dt.date(2026, 12, 1)) is None


def test_month_counts_leave_out_cancelled_and_no_shows(manager):
    gone = _on(TODAY, statuses=("cancelled", "no_show", "rescheduled")).count()
    assert gone, "the demo day has cancelled or no-show appointments"
    assert month_overview(manager, 2026, 11).get(TODAY).booked == _on(TODAY).count()


def test_month_counts_come_from_one_grouped_query(manager, monkeypatch):
    seen: list[str] = []
    original = db.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", spy)
    month_overview(manager, 2026, 11)
    on_appointments = [s for s in seen if '"appointment"' in s]
    assert len(on_appointments) == 1
    assert "GROUP BY" in on_appointments[0]


def test_month_flags_the_closed_day(manager):
    month = month_overview(manager, 2026, 11)
    assert month.get(CLOSED).closed == "Clinic closed: staff training"
    assert [d.day for d in month.days if d.closed] == [CLOSED]
    assert all(d.working for d in month.days)
    # A provider's vacation does not close the clinic; it marks them away.
    december = month_overview(manager, AWAY.year, AWAY.month)
    assert not december.get(AWAY).closed
    away = [d.day for d in december.days if d.away]
    assert away == [AWAY + dt.timedelta(days=i) for i in range(5)]
    assert all(d.away == (2,) for d in december.days if d.away)
    assert [p.id for p in december.providers] == [p.id for p in list_providers(manager)]


def test_month_part_closed_and_days_nobody_works(manager):
    day = TODAY + dt.timedelta(days=2)
    afternoon = dt.datetime.combine(day, dt.time(13))
    add_block(manager, None, afternoon, afternoon + dt.timedelta(hours=4), "Staff meeting")
    for p in Provider.select():
        set_hours(manager, p.id, 6, "")  # nobody works on Sundays
    month = month_overview(manager, 2026, 11)
    assert month.get(day).closed == "" and month.get(day).part_closed == "Staff meeting"
    sunday = dt.date(2026, 11, 22)
    assert not month.get(sunday).working
    assert not month.get(sunday - dt.timedelta(days=1)).closed


def test_month_refuses_a_bad_month(manager):
    with pytest.raises(ValidationError):
        month_overview(manager, 2026, 13)


def test_a_kiosk_cannot_read_the_calendar(demo_db):
    kiosk = find_staff("kiosk")
    with pytest.raises(PermissionDenied):
        month_overview(kiosk, 2026, 11)
    with pytest.raises(PermissionDenied):
        day_grid(kiosk, TODAY)


# --- week ------------------------------------------------------------------------------


def test_week_has_each_days_appointments(manager):
    provider = _provider(3)
    week = week_grid(manager, TODAY, provider.id)
    monday = dt.date(2026, 11, 16)
    assert week.monday == monday == week_start(TODAY)
    assert week.provider.id == provider.id
    assert [c.day for c in week.columns] == [monday + dt.timedelta(days=i) for i in range(7)]
    for column in week.columns:
        expected = _on(column.day, SHOWN, provider.id).order_by(Appointment.starts_at)
        assert {a.id for a in column.appointments} == {a.id for a in expected}
        assert column.booked == _on(column.day, ACTIVE, provider.id).count()
        assert all(a.provider_id == provider.id for a in column.appointments)
        assert column.hours == ((480, 720), (780, 1020))
    assert week.booked == sum(c.booked for c in week.columns)
    assert (week.start_minute, week.end_minute) == (480, 1020)


def test_week_defaults_to_the_first_provider_and_shows_the_vacation(manager):
    first = list_providers(manager)[0]
    assert week_grid(manager, TODAY).provider.id == first.id
    away = week_grid(manager, AWAY, 2)
    # Thursday 12/03 to Monday 12/07: Thursday to Sunday of this week.
    assert [c.closed for c in away.columns] == [""] * 3 + ["Vacation"] * 4
    assert [c.closed for c in week_grid(manager, AWAY, 1).columns] == [""] * 7


# --- day grid --------------------------------------------------------------------------


def test_day_grid_has_providers_hours_appointments_and_colours(manager):
    grid = day_grid(manager, TODAY)
    providers = list_providers(manager)
    assert [c.provider_id for c in grid.columns] == [p.id for p in providers]
    assert grid.providers == providers
    assert (grid.start_minute, grid.end_minute) == (480, 1020)
    assert grid.hours == {p.id: ((480, 720), (780, 1020)) for p in providers}
    expected = {a.id for a in _on(TODAY, SHOWN)}
    assert {a.id for a in grid.appointments} == expected
    colours = {t.name: t.color for t in AppointmentType.select()}
    assert all(a.color == colours[a.appt_type] and a.color for a in grid.appointments)
    # Cancelled and rescheduled appointments free their slot: not in the grid.
    assert not any(a.status in ("cancelled", "rescheduled") for a in grid.appointments)
    assert grid.blocks == []
    assert sum(c.booked for c in grid.columns) == _on(TODAY).count()


def test_day_grid_includes_the_clinic_closed_day(manager):
    grid = day_grid(manager, CLOSED)
    (block,) = grid.blocks
    assert block.provider_id is None and block.reason == "Clinic closed: staff training"
    assert all(c.blocks == (block,) for c in grid.columns)
    assert all(c.closed == block.reason for c in grid.columns)


def test_day_grid_includes_a_providers_own_blocks_only_in_their_column(manager):
    grid = day_grid(manager, AWAY)
    columns = {c.provider_id: c for c in grid.columns}
    assert [b.reason for b in columns[2].blocks] == ["Vacation"]
    assert columns[2].closed == "Vacation"
    assert all(not c.blocks and not c.closed for pid, c in columns.items() if pid != 2)
    # A meeting covers part of the day: in the grid, but the provider is not "closed".
    start = dt.datetime.combine(TODAY, dt.time(14))
    add_block(manager, 1, start, start + dt.timedelta(hours=1), "Team meeting")
    column = day_grid(manager, TODAY).columns[[c.provider_id for c in grid.columns].index(1)]
    assert [(b.reason, b.starts_at) for b in column.blocks] == [("Team meeting", start)]
    assert column.closed == ""


def test_day_grid_rows_stretch_to_an_appointment_outside_hours(manager):
    day = TODAY + dt.timedelta(days=3)
    for p in Provider.select():
        for weekday in range(7):
            set_hours(manager, p.id, weekday, "9:00-12:00")
    late = Appointment.select().where(Appointment.starts_at >= dt.datetime.combine(day, dt.time()))
    appt = late.order_by(Appointment.starts_at.desc()).first()
    if appt is None or appt.starts_at.date() != day:
        pytest.skip("the demo has no appointment that day")
    grid = day_grid(manager, appt.starts_at.date())
    assert grid.start_minute == 480  # an 08:00 booking from before the hours changed
    assert grid.end_minute >= appt.starts_at.hour * 60 + appt.starts_at.minute + appt.minutes


def test_day_grid_with_nobody_working(manager):
    later = TODAY + dt.timedelta(days=60)  # past the demo's schedule
    for p in Provider.select():
        set_hours(manager, p.id, later.weekday(), "")
    grid = day_grid(manager, later)
    assert (grid.start_minute, grid.end_minute) == (480, 1020)
    assert all(c.hours == () and c.appointments == () for c in grid.columns)


# --- parsers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13:00", dt.time(13)),
        ("1300", dt.time(13)),
        ("9", dt.time(9)),
        ("9:30", dt.time(9, 30)),
        ("1pm", dt.time(13)),
        ("1:30 pm", dt.time(13, 30)),
        ("12am", dt.time(0)),
        ("12pm", dt.time(12)),
    ],
)
def test_parse_time(text, expected):
    assert parse_time("t", text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "9:75", "13pm", "noon", "9-10"])
def test_parse_time_refuses(text):
    with pytest.raises(ValidationError) as caught:
        parse_time("t", text)
    assert "t" in caught.value.errors


def test_parse_when_takes_the_date_shortcuts_with_a_time():
    assert parse_when("s", "12/24 13:00", today=TODAY) == dt.datetime(2026, 12, 24, 13)
    assert parse_when("s", "t+1 9am", today=TODAY) == dt.datetime(2026, 11, 19, 9)
    assert parse_when("s", "2026-12-24 0830", today=TODAY) == dt.datetime(2026, 12, 24, 8, 30)
    assert parse_when("s", "t", today=TODAY) == dt.datetime(2026, 11, 18)
    # A date alone: the start of the day, or for an end, the end of it.
    assert parse_when("e", "12/26", today=TODAY, end=True) == dt.datetime(2026, 12, 27)
    assert parse_when("e", "12/26 17:00", today=TODAY, end=True) == dt.datetime(2026, 12, 26, 17)
    for bad in ("", "12/24 25:00", "someday", "02/30 10:00"):
        with pytest.raises(ValidationError) as caught:
            parse_when("s", bad, today=TODAY)
        assert "s" in caught.value.errors


def test_parse_provider_list(manager):
    providers = list_providers(manager)
    by_short = {p.short_name: p.id for p in providers}
    assert parse_provider_list("p", "all", providers) == []
    assert parse_provider_list("p", "  ", providers) == []
    assert parse_provider_list("p", "dr quillfeather, NP Saltmarsh", providers) == [
        by_short["Dr Quillfeather"],
        by_short["NP Saltmarsh"],
    ]
    assert parse_provider_list("p", "moonpenny, moonpenny", providers) == [by_short["Dr Moonpenny"]]
    with pytest.raises(ValidationError, match="No provider is called Dr Nobody"):
        parse_provider_list("p", "Dr Nobody", providers)
    with pytest.raises(ValidationError, match="could be"):
        parse_provider_list("p", "Dr", providers)
    ids = [by_short["Dr Moonpenny"], by_short["NP Saltmarsh"]]
    assert provider_list_text(ids, providers) == "Dr Moonpenny, NP Saltmarsh"
    assert provider_list_text((), providers) == "all"


def test_covering_reason_and_add_months():
    day = dt.datetime(2026, 11, 18)

    def block(h1, h2, reason):
        return BlockedTime(
            starts_at=day.replace(hour=h1), ends_at=day.replace(hour=h2), reason=reason
        )

    spans = [
        (day.replace(hour=8), day.replace(hour=12)),
        (day.replace(hour=13), day.replace(hour=17)),
    ]
    assert covering_reason(spans, [block(7, 18, "Closed")]) == "Closed"
    assert covering_reason(spans, [block(8, 12, "A"), block(13, 17, "B")]) == "A; B"
    assert covering_reason(spans, [block(8, 12, "A")]) == ""
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 18), 2) == dt.date(2027, 1, 18)
    assert add_months(dt.date(2026, 1, 15), -1) == dt.date(2025, 12, 15)
