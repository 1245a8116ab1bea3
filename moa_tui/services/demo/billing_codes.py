"""The demo clinic's code sets, labelled as examples: the ICD-10-CM codes its claims use
(not the whole list: the demo builds in a moment; the first coder's search loads the
rest), public HCPCS Level II codes with example fees and one payer's own fees, a few
places of service, and the payers' addresses and providers' NPIs the scrubber wants.

Written through the same store functions the imports use (services/billing/codes.py).
"""

from __future__ import annotations

from ...db.models import Payer, Provider
from ..billing.codes_store import store_diagnoses, store_places, store_procedures
from .data import HCPCS

# The demo's diagnoses as the CMS list of 2026 describes them.
EXAMPLE_ICD = (
    ("Z00.00", "Encounter for general adult medical examination without abnormal findings"),
    ("I10", "Essential (primary) hypertension"),
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("J06.9", "Acute upper respiratory infection, unspecified"),
    ("M54.50", "Low back pain, unspecified"),
    ("Z23", "Encounter for immunization"),
    ("E78.5", "Hyperlipidemia, unspecified"),
    ("R05.9", "Cough, unspecified"),
    ("F41.1", "Generalized anxiety disorder"),
    ("K21.9", "Gastro-esophageal reflux disease without esophagitis"),
)
# Categories the examples sit under (not billable), so "M54.5 is not billable" shows.
EXAMPLE_CATEGORIES = (("M54.5", "Low back pain"), ("E11", "Type 2 diabetes mellitus"))
EXAMPLE_YEAR = 2026
HCPCS_NAMES = {
    "G0438": "Annual wellness visit; initial (example)",
    "G0439": "Annual wellness visit; subsequent (example)",
    "G0008": "Administration of influenza virus vaccine (example)",
    "J3420": "Injection, vitamin B-12 cyanocobalamin, up to 1000 mcg (example)",
    "J1100": "Injection, dexamethasone sodium phosphate, 1 mg (example)",
    "Q0091": "Screening Pap smear; obtaining, preparing and conveyance (example)",
    "G0442": "Annual alcohol misuse screening, 5 to 15 minutes (example)",
    "G0444": "Annual depression screening, 5 to 15 minutes (example)",
    "A4550": "Surgical trays (example)",
    "J0696": "Injection, ceftriaxone sodium, per 250 mg (example)",
}
PLACES = (
    ("02", "Telehealth provided other than in patient's home"),
    ("10", "Telehealth provided in patient's home"),
    ("11", "Office"),
    ("12", "Home"),
    ("22", "On campus-outpatient hospital"),
)
# Fictional NPIs that pass the check digit (Luhn over 80840 + the first nine digits).
PROVIDER_NPIS = ("1000000012", "1000000020", "1000000038", "1000000046")
PAYER_ADDRESS = ("PO Box 1000", "Springfield", "NY", "12345")


def build_code_examples() -> None:
    """Inside the demo's build transaction."""
    store_diagnoses(
        [(c, d, True) for c, d in EXAMPLE_ICD] + [(c, d, False) for c, d in EXAMPLE_CATEGORIES],
        EXAMPLE_YEAR,
        "demo examples",
        examples=True,
    )
    store_procedures(
        "hcpcs",
        [(code, HCPCS_NAMES[code], fee, None) for code, fee in HCPCS],
        "demo examples",
        examples=True,
    )
    medicare = Payer.get_or_none(Payer.name == "Medicare (demo)")
    if medicare is not None:
        # One payer with its own (lower) fees, as a fee schedule per payer has.
        store_procedures(
            "hcpcs",
            [(code, HCPCS_NAMES[code], fee * 8 // 10, medicare.id) for code, fee in HCPCS[:4]],
            "demo examples",
            examples=True,
        )
    store_places(PLACES, "demo examples", examples=True)
    street, city, state, zip_code = PAYER_ADDRESS
    Payer.update(address1=street, city=city, state=state, zip=zip_code).execute()
    for provider, npi in zip(Provider.select().order_by(Provider.id), PROVIDER_NPIS, strict=False):
        Provider.update(npi=npi).where(Provider.id == provider.id).execute()
