"""What every screen with a title bar shares (an area, or a view pushed over one): the
title bar, the message line, the footer and refetching when another terminal changes what
it shows. Calling services is ui/calls.py's ServiceCaller."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from ..services.errors import ServiceError
from ..ui.calls import ServiceCaller
from ..ui.changes import DataChanged, concerns, generation
from ..ui.text import plain
from ..widgets.areabar import AreaBar
from ..widgets.keybar import KeyBar
from ..widgets.message_line import MessageLine
from ..widgets.paged_table import PagedTable


class TitledScreen(ServiceCaller, Screen):
    """Title bar, body (``compose_body``), message line, footer. Subclasses fill
    ``compose_body`` and ``reload``; the title is AREA_TITLE (an area) or VIEW_TITLE (a
    view pushed over one)."""

    AREA_TITLE = ""
    VIEW_TITLE = ""
    # A view whose fetch is audited or ends a step (a chart, a claim, a visit) fetches
    # when it opens and when it says so, not each time a dialog over it closes.
    REFETCH_ON_RESUME = True

    def compose(self) -> ComposeResult:
        yield Static(id="titlebar")
        yield from self.compose_body()
        yield MessageLine()
        yield from self.compose_bars()
        yield KeyBar()  # Textual's Footer, as one widget (widgets/keybar.py)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def compose_bars(self) -> ComposeResult:
        """Lines between the message line and the footer (an area's area bar)."""
        yield from ()

    def set_title(self, extra: str = "") -> None:
        app = self.app
        parts = [self.AREA_TITLE or self.VIEW_TITLE, extra, app.clinic_name, app.actor.short_name]
        self.query_one("#titlebar", Static).update(plain(" · ".join(p for p in parts if p)))

    def say(self, text: str, kind: str = "") -> None:
        """Show a line of feedback above the footer; *kind* "error", "warning" or "ok"
        picks its look (styles/app.tcss)."""
        self.query_one(MessageLine).say(text, kind)

    def show_error(self, error: ServiceError) -> None:
        self.say(str(error), "error")
        self.app.bell()

    # (Textual calls an on_ handler of every class in the MRO: subclasses override these.)
    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual re-applies the whole stylesheet to a screen shown again, and every
        # table then throws away its rendered cells and renders them anew: most of an
        # area switch (issue 10). When nothing the styles depend on changed while it was
        # covered (the app's CSS, theme, classes, focus), its styles are still right.
        # (A class handler named _on_... hides its on_... twin: so this also resumes.)
        if getattr(self, "_styled_for", None) == _style_inputs(self.app):
            event.refresh_styles = False
        self.resumed()

    def _on_screen_suspend(self) -> None:
        self._styled_for = _style_inputs(self.app)

    def on_data_changed(self, message: DataChanged) -> None:
        if concerns(self, message):
            self.changed_elsewhere()

    def resumed(self) -> None:
        """Shown again (first shown, or what covered it closed)."""
        if self.REFETCH_ON_RESUME:
            self.reload()

    def changed_elsewhere(self) -> None:
        """Another terminal changed one of the TOPICS while this screen is shown."""
        self.reload()

    def reload(self) -> None:
        """Fetch what the screen shows again (after a change here or elsewhere)."""


def _style_inputs(app) -> tuple:
    """What a screen's computed styles depend on beyond its own widgets (whose class
    changes restyle them at once, shown or not)."""
    return (app._css_update_count, app.theme, frozenset(app.classes), app.app_focus)


class RecordView(TitledScreen):
    """A screen pushed over an area that shows one record (a chart, a claim, a visit): it
    fetches once when it opens (``reload``) and again when it says so, since opening it
    may be audited; another terminal's change does not refetch it."""

    TOPICS = frozenset()
    REFETCH_ON_RESUME = False

    def on_mount(self) -> None:
        self.set_title(self.first_title())
        self.reload()

    def first_title(self) -> str:
        """What the title bar says after the view's name until the record is fetched."""
        return ""


class AreaScreen(TitledScreen):
    """One top-level area (a mode): a titled screen with the area bar above the footer.
    Coming back to it repaints what it holds; it refetches only if one of its TOPICS
    changed meanwhile, here or in another terminal (issue 10: an area switch was a refetch
    and a rebuild of the whole table)."""

    _fetched: tuple[int, int] | None = None  # generation(TOPICS) at the last refetch

    def compose_bars(self) -> ComposeResult:
        yield AreaBar(self.app.area_keys(), self.app.current_mode)

    def on_mount(self) -> None:
        self.set_title()

    def resumed(self) -> None:
        now = generation(getattr(self, "TOPICS", None))
        if self.REFETCH_ON_RESUME and now != self._fetched:
            self._fetched = now
            self.reload()

    def changed_elsewhere(self) -> None:
        self._fetched = generation(getattr(self, "TOPICS", None))
        self.reload()


class PatientRowsScreen(AreaScreen):
    """An area whose rows each belong to a patient (``selected()`` returns one with a
    ``patient_id``): Enter opens that patient's chart, and after a refusal the list is
    fetched again, since the refusal usually means it was out of date."""

    def selected(self):
        raise NotImplementedError

    def action_open_patient(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.open_patient(row.patient_id)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open_patient()

    def show_error(self, error: ServiceError) -> None:
        super().show_error(error)
        self.reload()


class KeysetPages:
    """A screen whose table is fetched a keyset page at a time (claims, stock, the claims
    worklists): the first page replaces the table, later ones are appended as the cursor
    nears the end. Subclasses give ``fetch_page(after)`` (a service call with then=...)
    and ``cells``; a page has ``rows`` (each with an ``id``) and ``next_after``."""

    rows: dict
    next_after: tuple | None = None

    def show_first_page(self, page) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {}
        self.append_page(page)
        table.move_to_key(keep)

    def append_page(self, page) -> None:
        keys = [str(r.id) for r in page.rows]
        self.rows.update(zip(keys, page.rows, strict=True))
        self.next_after = page.next_after
        self.query_one(PagedTable).add_page(
            [self.cells(r) for r in page.rows], keys, page.next_after is not None
        )

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.fetch_page(self.next_after)

    def fetch_page(self, after) -> None:
        raise NotImplementedError

    def cells(self, row) -> tuple:
        raise NotImplementedError


class KeysetListScreen(KeysetPages, AreaScreen):
    """An area listed a keyset page at a time (see KeysetPages)."""
