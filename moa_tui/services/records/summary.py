"""The patient's clinical record in one read (issue 12 item 8): what the records screen
lists and the chart's summary shows, allergies first. Reading it is audited as opening
the chart is; a restricted record needs a reason stated this session."""

from __future__ import annotations

import dataclasses

from ...db.models import Medication, Problem, StaffMember, VitalSigns
from ..core import writer
from .clinical import (
    AllergyRow,
    MedicationRow,
    ProblemRow,
    active_allergies,
    allergy_row,
    medication_row,
    problem_row,
)
from .common import read_chart
from .documents import DocumentRow, patient_documents
from .notes import NoteRow, patient_notes
from .vitals import VitalsRow, vitals_row

PAST_SHOWN = 20  # stopped medications, resolved problems, older vitals


@dataclasses.dataclass(frozen=True)
class ClinicalRecord:
    patient_id: int
    name: str
    allergies: list[AllergyRow]  # in force, most severe first; [] = never asked
    medications: list[MedicationRow]  # active
    stopped: list[MedicationRow]
    problems: list[ProblemRow]  # active
    resolved: list[ProblemRow]
    vitals: list[VitalsRow]  # newest first
    notes: list[NoteRow]
    documents: list[DocumentRow]

    def allergy_line(self) -> str:
        """'Allergies: penicillin: hives (severe); latex (mild)', 'No known allergies' or
        'Allergies: not recorded'."""
        if not self.allergies:
            return "Allergies: not recorded (ask the patient)"
        if self.allergies[0].no_known:
            return "No known allergies"
        return "Allergies: " + "; ".join(a.line() for a in self.allergies)

    def summary_lines(self, width: int = 78) -> list[str]:
        """Three lines for the chart, each at most *width* characters: allergies first,
        then the active medications, then counts of the rest."""
        meds = ", ".join(m.line() for m in self.medications) or "none"
        codes = " ".join(p.code for p in self.problems)
        drafts = sum(1 for n in self.notes if not n.signed)
        rest = [
            f"Problems {len(self.problems)}" + (f" ({codes})" if codes else ""),
            f"Notes {len(self.notes)}" + (f", {drafts} draft" if drafts else ""),
            f"Documents {len(self.documents)}",
            f"Vitals {self.vitals[0].taken_at[:10]}" if self.vitals else "Vitals none",
        ]
        lines = [
            self.allergy_line(),
            f"Medications {len(self.medications)}: {meds}",
            " · ".join(rest),
        ]
        return [line if len(line) <= width else line[: width - 1] + "…" for line in lines]


@writer("clinical.read", changes=())  # a writer: reading the record is audited
def clinical_record(actor: StaffMember, patient_id: int) -> ClinicalRecord:
    """Allergies, medications, problems, recent vitals, notes and documents' details."""
    patient = read_chart(actor, patient_id, "clinical record")
    pid = patient.id
    meds = Medication.select().where(Medication.patient == pid)
    active_meds = meds.where(Medication.stopped_on.is_null()).order_by(Medication.name)
    stopped = meds.where(Medication.stopped_on.is_null(False)).order_by(
        Medication.stopped_on.desc(), Medication.id.desc()
    )
    problems = Problem.select().where(Problem.patient == pid)
    active = problems.where(Problem.resolved_on.is_null()).order_by(Problem.code)
    resolved = problems.where(Problem.resolved_on.is_null(False)).order_by(
        Problem.resolved_on.desc(), Problem.id.desc()
    )
    vitals = (
        VitalSigns.select()
        .where(VitalSigns.patient == pid)
        .order_by(VitalSigns.taken_at.desc(), VitalSigns.id.desc())
        .limit(PAST_SHOWN)
    )
    return ClinicalRecord(
        pid,
        f"{patient.last_name}, {patient.first_name}",  # as the chart names them
        [allergy_row(a) for a in active_allergies(pid)],
        [medication_row(m) for m in active_meds],
        [medication_row(m) for m in stopped.limit(PAST_SHOWN)],
        [problem_row(p) for p in active],
        [problem_row(p) for p in resolved.limit(PAST_SHOWN)],
        [vitals_row(v) for v in vitals],
        patient_notes(pid),
        patient_documents(pid),
    )
