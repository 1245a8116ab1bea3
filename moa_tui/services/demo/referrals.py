"""The demo clinic's referrals and authorizations (issue 12 item 6), made through the
services by the front desk: a few referrals out and in, and authorizations for the
Procedure visit type, which needs one in the demo (one good, one nearly used up, one
expired), so booking a Procedure shows the warning."""

from __future__ import annotations

import datetime as dt

from ...db.models import AppointmentType, Coverage, Provider, StaffMember
from ..records.authorizations import save_authorization
from ..records.referrals import save_referral

# (direction, status, other provider, NPI, phone, fax, reason, ICD-10-CM, days ago, visit in)
REFERRALS = (
    ("out", "sent", "Dr. Maya Ortiz, Springfield Orthopedics", "1555012347", "2125550141",
     "2125550142", "Knee pain, evaluation", "M54.50", 12, None),
    ("out", "scheduled", "Dr. Ken Ito, Hudson Cardiology", "1555019870", "2125550151",
     "2125550152", "High blood pressure, second opinion", "I10", 20, 6),
    ("out", "draft", "Lakeside Physical Therapy", "", "2125550161", "2125550162",
     "Low back pain, physical therapy", "M54.50", 1, None),
    ("in", "received", "Dr. Ruth Vance, Vance Family Medicine", "1555024680", "2125550171",
     "", "New patient: diabetes follow-up", "E11.9", 4, None),
    ("out", "completed", "Dr. Omar Haddad, Springfield Dermatology", "1555035793",
     "2125550181", "2125550182", "Skin lesion, evaluation", "", 60, -40),
)  # fmt: skip


def build_referrals(today: dt.date, desk: StaffMember) -> None:
    """Referrals for the first insured patients, and authorizations for Procedure visits."""
    AppointmentType.update(needs_authorization=True).where(
        AppointmentType.name == "Procedure"
    ).execute()
    plans = list(
        Coverage.select().where(Coverage.ends.is_null()).order_by(Coverage.patient).limit(8)
    )
    provider = Provider.select().where(Provider.active).order_by(Provider.id).first()
    made = []
    for plan, r in zip(plans, REFERRALS, strict=False):
        direction, status, other, npi, phone, fax, reason, code, ago, visit = r
        made.append(save_referral(desk, plan.patient_id, None, None, {
            "direction": direction, "status": status, "other_name": other, "other_npi": npi,
            "other_phone": phone, "other_fax": fax, "reason": reason, "diagnosis": code,
            "provider": str(provider.id) if direction == "out" else "",
            "referred_on": f"{today - dt.timedelta(days=ago):%m/%d/%Y}",
            "seen_on": f"{today + dt.timedelta(days=visit):%m/%d/%Y}" if visit else "",
            "notes": "",
        }))  # fmt: skip
    # (plan, number, visits allowed, from, expires, referral)
    for plan, number, visits, start, ends, referral in (
        (plans[0], "AU-204981", 6, -12, 80, made[0].id),
        (plans[2], "AU-310442", 1, -5, 60, made[2].id),
        (plans[5], "AU-118207", 4, -200, -20, None),
    ):
        save_authorization(desk, plan.patient_id, None, None, {
            "coverage": str(plan.id), "number": number, "visits_allowed": str(visits),
            "starts_on": f"{today + dt.timedelta(days=start):%m/%d/%Y}",
            "expires_on": f"{today + dt.timedelta(days=ends):%m/%d/%Y}",
            "referral": str(referral or ""), "types": "Procedure", "notes": "",
        })  # fmt: skip
