"""One snapshot per screen at 80x24 on the small demo clinic with a frozen clock.

Update only after looking at the report: pytest --snapshot-update.
"""

from __future__ import annotations

import pytest

from moa_tui.cli import make_app, make_kiosk_app
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle


def test_kiosk_snapshot(snap_compare, demo_db):
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param([], id="schedule"),
        pytest.param(["f3"], id="queue"),
        pytest.param(["f4", *"app"], id="patients"),
        pytest.param(["f5"], id="claims"),
        pytest.param(["f6"], id="stock"),
        pytest.param(["f4", *"app", "enter"], id="chart"),
        pytest.param(["f4", "ctrl+n", *"X", "ctrl+s"], id="new-patient-errors"),
        pytest.param(["f1"], id="help"),
        pytest.param(["down", "down", "down", "down", "down", "down", "c"], id="check-in"),
        pytest.param(["b", *"app"], id="booking-patient"),
        pytest.param(["b", *"app", "enter", "enter", "enter"], id="booking-slots"),
        pytest.param(["v"], id="day-grid"),
        pytest.param(["m"], id="month"),
        pytest.param(["l"], id="calls"),
        pytest.param(["f7"], id="audit", marks=pytest.mark.user("manager")),
        pytest.param(["f8"], id="staff", marks=pytest.mark.user("manager")),
        pytest.param(["f9"], id="inbox"),
        pytest.param(["f10", *"app", "enter", "enter", "enter", *"Chest pain"], id="new-call"),
    ],
)
def test_screen_snapshot(snap_compare, demo_db, keys, request):
    marker = request.node.get_closest_marker("user")
    app = make_app(demo_db, actor=find_staff(marker.args[0] if marker else "desk"))

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
