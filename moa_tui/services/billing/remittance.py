"""835 in, posted once (issue 11 item 5): each claim payment is matched to our claim (our
claim id in CLP01, else the patient's member id and the date of service), then the payer's
payment and each line's adjustments are posted (posting.py), patient responsibility moves
to the patient's account, and denials go to the denials worklist. The posting report
(matched, unmatched, already posted, totals) is shown first (preview_remittance) and the
whole file is then posted in one transaction (post_remittance). The same file twice, or
the same check or EFT number and claim in two files, posts nothing twice and says so."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from peewee import Case

from ...db import changes
from ...db.models import (
    AdjustmentReason,
    Claim,
    ClaimLine,
    Coverage,
    Payer,
    Remittance,
    RemittanceClaim,
    StaffMember,
)
from .. import clock
from ..core import audit, reader, writer
from ..errors import ServiceError
from ..files import expand_home
from ..validate import format_money
from .ledger import SETTLES, Adj, LinePay, Sink, post, post_lines, settle
from .x12.read835 import ClaimPayment, Malformed, Remit, parse

MAX_FILE_BYTES = 50_000_000
DENIED = "4"  # CLP02: denied
REVERSAL = "22"  # CLP02: the payer takes back an earlier payment
STATUS_WORDS = {"1": "paid as primary", "2": "paid as secondary", "3": "paid as tertiary",
                "4": "denied", "19": "paid as primary, forwarded", "20": "paid as secondary, "
                "forwarded", "21": "paid as tertiary, forwarded", "22": "reversal of a payment",
                "23": "not our claim", "25": "predetermination"}  # fmt: skip


@dataclass(frozen=True)
class ReportLine:
    claim_ref: str
    claim_id: int | None
    patient: str
    outcome: str  # paid as primary, denied, ...
    charge_cents: int
    paid_cents: int
    patient_cents: int
    codes: str  # "CO-45 PR-2 N130"
    note: str = ""  # why unmatched, or already posted


@dataclass
class PostingReport:
    file_name: str
    sha256: str
    payer: str
    check_no: str
    payment_cents: int  # BPR02
    claims_paid_cents: int  # sum of CLP04
    provider_adjustment_cents: int  # PLB
    matched: list[ReportLine] = field(default_factory=list)
    unmatched: list[ReportLine] = field(default_factory=list)
    already: list[ReportLine] = field(default_factory=list)
    posted: bool = False

    @property
    def balanced(self) -> bool:
        return self.payment_cents == self.claims_paid_cents - self.provider_adjustment_cents

    def lines(self) -> list[str]:
        """The report as plain lines, for the screen and the shell."""
        head = "Posted" if self.posted else "To post (nothing written yet)"
        out = [
            f"{head}: {self.payer or 'payer'} check/EFT {self.check_no}",
            f"Payment {format_money(self.payment_cents)} = claim payments "
            f"{format_money(self.claims_paid_cents)} less provider adjustments "
            f"{format_money(self.provider_adjustment_cents)}"
            + ("" if self.balanced else "  DOES NOT BALANCE"),
            f"Matched {len(self.matched)}, unmatched {len(self.unmatched)}, "
            f"already posted {len(self.already)}",
        ]
        for title, rows in (("Matched", self.matched), ("Unmatched", self.unmatched),
                            ("Already posted (not posted again)", self.already)):  # fmt: skip
            if rows:
                out.append(f"{title}:")
            for r in rows:
                claim = f"claim {r.claim_id}" if r.claim_id else f"CLP {r.claim_ref}"
                out.append(
                    f"  {claim} {r.patient}: {r.outcome}, charged {format_money(r.charge_cents)}"
                    f", paid {format_money(r.paid_cents)}, patient {format_money(r.patient_cents)}"
                    + (f" [{r.codes}]" if r.codes else "")
                    + (f" - {r.note}" if r.note else "")
                )
        return out


def read_remittance_file(path: str | os.PathLike) -> tuple[str, str, str]:
    """(text, file name, sha256) of an 835 file; refuses what is not one to read."""
    p = expand_home(path)
    try:
        if p.stat().st_size > MAX_FILE_BYTES:
            raise ServiceError(f"{p.name} is too large for a remittance file.")
        data = p.read_bytes()
    except OSError as exc:
        raise ServiceError(f"Could not read {p}: {exc.strerror or exc}.") from exc
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise ServiceError(f"{p.name} is not an X12 file (it is not plain text).") from None
    return text, p.name, hashlib.sha256(data).hexdigest()


def parse_remittance(text: str) -> Remit:
    """The file read and checked (pyx12's validator, then the payer's sums); refuses a
    malformed or unbalanced file whole with the reason."""
    try:
        return parse(text)
    except Malformed as exc:
        raise ServiceError(f"The remittance was refused, nothing posted: {exc}") from exc


def _codes(cp: ClaimPayment) -> str:
    adjs = list(cp.adjustments) + [a for s in cp.services for a in s.adjustments]
    seen = []
    for group, reason, _c in adjs:
        if f"{group}-{reason}" not in seen:
            seen.append(f"{group}-{reason}")
    seen += sorted({r for s in cp.services for r in s.remarks})
    return " ".join(seen)


def _ref(cp: ClaimPayment) -> int | None:
    return int(cp.claim_ref) if cp.claim_ref.isdigit() and len(cp.claim_ref) < 19 else None


def _claims_named(remit: Remit) -> dict[int, Claim]:
    """The claims the file's CLP01s name, with their payers, in a few queries."""
    ids = sorted({i for i in map(_ref, remit.claims) if i is not None})
    found: dict[int, Claim] = {}
    for start in range(0, len(ids), 500):
        rows = (
            Claim.select(Claim, Payer)
            .join(Payer, on=(Claim.payer == Payer.id))
            .where(Claim.id << ids[start : start + 500])
        )
        found.update((c.id, c) for c in rows)
    return found


def _find_claim(cp: ClaimPayment, named: dict[int, Claim]) -> tuple[Claim | None, str]:
    """Our claim for a claim payment, or None and why not."""
    c = named.get(_ref(cp))
    if c is not None and c.total_cents == cp.charge_cents:
        return c, ""
    if cp.member_id and cp.service_date:
        found = list(
            Claim.select()
            .join(Coverage, on=(Coverage.patient == Claim.patient))
            .where(
                Coverage.member_id == cp.member_id,
                Claim.service_date == cp.service_date,
                Claim.total_cents == cp.charge_cents,
                Claim.status << SETTLES,
            )  # fmt: skip
            .distinct()
            .limit(2)
        )
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, "several claims fit this patient and date; post it by hand"
    return None, "no claim of ours has this id, or this patient, date and charge"


def _line(c: Claim, cp: ClaimPayment, cp_ref: str, patient: str, note: str = "") -> ReportLine:
    outcome = STATUS_WORDS.get(cp.status, cp.status)
    return ReportLine(cp_ref, c.id if c else None, patient, outcome, cp.charge_cents,
                      cp.paid_cents, cp.patient_cents, _codes(cp), note)  # fmt: skip


def _sort(report: PostingReport, remit: Remit):
    """Each claim payment into matched / unmatched / already posted, with its claim."""
    named = _claims_named(remit)
    ids = sorted(named)
    posted: set[int] = set()
    for start in range(0, len(ids), 500):
        rows = RemittanceClaim.select(RemittanceClaim.claim).where(
            RemittanceClaim.check_no == remit.check_no,
            RemittanceClaim.claim << ids[start : start + 500],
        )
        posted.update(r.claim_id for r in rows)
    todo = []
    seen: set[int] = set()
    for cp in remit.claims:
        patient = f"{cp.patient_last}, {cp.patient_first}".strip(", ")
        c, why = _find_claim(cp, named)
        if cp.status == REVERSAL:
            why = "a payer's reversal of an earlier payment: not posted here; reverse the postings"
            report.unmatched.append(_line(named.get(_ref(cp)), cp, cp.claim_ref, patient, why))
        elif c is None:
            report.unmatched.append(_line(None, cp, cp.claim_ref, patient, why))
        elif c.status not in SETTLES:
            report.unmatched.append(_line(c, cp, cp.claim_ref, patient, f"claim is {c.status}"))
        elif c.id in posted or (
            c.id not in named
            and RemittanceClaim.select()
            .where(RemittanceClaim.check_no == remit.check_no, RemittanceClaim.claim == c.id)
            .exists()
        ):
            report.already.append(
                _line(c, cp, cp.claim_ref, patient, f"check/EFT {remit.check_no} posted before")
            )
        elif c.id in seen:
            report.unmatched.append(
                _line(c, cp, cp.claim_ref, patient, "this claim is paid twice in this file")
            )
        else:
            report.matched.append(_line(c, cp, cp.claim_ref, patient))
            todo.append((c, cp))
            seen.add(c.id)
    return todo


def _report(remit: Remit, file_name: str, sha: str) -> PostingReport:
    earlier = Remittance.get_or_none(Remittance.sha256 == sha)
    if earlier is not None:
        raise ServiceError(
            f"This file was imported on {clock.utc_to_local(earlier.at):%Y-%m-%d %H:%M} by "
            f"{earlier.staff.short_name}; nothing was posted again."
        )
    return PostingReport(file_name[:255], sha, remit.payer_name, remit.check_no, remit.paid_cents,
                         sum(c.paid_cents for c in remit.claims),
                         remit.provider_adjustment_cents)  # fmt: skip


@reader("claims.read")
def preview_remittance(actor: StaffMember, remit: Remit, file_name: str, sha: str) -> PostingReport:
    """What posting this remittance would do, writing nothing."""
    report = _report(remit, file_name, sha)
    _sort(report, remit)
    return report


def _pays(c: Claim, cp: ClaimPayment, lines: list[ClaimLine]) -> list[LinePay]:
    """The claim payment's lines matched to ours by procedure code, in order."""
    free = list(lines)
    pays = []
    for s in cp.services:
        line = next((ln for ln in free if ln.procedure_code == s.code), None)
        if line is not None:
            free.remove(line)
        remarks = " ".join(s.remarks)[:60]
        adjs = tuple(Adj(g, r, a, remarks) for g, r, a in s.adjustments)
        pays.append(LinePay(line.line_no if line else None, s.paid_cents, adjs))
    if cp.adjustments:
        pays.append(LinePay(None, 0, tuple(Adj(g, r, a) for g, r, a in cp.adjustments)))
    if not cp.services and cp.paid_cents:
        pays.append(LinePay(None, cp.paid_cents, ()))
    return pays


@writer("billing.writeoff", changes=(changes.CLAIMS, changes.PATIENTS))
def post_remittance(actor: StaffMember, remit: Remit, file_name: str, sha: str) -> PostingReport:
    """Post the remittance in one transaction and return its report. Refuses the same
    file twice, and a file none of whose payments can be posted."""
    report = _report(remit, file_name, sha)
    todo = _sort(report, remit)
    if not todo:
        why = "every claim payment in it was posted before" if report.already else (
            "none of its claims is ours")  # fmt: skip
        raise ServiceError(f"Nothing was posted: {why}.")
    now = clock.now_utc()
    rem = Remittance.create(
        sha256=sha, payer_name=remit.payer_name[:80], check_no=remit.check_no[:50],
        paid_cents=remit.paid_cents, provider_adjustment_cents=remit.provider_adjustment_cents,
        payment_date=remit.payment_date, claim_count=len(todo), file_name=file_name[:255],
        staff=actor, at=now,
    )  # fmt: skip
    note = f"835 check/EFT {remit.check_no}"
    lines = _lines_of([c.id for c, _cp in todo])
    sink = Sink()
    rows = [
        {"remittance": rem.id, "claim": c.id, "check_no": remit.check_no[:50],
         "status_code": cp.status[:2], "charge_cents": cp.charge_cents,
         "paid_cents": cp.paid_cents, "patient_cents": cp.patient_cents,
         "payer_claim_no": cp.payer_claim_no[:50]}
        for c, cp in todo
    ]  # fmt: skip
    for i in range(0, len(rows), 200):
        RemittanceClaim.insert_many(rows[i : i + 200]).execute()
    for c, cp in todo:
        mine = lines.get(c.id, [])
        if cp.status == DENIED:
            _deny(c, actor, cp, rem, note, mine, sink)
        else:
            post_lines(c, actor, _pays(c, cp, mine), reference=remit.check_no, method="eft",
                       note=note, remittance=rem, sink=sink,
                       lines={ln.line_no: ln for ln in mine}, payer_name=c.payer.name)  # fmt: skip
            settle(c, actor, f"{note}: paid {format_money(cp.paid_cents)}", sink)
    sink.flush()
    sink.books.post(memo=f"{note} ({remit.payer_name})", source="payer_payment",
                    source_id=rem.id, staff=actor)  # fmt: skip
    _save_claims([c for c, _cp in todo])
    audit(actor, "remittance.post", entity="remittance", entity_id=rem.id,
          detail=f"{file_name}: check/EFT {remit.check_no}, {len(todo)} claim(s), "
          f"{format_money(remit.paid_cents)}")  # fmt: skip
    report.posted = True
    return report


def _save_claims(claims: list[Claim]) -> None:
    """The claims' new sums and statuses, a version up each, 200 claims a statement."""
    for start in range(0, len(claims), 200):
        chunk = claims[start : start + 200]

        def by_id(field, chunk=chunk):
            return Case(Claim.id, [(c.id, getattr(c, field)) for c in chunk])

        Claim.update(
            paid_cents=by_id("paid_cents"),
            adjusted_cents=by_id("adjusted_cents"),
            status=by_id("status"),
            status_changed_at=by_id("status_changed_at"),
            version=Claim.version + 1,
        ).where(Claim.id << [c.id for c in chunk]).execute()


def _lines_of(ids: list[int]) -> dict[int, list[ClaimLine]]:
    out: dict[int, list[ClaimLine]] = {}
    for start in range(0, len(ids), 500):
        rows = ClaimLine.select().where(ClaimLine.claim << ids[start : start + 500])
        for ln in rows.order_by(ClaimLine.line_no):
            out.setdefault(ln.claim_id, []).append(ln)
    return out


def _deny(c: Claim, actor: StaffMember, cp: ClaimPayment, rem: Remittance, note: str,
          lines: list[ClaimLine], sink: Sink) -> None:  # fmt: skip
    """A denial: its reasons recorded (the balance stays open), the claim to "denied"."""
    by_code = {ln.procedure_code: ln for ln in lines}
    for s in cp.services:
        for g, r, a in s.adjustments:
            adj = Adj(g, r, a, " ".join(s.remarks)[:60])
            post(c, actor, "denial", a, line=by_code.get(s.code), adj=adj,
                 reference=rem.check_no, note=note, remittance=rem, sink=sink)  # fmt: skip
    for g, r, a in cp.adjustments:
        post(c, actor, "denial", a, adj=Adj(g, r, a), reference=rem.check_no, note=note,
             remittance=rem, sink=sink)  # fmt: skip
    if c.status != "denied":
        now = clock.now_utc()
        sink.changes.append({"claim": c.id, "from_status": c.status, "to_status": "denied",
                             "note": f"{note}: denied {_codes(cp)}"[:500], "staff": actor.id,
                             "at": now})  # fmt: skip
        c.status, c.status_changed_at = "denied", now


def import_835(
    actor: StaffMember, path: str | os.PathLike, *, dry_run: bool = False
) -> PostingReport:
    """Read, check and (unless *dry_run*) post an 835 file; the report either way."""
    text, file_name, sha = read_remittance_file(path)
    remit = parse_remittance(text)
    if dry_run:
        return preview_remittance(actor, remit, file_name, sha)
    return post_remittance(actor, remit, file_name, sha)


@reader("claims.read")
def describe_codes(actor: StaffMember, codes: str) -> list[str]:
    """'CO-45 N130' -> lines with the practice's descriptions, where it imported them."""
    keys = [part.split("-")[-1][:6] for part in str(codes).split()[:50]]
    known = {
        r.code: r.description
        for r in AdjustmentReason.select().where(AdjustmentReason.code << keys)
    }
    return [f"{part}: {known.get(part.split('-')[-1], '(no description imported)')}"
            for part in str(codes).split()[:50]]  # fmt: skip
