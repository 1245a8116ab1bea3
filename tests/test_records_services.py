"""The chart for the desk (issue 12 items 8, 10): allergies, medications, problems, vitals
and visit notes, as services, on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moa_tui.db.models import Allergy, AuditEvent, Medication, Patient, VisitNote, VitalSigns
from moa_tui.services.errors import Conflict, ServiceError, ValidationError
from moa_tui.services.records.clinical import (
    add_allergy,
    add_medication,
    add_problem,
    resolve_problem,
    retire_allergy,
    search_problem_codes,
    set_no_known_allergies,
    stop_medication,
)
from moa_tui.services.records.notes import amend_note, edit_note, read_note, sign_note, write_note
from moa_tui.services.records.summary import clinical_record
from moa_tui.services.records.vitals import (
    LIMITS,
    OutOfRange,
    bmi_text,
    parse_vitals,
    record_vitals,
)
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

from .conftest import FROZEN_NOW


@pytest.fixture(autouse=True)
def _clock_stopped_again(desk, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


@pytest.fixture
def nurse():
    return find_staff("nurse")


@pytest.fixture
def patient(desk):
    """A patient with nothing in the clinical record yet (the demo fills in a few)."""
    return blank_patient()


def blank_patient() -> Patient:
    with_records = [m.select(m.patient) for m in (Allergy, Medication, VisitNote, VitalSigns)]
    query = Patient.select().where(~Patient.restricted)
    for rows in with_records:
        query = query.where(Patient.id.not_in(rows))
    return query.order_by(Patient.id).first()


def test_allergies_no_known_is_a_statement_and_nothing_is_deleted(nurse, patient):
    record = clinical_record(nurse, patient.id)
    assert record.allergies == [] and "not recorded" in record.allergy_line()
    nka = set_no_known_allergies(nurse, patient.id)
    assert clinical_record(nurse, patient.id).allergy_line() == "No known allergies"
    with pytest.raises(Conflict, match="already"):
        set_no_known_allergies(nurse, patient.id)
    pen = add_allergy(
        nurse,
        patient.id,
        {"substance": "Penicillin", "reaction": "hives", "severity": "severe", "noted_on": "t-3"},
    )
    latex = add_allergy(nurse, patient.id, {"substance": "latex", "severity": "mild"})
    record = clinical_record(nurse, patient.id)
    # Adding an allergy ended "no known allergies"; the most severe comes first.
    assert [a.id for a in record.allergies] == [pen.id, latex.id]
    assert record.summary_lines()[0] == "Allergies: Penicillin: hives (severe); latex (mild)"
    assert pen.noted_on == "11/15/2026" and pen.noted_by
    with pytest.raises(ValidationError) as err:
        add_allergy(nurse, patient.id, {"substance": "PENICILLIN"})
    assert "on the list" in err.value.errors["substance"]
    with pytest.raises(Conflict, match="retire"):
        set_no_known_allergies(nurse, patient.id)
    retire_allergy(nurse, latex.id, latex.version, "entered in error")
    with pytest.raises(Conflict, match="took it off"):
        retire_allergy(nurse, latex.id, latex.version, "again")
    assert Allergy.select().where(Allergy.patient == patient.id).count() == 3  # none deleted
    assert Allergy.get_by_id(nka.id).retired_why == "an allergy was recorded"


def test_bad_allergy_input_names_every_field_and_writes_nothing(nurse, patient):
    before = Allergy.select().count()
    with pytest.raises(ValidationError) as err:
        add_allergy(
            nurse,
            patient.id,
            {"substance": "", "severity": "lethal", "noted_on": "t+1", "reaction": "x\x1b[2J"},
        )
    assert set(err.value.errors) == {"substance", "severity", "noted_on", "reaction"}
    assert "after today" in err.value.errors["noted_on"]
    assert Allergy.select().count() == before


def test_a_medication_is_stopped_never_deleted(nurse, patient):
    m = add_medication(
        nurse,
        patient.id,
        {
            "name": "Lisinopril",
            "dose": "10 mg",
            "how_taken": "by mouth daily",
            "prescriber": "Dr Lee",
            "started_on": "11/01/2026",
        },
    )
    with pytest.raises(ValidationError, match="on the list"):
        add_medication(nurse, patient.id, {"name": "Lisinopril", "dose": "10 mg"})
    with pytest.raises(ValidationError, match="started on 11/01/2026"):
        stop_medication(nurse, m.id, m.version, {"stopped_on": "10/01/2026"})
    stopped = stop_medication(nurse, m.id, m.version, {"why": "cough"})
    assert stopped.stopped_on == "11/18/2026" and stopped.stop_why == "cough"
    with pytest.raises(Conflict, match="stopped on 11/18/2026"):
        stop_medication(nurse, m.id, stopped.version, {})
    record = clinical_record(nurse, patient.id)
    assert record.medications == [] and [x.id for x in record.stopped] == [m.id]
    assert Medication.get_by_id(m.id).stopped_by_id == nurse.id


def test_problems_come_from_the_code_table_by_code_or_words(nurse, patient):
    assert [h.code for h in search_problem_codes(nurse, "e119")] == ["E11.9"]
    assert "E11.9" in [h.code for h in search_problem_codes(nurse, "type 2 diabetes")]
    with pytest.raises(ValidationError, match="not in the ICD-10-CM"):
        add_problem(nurse, patient.id, {"code": "Q99.99"})
    p = add_problem(nurse, patient.id, {"code": "e11.9", "onset_on": "01/15/2020"})
    assert (p.code, p.onset_on) == ("E11.9", "01/15/2020") and "diabetes" in p.description
    with pytest.raises(ValidationError, match="already"):
        add_problem(nurse, patient.id, {"code": "E11.9"})
    with pytest.raises(ValidationError, match="onset"):
        resolve_problem(nurse, p.id, p.version, "01/01/2019")
    done = resolve_problem(nurse, p.id, p.version, "")
    assert done.resolved_on == "11/18/2026"
    record = clinical_record(nurse, patient.id)
    assert record.problems == [] and record.resolved[0].id == p.id


@pytest.mark.parametrize(
    ("values", "stored"),
    [
        ({"bp": "120/80"}, {"systolic": 120, "diastolic": 80}),
        ({"temp": "98.6"}, {"temp_tenths_f": 986}),
        ({"temp": "37 C"}, {"temp_tenths_f": 986}),
        ({"temp": "37"}, {"temp_tenths_f": 986}),
        ({"weight": "150 lb"}, {"weight_tenths_lb": 1500}),
        ({"weight": "68 kg"}, {"weight_tenths_lb": 1499}),
        ({"height": "5'5\""}, {"height_tenths_in": 650}),
        ({"height": "5 ft 5 in"}, {"height_tenths_in": 650}),
        ({"height": "165 cm"}, {"height_tenths_in": 650}),
        ({"pulse": " 72 "}, {"pulse": 72}),
    ],
)
def test_vitals_are_read_as_typed(values, stored):
    assert parse_vitals(values) == (stored, {})


def test_bmi_is_computed_from_weight_and_height():
    assert bmi_text(1500, 650) == "25.0"  # 150 lb, 65 in
    assert bmi_text(1800, 700) == "25.8"
    assert bmi_text(None, 650) == ""


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"bp": "80/120"}, "bp", "below the systolic"),
        ({"bp": "400/80"}, "bp", "not possible"),
        ({"pulse": "0"}, "pulse", "not possible"),
        ({"temp": "130"}, "temp", "not possible"),
        ({"weight": "-5"}, "weight", "Weight"),
        ({"height": "abc"}, "height", "Height"),
        ({}, "bp", "at least one"),
    ],
)
def test_impossible_or_unreadable_vitals_are_refused(values, field, words):
    with pytest.raises(ValidationError) as err:
        parse_vitals(values)
    assert words in err.value.errors[field]
    assert not isinstance(err.value, OutOfRange)


def test_an_unusual_vital_is_kept_only_once_confirmed(nurse, patient):
    before = VitalSigns.select().count()
    values = {"bp": "190/70", "pulse": "165", "temp": "98.2", "weight": "180", "height": "70"}
    with pytest.raises(OutOfRange) as err:
        record_vitals(nurse, patient.id, values)
    assert set(err.value.errors) == {"pulse"} and "confirm" in err.value.errors["pulse"]
    assert VitalSigns.select().count() == before
    row = record_vitals(nurse, patient.id, values, confirmed_out_of_range=True)
    assert row.out_of_range == "pulse" and row.bmi == "25.8" and row.bp == "190/70"
    assert clinical_record(nurse, patient.id).vitals[0].id == row.id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["bp", "pulse", "temp", "weight", "height"]),
        st.one_of(
            st.text(max_size=12),
            st.from_regex(r"\d{1,3}(/\d{1,3}| ?kg| ?cm| ?C|'\d{1,2})?", fullmatch=True),
        ),
    )
)
def test_any_typed_vitals_are_read_within_the_possible_or_refused(values):
    try:
        stored, unusual = parse_vitals(values)
    except ValidationError as err:
        assert set(err.errors) <= {"bp", "pulse", "temp", "weight", "height"}
        return
    for column, value in stored.items():
        low_no, _low, _high, high_no = LIMITS[column]
        assert low_no <= value <= high_no
    assert set(unusual) <= set(values)


def test_the_desk_reads_the_record_but_records_no_vitals_and_billing_sees_none(desk, patient):
    assert clinical_record(desk, patient.id).patient_id == patient.id
    with pytest.raises(PermissionDenied, match="vitals"):
        record_vitals(desk, patient.id, {"pulse": "70"})
    with pytest.raises(PermissionDenied):
        clinical_record(find_staff("billing"), patient.id)


def test_opening_the_record_is_audited(nurse, patient):
    clinical_record(nurse, patient.id)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.patient_id, event.detail) == (
        "records.view",
        patient.id,
        "clinical record",
    )


def test_a_draft_is_edited_a_signed_note_only_amended(nurse, patient):
    note = write_note(nurse, patient.id, {"title": "Follow-up", "text": "BP recheck.\nDoing well."})
    assert not note.signed and note.visit_date == "11/18/2026"
    edited = edit_note(nurse, note.id, note.version, {"title": "Follow-up", "text": "BP ok."})
    manager = find_staff("manager")
    with pytest.raises(Conflict, match=r"changed this note at 11/18/2026 10:30"):
        edit_note(manager, note.id, note.version, {"text": "stale"})
    with pytest.raises(ValidationError, match="only they can sign"):
        sign_note(manager, note.id, edited.version)
    signed = sign_note(nurse, note.id, edited.version)
    assert signed.signed_by == nurse.short_name
    with pytest.raises(Conflict, match="amend it"):
        edit_note(nurse, note.id, signed.version, {"text": "changed"})
    amendment = amend_note(manager, note.id, "Also: flu shot given.")
    assert amendment.signed_by == manager.short_name
    view = read_note(nurse, note.id)
    assert view.text == "BP ok.\n" and view.note.amendments == 1
    assert [(a.id, text) for a, text in view.amendments] == [
        (amendment.id, "Also: flu shot given.\n")
    ]
    assert VisitNote.get_by_id(note.id).body == "BP ok.\n"  # the signed note unchanged
    # An amendment opens with its note; a draft cannot be amended.
    assert read_note(nurse, amendment.id).note.id == note.id
    draft = write_note(nurse, patient.id, {"text": "draft"})
    with pytest.raises(Conflict, match="draft"):
        amend_note(nurse, draft.id, "x")
    listed = clinical_record(nurse, patient.id).notes
    assert [n.id for n in listed] == [draft.id, note.id] and listed[1].amendments == 1


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=200))
def test_any_note_text_is_kept_as_cleaned_or_refused(nurse, patient, text):
    before = VisitNote.select().count()
    try:
        row = write_note(nurse, patient.id, {"text": text}, sign=True)
    except ServiceError:
        assert VisitNote.select().count() == before
        return
    body = VisitNote.get_by_id(row.id).body
    assert body.strip() and body.endswith("\n") and "\x1b" not in body
    typed = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    assert body == "\n".join(line.rstrip() for line in typed.split("\n")).strip("\n") + "\n"
