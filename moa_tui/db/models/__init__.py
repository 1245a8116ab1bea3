"""Peewee models, one module per area. Money is integer cents; event instants are naive UTC
datetimes; appointment times are the clinic's local wall time (time zone in ClinicSettings).

This package's interface: every model and MODELS (in the order tables are created), so
`from moa_tui.db.models import Patient` works wherever a model lives.
A schema change here needs a migration in db/migrations/ (see README, "Schema changes").
"""

from __future__ import annotations

from .base import BaseModel, utcnow
from .billing import (
    Claim,
    ClaimAdjustment,
    ClaimDiagnosis,
    ClaimHold,
    ClaimLine,
    ClaimStatusChange,
)
from .clinic import ChangeCounter, ClinicSettings
from .codes import (
    CodeSet,
    DiagnosisCode,
    DiagnosisWord,
    PayerFee,
    PlaceOfService,
    ProcedureCode,
)
from .comms import InboxMessage, TriageSettings
from .frontdesk import AccountEntry, EligibilityCheck, IntakeItem, IntakeRecord, TypeIntakeItem
from .letters import Letter, LetterTemplate, MailItem
from .patients import Coverage, Patient, Payer
from .scheduling import (
    Appointment,
    AppointmentStatusChange,
    AppointmentType,
    AppointmentTypeProvider,
    BlockedTime,
    ConfirmationCall,
    Provider,
    ProviderHours,
    RecurringSeries,
    Room,
    WaitlistEntry,
)
from .security import AuditEvent, StaffMember
from .statements import Statement, StatementSettings
from .supplies import StockMovement, SupplyItem
from .x12 import (
    AdjustmentReason,
    ClaimPosting,
    Remittance,
    RemittanceClaim,
    X12Batch,
    X12BatchClaim,
)

MODELS = [
    ChangeCounter,
    ClinicSettings,
    StaffMember,
    Provider,
    AppointmentType,
    AppointmentTypeProvider,
    ProviderHours,
    BlockedTime,
    Patient,
    Payer,
    Coverage,
    EligibilityCheck,
    IntakeItem,
    TypeIntakeItem,
    IntakeRecord,
    Room,
    RecurringSeries,
    Appointment,
    AppointmentStatusChange,
    WaitlistEntry,
    AccountEntry,
    ConfirmationCall,
    Claim,
    ClaimLine,
    ClaimStatusChange,
    ClaimAdjustment,
    ClaimDiagnosis,
    ClaimHold,
    CodeSet,
    DiagnosisCode,
    DiagnosisWord,
    ProcedureCode,
    PayerFee,
    PlaceOfService,
    SupplyItem,
    StockMovement,
    X12Batch,
    X12BatchClaim,
    Remittance,
    RemittanceClaim,
    ClaimPosting,
    AdjustmentReason,
    InboxMessage,
    TriageSettings,
    LetterTemplate,
    Letter,
    MailItem,
    Statement,
    StatementSettings,
    AuditEvent,
]

__all__ = [
    "AccountEntry",
    "AdjustmentReason",
    "Appointment",
    "AppointmentStatusChange",
    "AppointmentType",
    "AppointmentTypeProvider",
    "AuditEvent",
    "BaseModel",
    "BlockedTime",
    "ChangeCounter",
    "Claim",
    "ClaimAdjustment",
    "ClaimDiagnosis",
    "ClaimHold",
    "ClaimLine",
    "ClaimPosting",
    "ClaimStatusChange",
    "ClinicSettings",
    "CodeSet",
    "ConfirmationCall",
    "Coverage",
    "DiagnosisCode",
    "DiagnosisWord",
    "EligibilityCheck",
    "InboxMessage",
    "IntakeItem",
    "IntakeRecord",
    "Letter",
    "LetterTemplate",
    "MODELS",
    "MailItem",
    "Patient",
    "Payer",
    "PayerFee",
    "PlaceOfService",
    "ProcedureCode",
    "Provider",
    "ProviderHours",
    "RecurringSeries",
    "Remittance",
    "RemittanceClaim",
    "Room",
    "StaffMember",
    "Statement",
    "StatementSettings",
    "StockMovement",
    "SupplyItem",
    "TriageSettings",
    "TypeIntakeItem",
    "WaitlistEntry",
    "X12Batch",
    "X12BatchClaim",
    "utcnow",
]
