"""What each role may do: the roles, their permissions and the words a refusal uses.
The checks that read them (can, refusal, require) are in security.py."""

from __future__ import annotations

ROLE_LABELS = {
    "front_desk": "Front desk",
    "billing": "Billing",
    "clinician": "Clinician",
    "manager": "Office manager",
    "admin": "Administrator",
    "kiosk": "Self check-in kiosk",
}

_FRONT = {
    "schedule.read",
    "schedule.write",
    "checkin",
    "patient.read",
    "patient.write",
    "claims.read",
    "claims.write",
    "stock.read",
    "stock.write",
    "files.export",
    "comms.read",
    "comms.write",
    "clinical.read",
    "records.file",
}
_ADMIN = {
    "comms.admin",
    "clinical.write",
    "claims.write",
    "billing.writeoff",
    "billing.codes",
    "audit.read",
    "patient.restrict",
    "staff.admin",
    "schedule.admin",
    "checkin.override",
    "patient.merge",
    "payables.read",
    "payables.write",
    "payables.override",
}
PERMISSIONS: dict[str, frozenset[str]] = {
    "front_desk": frozenset(_FRONT),
    "billing": frozenset(
        {
            "schedule.read",
            "patient.read",
            "claims.read",
            "claims.write",
            "billing.writeoff",
            "billing.codes",
            "files.export",
            "comms.read",
            "comms.write",
            "books.read",
        }
    ),
    "clinician": frozenset(
        {
            "schedule.read",
            "checkin",
            "patient.read",
            "stock.read",
            "stock.write",
            "files.export",
            "comms.read",
            "comms.write",
            "clinical.read",
            "clinical.write",
            "records.file",
        }
    ),
    "manager": frozenset(_FRONT | _ADMIN | {"books.read", "books.post"}),
    "admin": frozenset(_FRONT | _ADMIN),
    # The waiting-room kiosk checks a patient in (and drives the waiting-room display).
    "kiosk": frozenset({"kiosk.checkin", "waiting_room.read"}),
}

PERMISSION_LABELS = {
    "files.export": "save files (exports, receipts, reports)",
    "schedule.read": "see the schedule",
    "schedule.write": "book or change appointments",
    "schedule.admin": "change providers' hours or appointment types",
    "checkin.override": "check in without verified insurance",
    "patient.merge": "merge patient records",
    "waiting_room.read": "show the waiting-room display",
    "checkin": "check patients in or move them along",
    "patient.read": "look up patients",
    "patient.write": "register or edit patients",
    "patient.restrict": "restrict a patient's record",
    "claims.read": "see claims",
    "claims.write": "change claims",
    "billing.writeoff": "post write-offs, refunds, remittances or claim corrections",
    "billing.codes": "import code sets and fee schedules",
    "stock.read": "see stock",
    "stock.write": "change stock",
    "audit.read": "read the audit trail",
    "staff.admin": "change staff accounts",
    "kiosk.checkin": "use the self check-in kiosk",
    "comms.read": "see phone messages and tasks",
    "comms.write": "log calls, route and close messages and tasks",
    "comms.admin": "change the triage list and protocol text",
    "books.read": "see the books (accounts, journal, reports)",
    "books.post": "post or reverse journal entries, change accounts, close periods",
    "clinical.read": "see allergies, medications, problems, vitals, notes and documents",
    "clinical.write": "record allergies, medications, problems, vitals or visit notes",
    "records.file": "file documents to a chart",
    "payables.read": "see vendors, bills and purchase orders",
    "payables.write": "enter vendors, bills, payments and purchase orders",
    "payables.override": "approve a bill that does not match its order",
}
