"""Bank deposits (issue 13 item 5): the payments taken but not yet deposited (cash in the
drawer, checks and card slips in undeposited funds), picked (all by default) into a deposit
with its date and the bank's reference, posted in the deposit's own transaction:

    Dr BANK the total,  Cr CASH the cash,  Cr UNDEPOSITED the checks and cards.

A payment is deposited once (DepositItem's kind and source are unique). With a day's cash
goes that day's drawer difference (drawer.py posted it to over and short): the bank gets
the cash that was counted, not the cash the payments add up to.

Which payments: a patient's payment at the desk or on a claim (AccountEntry, cash, check
or card) and a payer's payment by check, card or cash (ClaimPosting; EFT is in the bank
already). A payer's payment reversed, and its reversal, are not deposited. The slip lists
the checks by number and amount, the cash total, the cards total and the grand total."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ...db import changes
from ...db.models import (
    AccountEntry,
    Claim,
    ClaimPosting,
    Deposit,
    DepositItem,
    DrawerCount,
    Payer,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ValidationError
from ..validate import check_limit, clean_text, format_money, parse_date
from . import accounts as acct
from .day_sheet import current_count
from .ledger import check_open, post_journal

MOST = 2000  # payments a deposit lists at once (oldest first)


@dataclass(frozen=True)
class Waiting:
    key: str  # "desk:12", "payer:40": what make_deposit is given back
    day: dt.date  # taken on (clinic local)
    method: str  # cash, check, card, "" (a payer's, method not said)
    reference: str  # check number, card reference
    source: str  # Patient payment, Co-pay, or the payer's name
    cents: int


@dataclass(frozen=True)
class SlipLine:
    kind: str  # check, card, cash, drawer
    reference: str
    source: str
    cents: int


@dataclass(frozen=True)
class DepositSlip:
    id: int
    deposited_on: dt.date
    bank_reference: str
    staff: str
    lines: tuple[SlipLine, ...]  # checks first, by number
    cash_cents: int
    checks_count: int
    checks_cents: int
    cards_cents: int
    total_cents: int
    entry_id: int | None


@dataclass(frozen=True)
class DepositRow:
    id: int
    deposited_on: dt.date
    bank_reference: str
    checks_count: int
    total_cents: int


def _deposited(kind: str):
    return DepositItem.select(DepositItem.source_id).where(DepositItem.kind == kind)


@dataclass(frozen=True)
class WaitingList:
    rows: list[Waiting]  # oldest first
    more: bool  # more are waiting than listed: the oldest MOST of each kind are


def _desk_waiting():
    """A patient's payments at the desk or on a claim not yet deposited."""
    return AccountEntry.select().where(
        (AccountEntry.kind == "payment")
        & (AccountEntry.cents != 0)
        & AccountEntry.method.in_(("cash", "check", "card"))
        & AccountEntry.id.not_in(_deposited("desk"))
    )


def _payer_waiting():
    """A payer's payments by check, card or cash not yet deposited."""
    return ClaimPosting.select().where(
        (ClaimPosting.kind == "payer_payment")
        & (ClaimPosting.cents != 0)
        & (ClaimPosting.method != "eft")
        & ClaimPosting.id.not_in(_deposited("payer"))
    )


def waiting_count(through: dt.date) -> int:
    """How many payments taken on or before *through* (clinic local) wait for the bank."""
    cutoff = clock.local_to_utc(dt.datetime.combine(through + dt.timedelta(days=1), dt.time()))
    return (
        _desk_waiting().where(AccountEntry.at < cutoff).count()
        + _payer_waiting().where(ClaimPosting.at < cutoff).count()
    )


def waiting_payments(limit: int | None = None) -> WaitingList:
    """The payments not yet deposited, oldest first: at most *limit* (MOST) of each kind,
    and whether more wait."""
    limit = limit or MOST
    out: list[Waiting] = []
    desk = (
        _desk_waiting()
        .select(
            AccountEntry.id,
            AccountEntry.at,
            AccountEntry.method,
            AccountEntry.reference,
            AccountEntry.description,
            AccountEntry.cents,
        )
        .order_by(AccountEntry.at, AccountEntry.id)
        .limit(limit + 1)
        .tuples()
    )
    desk = list(desk)
    more = len(desk) > limit
    for pid, at, method, reference, description, cents in desk[:limit]:
        source = "Co-pay" if description == "Co-pay" else "Patient payment"
        if cents > 0:
            source = "Payment taken back"
        out.append(Waiting(f"desk:{pid}", clock.utc_to_local(at).date(), method, reference,
                           source, -cents))  # fmt: skip
    payer = (
        _payer_waiting()
        .select(
            ClaimPosting.id,
            ClaimPosting.at,
            ClaimPosting.method,
            ClaimPosting.reference,
            Payer.name,
            ClaimPosting.cents,
        )
        .join(Claim, on=ClaimPosting.claim == Claim.id)
        .join(Payer, on=Claim.payer == Payer.id)
        .order_by(ClaimPosting.at, ClaimPosting.id)
        .limit(limit + 1)
        .tuples()
    )
    payer = list(payer)
    more = more or len(payer) > limit
    for pid, at, method, reference, name, cents in payer[:limit]:
        out.append(Waiting(f"payer:{pid}", clock.utc_to_local(at).date(), method, reference,
                           name, cents))  # fmt: skip
    out.sort(key=lambda w: (w.day, w.key))
    return WaitingList(out, more)


@reader("books.read")
def undeposited(actor: StaffMember) -> WaitingList:
    """What a deposit would take: the payments not yet deposited, oldest first (the oldest
    MOST of each kind; ``more`` says whether others wait behind them)."""
    return waiting_payments()


def _picked(keys, waiting: list[Waiting]) -> list[Waiting]:
    if keys is None:
        return waiting
    if not isinstance(keys, list | tuple) or len(keys) > 2 * MOST:
        raise ValidationError.one("payments", "Pick the payments from the list.")
    by_key = {w.key: w for w in waiting}
    picked: dict[str, Waiting] = {}
    for key in keys:
        if not isinstance(key, str) or key not in by_key:
            raise ValidationError.one(
                "payments",
                f"Payment {str(key)[:20]!r} is deposited already or is not waiting for the "
                "bank; show the list again.",
            )
        picked[key] = by_key[key]
    return list(picked.values())


def _drawer_differences(days: set[dt.date]) -> list[DrawerCount]:
    """The days' last counts whose cash difference has not yet gone to the bank."""
    out = []
    for day in sorted(days):
        count = current_count(day)
        if count is None or count.cash_cents == count.expected_cash_cents:
            continue
        done = DepositItem.select().where(
            (DepositItem.kind == "drawer") & (DepositItem.source_id == count.id)
        )
        if not done.exists():
            out.append(count)
    return out


@writer("books.post", changes=(changes.BOOKS,))
def make_deposit(
    actor: StaffMember, day: str, bank_reference: str, keys: list[str] | None = None
) -> int:
    """Deposit the payments *keys* (from undeposited; None: all of them) on *day* with the
    bank's reference; returns the deposit's id. Refuses a payment deposited already (or
    not waiting), nothing picked, a day to come or in closed books, a day before a payment
    in it."""
    on = parse_date("day", day, today=clock.today(), label="Deposit date")
    if on > clock.today():
        raise ValidationError.one("day", "A deposit is made on its day, not ahead.")
    check_open(on, "day")
    reference = clean_text("bank_reference", bank_reference, max_len=40, required=True,
                           label="Bank reference")  # fmt: skip
    picked = _picked(keys, waiting_payments().rows)
    if not picked:
        raise ValidationError.one("payments", "There is nothing to deposit.")
    latest = max(w.day for w in picked)
    if latest > on:
        raise ValidationError.one(
            "day", f"A payment in it was taken on {latest:%m/%d/%Y}, after the deposit date."
        )
    cash = sum(w.cents for w in picked if w.method == "cash")
    drawers = _drawer_differences({w.day for w in picked if w.method == "cash"})
    cash += sum(c.cash_cents - c.expected_cash_cents for c in drawers)
    checks = [w for w in picked if w.method in ("check", "")]
    checks_count = sum(1 if w.cents > 0 else -1 for w in checks)  # a check taken back: -1
    cards = sum(w.cents for w in picked if w.method == "card")
    checks_cents = sum(w.cents for w in checks)
    total = cash + checks_cents + cards
    if total <= 0:
        raise ValidationError.one("payments", "The deposit comes to nothing.")
    deposit = Deposit.create(
        deposited_on=on, bank_reference=reference, cash_cents=cash, checks_count=checks_count,
        checks_cents=checks_cents, cards_cents=cards, total_cents=total, staff=actor,
        at=clock.now_utc(),
    )  # fmt: skip
    rows = [
        {"deposit": deposit.id, "kind": w.key.split(":")[0], "source_id": int(w.key.split(":")[1]),
         "method": w.method, "reference": w.reference[:50], "cents": w.cents}
        for w in picked
    ] + [
        {"deposit": deposit.id, "kind": "drawer", "source_id": c.id, "method": "cash",
         "reference": f"{c.day:%m/%d/%Y}", "cents": c.cash_cents - c.expected_cash_cents}
        for c in drawers
    ]  # fmt: skip
    for start in range(0, len(rows), 200):
        DepositItem.insert_many(rows[start : start + 200]).execute()
    lines = [(acct.BANK, total), (acct.CASH, -cash), (acct.UNDEPOSITED, -(checks_cents + cards))]
    entry = post_journal(on=on, memo=f"Deposit #{deposit.id} ({reference})", source="deposit",
                         source_id=deposit.id, lines=[x for x in lines if x[1]],
                         staff=actor)  # fmt: skip
    Deposit.update(entry_id=entry).where(Deposit.id == deposit.id).execute()
    audit(actor, "books.deposit", entity="deposit", entity_id=deposit.id,
          detail=f"{on:%m/%d/%Y} {reference}: {len(picked)} payment(s), cash "
          f"{format_money(cash)}, {checks_count} check(s) {format_money(checks_cents)}, cards "
          f"{format_money(cards)}, total {format_money(total)}")  # fmt: skip
    return deposit.id


@reader("books.read")
def deposit_slip(actor: StaffMember, deposit_id: int) -> DepositSlip:
    """A deposit's slip: its checks by number, the cash, the cards and the total."""
    d = get_or_refuse(Deposit, deposit_id, "deposit")
    items = list(DepositItem.select().where(DepositItem.deposit == d.id))
    payer_ids = [i.source_id for i in items if i.kind == "payer"]
    payers = dict(
        ClaimPosting.select(ClaimPosting.id, Payer.name)
        .join(Claim, on=ClaimPosting.claim == Claim.id)
        .join(Payer, on=Claim.payer == Payer.id)
        .where(ClaimPosting.id.in_(payer_ids))
        .tuples()
    ) if payer_ids else {}  # fmt: skip
    lines: list[SlipLine] = []
    for i in items:
        kind = "drawer" if i.kind == "drawer" else (i.method or "check")
        source = payers.get(i.source_id, "") if i.kind == "payer" else (
            "Drawer over/short" if i.kind == "drawer" else "Patient")  # fmt: skip
        lines.append(SlipLine(kind, i.reference, source, i.cents))
    order = {"check": 0, "card": 1, "cash": 2, "drawer": 3}
    lines.sort(key=lambda x: (order.get(x.kind, 0), x.reference, x.cents))
    return DepositSlip(d.id, d.deposited_on, d.bank_reference, d.staff.short_name, tuple(lines),
                       d.cash_cents, d.checks_count, d.checks_cents, d.cards_cents, d.total_cents,
                       d.entry_id)  # fmt: skip


@reader("books.read")
def recent_deposits(actor: StaffMember, limit: int = 50) -> list[DepositRow]:
    """The latest deposits, newest first."""
    limit = check_limit(limit)
    rows = (
        Deposit.select(
            Deposit.id,
            Deposit.deposited_on,
            Deposit.bank_reference,
            Deposit.checks_count,
            Deposit.total_cents,
        )  # fmt: skip
        .order_by(Deposit.deposited_on.desc(), Deposit.id.desc())
        .limit(limit)
        .tuples()
    )
    return [DepositRow(*row) for row in rows]


def by_method(waiting: list[Waiting]) -> dict[str, int]:
    """Totals of the payments by method (cash, check, card)."""
    out: dict[str, int] = defaultdict(int)
    for w in waiting:
        out["check" if w.method == "" else w.method] += w.cents
    return dict(out)
