"""Nothing heavy at import (issue 10): importing the app loads no area's screens (each is
imported when its area is first shown) and computes no password hash (the dummy hash for
unknown usernames is made at the first sign-in that needs it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import moa_tui.app as app
from moa_tui.services.security import security
print(json.dumps({
    "screens": sorted(m for m in sys.modules if m.startswith("moa_tui.screens.")),
    "dummy_made": security._dummy_hash.cache_info().currsize,
    "zxcvbn": "zxcvbn" in sys.modules,
    "areas": sorted(app.AREAS),
}))
"""


def _probe() -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_app_loads_only_the_sign_in_screens():
    probe = _probe()
    areas = {
        "moa_tui.screens.scheduling.schedule",
        "moa_tui.screens.frontdesk.flow_board",
        "moa_tui.screens.patients.patients",
        "moa_tui.screens.billing.claims",
        "moa_tui.screens.supplies.stock",
        "moa_tui.screens.security.audit",
        "moa_tui.screens.security.staff",
        "moa_tui.screens.comms.inbox",
    }
    assert "moa_tui.screens.security.signin" in probe["screens"]  # the probe sees screens
    assert areas.isdisjoint(probe["screens"]), sorted(areas & set(probe["screens"]))
    assert len(probe["areas"]) == len(areas)


def test_no_password_hash_is_computed_and_no_word_list_loaded_at_import():
    probe = _probe()
    assert probe["dummy_made"] == 0
    assert probe["zxcvbn"] is False  # loaded when a new password is first judged


def test_each_area_builds_its_screen_when_first_shown():
    from textual.screen import Screen

    from moa_tui.app import AREAS

    for name, (_keys, _label, build, _permission) in AREAS.items():
        screen = build()
        assert isinstance(screen, Screen), name
        assert type(screen).__name__ == build.__qualname__, name


async def test_the_dummy_hash_is_made_once_the_sign_in_is_shown(demo_db):
    from moa_tui.cli import make_app
    from moa_tui.screens.security.signin import LoginScreen
    from moa_tui.services.security import security

    from .ui_helpers import settle

    security._dummy_hash.cache_clear()
    app = make_app(demo_db, "desk")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, LoginScreen)
        assert security._dummy_hash.cache_info().currsize == 1
