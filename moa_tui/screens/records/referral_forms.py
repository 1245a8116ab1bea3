"""The referral and authorization forms (issue 12 item 6): FormDialogs whose fields are
checked by the services and marked beside the field."""

from __future__ import annotations

from ...services.patients.registration import CoverageRow
from ...services.records.authorizations import AuthorizationRow, save_authorization
from ...services.records.referrals import (
    DIRECTION_LABELS,
    STATUS_LABELS,
    ReferralRow,
    save_referral,
)
from ...services.scheduling.schedule import ProviderInfo
from ...services.wording import date_text
from ...widgets.form import FieldSpec, FormDialog


def referral_dialog(
    patient_id: int, name: str, row: ReferralRow | None, providers: list[ProviderInfo]
) -> FormDialog:
    """A new referral for the patient (*row* None) or a change to *row*."""
    v = row.values() if row else {}
    referral_id, version = (row.id, row.version) if row else (None, None)

    def submit(actor, values):
        return save_referral(actor, patient_id, referral_id, version, values)

    def text(field, label, placeholder="", max_length=0):
        return FieldSpec(field, label, v.get(field, ""), placeholder=placeholder,
                         max_length=max_length)  # fmt: skip

    return FormDialog(
        f"Referral: {name}" if row is None else f"Referral {row.id}: {name}",
        [
            FieldSpec(
                "direction",
                "Direction",
                v.get("direction", "out"),
                options=[("Out: we refer", "out"), ("In: referred to us", "in")],
            ),
            FieldSpec(
                "status",
                "Status",
                v.get("status", "draft"),
                options=[(label, key) for key, label in STATUS_LABELS.items()],
            ),
            text("other_name", "To/from", "Dr Lee, Bone & Joint Clinic", 120),
            text("other_npi", "NPI", "10 digits (optional)", 12),
            text("other_phone", "Phone", "e.g. 555-201-3344", 25),
            text("other_fax", "Fax", "e.g. 555-201-3345", 25),
            text("reason", "Reason", "e.g. knee pain, evaluation", 300),
            text("diagnosis", "ICD-10-CM", "e.g. M25.561 (optional)", 10),
            FieldSpec(
                "provider",
                "Our provider",
                v.get("provider", ""),
                options=[("(none)", ""), *((p.short_name, str(p.id)) for p in providers)],
            ),
            FieldSpec(
                "referred_on", "Referred on", v.get("referred_on", "t"), placeholder="t, t-3, 11/30"
            ),
            text("seen_on", "Visit date", "when seen (optional)", 20),
            text("notes", "Notes", "", 1000),
        ],  # fmt: skip
        submit,
        hint="Direction and status: Down opens the choices · Enter next / save on the last · "
        "Ctrl+S save · Esc cancel",
    )


def authorization_dialog(
    patient_id: int,
    name: str,
    row: AuthorizationRow | None,
    coverages: list[CoverageRow],
    referrals: list[ReferralRow],
) -> FormDialog:
    """A new authorization for the patient (*row* None) or a change to *row*."""
    v = row.values() if row else {}
    auth_id, version = (row.id, row.version) if row else (None, None)

    def submit(actor, values):
        return save_authorization(actor, patient_id, auth_id, version, values)

    plans = [(f"{c.priority}. {c.payer}"[:28], str(c.id)) for c in coverages]
    sent = [
        (
            f"{date_text(r.referred_on)} {DIRECTION_LABELS[r.direction]} {r.other_name}"[:28],
            str(r.id),
        )
        for r in referrals
    ]
    return FormDialog(
        f"Authorization: {name}" if row is None else f"Authorization {row.number}: {name}",
        [
            FieldSpec("number", "Auth number", v.get("number", ""), max_length=40),
            FieldSpec(
                "visits_allowed",
                "Visits",
                v.get("visits_allowed", ""),
                placeholder="visits allowed, e.g. 6",
                restrict=r"\d{0,4}",
            ),
            FieldSpec("starts_on", "From", v.get("starts_on", "t"), placeholder="t, 11/30"),
            FieldSpec(
                "expires_on", "Expires", v.get("expires_on", ""), placeholder="e.g. t+90, 2/28/2027"
            ),
            FieldSpec(
                "types",
                "Visit types",
                v.get("types", "all"),
                placeholder="all, or Procedure, Physical",
                max_length=300,
            ),
            FieldSpec(
                "coverage",
                "Insurance",
                v.get("coverage", ""),
                options=plans or [("(no insurance on file)", "")],
            ),
            FieldSpec(
                "referral", "Referral", v.get("referral", ""), options=[("(none)", ""), *sent]
            ),
            FieldSpec("notes", "Notes", v.get("notes", ""), max_length=500),
        ],  # fmt: skip
        submit,
        hint="Visit types: all (every type that needs one) or names with commas · Enter next "
        "/ save on the last · Esc cancel",
    )
