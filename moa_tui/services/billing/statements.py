"""Patient statements (issue 11 item 8): a batch run sends one summary to each patient who
owes at least the minimum balance and has had no statement for the set number of days,
as one PDF (a page or more a patient) and one text file, through the one safe export path
(files.save_export), each statement kept in the patient's history (the statement table).

What is billed is the patient's account (the one ledger the desk shows: co-pays and the
shares payers named the patient's), less every entry of a visit whose claim is still with
the payer: no statement asks for money while insurance is pending on that visit; the
pending amount is shown as such, never as owed. Terms are Net 30: due 30 days after the
statement date. Late fees are a separate, explicit run (late_fees.py).

Recording and writing are two steps, as for 837P batches: create_statements records the
run in one transaction; save_run writes its files (again, byte for byte, if a disk
failed), with no transaction open."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from peewee import fn

from ...db import changes
from ...db.models import (
    AccountEntry,
    Claim,
    ClinicSettings,
    Patient,
    StaffMember,
    Statement,
    StatementSettings,
)
from ...text import latin1
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ServiceError
from ..files import expand_home, save_export
from ..patients.privacy import require_access
from ..validate import format_money
from .aging import BUCKETS, bucket_of, payer_open_claims

TERMS_DAYS = 30  # Net 30


@dataclass(frozen=True)
class StatementInfo:
    statement_id: int
    patient_id: int
    name: str
    mrn: str
    statement_date: dt.date
    due_date: dt.date
    amount_due_cents: int
    pending_cents: int
    run_no: int


@dataclass(frozen=True)
class RunResult:
    run_no: int | None
    statements: tuple[StatementInfo, ...]
    written: tuple[Path, ...] = ()

    def lines(self) -> list[str]:
        if not self.statements:
            return ["No patient is due a statement."]
        total = sum(s.amount_due_cents for s in self.statements)
        head = (f"Statement run {self.run_no}: " if self.run_no else "Would send: ") + (
            f"{len(self.statements)} statement(s), {format_money(total)} due in all."
        )
        rows = [f"  {s.mrn:<10} {s.name[:40]:<40} {format_money(s.amount_due_cents):>12}"
                for s in self.statements]  # fmt: skip
        return [head, *rows, *(str(p) for p in self.written)]


def settings_row() -> StatementSettings:
    row = StatementSettings.select().order_by(StatementSettings.id).first()
    return row or StatementSettings.create()


def _pending_by_patient() -> tuple[dict[int, int], set[int]]:
    """Per patient the money still with payers, and the visits whose claim it is on."""
    open_claims = payer_open_claims()
    ids = [r[0] for r in open_claims]
    owners: dict[int, tuple[int, int | None]] = {}
    for start in range(0, len(ids), 500):
        q = Claim.select(Claim.id, Claim.patient, Claim.appointment).where(
            Claim.id.in_(ids[start : start + 500])
        )
        for cid, pid, appt in q.tuples():
            owners[cid] = (pid, appt)
    pending: dict[int, int] = {}
    visits: set[int] = set()
    for cid, _payer, _day, owed in open_claims:
        if cid not in owners:
            continue
        pid, appt = owners[cid]
        pending[pid] = pending.get(pid, 0) + owed
        if appt is not None:
            visits.add(appt)
    return pending, visits


def _billable_entries(patient_id: int, pending_visits: set[int]) -> list[AccountEntry]:
    rows = AccountEntry.select().where(AccountEntry.patient == patient_id)
    return sorted(
        (e for e in rows if e.appointment_id is None or e.appointment_id not in pending_visits),
        key=lambda e: (e.at, e.id),
    )


def _last_statement(patient_id: int) -> Statement | None:
    return (
        Statement.select()
        .where(Statement.patient == patient_id)
        .order_by(Statement.statement_date.desc(), Statement.id.desc())
        .first()
    )


def _due_patients(today: dt.date, s: StatementSettings):
    """(patient, billable entries, amount due, pending) of each patient due a statement."""
    pending, visits = _pending_by_patient()
    owing = [
        pid
        for pid, total in AccountEntry.select(AccountEntry.patient, fn.SUM(AccountEntry.cents))
        .group_by(AccountEntry.patient)
        .tuples()
        if (total or 0) >= max(1, s.min_balance_cents)
    ]
    last = {
        pid: day
        for pid, day in Statement.select(Statement.patient, fn.MAX(Statement.statement_date))
        .where(Statement.patient.in_(owing))
        .group_by(Statement.patient)
        .tuples()
    }
    out = []
    for patient in (
        Patient.select().where(Patient.id.in_(owing)).order_by(Patient.last_key, Patient.first_key)
    ):
        previous = last.get(patient.id)
        if isinstance(previous, str):
            previous = dt.date.fromisoformat(previous)
        if previous is not None and (today - previous).days < s.days_between:
            continue
        entries = _billable_entries(patient.id, visits)
        due = sum(e.cents for e in entries)
        if due >= max(1, s.min_balance_cents):
            out.append((patient, entries, due, pending.get(patient.id, 0)))
    return out


def _aging_line(entries: list[AccountEntry], today: dt.date) -> str:
    """The patient's open charges by age (payments settle the oldest first)."""
    credit = -sum(e.cents for e in entries if e.cents < 0)
    b = [0] * len(BUCKETS)
    for e in entries:
        if e.cents <= 0:
            continue
        used = min(credit, e.cents)
        credit -= used
        age = max(0, (today - clock.utc_to_local(e.at).date()).days)
        b[bucket_of(age)] += e.cents - used
    pairs = zip(BUCKETS, b, strict=True)
    return "  ".join(f"{label} days: {format_money(c)}" for label, c in pairs)


def statement_text(patient: Patient, entries: list[AccountEntry], due: int, pending: int,
                   today: dt.date, since: dt.date | None) -> str:  # fmt: skip
    clinic = ClinicSettings.select().first()
    due_date = today + dt.timedelta(days=TERMS_DAYS)
    width = 78
    lines = [
        f"{(clinic.name if clinic else 'Clinic')[:50]}",
        *([clinic.address[:78]] if clinic and clinic.address else []),
        "",
        "PATIENT STATEMENT",
        f"Statement date: {today:%m/%d/%Y}      Account: {patient.mrn}",
        f"{patient.first_name} {patient.last_name}",
        *([patient.address1] if patient.address1 else []),
        *(
            [f"{patient.city}, {patient.state} {patient.zip}".strip(", ")]
            if patient.city or patient.zip else []
        ),
        "",
        f"{'Date':<12}{'Description':<52}{'Amount':>14}",
        "-" * width,
    ]  # fmt: skip
    earlier = sum(e.cents for e in entries if since and clock.utc_to_local(e.at).date() <= since)
    if since is not None:
        lines.append(f"{since:%m/%d/%Y}  {'Balance on your last statement':<52}"
                     f"{format_money(earlier):>14}")  # fmt: skip
    for e in entries:
        day = clock.utc_to_local(e.at).date()
        if since is not None and day <= since:
            continue
        lines.append(f"{day:%m/%d/%Y}  {e.description[:50]:<52}{format_money(e.cents):>14}")
    lines += [
        "-" * width,
        f"{'AMOUNT DUE':<64}{format_money(due):>14}",
        f"Terms: Net 30. Please pay by {due_date:%m/%d/%Y}.",
        "By age: " + _aging_line(entries, today),
    ]
    if pending:
        lines += [
            f"Pending with your insurance: {format_money(pending)}. This is not billed to you;",
            "we will tell you your share once your insurance has answered.",
        ]
    return "\n".join(latin1(line) for line in lines) + "\n"


def _info(st: Statement, patient: Patient) -> StatementInfo:
    return StatementInfo(st.id, patient.id, f"{patient.last_name}, {patient.first_name}",
                         patient.mrn, st.statement_date, st.due_date, st.amount_due_cents,
                         st.pending_cents, st.run_no)  # fmt: skip


@reader("claims.read")
def statements_due(actor: StaffMember) -> RunResult:
    """Who a statement run would bill today and how much (nothing is recorded)."""
    today = clock.today()
    rows = [
        StatementInfo(
            0,
            p.id,
            f"{p.last_name}, {p.first_name}",
            p.mrn,
            today,
            today + dt.timedelta(days=TERMS_DAYS),
            due,
            pending,
            0,
        )  # fmt: skip
        for p, _entries, due, pending in _due_patients(today, settings_row())
    ]
    return RunResult(None, tuple(rows))


@writer("claims.write", changes=(changes.PATIENTS,))
def create_statements(actor: StaffMember) -> RunResult:
    """Record a statement run: one statement for each patient due one, in one transaction.
    Returns the run (its number names its files); nothing due: no run."""
    today = clock.today()
    due_rows = _due_patients(today, settings_row())
    if not due_rows:
        return RunResult(None, ())
    run_no = (Statement.select(fn.MAX(Statement.run_no)).scalar() or 0) + 1
    made = []
    for patient, entries, due, pending in due_rows:
        last = _last_statement(patient.id)
        since = last.statement_date if last else None
        st = Statement.create(
            patient=patient, run_no=run_no, statement_date=today,
            due_date=today + dt.timedelta(days=TERMS_DAYS), amount_due_cents=due,
            pending_cents=pending, text=statement_text(patient, entries, due, pending, today,
                                                       since),
            file_name=_file_stem(run_no, today), staff=actor, at=clock.now_utc(),
        )  # fmt: skip
        made.append(_info(st, patient))
    audit(actor, "statements.run", entity="statement_run", entity_id=run_no,
          detail=f"run {run_no}: {len(made)} statement(s), "
          f"{format_money(sum(s.amount_due_cents for s in made))}")  # fmt: skip
    return RunResult(run_no, tuple(made))


def _file_stem(run_no: int, day: dt.date) -> str:
    return f"statements-{day:%Y%m%d}-run{run_no}"


@reader("claims.read")
def run_texts(actor: StaffMember, run_no: int) -> tuple[str, list[tuple[StatementInfo, str]]]:
    """A recorded run's file name stem and each statement's text, in the run's order."""
    if isinstance(run_no, bool) or not isinstance(run_no, int) or not 0 < run_no < 2**31:
        raise ServiceError(f"There is no statement run {run_no}.")
    rows = list(
        Statement.select(Statement, Patient)
        .join(Patient)
        .where(Statement.run_no == run_no)
        .order_by(Statement.id)
    )
    if not rows:
        raise ServiceError(f"There is no statement run {run_no}.")
    return rows[0].file_name, [(_info(st, st.patient), st.text) for st in rows]


def statements_pdf(texts: list[str]) -> bytes:
    """One PDF, each statement starting on a page of its own (monospaced, as the text)."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # the same bytes again
    for text in texts:
        pdf.add_page()
        pdf.set_font("Courier", size=9)
        for line in text.splitlines():
            pdf.cell(0, 4.5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def save_run(actor: StaffMember, run_no: int, folder: str | os.PathLike,
             *, overwrite: bool = False) -> tuple[Path, Path]:  # fmt: skip
    """Write a run's PDF and text file into *folder* by the safe export path."""
    stem, items = run_texts(actor, run_no)
    texts = [text for _info_, text in items]
    detail = f"statement run {run_no} ({len(items)} statement(s))"
    pdf = save_export(actor, Path(folder) / f"{stem}.pdf", statements_pdf(texts),
                      action="statements.export", detail=detail, overwrite=overwrite,
                      entity="statement_run", entity_id=run_no)  # fmt: skip
    txt = save_export(actor, Path(folder) / f"{stem}.txt",
                      ("\f\n".join(texts)).encode("latin-1"), action="statements.export",
                      detail=detail, overwrite=overwrite, entity="statement_run",
                      entity_id=run_no)  # fmt: skip
    return pdf, txt


def run_statements(actor: StaffMember, folder: str | os.PathLike) -> RunResult:
    """The batch: record the run, then write its PDF and text into *folder*. A folder that
    is not there refuses before anything is recorded."""
    target = expand_home(folder)
    if not target.is_dir():
        raise ServiceError(f"There is no folder {target}.")
    result = create_statements(actor)
    if result.run_no is None:
        return result
    return RunResult(result.run_no, result.statements, save_run(actor, result.run_no, target))


@writer("claims.read", changes=())  # a writer only to record a restricted record's reading
def patient_statements(actor: StaffMember, patient_id: int) -> list[tuple[StatementInfo, str]]:
    """A patient's statements, newest first, with what each said."""
    patient = get_or_refuse(Patient, patient_id, "patient")
    require_access(actor, patient, "statements")
    rows = Statement.select().where(Statement.patient == patient.id).order_by(Statement.id.desc())
    return [(_info(st, patient), st.text) for st in rows]
