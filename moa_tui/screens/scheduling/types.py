"""Managers' screen for the appointment types: name, length, colour on the grids and who
offers each."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.widgets import DataTable, Static

from ...services.errors import ValidationError
from ...services.parsing import parse_provider_list, provider_list_text
from ...services.scheduling.availability import (
    TypeInfo,
    list_types,
    save_type,
)
from ...services.scheduling.schedule import ProviderInfo, list_providers
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.grid_cells import type_style
from ...widgets.paged_table import RowTable
from .calendar import ViewScreen


def check_colour(field: str, value: str) -> None:
    """The colour must be one the terminal can draw (a name like green, or #rrggbb)."""
    text = (value or "").strip()
    if not text:
        return
    try:
        Color.parse(text)
    except ColorParseError:
        raise ValidationError.one(field, f"{text} is not a colour: try green or #3366cc.") from None


class TypesScreen(ViewScreen):
    """Appointment types: name, default length, colour, overbooking, whether the payer's
    authorization is needed (booking warns without one), who offers it."""

    VIEW_TITLE = "Appointment types"
    BINDINGS = [
        Binding("e", "edit_type", "Edit", id="types.edit"),
        Binding("n", "new_type", "New type", id="types.new_type"),
    ]
    ACTION_PERMISSIONS = {"edit_type": "schedule.admin", "new_type": "schedule.admin"}

    def __init__(self) -> None:
        super().__init__()
        self.types: dict[str, TypeInfo] = {}
        self.providers: list[ProviderInfo] = []

    def compose_body(self) -> ComposeResult:
        yield Static("Enter or e edits the type · n adds one", id="types-hint", classes="toolbar")
        yield RowTable(id="types-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(DataTable)
        table.add_column("Name", width=16)
        table.add_column("Length", width=7)
        table.add_column("Colour", width=11)
        table.add_column("Overbook", width=8)
        table.add_column("Auth", width=4)  # needs the payer's authorization
        table.add_column("Offered by")
        table.focus()

    def reload(self) -> None:
        self.call_service(list_providers, then=self._got_providers, group="providers")

    def _got_providers(self, providers: list[ProviderInfo]) -> None:
        self.providers = providers
        self.call_service(list_types, then=self._show, group="types")

    def _show(self, types: list[TypeInfo]) -> None:
        table = self.query_one(DataTable)
        keep = self.selected_key()
        table.clear()
        self.types = {str(t.id): t for t in types}
        for t in types:
            swatch = Text("  ", style=type_style(t.color) or "") + plain(f" {t.color or '-'}")
            table.add_row(
                plain(t.name),
                f"{t.default_minutes} min",
                swatch,
                "yes" if t.allow_overbook else "no",
                "yes" if t.needs_authorization else "no",
                plain(provider_list_text(t.provider_ids, self.providers)),
                key=str(t.id),
            )
        if keep in self.types:
            table.move_cursor(row=table.get_row_index(keep))

    def selected_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_type()

    def action_edit_type(self) -> None:
        if not self.check_action("edit_type", ()):
            self.say("Only a manager can change appointment types.", "error")
            return
        kind = self.types.get(self.selected_key() or "")
        if kind is not None:
            self._open(kind)

    def action_new_type(self) -> None:
        if self.check_action("new_type", ()):
            self._open(None)

    @work(exclusive=True, group="types-flow")
    async def _open(self, kind: TypeInfo | None) -> None:
        """A new type or a change to *kind*; saved, then said."""
        providers = list(self.providers)
        type_id = kind.id if kind else None

        def submit(actor, values):
            check_colour("color", values["color"])
            ids = parse_provider_list("providers", values["providers"], providers)
            data = {
                "name": values["name"],
                "minutes": values["minutes"],
                "color": values["color"].strip().lower(),
                "allow_overbook": values["overbook"] == "yes",
                "needs_authorization": values["needs_auth"] == "yes",
                "provider_ids": ids,
            }
            return save_type(actor, type_id, data)

        specs = [
            FieldSpec("name", "Name", value=kind.name if kind else "", max_length=40),
            FieldSpec(
                "minutes",
                "Minutes",
                value=str(kind.default_minutes) if kind else "15",
                restrict=r"\d{0,3}",
            ),
            FieldSpec(
                "color", "Colour", value=kind.color if kind else "", placeholder="e.g. green"
            ),
            FieldSpec(
                "overbook",
                "Overbook",
                value="yes" if kind and kind.allow_overbook else "no",
                options=[("no", "no"), ("yes", "yes")],
            ),
            FieldSpec(
                "needs_auth",
                "Needs auth",
                value="yes" if kind and kind.needs_authorization else "no",
                options=[("no", "no"), ("yes", "yes")],
            ),
            FieldSpec(
                "providers",
                "Providers",
                value=provider_list_text(kind.provider_ids, providers) if kind else "all",
                placeholder="all, or Dr Lee, NP Ray",
            ),
        ]
        saved = await self.app.push_screen_wait(
            FormDialog(
                f"Appointment type: {kind.name}" if kind else "New appointment type",
                specs,
                submit,
                hint="Providers: all, or short names with commas · colour: green, cyan, "
                "#3366cc · Enter next/save · Esc cancel",
            )
        )
        if saved is not None:
            self.say(f"Saved {saved.name}.", "ok")
            self.reload()
