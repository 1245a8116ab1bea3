"""The books' invariants, computed from the rows themselves (not through the services that
keep them), for tests to check after every kind of event (issue 13 item 1):

- every entry balances, so debits equal credits over all; the month totals equal the lines;
- INSURANCE_AR equals the payers' part of the billed claims;
- PATIENT_AR equals what patients owe, PATIENT_CREDITS what is in their favour;
- INVENTORY equals the stock's value (once items carry a stock value; skipped before).
"""

from __future__ import annotations

from collections import defaultdict

from peewee import fn

from moa_tui.db.database import db
from moa_tui.db.models import (
    Account,
    AccountEntry,
    AccountMonth,
    Claim,
    ClaimPosting,
    JournalLine,
    StockLot,
    SupplyItem,
)
from moa_tui.services.books import accounts
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.ledger import account_balance

BILLED = ("submitted", "accepted", "rejected", "denied", "partial", "paid", "appealed")


def ledger_balances() -> dict[str, int]:
    """Each account's balance summed line by line."""
    codes = dict(Account.select(Account.id, Account.code).tuples())
    out: dict[str, int] = defaultdict(int)
    for account_id, amount in JournalLine.select(JournalLine.account, JournalLine.amount).tuples():
        out[codes[account_id]] += amount
    return out


def unbalanced_entries() -> dict[int, int]:
    per_entry: dict[int, int] = defaultdict(int)
    for entry_id, amount in JournalLine.select(JournalLine.entry, JournalLine.amount).tuples():
        per_entry[entry_id] += amount
    return {e: c for e, c in per_entry.items() if c}


def payers_owe() -> int:
    """Per billed claim: charges less payments and adjustments, less the patient's share
    still owed on it (shares charged less the patient's payments posted on the claim)."""
    claims = {
        cid: total - paid - adjusted
        for cid, total, paid, adjusted, status in Claim.select(
            Claim.id, Claim.total_cents, Claim.paid_cents, Claim.adjusted_cents, Claim.status
        ).tuples()
        if status in BILLED
    }
    for cid, kind, cents in ClaimPosting.select(
        ClaimPosting.claim, ClaimPosting.kind, ClaimPosting.cents
    ).tuples():
        if cid in claims and kind == "patient_share":
            claims[cid] -= cents
        elif cid in claims and kind == "patient_payment":
            claims[cid] += cents
    return sum(claims.values())


def patients_owe() -> tuple[int, int]:
    """(what patients owe, what is in their favour), from their account entries."""
    per_patient: dict[int, int] = defaultdict(int)
    for pid, cents in AccountEntry.select(AccountEntry.patient, AccountEntry.cents).tuples():
        per_patient[pid] += cents
    return (sum(c for c in per_patient.values() if c > 0),
            -sum(c for c in per_patient.values() if c < 0))  # fmt: skip


def stock_value() -> int | None:
    """The stock's value in cents, or None while items keep no value (supplies-depth)."""
    field = next((f for f in ("stock_value_cents", "value_cents") if hasattr(SupplyItem, f)), None)
    if field is None:
        return None
    return sum(getattr(item, field) or 0 for item in SupplyItem.select())


def problems() -> list[str]:
    """Every invariant that does not hold, in words (empty: the books are right)."""
    with db.connection_context():
        found = []
        balances = ledger_balances()
        if sum(balances.values()):
            found.append(f"debits and credits differ by {sum(balances.values())}")
        if bad := unbalanced_entries():
            found.append(f"unbalanced entries {bad}")
        months: dict[int, int] = defaultdict(int)
        for account_id, amount in AccountMonth.select(
            AccountMonth.account, AccountMonth.amount
        ).tuples():
            months[account_id] += amount
        codes = dict(Account.select(Account.id, Account.code).tuples())
        by_month = {codes[a]: c for a, c in months.items() if c}
        if by_month != {k: v for k, v in balances.items() if v}:
            found.append(f"month totals {by_month} != lines {dict(balances)}")
        payers = payers_owe()
        if balances[acct.INSURANCE_AR] != payers:
            found.append(f"INSURANCE_AR {balances[acct.INSURANCE_AR]} != payers owe {payers}")
        owed, credit = patients_owe()
        if balances[acct.PATIENT_AR] != owed:
            found.append(f"PATIENT_AR {balances[acct.PATIENT_AR]} != patients owe {owed}")
        if -balances[acct.PATIENT_CREDITS] != credit:
            found.append(
                f"PATIENT_CREDITS {-balances[acct.PATIENT_CREDITS]} != patients' credit {credit}"
            )
        value = stock_value()
        if value is not None and balances[acct.INVENTORY] != value:
            found.append(f"INVENTORY {balances[acct.INVENTORY]} != stock value {value}")
        return found


def assert_books_tie() -> None:
    found = problems()
    assert not found, "; ".join(found)


def check_inventory() -> None:
    """INVENTORY (1200) equals the sum of the items' stock values (moving average cost),
    and each item's on hand equals the sum of its lots at every location, no lot below 0."""
    values = SupplyItem.select(fn.COALESCE(fn.SUM(SupplyItem.value_cents), 0)).scalar()
    assert account_balance(accounts.INVENTORY) == values
    by_lots = dict(
        StockLot.select(StockLot.item, fn.SUM(StockLot.on_hand)).group_by(StockLot.item).tuples()
    )
    for item_id, on_hand, value in SupplyItem.select(
        SupplyItem.id, SupplyItem.on_hand, SupplyItem.value_cents
    ).tuples():
        assert by_lots.get(item_id, 0) == on_hand, item_id
        assert value >= 0 and (on_hand > 0 or value == 0), item_id
    assert not StockLot.select().where(StockLot.on_hand < 0).exists()


def open_bills_cents() -> int:
    """What the approved bills still owe (total - paid - discount taken)."""
    from moa_tui.db.models import Bill

    return sum(
        b.total_cents - b.paid_cents - b.discount_cents
        for b in Bill.select().where(Bill.status == "approved")
    )


def received_not_billed_cents() -> int:
    """The value at the ordered price of the units received on purchase orders and not
    yet billed (negative for units billed ahead of their receipt), plus what was received
    by hand against GRNI (stock's r with no order) less the GRNI lines of approved plain
    bills, which clear it."""
    from moa_tui.db.models import (
        Account,
        Bill,
        BillLine,
        JournalEntry,
        JournalLine,
        PurchaseOrderLine,
        StockMovement,
    )

    on_orders = sum(
        (x.received_qty - x.billed_qty) * x.unit_cents for x in PurchaseOrderLine.select()
    )
    by_hand = (
        JournalLine.select(JournalLine.amount)
        .join(JournalEntry)
        .join(StockMovement, on=(JournalEntry.source_id == StockMovement.id))
        .join_from(JournalLine, Account)
        .where(
            (Account.code == accounts.GRNI)
            & (JournalEntry.source == "stock_receipt")
            & (StockMovement.source != "po_receipt")
        )
        .tuples()
    )
    billed_by_hand = sum(
        line.amount_cents
        for line in BillLine.select(BillLine.amount_cents)
        .join(Bill)
        .where(
            (Bill.status == "approved")
            & BillLine.po_line_id.is_null()
            & (BillLine.account_code == accounts.GRNI)
        )
    )
    return on_orders - sum(amount for (amount,) in by_hand) - billed_by_hand


def assert_payables_tie() -> None:
    """A/P ties (issue 13 item 2): the AP account (credit-normal) is what the open bills
    owe; GRNI is the value of what was received and not yet billed; each bill's payment
    rows sum to the totals kept on the bill."""
    from moa_tui.db.models import Bill, VendorPayment

    assert -account_balance(accounts.AP) == open_bills_cents()
    assert -account_balance(accounts.GRNI) == received_not_billed_cents()
    for b in Bill.select():
        paid, discount = (
            VendorPayment.select(
                fn.SUM(VendorPayment.amount_cents), fn.SUM(VendorPayment.discount_cents)
            )
            .where(VendorPayment.bill == b.id)
            .tuples()
            .get()
        )
        assert (b.paid_cents, b.discount_cents) == (paid or 0, discount or 0)
        assert b.paid_cents + b.discount_cents <= b.total_cents
