"""Intake forms: which visit types need which items, and how often they are due."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding

from ...services.frontdesk.intake import (
    EVERY_LABELS,
    IntakeRow,
    list_intake_items,
    save_intake_item,
)
from ...services.security.security import refusal
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import TitledScreen

COLUMNS = (Column("Item", 30), Column("Due", 14), Column("For visits", 26))


class IntakeScreen(TitledScreen):
    """The intake items (a clinic setting, over the schedule): fetched when opened and
    after a change made here, not each time a dialog over it closes. (Their writes name no
    change topic, so another terminal's schedule change does not refetch them.)"""

    SCREEN_NAME = "Intake"
    VIEW_TITLE = "Intake forms and items"
    TOPICS = frozenset()
    REFETCH_ON_RESUME = False

    BINDINGS = [
        Binding("n", "new", "New item", id="intake.new_item"),
        Binding("escape", "app.pop_screen", "Back", id="intake.back"),
    ]
    ACTION_PERMISSIONS = {"new": "schedule.admin", "edit": "schedule.admin"}

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, IntakeRow] = {}

    def compose_body(self) -> ComposeResult:
        yield PagedTable(id="intake-table")

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(PagedTable)
        table.set_columns(COLUMNS)
        table.focus()
        # What the line says a key does must be true for this role.
        if self.check_action("edit", ()):
            self.say("Enter changes an item · n adds one · Esc back")
        else:
            self.say(f"{refusal(self.app.actor, 'schedule.admin')} · Esc back")
        self.reload()

    def reload(self) -> None:
        self.call_service(list_intake_items, then=self._show)

    def _show(self, rows: list[IntakeRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {str(r.id): r for r in rows}
        table.add_page(
            [(plain(r.name), EVERY_LABELS[r.every], plain(r.types)) for r in rows],
            list(self.rows),
            has_more=False,
        )
        table.move_to_key(keep)

    @work(exclusive=True, group="intake-flow")
    async def _dialog(self, row: IntakeRow | None) -> None:
        """A new intake item or a change to *row*; the list is fetched again once saved."""

        def submit(actor, values):
            return save_intake_item(actor, row.id if row else None, values)

        saved = await self.app.push_screen_wait(
            FormDialog(
                f"Change {row.name}" if row else "New intake item",
                [
                    FieldSpec("name", "Name", row.name if row else "", max_length=60),
                    FieldSpec(
                        "every",
                        "Due",
                        row.every if row else "year",
                        options=[(label, key) for key, label in EVERY_LABELS.items()],
                    ),
                    FieldSpec(
                        "types",
                        "For visits",
                        row.types if row and row.type_ids else "all",
                        placeholder="all, or type names with commas",
                        max_length=200,
                    ),
                ],
                submit,
            )
        )
        if saved:
            self.reload()

    def action_new(self) -> None:
        self._dialog(None)

    def action_edit(self) -> None:
        row = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        if row:
            self._dialog(row)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        if self.check_action("edit", ()):
            self.action_edit()
        else:
            self.show_refusal(f"Change an item: {refusal(self.app.actor, 'schedule.admin')}")
