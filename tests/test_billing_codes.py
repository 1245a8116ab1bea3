"""Code sets (issue 11 items 1 and 10): ICD-10-CM in our own table (billable codes only on
a claim, searchable by code or words), the practice's CPT/HCPCS codes and fees and the
places of service from CSV files, where a file with any bad row writes nothing."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moa_tui.cli import main
from moa_tui.db.models import (
    AuditEvent,
    CodeSet,
    DiagnosisCode,
    Payer,
    PayerFee,
    PlaceOfService,
    ProcedureCode,
)
from moa_tui.services.billing import codes, imports
from moa_tui.services.billing.codes import search_diagnoses, search_procedures
from moa_tui.services.billing.imports import ImportRefused, import_codes_file, parse_code_csv
from moa_tui.services.errors import ServiceError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

from .conftest import DEMO_PASSWORD


def _snapshot() -> tuple:
    """Everything a code import may write."""
    return (
        list(ProcedureCode.select().order_by(ProcedureCode.id).tuples()),
        list(PayerFee.select().order_by(PayerFee.id).tuples()),
        list(PlaceOfService.select().order_by(PlaceOfService.id).tuples()),
        list(CodeSet.select().order_by(CodeSet.kind).tuples()),
    )


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- ICD-10-CM --------------------------------------------------------------------------


def test_demo_ships_example_codes_labelled_as_examples(demo_db):
    billing = find_staff("billing")
    sets = {s.kind: s for s in codes.code_sets(billing)}
    assert sets["icd10cm"].examples and sets["icd10cm"].count == 12
    assert sets["hcpcs"].examples and sets["hcpcs"].count == 10
    assert sets["cpt"].count == 0  # CPT is the AMA's: no table ships
    assert all("(example)" in p.description for p in search_procedures(billing, "G04"))
    assert codes.icd_list_missing(billing)  # the first coder loads the real list


def test_only_billable_codes_are_found_by_code_or_words(demo_db):
    billing = find_staff("billing")
    assert [h.code for h in search_diagnoses(billing, "M54.5")] == ["M54.50"]
    assert [h.code for h in search_diagnoses(billing, "m545")] == ["M54.50"]
    assert [h.code for h in search_diagnoses(billing, "back pain")] == ["M54.50"]
    assert [h.code for h in search_diagnoses(billing, "low BACK")] == ["M54.50"]
    assert [h.code for h in search_diagnoses(billing, "diabetes type 2")] == ["E11.9"]
    assert search_diagnoses(billing, "no such words") == []
    everything = search_diagnoses(billing, "M54.5", billable_only=False)
    assert [(h.code, h.billable) for h in everything] == [("M54.5", False), ("M54.50", True)]


def test_the_whole_list_is_copied_once_with_its_year_and_searched_fast(demo_db):
    billing = find_staff("billing")
    message = imports.load_icd10cm(billing)
    held = CodeSet.get(CodeSet.kind == "icd10cm")
    assert held.code_year == 2026 and not held.examples and held.count > 90_000
    assert "2026" in message and "billable" in message
    billable = DiagnosisCode.select().where(DiagnosisCode.billable).count()
    assert 70_000 < billable < held.count
    assert DiagnosisCode.get(DiagnosisCode.code == "M54.50").billable
    assert not DiagnosisCode.get(DiagnosisCode.code == "M54.5").billable
    found = [h.code for h in search_diagnoses(billing, "low back pain", limit=50)]
    # The plainest matches first ("Other low back pain", "Low back pain, unspecified").
    assert set(found[:2]) == {"M54.59", "M54.50"} and "M54.5" not in found
    assert [h.code for h in search_diagnoses(billing, "M54.5")] == ["M54.50", "M54.51", "M54.59"]
    # The same list again changes nothing and says so.
    assert "loaded already" in imports.load_icd10cm(billing)
    assert CodeSet.get(CodeSet.kind == "icd10cm").count == held.count


def test_an_older_list_never_replaces_a_newer_one(demo_db):
    billing = find_staff("billing")
    rows = [("A00.0", "Cholera due to Vibrio cholerae 01, biovar cholerae", True)]
    imports.store_icd_list(billing, imports.IcdList(2027, rows, "test list"))
    with pytest.raises(ServiceError, match="2026 is older"):
        imports.store_icd_list(billing, imports.IcdList(2026, rows, "older list"))
    # A code the next year's list dropped stays, valid only up to its last year.
    imports.store_icd_list(billing, imports.IcdList(2028, [("A00.1", "Other", True)], "next"))
    old = DiagnosisCode.get(DiagnosisCode.code == "A00.0")
    assert (old.first_year, old.last_year) == (2027, 2027)
    assert CodeSet.get(CodeSet.kind == "icd10cm").code_year == 2028


# --- CSV imports --------------------------------------------------------------------------

GOOD_CPT = (
    "code,description,fee,payer\n"
    "99213,Office visit est. patient (practice's own text),95.00,\n"
    "99213,Office visit est. patient (practice's own text),76.50,Medicare (demo)\n"
    "36415,Routine venipuncture,12,\n"
)


def test_a_good_fee_schedule_imports_with_payer_fees(demo_db, tmp_path):
    billing = find_staff("billing")
    report = import_codes_file(billing, "cpt", _write(tmp_path, "fees.csv", GOOD_CPT))
    assert (report.added, report.updated) == (2, 0) and not report.problems
    medicare = Payer.get(Payer.name == "Medicare (demo)")
    (hit,) = search_procedures(billing, "99213", payer_id=medicare.id)
    assert hit.fee_cents == 7650 and hit.kind == "cpt" and not hit.examples
    (hit,) = search_procedures(billing, "venipuncture")
    assert hit.code == "36415" and hit.fee_cents == 1200
    assert AuditEvent.select().where(AuditEvent.action == "codes.import").exists()


@pytest.mark.parametrize(
    ("bad_row", "why"),
    [
        ("99214,Office visit,-5.00,", "cannot be negative"),
        ("99214,Office visit,12.345,", "type an amount"),
        ("9921,Office visit,12.00,", "is not five characters"),
        ("99214,Office visit,12.00,No Such Payer", "no payer is called"),
        ("99214,Office visit,12.00", "3 fields where the header has 4"),
        ('99214,"Office visit,12.00,', "cannot be read"),
        ("99214,,12.00,", "Description is required"),
        ("99213,Again,12.00,", "also on line 2"),
        ("99214,Office \x1b[31mvisit,12.00,", "control character"),
    ],
)
def test_a_file_with_a_bad_row_writes_nothing_and_says_which(demo_db, tmp_path, bad_row, why):
    billing = find_staff("billing")
    before = _snapshot()
    text = GOOD_CPT + bad_row + "\n"
    with pytest.raises(ImportRefused) as refused:
        import_codes_file(billing, "cpt", _write(tmp_path, "fees.csv", text))
    (line, message), *_ = refused.value.report.problems
    assert why in message and line == 5
    assert "nothing was imported" in str(refused.value)
    assert _snapshot() == before


def test_hcpcs_and_places_of_service_import_the_same_way(demo_db, tmp_path):
    billing = find_staff("billing")
    report = import_codes_file(
        billing, "hcpcs", _write(tmp_path, "h.csv", "code,description\nG0009,Pneumococcal admin\n")
    )
    assert report.added == 1
    # The practice's own list replaces the demo's examples of the same kind.
    assert [p.code for p in search_procedures(billing, "G0")] == ["G0009"]
    report = import_codes_file(
        billing,
        "pos",
        _write(tmp_path, "p.csv", "code,name\n11,Office\n19,Off campus-outpatient hospital\n"),
    )
    assert (report.added, report.updated) == (1, 1)
    with pytest.raises(ImportRefused, match="header must name the columns code, name"):
        import_codes_file(
            billing, "pos", _write(tmp_path, "q.csv", "code,description\n11,Office\n")
        )


def test_importing_codes_needs_billing_or_a_manager(demo_db, tmp_path):
    path = _write(tmp_path, "fees.csv", GOOD_CPT)
    with pytest.raises(PermissionDenied):
        import_codes_file(find_staff("desk"), "cpt", path)
    assert import_codes_file(find_staff("manager"), "cpt", path).added == 2


def test_missing_or_unreadable_files_are_refused_with_a_sentence(demo_db, tmp_path):
    billing = find_staff("billing")
    with pytest.raises(ServiceError, match="Cannot read"):
        import_codes_file(billing, "cpt", tmp_path / "none.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00code")
    with pytest.raises(ServiceError, match="not UTF-8"):
        import_codes_file(billing, "cpt", tmp_path / "bin.csv")
    with pytest.raises(ServiceError, match="Choose a code set"):
        import_codes_file(billing, "snomed", tmp_path / "none.csv")


CSV_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(
                    ["99213", "G0438", "11", "-1", "1.234", "$5", "", '"', "Medicare (demo)"]
                ),
                st.text(max_size=12),
            ),
            max_size=5,
        ),
        max_size=6,
    ).map(lambda rows: "code,description,fee,payer\n" + "\n".join(",".join(r) for r in rows)),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(["cpt", "hcpcs", "pos"]), text=CSV_TEXT)
def test_any_file_is_read_row_by_row_or_refused_whole(demo_db, kind, text):
    report = parse_code_csv(kind, text, "fuzz.csv", {"medicare (demo)": 3})
    assert report.rows or report.problems
    for row in report.rows:
        assert row.fee_cents is None or 0 <= row.fee_cents <= 100_000_000
    billing = find_staff("billing")
    before = _snapshot()
    try:
        imports.store_code_rows(billing, report)
    except ImportRefused:
        assert report.problems and _snapshot() == before


# --- the command line ------------------------------------------------------------------


def _run(monkeypatch, capsys, demo_db, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    code = main(["--db", str(demo_db), "billing", "import-codes", *args, "--user", "billing",
                 "--password-stdin"])  # fmt: skip
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_codes_command(demo_db, tmp_path, monkeypatch, capsys):
    good = _write(tmp_path, "fees.csv", GOOD_CPT)
    code, out, _ = _run(monkeypatch, capsys, demo_db, "cpt", str(good))
    assert code == 0 and "2 added" in out
    bad = _write(tmp_path, "bad.csv", GOOD_CPT + "99215,Visit,1.005,\n")
    before = _snapshot()
    code, _, err = _run(monkeypatch, capsys, demo_db, "cpt", str(bad))
    assert code == 1 and "line 5:" in err and "nothing was imported" in err
    assert _snapshot() == before
    code, _, err = _run(monkeypatch, capsys, demo_db, "icd10cm", str(good))
    assert code != 0 and "give no file" in err
    code, _, err = _run(monkeypatch, capsys, demo_db, "hcpcs")
    assert code != 0 and "Name the hcpcs CSV file" in err
