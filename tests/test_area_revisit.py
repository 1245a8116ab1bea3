"""Coming back to an area repaints what it holds (issue 10): F2 -> F5 -> F2 makes no
refetch of the schedule; a change of the schedule heard while it was hidden (another
terminal's, or this terminal's own write from another area) refetches it on its return."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.database import db
from moa_tui.db.models import SupplyItem
from moa_tui.screens.billing.claims import ClaimsScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.screens.supplies.stock import StockScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.services.supplies.inventory import receive_stock

from .test_changes import another_terminal
from .ui_helpers import settle


def _count(monkeypatch, screen_class) -> list[int]:
    reloads: list[int] = []
    original = screen_class.reload

    def counting(self):
        reloads.append(1)
        return original(self)

    monkeypatch.setattr(screen_class, "reload", counting)
    return reloads


async def test_revisiting_an_area_does_not_refetch_until_its_topic_changes(demo_db, monkeypatch):
    schedule = _count(monkeypatch, ScheduleScreen)
    claims = _count(monkeypatch, ClaimsScreen)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and schedule
        rows = app.screen.query_one("DataTable").row_count
        await pilot.press("f5")
        await settle(pilot)
        assert claims
        first_schedule, first_claims = len(schedule), len(claims)
        for _ in range(3):
            await pilot.press("f5")
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert len(schedule) == first_schedule, "the schedule refetched, nothing changed"
        assert len(claims) == first_claims, "the claims refetched, nothing changed"
        assert app.screen.query_one("DataTable").row_count == rows  # painted from what it held

        # Another terminal cancels a visit while the claims are on screen.
        await pilot.press("f5")
        await settle(pilot)
        another_terminal(
            demo_db,
            """
            from moa_tui.db.models import Appointment
            from moa_tui.services.scheduling.booking import cancel_appointment
            a = Appointment.select().where(Appointment.status == "booked").first()
            cancel_appointment(desk, a.id, a.version, "patient")
            """,
        )
        app._look_for_changes()
        await settle(pilot)
        assert len(claims) == first_claims  # not the claims' topic
        await pilot.press("f2")
        await settle(pilot)
        assert len(schedule) > first_schedule, "no refetch after a change elsewhere"


async def test_an_own_write_in_another_area_refetches_on_return(demo_db, monkeypatch):
    stock = _count(monkeypatch, StockScreen)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen) and stock
        first = len(stock)
        await pilot.press("f2")
        await settle(pilot)
        with db.connection_context():
            item = SupplyItem.select().first()
        # A write made through a screen of this terminal (its service call's topics).
        app.screen.call_service(receive_stock, item.id, 5, "Delivery", then=lambda _r: None)
        await app.workers.wait_for_complete()
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert len(stock) > first
