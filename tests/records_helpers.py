"""The chart's clinical record (issue 12 item 8) in the shared guard tests: its services'
fuzzing arguments (test_fuzz_services.py) and a call of each on a restricted patient
(test_restricted_records.py), kept here so those files grow by a line each."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

from hypothesis import strategies as st

from moa_tui.db.models import (
    Allergy,
    DiagnosisCode,
    Disclosure,
    DisclosureItem,
    DocumentBlob,
    Medication,
    PatientDocument,
    Problem,
    StaffMember,
    VisitNote,
)
from moa_tui.services import clock
from moa_tui.services.records import (
    clinical,
    documents,
    notes,
    releases,
    summary,
    vitals,
)


def fuzz_arguments(TEXT, ID, BOOL, FILE_NAME) -> dict:  # noqa: N803 (the strategies' names there)
    def form(*fields):
        return st.fixed_dictionaries({k: TEXT for k in fields})

    return {
        "add_allergy": ("nurse", dict(patient_id=ID, values=form(*clinical.ALLERGY_FIELDS))),
        "set_no_known_allergies": ("nurse", dict(patient_id=ID)),
        "retire_allergy": ("nurse", dict(allergy_id=ID, version=ID, why=TEXT)),
        "add_medication": ("nurse", dict(patient_id=ID, values=form(*clinical.MEDICATION_FIELDS))),
        "stop_medication": (
            "nurse",
            dict(medication_id=ID, version=ID, values=form(*clinical.STOP_FIELDS)),
        ),
        "search_problem_codes": ("nurse", dict(text=TEXT)),
        "add_problem": ("nurse", dict(patient_id=ID, values=form(*clinical.PROBLEM_FIELDS))),
        "resolve_problem": ("nurse", dict(problem_id=ID, version=ID, resolved_on=TEXT)),
        "record_vitals": (
            "nurse",
            dict(patient_id=ID, values=form(*vitals.VITAL_FIELDS), confirmed_out_of_range=BOOL),
        ),
        "write_note": ("nurse", dict(patient_id=ID, values=form(*notes.NOTE_FIELDS), sign=BOOL)),
        "edit_note": ("nurse", dict(note_id=ID, version=ID, values=form(*notes.NOTE_FIELDS))),
        "sign_note": ("nurse", dict(note_id=ID, version=ID)),
        "amend_note": ("nurse", dict(note_id=ID, text=TEXT)),
        "read_note": ("nurse", dict(note_id=ID)),
        "clinical_record": ("desk", dict(patient_id=ID)),
        "document_source": ("desk", dict(path=TEXT)),  # only says which file; reads nothing
        "store_document": (
            "desk",
            dict(
                patient_id=ID,
                values=form(*documents.DOCUMENT_FIELDS),
                file_name=TEXT,
                data=st.binary(max_size=64),
            ),
        ),
        # (a file name in the export folder, as typed: the fuzzing makes no files there)
        "file_document": (
            "desk",
            dict(
                patient_id=ID,
                values=st.fixed_dictionaries(
                    {"path": FILE_NAME, **{k: TEXT for k in ("kind", "date", "description")}}
                ),
            ),
        ),
        "read_document": ("desk", dict(document_id=ID)),
        "document_for_export": ("desk", dict(document_id=ID)),
        "export_document": ("desk", dict(document_id=ID, path=FILE_NAME, overwrite=BOOL)),
        "set_document_limit": ("manager", dict(megabytes=TEXT)),
        "document_limit": ("desk", dict()),
        # What a disclosure released, and its export (issue 12 item 9).
        "release_choices": ("desk", dict(patient_id=ID)),
        "release_bundle": ("desk", dict(disclosure_id=ID)),
        "record_release": ("desk", dict(disclosure_id=ID, file_name=TEXT)),
        "export_release": ("desk", dict(disclosure_id=ID, path=FILE_NAME, overwrite=BOOL)),
    }


COMPOSITES = {
    "file_document": documents.file_document,
    "export_document": documents.export_document,
    "export_release": releases.export_release,
}

# Parameters that name a record of the chart (test_restricted_records.RECORD_PARAMS).
RECORD_PARAMS = {
    "allergy_id",
    "medication_id",
    "problem_id",
    "note_id",
    "document_id",
    "disclosure_id",
}


def restricted_calls(patient, tmp: Path) -> dict:
    """service name -> a call of it on the restricted *patient* (a function of the actor,
    the manager, who may do all of them); each may be called twice (refused, then with a
    reason): what it needs is made once, directly in the tables."""
    made: dict[str, int] = {}
    staff = StaffMember.get(StaffMember.username == "manager")
    scan = tmp.parent / "scan.txt"
    scan.write_text("Referral from Dr Ng\n")

    def once(key: str, make) -> int:
        if key not in made:
            made[key] = make().id
        return made[key]

    def allergy() -> int:
        return once(
            "allergy",
            lambda: Allergy.create(
                patient=patient.id, substance="Latex", noted_on=clock.today(), noted_by=staff
            ),
        )

    def medication() -> int:
        return once(
            "medication",
            lambda: Medication.create(patient=patient.id, name="Metformin", entered_by=staff),
        )

    def problem() -> int:
        return once(
            "problem",
            lambda: Problem.create(
                patient=patient.id, code="I10", description="Hypertension", entered_by=staff
            ),
        )

    def note(key: str, signed: bool = False) -> int:
        def make():
            now = clock.now_utc()
            return VisitNote.create(
                patient=patient.id,
                visit_date=clock.today(),
                body="Seen.\n",
                written_by=staff,
                updated_by=staff,
                signed_by=staff if signed else None,
                signed_at=now if signed else None,
            )

        return once(key, make)

    def document() -> int:
        def make():
            data = b"Lab result\n"
            d = PatientDocument.create(
                patient=patient.id,
                kind="lab",
                doc_date=clock.today(),
                file_name="lab.txt",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                is_text=True,
                filed_by=staff,
            )
            DocumentBlob.create(document=d, data=data)
            return d

        return once("document", make)

    def disclosure() -> int:
        def make():
            d = Disclosure.create(patient=patient.id, recipient_name="Dr Ruiz", description="labs",
                                  purpose="treatment", disclosed_on=clock.today(),
                                  recorded_by=staff)  # fmt: skip
            DisclosureItem.create(disclosure=d, document=document())
            return d

        return once("disclosure", make)

    exports = itertools.count(1)

    def version(model, row_id: int) -> int:
        return model.get_by_id(row_id).version

    code = DiagnosisCode.select().where(DiagnosisCode.billable).order_by(DiagnosisCode.code)
    return {
        # (in this order: the allergy is retired before "no known allergies" is said)
        "clinical.retire_allergy": lambda a: clinical.retire_allergy(
            a, allergy(), version(Allergy, allergy()), "entered in error"
        ),
        "clinical.set_no_known_allergies": lambda a: clinical.set_no_known_allergies(a, patient.id),
        "clinical.add_allergy": lambda a: clinical.add_allergy(a, patient.id, {"substance": "Soy"}),
        "clinical.add_medication": lambda a: clinical.add_medication(
            a, patient.id, {"name": "Aspirin", "dose": "81 mg"}
        ),
        "clinical.stop_medication": lambda a: clinical.stop_medication(
            a, medication(), version(Medication, medication()), {}
        ),
        "clinical.add_problem": lambda a: clinical.add_problem(
            a, patient.id, {"code": code.first().code}
        ),
        "clinical.resolve_problem": lambda a: clinical.resolve_problem(
            a, problem(), version(Problem, problem()), ""
        ),
        "vitals.record_vitals": lambda a: vitals.record_vitals(a, patient.id, {"pulse": "70"}),
        "notes.write_note": lambda a: notes.write_note(a, patient.id, {"text": "Seen today."}),
        "notes.edit_note": lambda a: notes.edit_note(
            a, note("draft"), version(VisitNote, note("draft")), {"text": "Seen, well."}
        ),
        "notes.sign_note": lambda a: notes.sign_note(
            a, note("to sign"), version(VisitNote, note("to sign"))
        ),
        "notes.amend_note": lambda a: notes.amend_note(a, note("signed", True), "Also: flu shot."),
        "notes.read_note": lambda a: notes.read_note(a, note("signed", True)),
        "summary.clinical_record": lambda a: summary.clinical_record(a, patient.id),
        # Read with no transaction open: its checked step is walked through the job.
        "documents.store_document": lambda a: documents.file_document(
            a, patient.id, {"path": str(scan), "kind": "referral"}
        ),
        "documents.read_document": lambda a: documents.read_document(a, document()),
        "documents.document_for_export": lambda a: documents.export_document(
            a, document(), str(tmp / f"doc{next(exports)}.txt")
        ),
        "releases.release_choices": lambda a: releases.release_choices(a, patient.id),
        # Written with no transaction open: its checked steps are walked through the job.
        "releases.release_bundle": lambda a: releases.export_release(
            a, disclosure(), str(tmp / f"release{next(exports)}.zip")
        ),
        "releases.record_release": lambda a: releases.record_release(a, disclosure(), "r.zip"),
    }
