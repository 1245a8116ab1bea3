"""The Inbox area: phone messages and tasks for me and my groups (or any inbox), urgent
first, overdue ones marked; take, route, close with the response, new task, and the
manager's triage list."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.comms.messages import (
    InboxCounts,
    InboxRow,
    MessageDetail,
    close_inbox_message,
    inbox_choices,
    inbox_counts,
    inbox_rows,
    open_inbox_message,
    route_inbox_message,
    take_inbox_message,
)
from ...services.comms.refills import refill_of_message
from ...services.comms.triage import Triage, save_triage_settings, triage_settings
from ...services.wording import plural
from ...ui import changes
from ...ui.text import plain
from ...widgets.dialogs import InfoDialog, PickDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import AreaScreen
from .refills import next_refill_step
from .task_form import new_task

BOX_NAMES = {"mine": "My inbox and my groups'", "all": "Every inbox"}
KIND_PREFIX = {"task": "Task: ", "refill": "Rx: "}
PAGE = 100
KIND_NAMES = {"call": "Call", "task": "Task", "refill": "Refill request (f: next step)"}


def row_flag(r: InboxRow) -> str:
    if r.urgent and r.status == "open":
        return "URG"
    return "LATE" if r.overdue else ""


class InboxScreen(AreaScreen):
    AREA_TITLE = "Inbox"
    COLUMNS = (
        Column("", 4),
        Column("Due", 11),
        Column("Status", 11),
        Column("From / patient", 16, share=1),
        Column("Reason", 16, share=2),
        Column("Inbox", 8, share=1),
    )
    TOPICS = frozenset({changes.MESSAGES})
    ACTION_PERMISSIONS = {
        "take": "comms.write",
        "route": "comms.write",
        "close": "comms.write",
        "new_task": "comms.write",
        "triage": "comms.admin",
        "refill": "comms.write",
    }
    BINDINGS = [
        Binding("enter", "open", "Open", id="inbox.open"),
        Binding("t", "take", "Take", id="inbox.take"),
        Binding("r", "route", "Route", id="inbox.route"),
        Binding("d", "close", "Done", id="inbox.close"),
        Binding("n", "new_task", "New task", id="inbox.new_task"),
        Binding("b", "box", "Inbox", id="inbox.box"),
        Binding("a", "toggle_done", "Show done", id="inbox.toggle_done"),
        Binding("e", "triage", "Red flags", id="inbox.triage"),
        Binding("f", "refill", "Refill step", id="inbox.refill"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.box = "mine"
        self.box_label = BOX_NAMES["mine"]
        self.show_done = False
        self.rows: dict[str, InboxRow] = {}
        self.choices: list[tuple[str, str]] = []
        self.counts: InboxCounts | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="inbox-summary", classes="toolbar")
        yield PagedTable(id="inbox-table")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()

    def reload(self) -> None:
        self.call_service(
            inbox_rows, self.box, self.show_done, PAGE, None, then=self._show, group="page"
        )
        self.call_service(inbox_counts, then=self._counts, group="counts")
        # A message taken or closed here leaves every desk's urgent notices, this one's too.
        self.app.urgent_calls.check()

    def _show(self, rows: list[InboxRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {}
        self._add(rows)
        table.move_to_key(keep)

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        """The next page, after the last row shown (a keyset: services/comms/messages.py)."""
        if self.rows:
            last = list(self.rows.values())[-1].page_key
            self.call_service(
                inbox_rows, self.box, self.show_done, PAGE, last, then=self._add, group="page"
            )

    def _add(self, rows: list[InboxRow]) -> None:
        table = self.query_one(PagedTable)
        cells, keys = [], []
        for r in rows:
            if str(r.id) in self.rows:
                continue
            self.rows[str(r.id)] = r
            style = "bold red" if row_flag(r) else ("dim" if r.status == "done" else "")
            who = r.patient or r.caller
            if r.kind != "task" and r.patient and r.caller and r.caller not in r.patient:
                who = f"{r.caller} re {r.patient}"
            cells.append((
                plain(row_flag(r), style),
                plain(f"{r.due:%m/%d %H:%M}" if r.due else "", style),
                plain(r.status_label + (f" {r.taken_by}" if r.status == "in_progress" else "")),
                plain(KIND_PREFIX.get(r.kind, "") + who),
                plain(r.reason, style),
                plain(r.inbox),
            ))  # fmt: skip
            keys.append(str(r.id))
        table.add_page(cells, keys, has_more=len(rows) == PAGE)
        self._summary()

    def _counts(self, counts: InboxCounts) -> None:
        self.app.set_inbox_counts(counts)
        self.counts = counts
        self._summary()

    def _summary(self) -> None:
        """The line above the list: what it shows (the rows and the counts come back from
        two calls, in either order: each one writes the line with what is in)."""
        shown = self.box_label + (" · with done" if self.show_done else "")
        line = f"{shown}: {plural(len(self.rows), 'item')}"
        line += "+" if self.query_one(PagedTable).has_more else ""
        if (c := self.counts) is not None:
            line += f" · mine open {c.open}, overdue {c.overdue} · urgent untaken {c.urgent}"
        self.query_one("#inbox-summary", Static).update(plain(line))

    def selected(self) -> InboxRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open()

    # --- one item

    def action_open(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(open_inbox_message, row.id, then=self._detail, group="open")

    def _detail(self, d: MessageDetail) -> None:
        r = d.row
        logged = f"Logged {r.created:%m/%d/%Y %H:%M} by {d.created_by}"
        if r.due:
            logged += f" · due {r.due:%m/%d/%Y %H:%M}" + (" (OVERDUE)" if r.overdue else "")
        lines = [
            f"{KIND_NAMES[r.kind]} · {r.status_label} · inbox {r.inbox}",
            logged,
        ]
        if r.kind != "task":
            lines.append(f"Caller: {r.caller} · callback {r.callback}")
        if r.patient:
            lines.append(f"Patient: {r.patient}")
        lines.append(f"Reason: {r.reason}")
        if d.red_flags:
            lines.append(f"URGENT: {d.red_flags}")
        if d.text:
            lines += ["", d.text]
        if d.response:
            lines += ["", f"Response ({d.closed_by}, {d.closed_at:%m/%d/%Y %H:%M}): {d.response}"]
        self.app.push_screen(InfoDialog(f"Message {r.id}", lines))

    @work(exclusive=True, group="refill-flow")
    async def action_refill(self) -> None:
        """The next step of the refill request under the cursor (issue 12 item 7)."""
        row = self.selected()
        if row is None or row.kind != "refill":
            self.say("Choose a refill request (Rx) first.", "error")
            return
        refill = await self.ask_service(refill_of_message, row.id, group="refill")
        if refill is not None and (done := await next_refill_step(self, refill)) is not None:
            self.say(f"{done.medication}: {done.where_it_stands()}.", "ok")
            self.reload()

    def action_take(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(
                take_inbox_message, row.id, row.version, then=self._taken, group="write"
            )

    def _taken(self, row: InboxRow) -> None:
        self.say(f"You took message {row.id} ({row.reason}).", "ok")
        self.reload()

    async def _choices(self) -> list[tuple[str, str]] | None:
        if not self.choices:
            self.choices = await self.ask_service(inbox_choices, group="choices") or []
        return self.choices or None

    @work(exclusive=True, group="route-flow")
    async def action_route(self) -> None:
        """Pick another inbox for the message under the cursor, then move it there."""
        row = self.selected()
        choices = await self._choices() if row is not None else None
        if row is None or choices is None:
            return
        rows = [(code, (label,)) for label, code in choices]
        code = await self.app.push_screen_wait(
            PickDialog(f"Route: {row.reason}", [("Inbox", 40)], rows)
        )
        if code is not None:
            routed = await self.ask_service(
                route_inbox_message, row.id, row.version, code, group="write"
            )
            if routed is not None:
                self._routed(routed)

    def _routed(self, row: InboxRow) -> None:
        self.say(f"Message {row.id} is now in {row.inbox}'s inbox.", "ok")
        self.reload()

    def action_close(self) -> None:
        row = self.selected()
        if row is None:
            return

        def submit(actor, values):
            return close_inbox_message(actor, row.id, row.version, values["response"])

        self.app.push_screen(
            FormDialog(
                f"Done: {row.reason}",
                [FieldSpec("response", "Response", max_length=2000)],
                submit,
                hint="What was said or done (required) · Enter: save · Esc: cancel",
            ),
            self._finished,
        )

    def _finished(self, row: InboxRow | None) -> None:
        if row is not None:
            self.say(f"Message {row.id} done.", "ok")
            self.reload()

    def action_new_task(self) -> None:
        row = self.selected()
        new_task(
            self,
            f"message {row.id}" if row is not None else "",
            message_id=row.id if row is not None else None,
            then=self._task_made,
        )

    def _task_made(self, row: InboxRow | None) -> None:
        if row is not None:
            self.say(
                f"Task {row.id} is in {row.inbox}'s inbox, due {row.due:%m/%d/%Y %H:%M}.", "ok"
            )
            self.reload()

    # --- which inbox, and the triage list

    @work(exclusive=True, group="box-flow")
    async def action_box(self) -> None:
        """Show another inbox: mine (and my groups'), every one, or any single one."""
        choices = await self._choices()
        if choices is None:
            return
        rows = [("mine", (BOX_NAMES["mine"],)), ("all", (BOX_NAMES["all"],))]
        rows += [(code, (label,)) for label, code in choices if code != "me"]
        code = await self.app.push_screen_wait(
            PickDialog("Show which inbox", [("Inbox", 40)], rows)
        )
        if code is not None:
            self.box = code
            self.box_label = dict((c, r[0]) for c, r in rows)[code]
            self.reload()

    def action_toggle_done(self) -> None:
        self.show_done = not self.show_done
        self.reload()

    def action_triage(self) -> None:
        self.call_service(triage_settings, then=self._edit_triage, group="triage")

    def _edit_triage(self, triage: Triage) -> None:
        def submit(actor, values):
            return save_triage_settings(
                actor, triage.version, values["red_flags"], values["advice"]
            )

        self.app.push_screen(
            FormDialog(
                "Red flags (urgent calls) and what the desk advises",
                [
                    FieldSpec("red_flags", "Red flags", "; ".join(triage.red_flags)),
                    FieldSpec("advice", "Advise", triage.advice, max_length=1000),
                ],
                submit,
                hint="Phrases separated by ; (whole words, any case) · Enter: save · Esc: cancel",
            ),
            self._triage_saved,
        )

    def _triage_saved(self, triage: Triage | None) -> None:
        if triage is not None:
            self.say(f"Triage list saved: {plural(len(triage.red_flags), 'phrase')}.", "ok")
