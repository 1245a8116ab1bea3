"""The visit slip a patient takes home: when they were seen and their next appointment."""

from __future__ import annotations

from ...db.models import ClinicSettings, StaffMember
from ..core import writer
from ..files import save_export
from ..patients.privacy import require_access
from ..scheduling.schedule import ScheduleRow
from ..validate import format_phone
from .payments import text_pdf


def visit_slip_lines(
    row: ScheduleRow, next_visit: ScheduleRow | None, phone: str = ""
) -> list[str]:
    call = f"call us at {format_phone(phone)}" if phone else "call us"
    lines = [
        f"Patient: {row.patient}",
        f"Seen: {row.starts_at:%A %m/%d/%Y %H:%M} by {row.provider} ({row.appt_type})",
        "",
    ]
    if next_visit is not None:
        lines += [
            "Your next appointment:",
            f"  {next_visit.starts_at:%A %m/%d/%Y at %H:%M} with {next_visit.provider}",
            f"  Please {call} at least 24 hours ahead if you cannot come.",
        ]
    else:
        lines.append("No follow-up appointment was booked.")
    if phone:
        lines += ["", f"Questions? Call us at {format_phone(phone)}."]
    return lines


@writer("checkin", changes=())  # as _may_print_receipt
def _visit_slip_heading(actor: StaffMember, row: ScheduleRow) -> tuple[str, str]:
    """The slip's title and the clinic's phone, once the account may print this patient's
    slip."""
    require_access(actor, row.patient_id, "visit slip")
    clinic = ClinicSettings.select().first()
    return f"{clinic.name if clinic else ''}: visit slip", clinic.phone if clinic else ""


def save_visit_slip(
    actor: StaffMember,
    row: ScheduleRow,
    next_visit: ScheduleRow | None,
    path: str,
    overwrite: bool = False,
) -> str:
    """The visit slip with the next appointment, as a PDF file (as save_receipt_pdf)."""
    title, phone = _visit_slip_heading(actor, row)
    target = save_export(
        actor,
        path,
        text_pdf(title, visit_slip_lines(row, next_visit, phone)),
        action="visit_slip.pdf",
        detail="visit slip",
        overwrite=overwrite,
        entity="appointment",
        entity_id=row.id,
        patient_id=row.patient_id,
    )
    return str(target)
