"""The chart of accounts, kept by the office manager (issue 13 item 1): the accounts with
their balances, adding one, renaming one, deactivating one. An account is never deleted
(once it has postings its history must stay); a deactivated one takes no new postings.
The accounts money events post to by themselves (accounts.CHART) cannot be deactivated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...db import changes
from ...db.models import Account, StaffMember
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..validate import clean_text, format_money
from .accounts import CHART, NORMAL_SIDE, TYPES
from .ledger import account_balance, account_balances

SYSTEM_CODES = frozenset(code for code, *_ in CHART)
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,15}")
TYPE_LABELS = {
    "asset": "Asset",
    "liability": "Liability",
    "equity": "Equity",
    "revenue": "Revenue",
    "expense": "Expense",
}


@dataclass(frozen=True)
class AccountRow:
    id: int
    code: str
    name: str
    type: str
    normal_side: str
    active: bool
    version: int
    balance_cents: int  # debit-positive
    system: bool  # posted to by the money events: cannot be deactivated

    @property
    def normal_balance_cents(self) -> int:
        """The balance on the account's normal side (a liability's credit balance as +)."""
        return self.balance_cents if self.normal_side == "debit" else -self.balance_cents


def _row(a: Account, balance: int) -> AccountRow:
    return AccountRow(a.id, a.code, a.name, a.type, a.normal_side, a.active, a.version,
                      balance, a.code in SYSTEM_CODES)  # fmt: skip


@reader("books.read")
def chart_of_accounts(staff: StaffMember) -> list[AccountRow]:
    """Every account in code order, with its balance (a chart is a few dozen rows)."""
    balances = account_balances()
    return [_row(a, balances.get(a.code, 0)) for a in Account.select().order_by(Account.code)]


def _clean_name(name: str) -> str:
    return " ".join(clean_text("name", name, max_len=80, required=True, label="Name").split())


@writer("books.post", changes=(changes.BOOKS,))
def add_account(staff: StaffMember, values: dict) -> AccountRow:
    """A new account: code (letters, digits, '.', '-'), name, type and, for a contra
    account, the other normal side ("debit"/"credit"; blank: the type's). Refuses a code
    in use and a name another account has."""
    code = clean_text("code", values.get("code"), max_len=16, required=True, label="Code")
    if not _CODE.fullmatch(code):
        raise ValidationError.one("code", "Code: letters and digits, e.g. 6700.")
    name = _clean_name(values.get("name"))
    kind = clean_text("type", values.get("type"), max_len=10, required=True, label="Type").lower()
    if kind not in TYPES:
        raise ValidationError.one("type", "Type: asset, liability, equity, revenue or expense.")
    side = clean_text("normal_side", values.get("normal_side"), max_len=6, label="Side").lower()
    side = side or NORMAL_SIDE[kind]
    if side not in ("debit", "credit"):
        raise ValidationError.one("normal_side", "Normal side: debit or credit (blank: usual).")
    if Account.select().where(Account.code == code).exists():
        raise ValidationError.one("code", f"Account {code} exists already.")
    if Account.select().where(Account.name == name).exists():
        raise ValidationError.one("name", f"Another account is named {name!r}.")
    a = Account.create(code=code, name=name, type=kind, normal_side=side)
    audit(staff, "books.add_account", entity="account", entity_id=a.id,
          detail=f"{code} {name} ({kind}, {side})")  # fmt: skip
    return _row(a, 0)


def _account_for(account_id: int, version: int) -> Account:
    a = get_or_refuse(Account, account_id, "account")
    if a.version != version:
        raise Conflict(f"Account {a.code} was changed meanwhile; it has been reloaded.")
    return a


@writer("books.post", changes=(changes.BOOKS,))
def rename_account(staff: StaffMember, account_id: int, version: int, name: str) -> AccountRow:
    """Give an account another name (its code, type and postings stay)."""
    a = _account_for(account_id, version)
    name = _clean_name(name)
    if Account.select().where((Account.name == name) & (Account.id != a.id)).exists():
        raise ValidationError.one("name", f"Another account is named {name!r}.")
    old = a.name
    Account.update(name=name, version=a.version + 1).where(Account.id == a.id).execute()
    audit(staff, "books.rename_account", entity="account", entity_id=a.id,
          detail=f"{a.code}: {old} -> {name}")  # fmt: skip
    a = Account.get_by_id(a.id)
    return _row(a, account_balance(a.code))


@writer("books.post", changes=(changes.BOOKS,))
def set_account_active(
    staff: StaffMember, account_id: int, version: int, active: bool
) -> AccountRow:
    """Deactivate an account (it keeps its history, takes no new postings) or bring it
    back. Refuses deactivating an account the money events post to, or one with a
    balance (move the balance first, with a manual entry)."""
    a = _account_for(account_id, version)
    balance = account_balance(a.code)
    if not active:
        if a.code in SYSTEM_CODES:
            raise ValidationError.one(
                "account", f"Account {a.code} {a.name} is posted to by the office's own "
                "work (charges, payments, stock); it cannot be deactivated.",
            )  # fmt: skip
        if balance:
            raise ValidationError.one(
                "account", f"Account {a.code} has a balance of {format_money(balance)}; "
                "move it to another account with a manual entry first.",
            )  # fmt: skip
    Account.update(active=bool(active), version=a.version + 1).where(Account.id == a.id).execute()
    action = "books.activate_account" if active else "books.deactivate_account"
    audit(staff, action, entity="account", entity_id=a.id, detail=f"{a.code} {a.name}")
    return _row(Account.get_by_id(a.id), balance)
