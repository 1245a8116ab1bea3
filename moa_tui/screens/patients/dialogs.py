"""The patients area's dialogs: emergency access to a restricted record ("break the
glass") and the two steps of merging a duplicate record."""

from __future__ import annotations

from ...services.patients.patients import ReasonRequired, open_patient
from ...services.patients.registration import MergePreview, merge_duplicate, merge_preview
from ...widgets.form import FieldSpec, FormDialog


def emergency_access_dialog(error: ReasonRequired) -> FormDialog:
    """The one emergency-access dialog, for the chart and for every screen whose service
    refused a restricted record (ServiceCaller.ask_reason): the reason opens the chart
    record in the audit trail (open_patient) and holds for this session. Closes with the
    chart, or None when the user backed out."""

    def submit(actor, values):
        return open_patient(actor, error.patient_id, values["reason"])

    return FormDialog(
        "Restricted record: emergency access",
        [FieldSpec("reason", "Reason", placeholder="why you need it now", max_length=300)],
        submit,
        hint=str(error) + " · Enter: open · Esc: go back",
    )


def emergency_access(app, error: ReasonRequired, answered) -> None:
    """The emergency-access dialog for a caller that takes the answer as a callback
    (MoaApp.emergency_access); *answered* gets the chart or None."""
    app.push_screen(emergency_access_dialog(error), answered)


def merge_dialog(survivor_id: int, survivor: str) -> FormDialog:
    """Retire a duplicate into this record, step one: its MRN; closes with who it is and
    what would move (merge_preview), shown before the MRN is typed again."""

    def submit(actor, values):
        return merge_preview(actor, survivor_id, values["duplicate"])

    return FormDialog(
        f"Merge a duplicate record into {survivor}",
        [FieldSpec("duplicate", "Duplicate MRN", max_length=12)],
        submit,
        hint="Enter: show who it is and what would move · Esc: cancel",
    )


def confirm_merge_dialog(survivor_id: int, survivor: str, dup: MergePreview) -> FormDialog:
    """Step two: the duplicate's name, DOB and what moves, then its MRN typed again;
    closes with what moved (MergeCounts)."""

    def submit(actor, values):
        return merge_duplicate(actor, survivor_id, dup.mrn, values["confirm"])

    return FormDialog(
        f"Merge {dup.name} · DOB {dup.dob:%m/%d/%Y} · MRN {dup.mrn} into {survivor}",
        [FieldSpec("confirm", "MRN again", max_length=12)],
        submit,
        hint=f"Moves here: {dup.moves.text()}. The duplicate is kept, marked merged. "
        "Type its MRN to merge · Esc: cancel",
    )
