"""Issue 9 item 8: what the desk reached for and didn't find, driven by keys at 80x24."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.screens.schedule import ScheduleScreen
from moa_tui.services.find_name import name_matches, next_name_match
from moa_tui.services.staff import find_staff

from .ui_helpers import settle, static_text

SIZE = (80, 24)


def test_a_name_is_found_by_the_starts_of_its_words():
    assert name_matches("Jonesbury, Dex", "jon dex")
    assert name_matches("Jonesbury, Dex", "Dex J")
    assert name_matches("Jonesbury, Dex", "JONESBURY")
    assert not name_matches("Jonesbury, Dex", "esbury")
    assert not name_matches("Jonesbury, Dex", "  ")
    names = ["Ames, Jo", "Brook, Al", "Amesly, Kit", "Cole, Jo"]
    assert next_name_match(names, "ames") == 0
    assert next_name_match(names, "ames", 0) == 2
    assert next_name_match(names, "ames", 2) == 0  # round again from the top
    assert next_name_match(names, "zed") is None
    assert next_name_match([], "ames") is None


async def test_slash_on_the_schedule_finds_the_patient_and_again_the_next(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        rows = list(screen.rows.values())
        # A last name that is on the day twice or more, if the demo has one; else any.
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.patient.split(",")[0]] = counts.get(r.patient.split(",")[0], 0) + 1
        last = max(counts, key=lambda k: (counts[k], k))
        wanted = [str(r.id) for r in rows if r.patient.split(",")[0] == last]
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*last.lower(), "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#schedule-table").selected_key() == wanted[0]
        assert "Found" in static_text(app, "#message")
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("enter")  # the last name typed is offered again: the next one
        await settle(pilot)
        assert screen.query_one("#schedule-table").selected_key() == wanted[1 % len(wanted)]
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("ctrl+u", *"zzqx", "enter")
        await settle(pilot)
        assert app.screen is not screen  # still asking: nobody by that name
        assert "No one on" in static_text(app, "#error-name")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
