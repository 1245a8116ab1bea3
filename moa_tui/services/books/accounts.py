"""The chart of accounts' codes every money event posts to (seeded by migration 0022).

CHART is the seed: (code, name, type, normal side). A contra account keeps its type and
takes the other side: contractual adjustments reduce revenue (debit-normal), owner's
drawings reduce equity (debit-normal), purchase discounts reduce expense (credit-normal).
"""

from __future__ import annotations

CASH = "1000"
BANK = "1010"
UNDEPOSITED = "1020"
PATIENT_AR = "1100"
INSURANCE_AR = "1110"
INVENTORY = "1200"
AP = "2000"
GRNI = "2010"
PATIENT_CREDITS = "2100"
EQUITY = "3000"
DRAWINGS = "3100"
REVENUE = "4000"
LATE_FEES = "4100"
CONTRACTUAL = "4900"
BAD_DEBT = "6100"
SUPPLIES_EXPENSE = "6200"
INVENTORY_ADJ = "6210"
RENT = "6300"
PAYROLL = "6400"
UTILITIES = "6500"
OFFICE = "6600"
PURCHASE_DISCOUNTS = "6900"
CASH_OVER_SHORT = "6950"

TYPES = ("asset", "liability", "equity", "revenue", "expense")
# The side each type's balance normally sits on (a contra account is the other).
NORMAL_SIDE = {
    "asset": "debit",
    "liability": "credit",
    "equity": "credit",
    "revenue": "credit",
    "expense": "debit",
}

CHART: tuple[tuple[str, str, str, str], ...] = (
    (CASH, "Cash drawer", "asset", "debit"),
    (BANK, "Operating bank account", "asset", "debit"),
    (UNDEPOSITED, "Undeposited funds", "asset", "debit"),
    (PATIENT_AR, "Patient accounts receivable", "asset", "debit"),
    (INSURANCE_AR, "Insurance accounts receivable", "asset", "debit"),
    (INVENTORY, "Medical supplies inventory", "asset", "debit"),
    (AP, "Accounts payable", "liability", "credit"),
    (GRNI, "Received, not yet billed", "liability", "credit"),
    (PATIENT_CREDITS, "Patient credits / prepayments", "liability", "credit"),
    (EQUITY, "Owner's equity", "equity", "credit"),
    (DRAWINGS, "Owner's drawings", "equity", "debit"),
    (REVENUE, "Patient service revenue", "revenue", "credit"),
    (LATE_FEES, "Late fee income", "revenue", "credit"),
    (CONTRACTUAL, "Contractual adjustments", "revenue", "debit"),
    (BAD_DEBT, "Bad debt", "expense", "debit"),
    (SUPPLIES_EXPENSE, "Medical supplies expense", "expense", "debit"),
    (INVENTORY_ADJ, "Inventory adjustments and shrinkage", "expense", "debit"),
    (RENT, "Rent", "expense", "debit"),
    (PAYROLL, "Payroll", "expense", "debit"),
    (UTILITIES, "Utilities", "expense", "debit"),
    (OFFICE, "Office expense", "expense", "debit"),
    (PURCHASE_DISCOUNTS, "Purchase discounts taken", "expense", "credit"),
    (CASH_OVER_SHORT, "Cash over and short", "expense", "debit"),
)
