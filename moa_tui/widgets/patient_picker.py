"""The one patient search as you type: a search box, a line saying what was found, and the
matches. Enter in the box picks the highlighted match (the first, unless the cursor was
moved); Down goes to the list; Enter on a row picks it.

The search runs through the screen's ServiceCaller (every screen is one), so only the
newest answer is shown and a restricted-record or ended-session answer is handled as
everywhere else. An Enter typed before the answer came picks the first match when it
comes; further Enters typed meanwhile are counted (``enters_ahead``) so a screen with
steps after the patient (booking) can replay them there.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from ..services.patients.patients import PatientHit, search_patients
from ..services.wording import plural
from ..ui.text import plain
from .paged_table import Column, PagedTable

# What search_patients returns at most: "first 50" beyond that.
SHOWN_AT_MOST = 50


def open_hint(text: str, found: int) -> str:
    """The hint of a list whose Enter opens the patient (the Patients area)."""
    if not text.strip():
        return "Type to search. Enter opens the highlighted match · Down: choose · Ctrl+N: new"
    if not found:
        return "No patient matches. Ctrl+N registers a new patient."
    if found >= SHOWN_AT_MOST:
        return "First 50 matches; type more to narrow. Enter opens the highlighted one."
    return f"{plural(found, 'match', 'matches')}. Enter opens the highlighted one."


def choose_hint(text: str, found: int) -> str:
    """The hint of a list whose Enter chooses the patient for something (booking)."""
    if not text.strip():
        return "Type the patient's name · Enter picks the first match · Ctrl+N: new patient"
    if not found:
        return "No patient matches. Ctrl+N registers a new patient."
    counted = "First 50 found" if found >= SHOWN_AT_MOST else f"{found} found"
    return f"{counted} · Enter picks the highlighted · Down: choose"


class _SearchBox(Input):
    """Enter picks at once, not in a later message: keys typed ahead land in the next step."""

    async def action_submit(self) -> None:
        picker = next(a for a in self.ancestors if isinstance(a, PatientPicker))
        picker.submit()


class _HitTable(PagedTable):
    """Enter picks the highlighted row at once, for the same reason."""

    BINDINGS = [Binding("enter", "pick", "Choose", show=False, id="patient_picker.choose")]

    def action_pick(self) -> None:
        picker = next(a for a in self.ancestors if isinstance(a, PatientPicker))
        picker.pick(self.selected_key())


class PatientPicker(Vertical):
    """Search box, hint line and matches. A pick calls *on_pick* (hit, enters typed ahead)
    when given, else posts ``PatientPicker.Picked``. Enter with no match calls *on_no_match*
    when given, else rings the bell."""

    DEFAULT_CSS = """
    PatientPicker { height: 1fr; }
    """

    BINDINGS = [Binding("down", "to_results", "Results", show=False, id="patient_picker.results")]

    class Picked(Message):
        def __init__(self, picker: PatientPicker, hit: PatientHit, enters_ahead: int) -> None:
            super().__init__()
            self.picker = picker
            self.hit = hit
            self.enters_ahead = enters_ahead

    def __init__(
        self,
        *,
        placeholder: str = "Last first (smi jo) · DOB 04/17/1962 · phone · MRN",
        hint: Callable[[str, int], str] = open_hint,
        on_pick: Callable[[PatientHit, int], None] | None = None,
        on_no_match: Callable[[], None] | None = None,
        show_sex: bool = True,
        input_id: str = "search",
        hint_id: str = "search-hint",
        table_id: str = "patient-table",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.placeholder = placeholder
        self.hint = hint
        self.on_pick = on_pick
        self.on_no_match = on_no_match
        self.show_sex = show_sex
        self.ids = (input_id, hint_id, table_id)
        self.hits: dict[str, PatientHit] = {}  # row key -> hit, in the order shown
        self.hits_for: str | None = None  # the search text the hits answer
        self.pick_pending = False  # Enter came before the hits
        self.enters_ahead = 0  # further Enters typed while waiting

    def compose(self) -> ComposeResult:
        input_id, hint_id, table_id = self.ids
        yield _SearchBox(placeholder=self.placeholder, id=input_id, compact=True, max_length=60)
        yield Static(plain(self.hint("", 0)), id=hint_id, classes="toolbar")
        yield _HitTable(id=table_id)

    def on_mount(self) -> None:
        table = self.table
        sex = (Column("Sex", 3),) if self.show_sex else ()
        table.set_columns(
            (
                Column("MRN", 7),
                Column("Name", 28, share=1),
                Column("DOB", 10),
                *sex,
                Column("Phone", 12),
            )
        )

    # --- parts

    @property
    def search_box(self) -> Input:
        return self.query_one(_SearchBox)

    @property
    def table(self) -> PagedTable:
        return self.query_one(_HitTable)

    @property
    def text(self) -> str:
        return self.search_box.value

    def selected(self) -> PatientHit | None:
        return self.hits.get(self.table.selected_key() or "")

    def focus_search(self) -> None:
        self.search_box.focus()

    def action_to_results(self) -> None:
        if self.screen.focused is self.search_box and self.table.row_count:
            self.table.focus()

    # --- searching

    def search(self) -> None:
        """Search again for what is typed (after a change here or in another terminal)."""
        self.screen.call_service(
            search_patients, self.text, then=self._got_hits, group=f"search-{self.ids[2]}"
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.search_box:
            event.stop()
            self.search()

    def _got_hits(self, hits: list[PatientHit]) -> None:
        table = self.table
        keep = table.selected_key() if self.hits_for == self.text else None
        self.hits = {str(h.id): h for h in hits}
        self.hits_for = self.text
        table.reset()
        for key, h in self.hits.items():
            cells = [plain(h.mrn), plain(h.name + (" (restricted)" if h.restricted else ""))]
            cells.append(f"{h.dob:%m/%d/%Y}")
            if self.show_sex:
                cells.append(plain(h.sex))
            cells.append(plain(h.phone))
            table.add_row(*cells, key=key)
        table.move_to_key(keep)
        self.query_one(f"#{self.ids[1]}", Static).update(plain(self.hint(self.text, len(hits))))
        if self.pick_pending:
            self.pick_pending = False
            if hits:
                self.pick(str(hits[0].id))
            else:
                self.enters_ahead = 0

    # --- picking

    def submit(self) -> None:
        """Enter in the search box."""
        if self.pick_pending:
            self.enters_ahead += 1
            return
        if not self.text.strip():
            return
        if self.hits_for == self.text and self.hits:
            self.pick(self.table.selected_key())
        elif self.hits_for == self.text:
            if self.on_no_match is not None:
                self.on_no_match()
            else:
                self.app.bell()
        else:
            self.pick_pending = True  # the hits are on their way

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # A mouse click on a row (Enter is the table's own pick).
        event.stop()
        self.pick(event.row_key.value)

    def pick(self, key: str | None) -> None:
        hit = self.hits.get(key or "")
        if hit is None:
            return
        ahead, self.enters_ahead = self.enters_ahead, 0
        if self.on_pick is not None:
            self.on_pick(hit, ahead)
        else:
            self.post_message(self.Picked(self, hit, ahead))
