"""What the scrubber needs to know about who bills whom, kept where the biller can fix it:
each payer's payer id, claims address and timely filing limit; each provider's NPI; the
practice's NPI, tax id (EIN) and address. A held claim's reason names one of these;
saving the fix and scrubbing again clears it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...db.models import ClinicSettings, Payer, Provider, StaffMember
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ValidationError
from ..validate import clean_text, is_whole_number, parse_state, parse_zip
from .scrubber import npi_valid

PAYER_FIELDS = ("payer_code", "address1", "city", "state", "zip", "filing_limit_days")
PRACTICE_FIELDS = ("npi", "tax_id", "address")


@dataclass(frozen=True)
class PayerBilling:
    id: int
    name: str
    payer_code: str
    address1: str
    city: str
    state: str
    zip: str
    filing_limit_days: int


@dataclass(frozen=True)
class ProviderNpi:
    id: int
    name: str
    npi: str


@dataclass(frozen=True)
class PracticeBilling:
    npi: str
    tax_id: str
    address: str


def _payer(p: Payer) -> PayerBilling:
    return PayerBilling(p.id, p.name, p.payer_code, p.address1, p.city, p.state, p.zip,
                        p.filing_limit_days)  # fmt: skip


def parse_npi(field: str, text: str, label: str) -> str:
    """Ten digits whose last is the check digit; refused with the reason otherwise."""
    npi = clean_text(field, text, max_len=12, required=True, label=label).replace(" ", "")
    if not (len(npi) == 10 and is_whole_number(npi, 10)):
        raise ValidationError.one(field, f"{label} is 10 digits.")
    if not npi_valid(npi):
        raise ValidationError.one(field, f"{label} {npi} fails the check digit: a typing slip?")
    return npi


@reader("claims.read")
def billing_parties(
    actor: StaffMember,
) -> tuple[list[PayerBilling], list[ProviderNpi], PracticeBilling]:
    """The payers, the active providers and the practice, with what claims need of them."""
    payers = [_payer(p) for p in Payer.select().order_by(Payer.name)]
    providers = [
        ProviderNpi(p.id, p.short_name, p.npi)
        for p in Provider.select().where(Provider.active).order_by(Provider.short_name)
    ]
    clinic = ClinicSettings.select().first()
    practice = (
        PracticeBilling(clinic.npi, clinic.tax_id, clinic.address)
        if clinic
        else PracticeBilling("", "", "")
    )
    return payers, providers, practice


@writer("billing.codes", changes=("claims",))
def save_payer_billing(actor: StaffMember, payer_id: int, data: dict) -> PayerBilling:
    """A payer's payer id, claims address and timely filing limit (days, 1 to 3650)."""
    payer = get_or_refuse(Payer, payer_id, "payer")
    if not isinstance(data, dict):
        raise ValidationError.one("payer_code", "Nothing to save.")
    errors: dict[str, str] = {}
    values: dict = {}
    checks = {
        "payer_code": lambda v: clean_text(
            "payer_code", v, max_len=20, required=True, label="Payer id"
        ),
        "address1": lambda v: clean_text("address1", v, max_len=120, required=True, label="Street"),
        "city": lambda v: clean_text("city", v, max_len=60, required=True, label="City"),
        "state": lambda v: parse_state("state", v),
        "zip": lambda v: parse_zip("zip", v),
    }
    for name, check in checks.items():
        try:
            values[name] = check(str(data.get(name) or ""))
        except ValidationError as exc:
            errors.update(exc.errors)
    for name in ("state", "zip"):
        if name in values and not values[name]:
            errors[name] = f"{'State' if name == 'state' else 'ZIP'} is required."
    days = str(data.get("filing_limit_days") or "").strip()
    if not (is_whole_number(days, 4) and 1 <= int(days) <= 3650):
        errors["filing_limit_days"] = "Timely filing limit: days after the service, 1 to 3650."
    else:
        values["filing_limit_days"] = int(days)
    if values.get("payer_code") and not re.fullmatch(r"[A-Za-z0-9]{2,20}", values["payer_code"]):
        errors["payer_code"] = "The payer id is letters and digits (2 to 20)."
    if errors:
        raise ValidationError(errors)
    Payer.update(**values).where(Payer.id == payer.id).execute()
    detail = f"{payer.name}: {values['payer_code']}, {values['filing_limit_days']} days"
    audit(actor, "payer.billing", entity="payer", entity_id=payer.id, detail=detail)
    return _payer(Payer.get_by_id(payer.id))


@writer("billing.codes", changes=("claims",))
def set_provider_npi(actor: StaffMember, provider_id: int, npi: str) -> ProviderNpi:
    """A provider's NPI: 10 digits with a good check digit."""
    provider = get_or_refuse(Provider, provider_id, "provider")
    value = parse_npi("npi", npi, "NPI")
    Provider.update(npi=value).where(Provider.id == provider.id).execute()
    audit(actor, "provider.npi", entity="provider", entity_id=provider.id,
          detail=f"{provider.short_name}: {provider.npi or '-'} -> {value}")  # fmt: skip
    return ProviderNpi(provider.id, provider.short_name, value)


@writer("billing.codes", changes=("claims",))
def save_practice_billing(actor: StaffMember, data: dict) -> PracticeBilling:
    """The practice's NPI, tax id (EIN: 9 digits) and address, as claims carry them."""
    if not isinstance(data, dict):
        raise ValidationError.one("npi", "Nothing to save.")
    errors: dict[str, str] = {}
    values: dict = {}
    try:
        values["npi"] = parse_npi("npi", str(data.get("npi") or ""), "The practice's NPI")
    except ValidationError as exc:
        errors.update(exc.errors)
    tax = str(data.get("tax_id") or "").replace("-", "").strip()
    if not is_whole_number(tax, 9) or len(tax) != 9:
        errors["tax_id"] = "The tax id (EIN) is 9 digits, e.g. 12-3456789."
    else:
        values["tax_id"] = tax
    try:
        values["address"] = clean_text("address", data.get("address"), max_len=200,
                                       required=True, label="Address")  # fmt: skip
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    ClinicSettings.update(**values, version=ClinicSettings.version + 1).execute()
    audit(actor, "settings.billing", detail=f"NPI {values['npi']}, tax id {values['tax_id']}")
    return PracticeBilling(values["npi"], values["tax_id"], values["address"])
