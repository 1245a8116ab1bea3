"""Patient statements and late fees (issue 11 item 8)."""

from __future__ import annotations

import datetime as dt
import io
import sys

import pytest
from pypdf import PdfReader

from moa_tui.cli import main
from moa_tui.db.models import AccountEntry, AuditEvent, Claim, Patient, Statement
from moa_tui.services import clock
from moa_tui.services.billing import late_fees, statements
from moa_tui.services.errors import Conflict, ServiceError, ValidationError
from moa_tui.services.patients.patients import ReasonRequired
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff
from tests.conftest import DEMO_PASSWORD


def _only(pid_owes: dict[int, int]):
    """Leave the account ledger holding exactly these balances (one charge each, 40 days
    old), so a test knows who is due a statement."""
    desk = find_staff("desk")
    AccountEntry.delete().execute()
    at = clock.now_utc() - dt.timedelta(days=40)
    for pid, cents in pid_owes.items():
        AccountEntry.create(patient=pid, kind="charge", cents=cents, description="Office visit",
                            staff=desk, at=at)  # fmt: skip


def _patients(n: int) -> list[Patient]:
    return list(Patient.select().where(~Patient.restricted).order_by(Patient.id).limit(n))


def test_run_writes_pdf_and_text_and_keeps_each_in_the_history(demo_db, tmp_path):
    biller = find_staff("billing")
    a, b, c = _patients(3)
    _only({a.id: 12345, b.id: 300, c.id: 5000})  # b is under the 5.00 minimum
    due = statements.statements_due(biller)
    assert {s.patient_id for s in due.statements} == {a.id, c.id}
    assert Statement.select().count() == 0  # the preview records nothing
    result = statements.run_statements(biller, tmp_path)
    assert result.run_no == 1 and len(result.statements) == 2
    pdf, txt = result.written
    assert pdf.suffix == ".pdf" and txt.suffix == ".txt"
    assert pdf.stat().st_mode & 0o777 == 0o600
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    first = reader.pages[0].extract_text()
    assert "PATIENT STATEMENT" in first and "Net 30" in first
    pages = "\n".join(p.extract_text() for p in reader.pages)
    assert "$123.45" in pages and "$50.00" in pages
    due_on = clock.today() + dt.timedelta(days=30)
    assert f"Please pay by {due_on:%m/%d/%Y}" in txt.read_text(encoding="latin-1")
    history = statements.patient_statements(biller, a.id)
    assert len(history) == 1 and history[0][0].amount_due_cents == 12345
    assert "AMOUNT DUE" in history[0][1] and history[0][0].due_date == due_on
    assert AuditEvent.select().where(AuditEvent.action == "statements.run").count() == 1
    # Run again at once: nobody is due (fewer than 30 days since the last statement).
    again = statements.run_statements(biller, tmp_path)
    assert again.run_no is None and again.lines() == ["No patient is due a statement."]
    # The run's files can be written again: the same bytes.
    other = tmp_path / "again"
    other.mkdir()
    pdf2, _ = statements.save_run(biller, 1, other)
    assert pdf2.read_bytes() == pdf.read_bytes()


def test_no_statement_while_insurance_is_pending_on_that_visit(demo_db, tmp_path):
    biller = find_staff("billing")
    claim = Claim.select().where(Claim.status == "submitted",
                                 Claim.appointment.is_null(False)).first()  # fmt: skip
    if claim is None:  # the demo's claims may have no visit: give this one its patient's
        from moa_tui.db.models import Appointment

        claim = Claim.select().where(Claim.status == "submitted").first()
        appt = Appointment.select().where(Appointment.patient == claim.patient_id).first()
        if appt is None:
            pytest.skip("no visit to tie the claim to")
        claim.appointment = appt
        claim.save()
    AccountEntry.delete().execute()
    AccountEntry.create(patient=claim.patient_id, appointment=claim.appointment_id,
                        kind="charge", cents=9000, description="Visit balance",
                        staff=find_staff("desk"), at=clock.now_utc())  # fmt: skip
    assert statements.statements_due(biller).statements == ()
    # The payer answers (the claim is no longer pending): now the patient is billed.
    Claim.update(paid_cents=Claim.total_cents).where(Claim.id == claim.id).execute()
    due = statements.statements_due(biller).statements
    assert [s.amount_due_cents for s in due] == [9000]


def test_refusals(demo_db, tmp_path):
    with pytest.raises(ServiceError, match="no folder"):
        statements.run_statements(find_staff("billing"), tmp_path / "missing")
    assert Statement.select().count() == 0
    with pytest.raises(PermissionDenied):
        statements.create_statements(find_staff("kiosk"))
    with pytest.raises(ServiceError, match="no statement run"):
        statements.save_run(find_staff("billing"), 99, tmp_path)


def test_restricted_patients_history_needs_a_reason(demo_db):
    p = _patients(1)[0]
    Patient.update(restricted=True).where(Patient.id == p.id).execute()
    with pytest.raises(ReasonRequired):
        statements.patient_statements(find_staff("billing"), p.id)


def test_late_fee_is_off_by_default_and_shown_before_it_is_posted(demo_db, tmp_path):
    biller = find_staff("billing")
    a, b = _patients(2)
    _only({a.id: 10000, b.id: 2000})
    statements.run_statements(biller, tmp_path)
    with pytest.raises(ServiceError, match="Late fees are off"):
        late_fees.late_fee_preview(biller)
    rules = late_fees.statement_rules(biller)
    assert rules.late_fee_bp == 0
    with pytest.raises(ValidationError):
        late_fees.save_statement_rules(biller, rules.version, "5.00", "30", "1.555")
    with pytest.raises(PermissionDenied):
        late_fees.save_statement_rules(find_staff("desk"), rules.version, "5.00", "30", "1.5")
    rules = late_fees.save_statement_rules(biller, rules.version, "5.00", "30", "1.5")
    assert rules.late_fee_bp == 150
    assert late_fees.late_fee_preview(biller) == []  # not yet past the Net-30 due date
    # 31 days later b paid 5.00 of 20.00: overdue 100.00 and 15.00.
    AccountEntry.create(patient=b.id, kind="payment", cents=-500, description="Payment",
                        method="cash", staff=biller, at=clock.now_utc())  # fmt: skip
    clock.freeze(clock.now_local().shift(days=31))
    shown = late_fees.late_fee_preview(biller)
    assert {(f.patient_id, f.overdue_cents, f.fee_cents) for f in shown} == {
        (a.id, 10000, 150), (b.id, 1500, 23),  # 22.5 cents rounds half up
    }  # fmt: skip
    before = AccountEntry.select().count()
    with pytest.raises(Conflict):
        late_fees.apply_late_fees(biller, [(a.id, 150)])  # not what was shown
    assert AccountEntry.select().count() == before
    posted = late_fees.apply_late_fees(biller, [(f.patient_id, f.fee_cents) for f in shown])
    assert len(posted) == 2 and AccountEntry.select().count() == before + 2
    assert late_fees.late_fee_preview(biller) == []  # once a month at most


def _cli(monkeypatch, capsys, demo_db, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    code = main(["--db", str(demo_db), "billing", "statements", *args, "--user", "billing",
                 "--password-stdin"])  # fmt: skip
    out = capsys.readouterr()
    return code, out.out, out.err


def test_command_line_statements(demo_db, tmp_path, monkeypatch, capsys):
    a = _patients(1)[0]
    _only({a.id: 4321})
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, err = _cli(monkeypatch, capsys, demo_db, str(out), "--dry-run")
    assert code == 0 and "Would send: 1 statement(s), $43.21" in stdout
    assert not list(out.iterdir())
    code, stdout, err = _cli(monkeypatch, capsys, demo_db, str(out))
    assert code == 0, err
    assert "1 statement(s), $43.21 due" in stdout and ".pdf" in stdout
    assert len(list(out.glob("*.pdf"))) == 1 and len(list(out.glob("*.txt"))) == 1
    code, _, err = _cli(monkeypatch, capsys, demo_db, str(tmp_path / "nope"))
    assert code != 0 and "no folder" in err
