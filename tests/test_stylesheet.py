"""The app keeps the CSS it has parsed while the theme stays (moa_tui/ui/stylesheet.py):
Textual alone parses every widget's CSS again each time a new kind of screen is shown."""

from __future__ import annotations

from textual.css import stylesheet as textual_stylesheet

from moa_tui.cli import make_app
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle


def _count_parsing(monkeypatch) -> list[tuple]:
    """Each source parsed from now on, as (where it was read from, its scope, its tie
    breaker: a base class's CSS comes again with another one when a subclass arrives)."""
    parsed: list[tuple] = []
    real = textual_stylesheet.parse

    def parse(scope, css, read_from, **kwargs):
        parsed.append((read_from, scope, kwargs["tie_breaker"]))
        return real(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", parse)
    return parsed


async def test_a_new_area_parses_only_the_css_not_parsed_before(demo_db, monkeypatch):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sources = app.stylesheet.source.items()
        before = {(where, s.scope, s.tie_breaker) for where, s in sources}
        parsed = _count_parsing(monkeypatch)
        await pilot.press("f4")  # the patients area, first shown
        await settle(pilot)
        assert app.current_mode == "patients"
        assert parsed, "the area's own CSS is parsed"
        assert len(parsed) == len(set(parsed))  # each new source once
        assert before.isdisjoint(parsed)  # none parsed before again
        parsed.clear()
        await pilot.press("f2")  # back: nothing new
        await settle(pilot)
        assert parsed == []


async def test_a_new_theme_styles_everything_with_its_colours(demo_db, monkeypatch):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.screen.styles.background
        parsed = _count_parsing(monkeypatch)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot)
        assert len(parsed) >= len(app.stylesheet.source)  # all of it, with the new values
        assert app.screen.styles.background != before
