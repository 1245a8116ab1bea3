"""The referral letter written from a referral (issue 12 item 6): the shipped "Referral
letter" template (services/comms/templates.py) merged with the referral's other provider,
reason, code and authorization, and signed by the referral's provider; then edited and
saved like any letter (services/comms/letters.py)."""

from __future__ import annotations

from ...db.models import LetterTemplate, PayerAuthorization, Referral, StaffMember
from ..comms.letters import LetterDraft, letter_context
from ..comms.templates import render, seed_templates
from ..core import audit, get_or_refuse, writer
from ..errors import ServiceError
from ..patients.privacy import require_access
from ..validate import format_phone
from ..wording import date_text

TEMPLATE_NAME = "Referral letter"


def referral_fields(r: Referral) -> dict[str, str]:
    """The referral's merge fields (plain strings)."""
    auth = (
        PayerAuthorization.select(PayerAuthorization.number)
        .where(PayerAuthorization.referral == r.id)
        .order_by(PayerAuthorization.id.desc())
        .first()
    )
    return {
        "to": r.other_name, "to_npi": r.other_npi, "to_phone": format_phone(r.other_phone),
        "to_fax": format_phone(r.other_fax), "reason": r.reason, "diagnosis": r.diagnosis_code,
        "date": date_text(r.referred_on), "authorization": auth.number if auth else "",
    }  # fmt: skip


@writer("comms.write", changes=())  # a writer: reading the record into a letter is audited
def draft_referral_letter(actor: StaffMember, referral_id: int) -> LetterDraft:
    """The referral letter for *referral_id*, merged, addressed to the other provider (by
    fax when a fax number is on file): the text the desk edits before saving."""
    r = get_or_refuse(Referral, referral_id, "referral")
    patient = require_access(actor, r.patient_id, "referral letter")
    seed_templates()
    t = LetterTemplate.get_or_none(
        (LetterTemplate.name == TEMPLATE_NAME) & (LetterTemplate.active == True)  # noqa: E712
    )
    if t is None:
        raise ServiceError(
            f"There is no '{TEMPLATE_NAME}' template: the manager can add one (Ctrl+T on a letter)."
        )
    context = letter_context(patient)
    if r.provider_id:  # the referring provider signs it
        p = r.provider
        context["provider"] = {"name": p.full_name, "credentials": p.credentials, "npi": p.npi}
    context["referral"] = referral_fields(r)
    text = render(t.body, context)
    audit(actor, "letter.draft", patient_id=patient.id, entity="referral", entity_id=r.id,
          detail=t.name)  # fmt: skip
    return LetterDraft(patient.id, t.id, t.name, text, addressee=r.other_name,
                       via="fax" if r.other_fax else "mail")  # fmt: skip
