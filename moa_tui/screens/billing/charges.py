"""Coding a visit: a claim's diagnoses and service lines, typed as fast as the desk types.

d: diagnosis; a code or a few words, Enter, pick, and the next one. a: add a line; a code
or words, Enter, pick, the line's details (fee from the fee schedule, pointers at the first
diagnoses), Enter, and the next line. s scrubs: "ready", or "held" with every reason.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from ...services.billing.charges import (
    ChargeSheet,
    LineRow,
    add_diagnosis,
    charge_sheet,
    remove_diagnosis,
    remove_line,
    save_line,
)
from ...services.billing.claims import STATUS_LABELS
from ...services.billing.codes import icd_list_missing, search_diagnoses, search_procedures
from ...services.billing.imports import load_icd10cm
from ...services.billing.scrubber import ScrubResult, scrub_claim
from ...services.validate import format_money
from ...ui.text import plain, plain_lines
from ...widgets.dialogs import ConfirmDialog, InfoDialog, PickDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import RowTable
from ..base import RecordView
from .setup import fix_billing_party

LINE_COLUMNS = (("Ln", 2), ("Code", 6), ("Mod", 11), ("Units", 5), ("Ptr", 7), ("POS", 3),
                ("Charge", 10))  # fmt: skip


def line_dialog(sheet: ChargeSheet, code: str, line: LineRow | None = None) -> FormDialog:
    """The details of a line (a new one for *code*, or *line* to change), with what the
    claim and the fee schedule give as defaults; Enter through them saves."""
    specs = [
        FieldSpec("code", "Code", code, max_length=8),
        FieldSpec(
            "modifiers",
            "Modifiers",
            line.modifiers if line else "",
            placeholder="e.g. 25 59",
            max_length=20,
        ),
        FieldSpec("units", "Units", str(line.units) if line else "1", max_length=4),
        FieldSpec(
            "fee",
            "Fee",
            format_money(line.fee_cents) if line else "",
            placeholder="blank: the fee schedule's",
            max_length=14,
        ),
        FieldSpec(
            "pointers",
            "Diagnoses",
            line.pointers if line else "",
            placeholder="e.g. 1,2 (blank: the first ones)",
            max_length=20,
        ),
        FieldSpec(
            "date",
            "Date",
            f"{line.service_from:%m/%d/%Y}" if line else "",
            placeholder="blank: the visit's",
            max_length=20,
        ),
        FieldSpec(
            "pos",
            "Place of service",
            line.place_of_service if line else "",
            placeholder="blank: 11 (office)",
            max_length=2,
        ),
    ]
    number = line.line_no if line else None

    def submit(actor, values):
        return save_line(actor, sheet.claim_id, sheet.version, number, dict(values))

    title = f"Line {number}" if number else f"New line on claim {sheet.claim_id}"
    return FormDialog(title, specs, submit)


class ChargesScreen(RecordView):
    """One claim's charges: diagnoses, lines, total, the scrubber's hold reasons."""

    VIEW_TITLE = "Charges"
    # The lines take the room left; the header, diagnoses and hold reasons what they need.
    DEFAULT_CSS = """
    #charges-body { height: 1fr; padding: 0 1; }
    #charges-head { height: 2; }
    #charges-dx { height: auto; max-height: 7; }
    #charges-lines { height: 1fr; min-height: 3; }
    #charges-holds { height: auto; max-height: 6; }
    #charges-holds.error { color: ansi_red; }
    """
    ACTION_PERMISSIONS = {
        "diagnosis": "claims.write",
        "add_line": "claims.write",
        "edit_line": "claims.write",
        "remove_line": "claims.write",
        "remove_diagnosis": "claims.write",
        "scrub": "claims.write",
        "fix_party": "billing.codes",
    }
    BINDINGS = [
        Binding("escape", "back", "Back", id="charges.back"),
        Binding("d", "diagnosis", "Diagnosis", id="charges.diagnosis"),
        Binding("a", "add_line", "Add line", id="charges.add_line"),
        Binding("e", "edit_line", "Edit line", id="charges.edit_line"),
        Binding("x", "remove_line", "Remove line", id="charges.remove_line"),
        Binding("k", "remove_diagnosis", "Remove dx", show=False, id="charges.remove_diagnosis"),
        Binding("s", "scrub", "Scrub", id="charges.scrub"),
        Binding("f", "fix_party", "Fix payer/NPI", show=False, id="charges.fix_party"),
    ]

    def __init__(self, claim_id: int) -> None:
        super().__init__()
        self.claim_id = claim_id
        self.sheet: ChargeSheet | None = None
        self.entry = ""  # "dx" or "line": what the entry field is typing
        self.VIEW_TITLE = f"Charges of claim {claim_id}"

    def compose_body(self) -> ComposeResult:
        with Vertical(id="charges-body"):
            yield Static("Loading…", id="charges-head")
            yield Static("", id="charges-dx")
            yield RowTable(cursor_type="row", id="charges-lines")
            yield Static("", id="charges-holds")
            yield Input(
                placeholder="d: diagnosis · a: add a line", compact=True, id="charges-entry"
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(RowTable).set_columns(LINE_COLUMNS)
        self.query_one("#charges-entry", Input).display = False
        self.call_service(icd_list_missing, then=self._icd_missing, group="icd")

    def reload(self) -> None:
        self.call_service(charge_sheet, self.claim_id, then=self.show)

    def _icd_missing(self, missing: bool) -> None:
        if missing:
            # The first coder of a clinic loads the ICD-10-CM list (once, about 10 s).
            self.say("Loading the ICD-10-CM list (once for the clinic)…", "warning")
            self.call_service(load_icd10cm, then=lambda m: self.say(m, "ok"), group="icd")

    def show(self, sheet: ChargeSheet) -> None:
        self.sheet = sheet
        self.query_one("#charges-head", Static).update(
            plain_lines(
                [
                    f"{sheet.patient} · {sheet.payer} · DOS {sheet.service_date:%m/%d/%Y}",
                    f"{STATUS_LABELS.get(sheet.status, sheet.status)} · {sheet.provider} · "
                    f"total {format_money(sheet.total_cents)}",
                ]
            )
        )
        dx = [f"{d.position:>2} {d.code:<8} {d.description}" for d in sheet.diagnoses]
        self.query_one("#charges-dx", Static).update(
            plain_lines(dx or ["No diagnosis yet: press d."])
        )
        table = self.query_one(RowTable)
        keep = table.cursor_row
        table.clear()
        for ln in sheet.lines:
            table.add_row(
                *(
                    plain(v)
                    for v in (
                        ln.line_no,
                        ln.code,
                        ln.modifiers,
                        ln.units,
                        ln.pointers,
                        ln.place_of_service,
                        format_money(ln.charge_cents).rjust(10),
                    )
                ),
                key=str(ln.line_no),
            )
        if sheet.lines:
            table.move_cursor(row=min(keep, len(sheet.lines) - 1))
        holds = self.query_one("#charges-holds", Static)
        holds.update(
            plain_lines(["Held:", *(f"· {h}" for h in sheet.holds)]) if sheet.holds else ""
        )
        holds.set_class(bool(sheet.holds), "error")

    # --- typing a code or words ---------------------------------------------------------

    def _open_entry(self, kind: str, hint: str) -> None:
        if self.sheet is None:
            return
        self.entry = kind
        entry = self.query_one("#charges-entry", Input)
        entry.placeholder = hint
        entry.value = ""
        entry.display = True
        entry.focus()

    def _close_entry(self) -> None:
        entry = self.query_one("#charges-entry", Input)
        entry.display = False
        self.entry = ""
        self.query_one(RowTable).focus()

    def action_diagnosis(self) -> None:
        self._open_entry("dx", "Diagnosis: a code (M54.50) or words (low back pain); Esc: done")

    def action_add_line(self) -> None:
        self._open_entry("line", "Procedure: a code (G0438) or words (wellness); Esc: done")

    def action_back(self) -> None:
        if self.entry:
            self._close_entry()
        else:
            self.app.pop_screen()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text and self.entry == "dx":
            self.pick_diagnosis(text)
        elif text and self.entry == "line":
            self.pick_procedure(text)

    @work(exclusive=True, group="entry", exit_on_error=False)
    async def pick_diagnosis(self, text: str) -> None:
        hits = await self.ask_service(search_diagnoses, text, 20)
        if hits is None:
            return
        if not hits:
            self.say(f"No billable ICD-10-CM code matches {text!r}.", "warning")
            return
        code = hits[0].code
        if len(hits) > 1 or hits[0].code.replace(".", "") != text.upper().replace(".", ""):
            code = await self.app.push_screen_wait(
                PickDialog(
                    f"Diagnosis for {text!r}",
                    (("Code", 8), ("Description", 60)),
                    [(h.code, (h.code, h.description)) for h in hits],
                )
            )
        if not code or self.sheet is None:
            return
        sheet = await self.ask_service(
            add_diagnosis, self.sheet.claim_id, self.sheet.version, code, group="write"
        )
        if sheet is not None:
            self.show(sheet)
            self.say(f"Diagnosis {len(sheet.diagnoses)}: {code}.", "ok")
            self._open_entry("dx", "Next diagnosis, or Esc: done")

    @work(exclusive=True, group="entry", exit_on_error=False)
    async def pick_procedure(self, text: str) -> None:
        if self.sheet is None:
            return
        hits = await self.ask_service(search_procedures, text, self.sheet.payer_id, 20)
        if hits is None:
            return
        if not hits:
            self.say(f"No procedure code of the practice matches {text!r}.", "warning")
            return
        code = hits[0].code
        if len(hits) > 1 or hits[0].code != text.upper():
            code = await self.app.push_screen_wait(
                PickDialog(
                    f"Procedure for {text!r}",
                    (("Code", 6), ("Fee", 10), ("Description", 50)),
                    [
                        (
                            h.code,
                            (
                                h.code,
                                format_money(h.fee_cents) if h.fee_cents else "",
                                h.description,
                            ),
                        )
                        for h in hits
                    ],  # fmt: skip
                )
            )
        if not code or self.sheet is None:
            return
        sheet = await self.app.push_screen_wait(line_dialog(self.sheet, code))
        if sheet is not None:
            self.show(sheet)
            self.say(f"Line {len(sheet.lines)}: {code}. Total {format_money(sheet.total_cents)}.",
                     "ok")  # fmt: skip
            self._open_entry("line", "Next procedure, or Esc: done")

    # --- lines, diagnoses, scrubbing ----------------------------------------------------

    def _selected_line(self) -> LineRow | None:
        if self.sheet is None or not self.sheet.lines:
            return None
        table = self.query_one(RowTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((ln for ln in self.sheet.lines if str(ln.line_no) == key), None)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_edit_line()

    @work(exclusive=True, group="entry", exit_on_error=False)
    async def action_edit_line(self) -> None:
        line = self._selected_line()
        if line is None or self.sheet is None:
            return
        sheet = await self.app.push_screen_wait(line_dialog(self.sheet, line.code, line))
        if sheet is not None:
            self.show(sheet)
            self.say(f"Line {line.line_no} saved.", "ok")

    @work(exclusive=True, group="entry", exit_on_error=False)
    async def action_remove_line(self) -> None:
        line = self._selected_line()
        if line is None or self.sheet is None:
            return
        if not await self.app.push_screen_wait(
            ConfirmDialog(f"Remove line {line.line_no} ({line.code})?", "Remove")
        ):
            return
        sheet = await self.ask_service(
            remove_line, self.sheet.claim_id, self.sheet.version, line.line_no, group="write"
        )
        if sheet is not None:
            self.show(sheet)
            self.say(f"Line {line.line_no} removed.", "ok")

    @work(exclusive=True, group="entry", exit_on_error=False)
    async def action_remove_diagnosis(self) -> None:
        if self.sheet is None or not self.sheet.diagnoses:
            return
        position = await self.app.push_screen_wait(
            PickDialog(
                "Remove which diagnosis?",
                (("#", 2), ("Code", 8), ("Description", 50)),
                [
                    (str(d.position), (d.position, d.code, d.description))
                    for d in self.sheet.diagnoses
                ],
            )  # fmt: skip
        )
        if position is None or self.sheet is None:
            return
        sheet = await self.ask_service(
            remove_diagnosis, self.sheet.claim_id, self.sheet.version, int(position),
            group="write",
        )  # fmt: skip
        if sheet is not None:
            self.show(sheet)

    @work(exclusive=True, group="entry", exit_on_error=False)
    async def action_scrub(self) -> None:
        result: ScrubResult | None = await self.ask_service(
            scrub_claim, self.claim_id, group="write"
        )
        if result is None:
            return
        self.reload()
        if result.status == "ready":
            self.say(f"Claim {result.claim_id} passed every check: ready to send.", "ok")
            return
        self.say(
            f"Claim {result.claim_id} is held: {len(result.problems)} to fix "
            "(f fixes a payer's, a provider's or the practice's details).",
            "error",
        )
        await self.app.push_screen_wait(
            InfoDialog(
                f"Claim {result.claim_id} is held", [f"· {p.message}" for p in result.problems]
            )
        )

    @work(exclusive=True, group="entry", exit_on_error=False)
    async def action_fix_party(self) -> None:
        """A held reason names a payer, a provider or the practice: fix it here, then s."""
        if await fix_billing_party(self) is not None:
            self.say("Saved. Press s to scrub the claim again.", "ok")
