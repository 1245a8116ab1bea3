"""What claims need of the payers, providers and the practice, fixed where the biller works:
a held claim's reason is cleared by saving the fix and scrubbing again."""

from __future__ import annotations

import pytest

from moa_tui.db.models import Claim, ClinicSettings, Payer, Provider
from moa_tui.services.billing.scrubber import scrub_claim
from moa_tui.services.billing.setup import (
    billing_parties,
    save_payer_billing,
    save_practice_billing,
    set_provider_npi,
)
from moa_tui.services.errors import ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

GOOD_PAYER = {
    "payer_code": "60054",
    "address1": "PO Box 981106",
    "city": "El Paso",
    "state": "tx",
    "zip": "79998-1106",
    "filing_limit_days": "180",
}


def test_the_parties_list_what_claims_need(demo_db):
    payers, providers, practice = billing_parties(find_staff("billing"))
    assert {p.name for p in payers} == {p.name for p in Payer.select()}
    assert all(p.npi for p in providers) and practice.npi == "1234567893"


def test_a_payers_billing_details_are_checked_and_saved(demo_db):
    billing = find_staff("billing")
    payer = Payer.select().first()
    saved = save_payer_billing(billing, payer.id, GOOD_PAYER)
    assert (saved.payer_code, saved.state, saved.filing_limit_days) == ("60054", "TX", 180)
    before = Payer.select().where(Payer.id == payer.id).dicts().get()
    with pytest.raises(ValidationError) as refused:
        save_payer_billing(
            billing, payer.id, {**GOOD_PAYER, "zip": "7999", "filing_limit_days": "0", "city": ""}
        )
    assert refused.value.errors.keys() == {"zip", "filing_limit_days", "city"}
    assert Payer.select().where(Payer.id == payer.id).dicts().get() == before


def test_npis_with_a_wrong_check_digit_are_refused(demo_db):
    billing = find_staff("billing")
    provider = Provider.select().first()
    with pytest.raises(ValidationError, match="fails the check digit"):
        set_provider_npi(billing, provider.id, "1234567890")
    with pytest.raises(ValidationError, match="10 digits"):
        set_provider_npi(billing, provider.id, "12345")
    assert set_provider_npi(billing, provider.id, " 1234567893 ").npi == "1234567893"
    with pytest.raises(ValidationError) as refused:
        save_practice_billing(billing, {"npi": "1234567890", "tax_id": "12-345", "address": ""})
    assert refused.value.errors.keys() == {"npi", "tax_id", "address"}
    saved = save_practice_billing(
        billing, {"npi": "1000000012", "tax_id": "12-3456789", "address": "1 Main St"}
    )
    assert saved.tax_id == "123456789" and ClinicSettings.get().npi == "1000000012"


def test_only_billing_or_a_manager_changes_them(demo_db):
    with pytest.raises(PermissionDenied):
        set_provider_npi(find_staff("desk"), Provider.select().first().id, "1234567893")


def test_a_held_payer_reason_clears_after_the_fix(demo_db):
    from moa_tui.db.models import Coverage
    from moa_tui.services.billing.charges import (
        add_diagnosis,
        save_line,
        start_charges,
    )
    from moa_tui.services.billing.unbilled import unbilled_visits

    billing = find_staff("billing")
    visit = next(
        r
        for r in unbilled_visits(billing, limit=100).rows
        if Coverage.select().where(Coverage.patient == r.patient_id).exists()
    )
    sheet = start_charges(billing, visit.appointment_id)
    sheet = add_diagnosis(billing, sheet.claim_id, sheet.version, "I10")
    save_line(billing, sheet.claim_id, sheet.version, None, {"code": "G0438"})
    payer = Claim.get_by_id(sheet.claim_id).payer
    Payer.update(payer_code="", city="").where(Payer.id == payer.id).execute()
    held = {p.rule for p in scrub_claim(billing, sheet.claim_id).problems}
    assert held == {"payer_id", "payer_address"}
    save_payer_billing(billing, payer.id, GOOD_PAYER)
    assert scrub_claim(billing, sheet.claim_id).status == "ready"
