"""The posting engine under posting.py (by hand) and remittance.py (835): one posting
of money against a claim, a payer's lines of payments and adjustments, the claim's running
sums and its status from its balance. Posted money is never edited or deleted; the rows
are written at once or, for a job of many claims, through a Sink's bulk inserts at its
end (inside the job's transaction either way). See posting.py for the rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...db.models import (
    AccountEntry,
    Claim,
    ClaimLine,
    ClaimPosting,
    ClaimStatusChange,
    StaffMember,
)
from .. import clock
from ..books.postings import Batch, claim_posting, post_claim_posting
from ..errors import ValidationError

GROUPS = {
    "CO": "Contractual obligation",
    "PR": "Patient responsibility",
    "OI": "Other adjustment",
    "PI": "Payer initiated reduction",
    "CR": "Correction or reversal",
}
_CARC = re.compile(r"[A-Z]?[0-9]{1,3}|[A-Z][0-9]{1,2}")
_RARC = re.compile(r"[A-Z]{1,2}[0-9]{1,4}")
# Statuses a posting may settle (a draft, held or ready claim has not been sent).
SETTLES = ("submitted", "accepted", "rejected", "denied", "partial", "paid", "appealed")


@dataclass(frozen=True)
class Adj:
    group: str
    reason: str
    cents: int
    remarks: str = ""


@dataclass(frozen=True)
class LinePay:
    """What a payer did with one line (line None: the claim as a whole)."""

    line_no: int | None
    paid_cents: int
    adjustments: tuple[Adj, ...] = ()


class Sink:
    """Rows a posting job writes, inserted together at its end (an 835 of 1,000 claims is
    a few bulk inserts, not thousands of single ones). Inside the job's transaction."""

    def __init__(self) -> None:
        self.postings: list[dict] = []
        self.entries: list[dict] = []
        self.changes: list[dict] = []
        self.books = Batch()  # the job's lines for the books, posted by the job at its end

    def flush(self) -> None:
        for model, rows in ((ClaimPosting, self.postings), (AccountEntry, self.entries),
                            (ClaimStatusChange, self.changes)):  # fmt: skip
            for start in range(0, len(rows), 200):
                model.insert_many(rows[start : start + 200]).execute()
            rows.clear()


def check_codes(group: str, reason: str, remarks: str = "") -> tuple[str, str, str]:
    """A CAS group, a CARC and RARC remarks as stored, or a sentence why not."""
    group = (group or "").strip().upper()
    reason = (reason or "").strip().upper()
    if group not in GROUPS:
        raise ValidationError.one("group", "Group: CO, PR, OI, PI or CR.")
    if not _CARC.fullmatch(reason):
        raise ValidationError.one("reason", "Reason: a claim adjustment reason code, e.g. 45.")
    marks = [m for m in re.split(r"[,\s]+", (remarks or "").strip().upper()) if m]
    if any(not _RARC.fullmatch(m) for m in marks) or len(marks) > 5:
        raise ValidationError.one("remarks", "Remarks: up to 5 remark codes, e.g. N130.")
    return group, reason, " ".join(marks)


def settle(c: Claim, staff: StaffMember, note: str, sink: Sink | None = None) -> None:
    """The claim's status from its balance: paid when nothing is left, partially paid
    when some was paid; a reversal back to nothing posted returns it to accepted."""
    if c.status not in SETTLES:
        return
    balance = c.total_cents - c.paid_cents - c.adjusted_cents
    if balance <= 0 and (c.paid_cents or c.adjusted_cents):
        status = "paid"
    elif c.paid_cents > 0:
        status = "partial"
    elif c.status in ("paid", "partial"):
        status = "accepted"
    else:
        return
    if status != c.status:
        now = clock.now_utc()
        row = {"claim": c.id, "from_status": c.status, "to_status": status,
               "note": note[:500], "staff": staff.id, "at": now}  # fmt: skip
        if sink is None:
            ClaimStatusChange.insert(row).execute()
        else:
            sink.changes.append(row)
        c.status, c.status_changed_at = status, now


def post(
    c: Claim,
    staff: StaffMember,
    kind: str,
    cents: int,
    *,
    line: ClaimLine | None = None,
    adj: Adj | None = None,
    method: str = "",
    reference: str = "",
    note: str = "",
    remittance=None,
    reverses: ClaimPosting | None = None,
    sink: Sink | None = None,
    payer_name: str = "",
) -> None:
    """One posting, with the claim's running sums kept and, for the patient's share, the
    patient's account charged. With *sink* the rows wait for its flush. The caller saves
    the claim and settles its status."""
    now = clock.now_utc()
    row = {
        "claim": c.id, "line": line.id if line else None, "kind": kind, "cents": cents,
        "group_code": adj.group if adj else "", "reason_code": adj.reason if adj else "",
        "remark_codes": adj.remarks if adj else "", "method": method,
        "reference": reference[:50], "note": note[:200],
        "remittance": remittance.id if remittance else None,
        "reverses": reverses.id if reverses else None, "staff": staff.id, "at": now,
    }  # fmt: skip
    entry = None
    if adj is not None and adj.group == "PR" and cents:
        share = "your share" if cents > 0 else "share reversed"
        entry = {
            "patient": c.patient_id, "appointment": c.appointment_id,
            "kind": "charge" if cents > 0 else "adjustment", "cents": cents,
            "description": f"Claim {c.id}: {share} ({payer_name or c.payer.name}, "
            f"code {adj.reason})"[:120],
            "method": "", "reference": reference[:40], "staff": staff.id, "at": now,
        }  # fmt: skip
    # The books first: a patient's share reads the patient's balance before it moves.
    if sink is None:
        post_claim_posting(c, kind, cents, method, staff, note)
    else:
        claim_posting(sink.books, c, kind, cents, method)
    if sink is None:
        ClaimPosting.insert(row).execute()
        if entry:
            AccountEntry.insert(entry).execute()
    else:
        sink.postings.append(row)
        if entry:
            sink.entries.append(entry)
    if kind in ("payer_payment", "patient_payment", "refund"):
        c.paid_cents += cents
    elif kind in ("adjustment", "write_off"):
        c.adjusted_cents += cents
    # A denial (what the payer denied and why) and the patient's share leave the balance
    # open: the claim is corrected or appealed, the share is the patient's to pay.


def post_lines(
    c: Claim,
    staff: StaffMember,
    pays: list[LinePay] | tuple[LinePay, ...],
    *,
    reference: str,
    method: str,
    note: str,
    remittance=None,
    sink: Sink | None = None,
    lines: dict[int, ClaimLine] | None = None,
    payer_name: str = "",
) -> int:
    """A payer's payment and adjustments per line (None: the claim), posted; returns the
    cents paid. Refuses a line number the claim lacks. *lines*: the claim's lines by
    number, when the caller read them already."""
    if lines is None:
        lines = {ln.line_no: ln for ln in c.lines}
    paid = 0
    for pay in pays:
        line = None
        if pay.line_no is not None:
            line = lines.get(pay.line_no)
            if line is None:
                raise ValidationError.one("line", f"Claim {c.id} has no line {pay.line_no}.")
        if pay.paid_cents:
            post(c, staff, "payer_payment", pay.paid_cents, line=line, method=method,
                 reference=reference, note=note, remittance=remittance, sink=sink,
                 payer_name=payer_name)  # fmt: skip
            paid += pay.paid_cents
        for adj in pay.adjustments:
            if adj.cents:
                kind = "patient_share" if adj.group == "PR" else "adjustment"
                post(c, staff, kind, adj.cents, line=line, adj=adj, method=method,
                     reference=reference, note=note, remittance=remittance, sink=sink,
                     payer_name=payer_name)  # fmt: skip
    return paid
