"""Fixing what a held claim names outside the claim: a payer's id, address or filing limit,
a provider's NPI, the practice's NPI, tax id or address. One pick, one form."""

from __future__ import annotations

from ...services.billing.setup import (
    PayerBilling,
    PracticeBilling,
    ProviderNpi,
    billing_parties,
    save_payer_billing,
    save_practice_billing,
    set_provider_npi,
)
from ...widgets.dialogs import PickDialog
from ...widgets.form import FieldSpec, FormDialog


def payer_form(p: PayerBilling) -> FormDialog:
    def submit(actor, values):
        return save_payer_billing(actor, p.id, dict(values))

    return FormDialog(
        f"{p.name}: what claims need",
        [
            FieldSpec("payer_code", "Payer id", p.payer_code, max_length=20),
            FieldSpec("address1", "Street", p.address1, max_length=120),
            FieldSpec("city", "City", p.city, max_length=60),
            FieldSpec("state", "State", p.state, max_length=2),
            FieldSpec("zip", "ZIP", p.zip, max_length=10),
            FieldSpec(
                "filing_limit_days",
                "Filing limit",
                str(p.filing_limit_days),
                placeholder="days after the service",
                max_length=4,
            ),
        ],  # fmt: skip
        submit,
    )


def provider_form(p: ProviderNpi) -> FormDialog:
    def submit(actor, values):
        return set_provider_npi(actor, p.id, values["npi"])

    return FormDialog(f"{p.name}: NPI", [FieldSpec("npi", "NPI", p.npi, max_length=12)], submit)


def practice_form(p: PracticeBilling) -> FormDialog:
    def submit(actor, values):
        return save_practice_billing(actor, dict(values))

    return FormDialog(
        "The practice: what claims need",
        [
            FieldSpec("npi", "NPI", p.npi, max_length=12),
            FieldSpec("tax_id", "Tax id (EIN)", p.tax_id, max_length=10),
            FieldSpec("address", "Address", p.address, max_length=200),
        ],
        submit,
    )


async def fix_billing_party(screen) -> object | None:
    """Pick the practice, a payer or a provider and edit what claims need of it; returns
    what was saved, or None. Runs in the calling screen's async worker."""
    parties = await screen.ask_service(billing_parties)
    if parties is None:
        return None
    payers, providers, practice = parties
    rows = [("practice", ("Practice", "NPI, tax id, address", practice.npi or "-"))]
    rows += [(f"payer:{p.id}", ("Payer", p.name, p.payer_code or "-")) for p in payers]
    rows += [(f"provider:{p.id}", ("Provider", p.name, p.npi or "-")) for p in providers]
    chosen = await screen.app.push_screen_wait(
        PickDialog("Fix billing details of", (("Who", 8), ("Name", 30), ("Id / NPI", 12)), rows)
    )
    if not chosen:
        return None
    if chosen == "practice":
        form = practice_form(practice)
    elif chosen.startswith("payer:"):
        form = payer_form(next(p for p in payers if f"payer:{p.id}" == chosen))
    else:
        form = provider_form(next(p for p in providers if f"provider:{p.id}" == chosen))
    return await screen.app.push_screen_wait(form)
