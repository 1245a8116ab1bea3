"""Restricted records: who may read them, and the trail every read leaves.

A manager restricts a record (a staff member's own chart, a public figure...). From then
on every service that returns that patient's data (chart, insurance, visit history,
check-in and check-out data, payments, claims) first calls ``require_access``: without a
reason stated in this session it refuses with ReasonRequired; with one, it writes a
``patient.view`` audit event naming what was read, so the trail shows every look.

Services that call it must run as ``@writer``: the audit event is numbered after the last
one, and a deferred (``@reader``) SQLite transaction that read the trail cannot take the
write lock once another terminal has committed ("database is locked" at once, whatever the
busy timeout); on PostgreSQL two readers would pick the same number.

Exempt, because they show no more than the day schedule does (the desk must see who is
booked): booking, moving, cancelling, no-show, undo, check-in and step changes, series,
booking from the waitlist and call outcomes (they return a schedule row: name, time,
provider, status). The kiosk's services are used by the patient themself. Lists of many
patients (schedule, flow board, search, waitlist, calls) show the name, never the record.
``EXEMPT`` names them with the reason; tests/test_restricted_records.py checks that every
other service taking a patient, appointment or claim refuses without a reason.
"""

from __future__ import annotations

from ...db.database import db
from ...db.models import Patient, StaffMember
from ..core import audit, get_or_refuse
from ..errors import ServiceError

# Grants live in this process: each terminal is its own process with its own signed-in
# session (the app gives the actor a random session_id at sign-in), so a reason stated
# here must not open the record on another terminal, and signing out (a new session_id)
# or quitting forgets it. The database's name is part of the key, so one process that
# opens another database (tests) does not carry grants over. A set is safe to share with
# worker threads: adding and testing one key are single operations under the GIL.
_grants: set[tuple] = set()

# service name -> why it may return a restricted patient's row without a reason.
_SCHEDULE_ROW = "returns a schedule row (name, time, status): what the day schedule shows"
EXEMPT: dict[str, str] = {
    "files.record_export": "records that an export was written; it returns nothing of the "
    "record (the export's own service checked the access before rendering it)",
    "booking.book_appointment": _SCHEDULE_ROW,
    "schedule.visit_to_check_in": _SCHEDULE_ROW + "; the check-in screen it opens is checked",
    "booking.reschedule": _SCHEDULE_ROW,
    "booking.cancel_appointment": _SCHEDULE_ROW,
    "booking.mark_no_show": _SCHEDULE_ROW,
    "booking.undo_status": _SCHEDULE_ROW,
    "schedule.check_in": _SCHEDULE_ROW,
    "schedule.advance": _SCHEDULE_ROW,
    "schedule.appointment_row": _SCHEDULE_ROW,
    "recurring.create_series": _SCHEDULE_ROW,
    "recurring.cancel_rest_of_series": _SCHEDULE_ROW,
    "waitlist.book_from_waitlist": _SCHEDULE_ROW,
    "waitlist.record_call": "returns only the outcome's label; the call list shows the visit",
    "waitlist.remove_from_waitlist": "returns only the entry's id",
    "waitlist.add_to_waitlist": "returns the waitlist row (name, phone), as the waitlist shows it",
    "waitlist.waitlist_for_appointment": "lists other patients waiting for this slot",
    "worklists.waitlist_slots": "the entry's name and open slots, as the waitlist shows them",
    "kiosk.kiosk_find": "the patient identifies themself at the kiosk",
    "kiosk.kiosk_check_in": "the patient checks themself in at the kiosk",
    "registration.merge_patients": "manager only; returns counts of what moved",
    "registration.merge_duplicate": "manager only; returns counts of what moved",
    "registration.merge_preview": "manager only; the duplicate's name and DOB to confirm a merge",
    "usage.use_at_visit": "records supplies used at the visit; returns only the item's name, "
    "quantity, cost and lots (nothing of the patient)",
    "authorization_check.authorization_warning": "returns one sentence about the visit's "
    "authorization (missing, expired, used up), asked while booking (booking is exempt)",
    "tasks.create_task": "returns the task's inbox row (title, due, inbox, the patient's name "
    "as a list shows it; a restricted patient's title hidden); opening it is checked",
    "ledger.reverse_entry": "a journal entry of the books, not a patient's account entry: it "
    "reverses a manual entry and returns only the new entry's id",
    "journal.entry_detail": "a journal entry of the books: its date, memo and account lines "
    "(the books are the manager's and the biller's, who see every claim anyway)",
}


class ReasonRequired(ServiceError):
    """The record is restricted: reading it needs a stated reason ("break the glass").
    ``patient_id`` says whose, so a screen can ask for the reason and retry."""

    def __init__(self, message: str, patient_id: int):
        super().__init__(message)
        self.patient_id = patient_id


def _key(actor: StaffMember, patient_id: int) -> tuple:
    # Actors made without signing in (tests, scripts) have no session_id: None is a
    # session of its own.
    return (db.database, actor.id, getattr(actor, "session_id", None), patient_id)


def has_access(actor: StaffMember, patient_id: int) -> bool:
    return _key(actor, patient_id) in _grants


def grant_access(actor: StaffMember, patient_id: int) -> None:
    """Remember that *actor* stated a reason for this patient in this session (the
    caller has recorded the emergency access in the audit trail)."""
    _grants.add(_key(actor, patient_id))


def forget_grants() -> None:
    """Forget every reason stated in this process (sign-out of every session; tests)."""
    _grants.clear()


def require_access(actor: StaffMember, patient: Patient | int, what: str) -> Patient:
    """Refuse to return a restricted patient's data unless a reason was stated in this
    session; when one was, record this read (*what*: what the desk is shown). Returns the
    patient. A record that is not restricted passes without an event."""
    if not isinstance(patient, Patient):
        patient = get_or_refuse(Patient, patient, "patient")
    if not patient.restricted:
        return patient
    if not has_access(actor, patient.id):
        raise ReasonRequired(
            f"{patient.first_name} {patient.last_name}'s record is restricted. State why you "
            "need to open it; the reason is recorded and reviewed.",
            patient.id,
        )
    audit(
        actor,
        "patient.view",
        patient_id=patient.id,
        entity="patient",
        entity_id=patient.id,
        detail=what,
        outcome="emergency",
    )
    return patient
