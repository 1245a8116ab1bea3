"""The demo clinic's clinical records (issue 12 item 8): a few patients with allergies
(or "no known allergies"), medications, problems, vitals, a signed visit note and a filed
referral letter, made through the chart's services by the nurse and the desk."""

from __future__ import annotations

import random

from ...db.models import Patient, StaffMember
from ..records.clinical import (
    add_allergy,
    add_medication,
    add_problem,
    set_no_known_allergies,
)
from ..records.documents import store_document
from ..records.notes import write_note
from ..records.vitals import record_vitals

ALLERGIES = (
    ("Penicillin", "hives", "moderate"),
    ("Sulfa drugs", "rash", "mild"),
    ("Peanuts", "anaphylaxis", "severe"),
    ("Latex", "itching", "mild"),
)
MEDICATIONS = (
    ("Lisinopril", "10 mg", "by mouth daily", "I10"),
    ("Metformin", "500 mg", "by mouth twice daily", "E11.9"),
    ("Atorvastatin", "20 mg", "by mouth at bedtime", "E78.5"),
    ("Omeprazole", "20 mg", "by mouth before breakfast", "K21.9"),
    ("Sertraline", "50 mg", "by mouth daily", "F41.1"),
)
PATIENTS = 12


def build_records(seed: int) -> None:
    """Inside the demo's build transaction; draws from its own random numbers, so the
    rest of the demo is the same with or without it."""
    rng = random.Random(seed)
    nurse = StaffMember.get(StaffMember.username == "nurse")
    desk = StaffMember.get(StaffMember.username == "desk")
    ids = [p.id for p in Patient.select(Patient.id).order_by(Patient.id).limit(400)]
    for pid in rng.sample(ids, min(PATIENTS, len(ids))):
        if rng.random() < 0.3:
            set_no_known_allergies(nurse, pid)
        else:
            for substance, reaction, severity in rng.sample(ALLERGIES, rng.randint(1, 2)):
                add_allergy(
                    nurse,
                    pid,
                    {
                        "substance": substance,
                        "reaction": reaction,
                        "severity": severity,
                        "noted_on": "t-90",
                    },
                )
        provider = rng.choice(("Dr Lee", "Dr Quillfeather", "NP Saltmarsh"))
        for name, dose, how, code in rng.sample(MEDICATIONS, rng.randint(1, 3)):
            add_medication(
                nurse,
                pid,
                {
                    "name": name,
                    "dose": dose,
                    "how_taken": how,
                    "prescriber": provider,
                    "started_on": "t-200",
                },
            )
            add_problem(nurse, pid, {"code": code, "onset_on": "t-400"})
        pulse = str(rng.randint(58, 92))
        bp = f"{rng.randint(112, 148)}/{rng.randint(70, 92)}"
        record_vitals(
            nurse,
            pid,
            {
                "bp": bp,
                "pulse": pulse,
                "temp": "98.4",
                "weight": str(rng.randint(120, 230)),
                "height": "66",
            },
        )
        write_note(
            nurse,
            pid,
            {
                "title": "Follow-up",
                "visit_date": "t-7",
                "text": (
                    f"Seen for follow-up. BP {bp}, pulse {pulse}.\n"
                    "Medications reviewed with the patient; no changes.\nReturn in 3 months."
                ),
            },
            sign=True,
        )
        letter = (
            f"Referral letter (demo)\n\nPlease see this patient of {provider} for "
            "a consultation.\nThank you.\n"
        ).encode()
        store_document(
            desk,
            pid,
            {"kind": "referral", "date": "t-14", "description": f"Referral from {provider}"},
            "referral-letter.txt",
            letter,
        )
