"""Checking a patient in: insurance, forms due, the co-pay; Enter checks them in."""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from ...services.frontdesk.frontdesk import (
    ELIGIBILITY_LABELS,
    METHODS,
    VisitDesk,
    record_eligibility,
    set_self_pay,
    tick_intake,
)
from ...services.scheduling.schedule import InsuranceNotVerified, ScheduleRow, check_in
from ...services.security.security import can
from ...services.validate import format_money
from ...services.wording import plural
from ...widgets.form import FieldSpec, FormDialog
from .visit import VisitScreen


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


class CheckInScreen(VisitScreen):
    """Everything the desk checks before the patient sits down; Enter checks them in."""

    SCREEN_NAME = "Check-in"

    VIEW_TITLE = "Check in"

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
        self.say(f"Still to do: {todo}. Enter checks in anyway." if todo else "", "warning")

    def action_pay(self) -> None:
        if self.desk is None:
            return
        if self.desk.copay_due_cents:
            self.collect(self.desk.copay_due_cents, "Co-pay")
        elif self.desk.copay_cents:
            self.say(f"Nothing due: the {format_money(self.desk.copay_cents)} co-pay is collected.")
        else:
            self.say("Nothing due: this visit has no co-pay.")

    def action_check_in(self) -> None:
        if self.desk:
            self._check_in(self.desk.appointment)
        else:  # an Enter typed before the visit's details arrived
            self.say("The visit is still loading; press Enter again in a moment.", "warning")

    @work(exclusive=True, group="check-in")
    async def _check_in(self, a: ScheduleRow) -> None:
        """Check in; insurance not verified for this visit: a manager may check in anyway,
        with a reason (kept on the visit)."""
        row = await self.ask_service(
            check_in, a.id, a.version, "", group="write", refusals=(InsuranceNotVerified,)
        )
        if isinstance(row, InsuranceNotVerified):
            if not can(self.app.actor, "checkin.override"):
                self.show_error(row)
                return

            def submit(actor, values):
                return check_in(actor, a.id, a.version, values["reason"])

            row = await self.app.push_screen_wait(
                FormDialog(
                    "Check in without verified insurance",
                    [FieldSpec("reason", "Reason", max_length=200)],
                    submit,
                    hint=str(row),
                )
            )
        if row:
            self.dismiss(row)
