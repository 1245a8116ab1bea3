"""The busiest day shows every appointment (issue 10): the day list, the flow board, the day
grid and the day sheet are never cut at a row count, whatever the day holds, and the last
providers' visits (last in name order) are there too."""

from __future__ import annotations

import datetime as dt

from moa_tui.db.database import db
from moa_tui.db.models import Appointment, AppointmentType, Patient, Provider
from moa_tui.services import clock
from moa_tui.services.frontdesk.flow_board import flow_board
from moa_tui.services.scheduling.calendar import SHOWN, day_grid
from moa_tui.services.scheduling.day_sheet import day_sheet
from moa_tui.services.scheduling.schedule import FLOW, SCHEDULE_LIMIT, day_schedule

DAY = dt.date(2026, 11, 25)  # a week after the frozen today
EXTRA = SCHEDULE_LIMIT + 250  # more than any page size or former cap


def _fill_day(
    statuses: tuple[str, ...] = Appointment.STATUSES, day: dt.date = DAY, **columns
) -> dict[int, set[int]]:
    """Books EXTRA visits on *day* across every active provider (stacked, as a bulk import
    or an overbooked clinic might), with *columns* set on each; returns the ids of the
    day's visits (of *statuses*) by provider."""
    providers = list(Provider.select().where(Provider.active).order_by(Provider.id))
    patients = [p.id for p in Patient.select(Patient.id).order_by(Patient.id).limit(200)]
    appt_type = AppointmentType.select().first()
    start = dt.datetime.combine(day, dt.time(8, 0))
    rows = [
        {
            "patient": patients[i % len(patients)],
            "provider": providers[i % len(providers)].id,
            "appt_type": appt_type.id,
            "starts_at": start + dt.timedelta(minutes=15 * (i // len(providers) % 36)),
            "minutes": 15,
            **columns,
        }
        for i in range(EXTRA)
    ]
    with db.atomic():
        for chunk in range(0, len(rows), 200):
            Appointment.insert_many(rows[chunk : chunk + 200]).execute()
    by_provider: dict[int, set[int]] = {}
    for a in Appointment.select().where(
        (Appointment.starts_at >= start.replace(hour=0))
        & (Appointment.starts_at < start.replace(hour=0) + dt.timedelta(days=1))
        & Appointment.status.in_(statuses)
    ):
        by_provider.setdefault(a.provider_id, set()).add(a.id)
    return by_provider


def test_day_list_shows_every_appointment_of_the_busiest_day(desk):
    expected = _fill_day()
    total = sum(len(ids) for ids in expected.values())
    assert total >= EXTRA > SCHEDULE_LIMIT

    rows = day_schedule(desk, DAY)

    assert len(rows) == total
    assert {r.id for r in rows} == set().union(*expected.values())
    # The provider last in name order is not the one cut off.
    last = max(rows, key=lambda r: r.provider)
    assert {r.id for r in rows if r.provider_id == last.provider_id} == expected[last.provider_id]


def test_the_flow_board_shows_everyone_in_the_office_on_the_busiest_day(desk):
    arrived = clock.now_utc() - dt.timedelta(minutes=5)
    expected = _fill_day(FLOW, clock.today(), status="arrived", arrived_at=arrived)
    total = sum(len(ids) for ids in expected.values())
    assert total >= EXTRA > SCHEDULE_LIMIT

    board = flow_board(desk)

    assert {b.row.id for b in board} == set().union(*expected.values())


def test_day_grid_shows_every_appointment_of_the_busiest_day(desk):
    expected = _fill_day(SHOWN)
    assert sum(len(ids) for ids in expected.values()) > SCHEDULE_LIMIT

    grid = day_grid(desk, DAY)

    shown = {c.provider_id: {a.id for a in c.appointments} for c in grid.columns}
    for provider_id, ids in expected.items():
        assert shown[provider_id] == ids


def test_day_sheet_shows_every_appointment_of_a_provider_busier_than_the_cap(desk):
    _fill_day()
    provider = Provider.select().where(Provider.active).order_by(Provider.id).first()
    start = dt.datetime.combine(DAY, dt.time.min)
    extra = [
        {
            "patient": Patient.select().first().id,
            "provider": provider.id,
            "appt_type": AppointmentType.select().first().id,
            "starts_at": start + dt.timedelta(hours=8, minutes=i % 600),
        }
        for i in range(SCHEDULE_LIMIT + 10)
    ]
    with db.atomic():
        for chunk in range(0, len(extra), 200):
            Appointment.insert_many(extra[chunk : chunk + 200]).execute()
    expected = (
        Appointment.select()
        .where(
            (Appointment.provider == provider.id)
            & (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
        )
        .count()
    )
    assert expected > SCHEDULE_LIMIT

    sheet = day_sheet(desk, DAY, provider.id)

    assert len(sheet.rows) == expected
