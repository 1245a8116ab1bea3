"""Checking a patient in (insurance, forms, co-pay) and out (balance, follow-up, slip)."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from ...services import clock
from ...services.errors import ServiceError
from ...services.frontdesk.frontdesk import (
    ELIGIBILITY_LABELS,
    METHODS,
    VisitDesk,
    record_eligibility,
    set_self_pay,
    tick_intake,
    visit_desk,
)
from ...services.frontdesk.payments import (
    PAYMENT_METHODS,
    Receipt,
    collect_payment,
    receipt_text,
    save_receipt_pdf,
)
from ...services.frontdesk.visit_slip import save_visit_slip
from ...services.scheduling.availability import list_types
from ...services.scheduling.booking import Slot, SlotFilter, book_appointment, find_open_slots
from ...services.scheduling.schedule import InsuranceNotVerified, ScheduleRow, advance, check_in
from ...services.security.security import can
from ...services.validate import format_money, parse_date
from ...services.wording import plural
from ...ui.calls import ServiceCaller
from ...ui.text import plain, plain_lines
from ...widgets.dialogs import PickDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog


class ReceiptScreen(ServiceCaller, ModalScreen[None]):
    """The receipt on screen; `f` saves it as a PDF to hand over or print."""

    SCREEN_NAME = "Receipt"

    BINDINGS = [
        Binding("escape,enter", "dismiss", "Close", id="receipt.close"),
        Binding("f", "pdf", "Save PDF", id="receipt.pdf"),
    ]

    def __init__(self, receipt: Receipt) -> None:
        super().__init__()
        self.receipt = receipt

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(plain_lines(receipt_text(self.receipt).splitlines()))
            yield Static("", id="dialog-message")
            yield Static("f: save as PDF · Enter/Esc: close", classes="hint")

    def action_pdf(self) -> None:
        receipt = self.receipt

        def save(actor, path, overwrite):
            return save_receipt_pdf(actor, receipt, path, overwrite)

        self.app.push_screen(
            ExportDialog("Save the receipt as PDF", f"receipt-{receipt.number}.pdf", save),
            lambda where: where and self._saved(where),
        )

    def _saved(self, where: str) -> None:
        self.query_one("#dialog-message", Static).update(plain(f"Saved {where}", "green"))


def payment_dialog(
    patient_id: int, appointment_id: int | None, amount: int, description: str
) -> FormDialog:
    def submit(actor, values):
        return collect_payment(
            actor,
            patient_id,
            values["amount"],
            values["method"],
            values["reference"],
            appointment_id,
            description,
        )

    return FormDialog(
        f"Collect {description.lower()}",
        [
            FieldSpec("amount", "Amount", format_money(amount).lstrip("$"), max_length=12),
            FieldSpec("method", "Paid by", options=[(v, k) for k, v in PAYMENT_METHODS.items()]),
            FieldSpec(
                "reference", "Check no/ref", placeholder="check number or card ref", max_length=40
            ),
        ],
        submit,
    )


class _VisitScreen(ServiceCaller, Screen[ScheduleRow | None]):
    """One visit at the desk: a title, the visit's facts, a message line; Esc goes back
    with nothing done, a finished job dismisses with the visit's new row."""

    TITLE = ""

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        self.desk: VisitDesk | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, id="titlebar")
        with VerticalScroll(classes="chart"):
            yield Static("Loading…", id="visit-body")
        yield Static(id="message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call_service(visit_desk, self.appointment_id, then=self._show)

    def _show(self, d: VisitDesk) -> None:
        self.desk = d
        self.query_one("#titlebar", Static).update(plain(f"{self.TITLE} · {d.appointment.patient}"))
        self.query_one("#visit-body", Static).update(plain_lines(self.lines(d)))

    def lines(self, d: VisitDesk) -> list[str]:
        raise NotImplementedError

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#message", Static).update(plain(text, style))

    def show_error(self, error: ServiceError) -> None:
        self.say(str(error), "bold red")
        self.app.bell()

    def action_back(self) -> None:
        self.dismiss(None)

    def collect(self, amount: int, description: str) -> None:
        a = self.desk.appointment
        self.app.push_screen(payment_dialog(a.patient_id, a.id, amount, description), self._paid)

    def _paid(self, receipt: Receipt | None) -> None:
        if receipt:
            self.reload()
            self.app.push_screen(ReceiptScreen(receipt))


def copay_line(d: VisitDesk) -> str:
    """The co-pay, what was collected of it and what is still due, in one line."""
    if not d.copay_cents and not d.copay_collected_cents:
        return "none for this visit"
    if not d.copay_collected_cents:
        return f"{format_money(d.copay_cents)} · not collected (p)"
    due = f"{format_money(d.copay_due_cents)} still due (p)" if d.copay_due_cents else "nothing due"
    return (
        f"{format_money(d.copay_cents)} · collected {format_money(d.copay_collected_cents)} · {due}"
    )


def paid_today_line(d: VisitDesk) -> str:
    total = format_money(sum(cents for _number, cents in d.paid_today))
    receipts = ", ".join(str(number) for number, _cents in d.paid_today)
    word = "receipt" if len(d.paid_today) == 1 else "receipts"
    return f"Paid today {total} for this visit ({word} {receipts})"


def still_to_do(d: VisitDesk) -> str:
    """Forms due and the co-pay not collected, short enough for one 80-column line."""
    parts = []
    if d.missing:
        parts.append(f"{plural(len(d.missing), 'form')} due")
    if d.copay_due_cents:
        parts.append(f"co-pay {format_money(d.copay_due_cents)} not collected")
    return ", ".join(parts)


class CheckInScreen(_VisitScreen):
    """Everything the desk checks before the patient sits down; Enter checks them in."""

    SCREEN_NAME = "Check-in"

    TITLE = "Check in"

    BINDINGS = [
        Binding("enter", "check_in", "Check in", id="checkin.check_in"),
        Binding("v", "verify", "Verify insurance", id="checkin.verify"),
        Binding("s", "self_pay", "Self-pay", id="checkin.self_pay"),
        Binding("p", "pay", "Co-pay", id="checkin.pay"),
        *(
            Binding(str(n), f"tick({n})", f"Form {n} done", show=False, id=f"checkin.tick{n}")
            for n in range(1, 10)
        ),
        Binding("escape", "back", "Back", id="checkin.back"),
    ]

    def lines(self, d: VisitDesk) -> list[str]:
        a = d.appointment
        if d.self_pay:
            insurance = "Self-pay visit (no insurance billed)"
        elif d.payer:
            state = d.eligibility or "never checked"
            mark = "OK" if d.verified else "NOT VERIFIED for this visit"
            insurance = f"{d.payer} member {d.member_id} · last check: {state} · {mark}"
        else:
            insurance = "No insurance on file: choose self-pay (s) or add coverage"
        lines = [
            f"{a.patient}   {a.starts_at:%H:%M} with {a.provider} · {a.appt_type}",
            *(
                ["CHANGED    the patient told the kiosk their address/phone changed: update it"]
                if a.details_changed
                else []
            ),
            "",
            f"Insurance  {insurance}",
            f"Co-pay     {copay_line(d)}",
            *([paid_today_line(d)] if d.paid_today else []),
            f"Balance    {format_money(d.balance_cents)} on the patient's account",
            "",
            "Forms due" if d.missing else "Forms      all done",
            *(f"  {n}  {name}" for n, (_id, name) in enumerate(d.missing, start=1)),
        ]
        return lines

    def action_verify(self) -> None:
        def submit(actor, values):
            return record_eligibility(
                actor, self.appointment_id, values["status"], values["method"], values["reference"]
            )

        self.app.push_screen(
            FormDialog(
                "Insurance check for this visit",
                [
                    FieldSpec(
                        "status", "Result", options=[(v, k) for k, v in ELIGIBILITY_LABELS.items()]
                    ),
                    FieldSpec("method", "How", options=[(v, k) for k, v in METHODS.items()]),
                    FieldSpec(
                        "reference", "Reference", placeholder="payer's reference no.", max_length=40
                    ),
                ],
                submit,
            ),
            lambda d: d and self._show(d),
        )

    def action_self_pay(self) -> None:
        if self.desk:
            a = self.desk.appointment
            self.call_service(
                set_self_pay, a.id, a.version, not self.desk.self_pay, then=self._show
            )

    def action_tick(self, number: int) -> None:
        if self.desk and 0 < number <= len(self.desk.missing):
            item_id, _name = self.desk.missing[number - 1]
            self.call_service(tick_intake, self.appointment_id, item_id, then=self._show)

    def _show(self, d: VisitDesk) -> None:
        super()._show(d)
        # One line, not a block: what is left to do; Enter still checks the patient in.
        todo = still_to_do(d)
        self.say(f"Still to do: {todo}. Enter checks in anyway." if todo else "", "yellow")

    def action_pay(self) -> None:
        if self.desk is None:
            return
        if self.desk.copay_due_cents:
            self.collect(self.desk.copay_due_cents, "Co-pay")
        elif self.desk.copay_cents:
            self.say(f"Nothing due: the {format_money(self.desk.copay_cents)} co-pay is collected.")
        else:
            self.say("Nothing due: this visit has no co-pay.")

    def action_check_in(self, override: str = "") -> None:
        if self.desk:
            a = self.desk.appointment
            self.call_service(
                check_in,
                a.id,
                a.version,
                override,
                then=self.dismiss,
                failed=self._refused,
                group="write",
            )

    def _refused(self, error: ServiceError) -> None:
        if isinstance(error, InsuranceNotVerified) and can(self.app.actor, "checkin.override"):
            a = self.desk.appointment

            def submit(actor, values):
                return check_in(actor, a.id, a.version, values["reason"])

            self.app.push_screen(
                FormDialog(
                    "Check in without verified insurance",
                    [FieldSpec("reason", "Reason", max_length=200)],
                    submit,
                    hint=str(error),
                ),
                lambda row: row and self.dismiss(row),
            )
            return
        self.show_error(error)


class CheckOutScreen(_VisitScreen):
    """Balance, the follow-up booking ("2w" -> open slots around then), the visit slip."""

    SCREEN_NAME = "Check-out"

    TITLE = "Check out"

    BINDINGS = [
        Binding("enter", "check_out", "Check out", id="checkout.check_out"),
        Binding("p", "pay", "Collect balance", id="checkout.pay"),
        Binding("b", "follow_up", "Book follow-up", id="checkout.follow_up"),
        Binding("f", "slip", "Visit slip PDF", id="checkout.slip"),
        Binding("escape", "back", "Back", id="checkout.back"),
    ]

    def __init__(self, appointment_id: int) -> None:
        super().__init__(appointment_id)
        self.next_visit: ScheduleRow | None = None

    def lines(self, d: VisitDesk) -> list[str]:
        a = d.appointment
        follow = (
            f"{self.next_visit.starts_at:%a %m/%d/%Y %H:%M} with {self.next_visit.provider}"
            if self.next_visit
            else "none booked yet (b)"
        )
        lines = [
            f"{a.patient}   seen {a.starts_at:%H:%M} by {a.provider} · {a.appt_type}",
            "",
            f"Balance     {format_money(d.balance_cents)}"
            + ("  (p to collect)" if d.balance_cents > 0 else ""),
            f"Follow-up   {follow}",
        ]
        return lines

    def action_pay(self) -> None:
        if self.desk and self.desk.balance_cents > 0:
            self.collect(self.desk.balance_cents, "Balance payment")

    def action_follow_up(self) -> None:
        if self.desk is None:
            return
        a = self.desk.appointment

        def find(actor, values):
            day = parse_date("when", values["when"], today=clock.today())
            earliest = max(day - dt.timedelta(days=2), clock.today())
            type_id = _type_id_of(actor, a)
            return find_open_slots(
                actor, type_id, SlotFilter(provider_id=a.provider_id, earliest=earliest), 8
            ), type_id

        self.app.push_screen(
            FormDialog(
                "Follow-up: when?",
                [FieldSpec("when", "When", "t+2w", max_length=20)],
                find,
                hint="t+2w = in two weeks, t+3m, mon, 12/24 · Enter: show slots",
            ),
            self._pick_slot,
        )

    def _pick_slot(self, found: tuple[list[Slot], int] | None) -> None:
        if not found:
            return
        slots, type_id = found
        if not slots:
            self.say("No open slot with this provider around then.", "bold red")
            return
        # Every slot found shows at once, one row each (a drop-down showed one, cut in two).
        rows = [
            (str(n), (f"{s.starts_at:%a %m/%d/%Y}", f"{s.starts_at:%H:%M}", s.provider))
            for n, s in enumerate(slots)
        ]
        patient_id = self.desk.appointment.patient_id

        def book(key: str | None) -> None:
            if key is not None:
                slot = slots[int(key)]
                self.call_service(
                    book_appointment,
                    patient_id,
                    slot.provider_id,
                    type_id,
                    slot.starts_at,
                    then=self._booked,
                    group="write",
                )

        self.app.push_screen(
            PickDialog(
                "Book the follow-up",
                [("Day", 14), ("Time", 5), ("Provider", 24)],
                rows,
                hint="Enter: book this slot · Esc: none",
            ),
            book,
        )

    def _booked(self, row: ScheduleRow | None) -> None:
        if row:
            self.next_visit = row
            self.reload()
            self.say(f"Follow-up booked {row.starts_at:%a %m/%d/%Y %H:%M}.", "green")

    def action_slip(self) -> None:
        if self.desk:
            row, next_visit = self.desk.appointment, self.next_visit

            def save(actor, path, overwrite):
                return save_visit_slip(actor, row, next_visit, path, overwrite)

            self.app.push_screen(
                ExportDialog(
                    "Save the visit slip as PDF", f"visit-slip-{self.appointment_id}.pdf", save
                ),
                lambda where: where and self.say(f"Saved {where}", "green"),
            )

    def action_check_out(self) -> None:
        if self.desk:
            a = self.desk.appointment
            self.call_service(advance, a.id, a.version, then=self.dismiss, group="write")


def _type_id_of(actor, row: ScheduleRow) -> int:
    return next(t.id for t in list_types(actor) if t.name == row.appt_type)
