"""Issue 9 items 4 and 9 as services: one count of a day's appointments shared by the day
list, day grid, week and month; and absences named where people book (the demo clinic:
closed at today+10, provider #2 on vacation today+15 to today+19)."""

from __future__ import annotations

import datetime as dt

from moa_tui.db.models import Appointment, BlockedTime
from moa_tui.services.scheduling.absences import absences_during, booked_during, day_absences
from moa_tui.services.scheduling.availability import add_block
from moa_tui.services.scheduling.calendar import day_grid, month_overview, week_grid
from moa_tui.services.scheduling.schedule import DayCounts, day_schedule, list_providers
from moa_tui.services.security.staff import find_staff

TODAY = dt.date(2026, 11, 18)
CLOSED = TODAY + dt.timedelta(days=10)
AWAY = TODAY + dt.timedelta(days=15)


def test_day_counts_label_names_what_is_left_out():
    assert DayCounts.of(["booked", "arrived", "checked_out"]).label == "3 booked"
    counts = DayCounts.of([("booked", 66), ("roomed", 1), ("no_show", 1), ("cancelled", 2)])
    assert counts.label == "67 booked (1 no-show, 2 cancelled)"
    assert DayCounts.of(["no_show", "no_show", "rescheduled"]).label == (
        "0 booked (2 no-shows, 1 moved)"
    )


def test_day_list_grid_week_and_month_count_the_same_day_the_same_way(desk):
    # Today has every status: a no-show and a cancellation make the old counts differ.
    rows = day_schedule(desk, TODAY)
    statuses = {r.status for r in rows}
    assert "no_show" in statuses or "cancelled" in statuses
    from_list = DayCounts.of(r.status for r in rows)
    grid = day_grid(desk, TODAY)
    month = month_overview(desk, TODAY.year, TODAY.month)
    assert grid.counts == from_list == month.get(TODAY).counts
    assert month.get(TODAY).booked == from_list.booked == sum(c.booked for c in grid.columns)
    assert from_list.label != f"{len(rows)} booked"  # the label says what it leaves out
    # One provider's week is the sum of that provider's days.
    provider = list_providers(desk)[0]
    week = week_grid(desk, TODAY, provider.id)
    days = [week.monday + dt.timedelta(days=i) for i in range(7)]
    total = sum(
        (DayCounts.of(r.status for r in day_schedule(desk, d, provider.id)) for d in days),
        DayCounts(),
    )
    assert week.counts == total and week.booked == total.booked


def test_day_absences_say_why_a_day_is_empty(desk):
    closed = day_absences(desk, CLOSED)
    assert [a.label(CLOSED) for a in closed] == [f"Closed: {closed[0].reason}"]
    assert day_schedule(desk, CLOSED) == [] or all(
        r.status != "booked" for r in day_schedule(desk, CLOSED)
    )
    away = day_absences(desk, AWAY)
    second = list_providers(desk)[1]
    labels = [a.label(AWAY) for a in away]
    assert any(label.startswith(f"{a.who}: ") for a, label in zip(away, labels, strict=True))
    assert {a.provider_id for a in away} == {BlockedTime.get_by_id(away[0].id).provider_id}
    # Filtered to a provider who is not away, the day has no absence.
    others = [p for p in list_providers(desk) if p.id not in {a.provider_id for a in away}]
    assert day_absences(desk, AWAY, others[0].id) == []
    assert second  # (the demo has four providers)


def test_part_of_a_day_shows_its_hours(desk):
    manager = find_staff("manager")
    provider = list_providers(desk)[2]
    day = TODAY + dt.timedelta(days=3)
    add_block(
        manager,
        provider.id,
        dt.datetime.combine(day, dt.time(13)),
        dt.datetime.combine(day, dt.time(15)),
        "Staff meeting",
    )
    labels = [a.label(day) for a in day_absences(desk, day, provider.id)]
    assert labels == [f"{provider.short_name} 13:00-15:00: Staff meeting"]


def test_absences_during_names_the_vacation_a_booking_lands_in(desk):
    away = day_absences(desk, AWAY)[0]
    when = dt.datetime.combine(AWAY, dt.time(9))
    found = absences_during(desk, away.provider_id, when, 20)
    assert [a.id for a in found] == [away.id]
    sentence = found[0].sentence()
    assert sentence.startswith(f"{away.who} is away: {away.reason} (")
    others = [p for p in list_providers(desk) if p.id != away.provider_id]
    assert absences_during(desk, others[0].id, when, 20) == []
    closed = absences_during(desk, others[0].id, dt.datetime.combine(CLOSED, dt.time(9)), 20)
    assert closed and closed[0].sentence().startswith("The clinic is closed: ")


def test_booked_during_lists_what_a_new_block_covers(desk):
    manager = find_staff("manager")
    day = TODAY + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time.min)
    end = start + dt.timedelta(days=1)
    booked = [
        a
        for a in Appointment.select().where(
            (Appointment.starts_at >= start)
            & (Appointment.starts_at < end)
            & (Appointment.status == "booked")
        )
    ]
    assert booked, "the demo books days ahead"
    pid = booked[0].provider_id
    add_block(manager, pid, start, end, "Sick")
    rows = booked_during(desk, pid, start, end)
    assert sorted(r.id for r in rows) == sorted(a.id for a in booked if a.provider_id == pid)
    everyone = booked_during(desk, None, start, end)
    assert sorted(r.id for r in everyone) == sorted(a.id for a in booked)
