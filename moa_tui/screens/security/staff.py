"""Staff accounts: add, deactivate, reset a password, map an SSH login."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.records.documents import LIMIT_MB_MAX, document_limit, set_document_limit
from ...services.security.security import ROLE_LABELS
from ...services.security.staff import (
    StaffRow,
    clinic_phone_setting,
    create_staff,
    export_folder_setting,
    list_staff,
    reset_password,
    set_clinic_phone,
    set_export_folder,
    set_idle_lock_minutes,
    set_os_login,
    set_staff_active,
    set_wait_warn_minutes,
)
from ...services.wording import plural
from ...ui import changes
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import AreaScreen


class StaffScreen(AreaScreen):
    AREA_TITLE = "Staff accounts"
    COLUMNS = (
        Column("User", 10),
        Column("Name", 20),
        Column("Role", 14),
        Column("SSH login", 10),
        Column("State", 12),
    )
    TOPICS = frozenset({changes.STAFF})  # refetched when another terminal changes these
    BINDINGS = [
        Binding("n", "new", "New account", id="staff.new"),
        Binding("d", "toggle_active", "(De)activate", id="staff.toggle_active"),
        Binding("p", "reset_password", "Reset password", id="staff.reset_password"),
        Binding("o", "os_login", "SSH login", id="staff.os_login"),
        # Clinic settings: in help and the palette; the footer keeps what fits 80 columns.
        Binding("i", "idle_lock", "Idle lock", show=False, id="staff.idle_lock"),
        Binding("w", "wait_warning", "Wait warning", show=False, id="staff.wait_warning"),
        Binding("e", "export_folder", "Export folder", show=False, id="staff.export_folder"),
        Binding("t", "clinic_phone", "Clinic phone", show=False, id="staff.clinic_phone"),
        Binding(
            "m", "document_limit", "Document size limit", show=False, id="staff.document_limit"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, StaffRow] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Accounts are never deleted: deactivate them. New and reset passwords are "
            "temporary and must be changed at the next sign-in.",
            classes="hint",
        )
        yield PagedTable(id="staff-table")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()

    def reload(self) -> None:
        self.call_service(list_staff, then=self._show, group="list")

    def _show(self, rows: list[StaffRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {str(r.id): r for r in rows}
        cells = []
        for r in rows:
            state = (
                "inactive"
                if not r.active
                else "locked"
                if r.locked
                else ("must change" if r.must_change_password else "active")
            )
            style = "dim" if not r.active else "bold red" if r.locked else ""
            cells.append(
                (
                    plain(r.username),
                    plain(r.full_name),
                    r.role_label,
                    plain(r.os_login or "-"),
                    plain(state, style),
                )
            )
        table.add_page(cells, list(self.rows), has_more=False)
        table.move_to_key(keep)

    def selected(self) -> StaffRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def _done(self, row: StaffRow | None) -> None:
        if row is not None:
            self.say(f"Saved {row.username}.", "ok")
            self.reload()

    def action_new(self) -> None:
        roles = [(label, key) for key, label in ROLE_LABELS.items()]
        self.app.push_screen(
            FormDialog(
                "New staff account",
                [
                    FieldSpec("username", "Username", max_length=32),
                    FieldSpec("full_name", "Full name", max_length=60),
                    FieldSpec("role", "Role", options=roles),
                    FieldSpec("password", "Temporary pw", password=True, max_length=200),
                ],
                create_staff,
            ),
            self._done,
        )

    def action_toggle_active(self) -> None:
        row = self.selected()
        if row:
            self.call_service(
                set_staff_active,
                row.id,
                row.version,
                not row.active,
                then=self._done,
                group="write",
            )

    def action_reset_password(self) -> None:
        row = self.selected()
        if row:
            self.app.push_screen(
                FormDialog(
                    f"Temporary password for {row.username}",
                    [FieldSpec("password", "Temporary pw", password=True, max_length=200)],
                    lambda actor, v: reset_password(actor, row.id, row.version, v["password"]),
                ),
                self._done,
            )

    def action_os_login(self) -> None:
        row = self.selected()
        if row:
            self.app.push_screen(
                FormDialog(
                    f"Operating-system (SSH) login that signs in as {row.username}",
                    [FieldSpec("os_login", "OS login", row.os_login, max_length=32)],
                    lambda actor, v: set_os_login(actor, row.id, row.version, v["os_login"]),
                    hint="Blank removes it. Enter: save · Esc: cancel",
                ),
                self._done,
            )

    def action_idle_lock(self) -> None:
        self.app.push_screen(
            FormDialog(
                "Lock idle terminals after how many minutes?",
                [
                    FieldSpec(
                        "minutes", "Minutes", str(int(self.app.idle_seconds // 60)), max_length=2
                    )
                ],
                lambda actor, v: set_idle_lock_minutes(actor, v["minutes"]),
                hint="1 to 60. Terminals use it from their next start. Enter: save · Esc: cancel",
            ),
            self._idle_set,
        )

    def _idle_set(self, minutes: int | None) -> None:
        if minutes is not None:
            self.app.idle_seconds = minutes * 60
            self.say(f"Idle terminals lock after {plural(minutes, 'minute')}.", "ok")

    def action_wait_warning(self) -> None:
        self.app.push_screen(
            FormDialog(
                "Flag a wait on the flow board after how many minutes?",
                [FieldSpec("minutes", "Minutes", "15", max_length=3)],
                lambda actor, v: set_wait_warn_minutes(actor, v["minutes"]),
                hint="1 to 120. Every flow board uses it at once. Enter: save · Esc: cancel",
            ),
            lambda minutes: (
                minutes is not None
                and self.say(f"Waits over {plural(minutes, 'minute')} now stand out.", "ok")
            ),
        )

    def action_export_folder(self) -> None:
        self.call_service(export_folder_setting, then=self._ask_export_folder)

    def _ask_export_folder(self, current: str) -> None:
        self.app.push_screen(
            FormDialog(
                "Folder exports are saved in",
                [FieldSpec("folder", "Folder", current, max_length=500)],
                lambda actor, v: set_export_folder(actor, v["folder"]),
                hint="A full path (/... or ~/...); blank: each user's documents folder. "
                "Enter: save · Esc: cancel",
            ),
            lambda folder: folder is not None and self.say(f"Exports go to {folder}.", "ok"),
        )

    def action_clinic_phone(self) -> None:
        self.call_service(clinic_phone_setting, then=self._ask_clinic_phone)

    def _ask_clinic_phone(self, current: str) -> None:
        self.app.push_screen(
            FormDialog(
                "The clinic's phone number (printed on visit slips)",
                [FieldSpec("phone", "Phone", current, max_length=25)],
                lambda actor, v: set_clinic_phone(actor, v["phone"]),
                hint="10 digits with the area code; blank: none. Enter: save · Esc: cancel",
            ),
            lambda phone: (
                phone is not None
                and self.say(f"Visit slips now give {phone or 'no phone number'}.", "ok")
            ),
        )

    def action_document_limit(self) -> None:
        self.call_service(document_limit, then=self._ask_document_limit)

    def _ask_document_limit(self, current: int) -> None:
        self.app.push_screen(
            FormDialog(
                "The largest document filed to a chart",
                [FieldSpec("megabytes", "MB", str(current), max_length=3)],
                lambda actor, v: set_document_limit(actor, v["megabytes"]),
                hint=f"A whole number of MB, 1 to {LIMIT_MB_MAX}. Enter: save · Esc: cancel",
            ),
            lambda mb: mb is not None and self.say(f"A chart now takes {mb} MB at most.", "ok"),
        )
