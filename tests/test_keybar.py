"""The key line at the foot of every titled screen (widgets/keybar.py): one widget that
shows the active screen's keys, redrawn when they change (issue 10: Textual's Footer
rebuilt twenty-odd widgets at every chart opening and area switch)."""

from __future__ import annotations

from textual.widgets import Footer

from moa_tui.cli import make_app
from moa_tui.db.models import Patient
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.keybar import KeyBar
from moa_tui.widgets.paged_table import PagedTable

from .ui_helpers import settle

SIZE = (80, 24)


async def test_the_key_line_follows_the_screen_and_stays_one_widget(demo_db):
    target = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        assert not app.screen.query(Footer)
        assert list(bar.children) == []
        keys = dict((d, k) for k, d, _on in bar.shown_keys())
        assert keys  # the schedule's keys, each with its description
        assert all(k for k in keys.values())
        schedule_line = str(bar.render())
        assert schedule_line.strip()
        shown = [d for d in keys if d and d in schedule_line]
        assert shown and schedule_line.startswith(bar.shown_keys()[0][0])

        app.push_screen(PatientChartScreen(target.id))
        await settle(pilot)
        chart_bar = app.screen.query_one(KeyBar)
        chart_line = str(chart_bar.render())
        assert "Back" in chart_line and "Edit" in chart_line and "Insurance" in chart_line
        assert "Merge a duplicate" not in chart_line  # show=False stays hidden
        assert chart_line != schedule_line

        await pilot.press("escape")
        await settle(pilot)
        assert str(app.screen.query_one(KeyBar).render()) == schedule_line


async def test_a_key_the_screen_refuses_now_is_dimmed(demo_db):
    target = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(target.id))
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        enabled = {d: on for _k, d, on in bar.shown_keys()}
        text = bar.render()
        for desc, on in enabled.items():
            start = text.plain.index(desc)
            dim = any(
                span.start <= start < span.end and "dim" in str(span.style) for span in text.spans
            )
            assert dim is (not on), desc


async def test_an_area_shown_again_keeps_its_styles_unless_the_app_restyled(demo_db):
    """A revisit does not re-apply the stylesheet (which made every table render all its
    cells anew: most of an area switch); a theme changed meanwhile still restyles it."""
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        schedule = app.screen
        await pilot.press("f3")  # first shown: its screen's CSS joins the app's (a restyle)
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        table = schedule.query_one(PagedTable)
        restyled = []
        original = table.notify_style_update
        table.notify_style_update = lambda: (restyled.append(1), original())
        for _ in range(2):
            await pilot.press("f3")
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
        assert app.screen is schedule and restyled == []
        dark_background = table.styles.background
        await pilot.press("f3")
        await settle(pilot)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is schedule and restyled
        assert table.styles.background != dark_background
