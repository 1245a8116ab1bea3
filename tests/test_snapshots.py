"""One snapshot per screen at 80x24 on the small demo clinic with a frozen clock.

Update only after looking at the report: pytest --snapshot-update.
"""

from __future__ import annotations

import pytest

from moa_tui.cli import make_app
from moa_tui.services.staff import find_staff

from .ui_helpers import settle


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
    ],
)
def test_screen_snapshot(snap_compare, demo_db, keys):
    app = make_app(demo_db, actor=find_staff("desk"))

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
