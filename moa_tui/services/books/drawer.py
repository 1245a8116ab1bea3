"""Counting the cash drawer (issue 13 item 5): what the desk or the manager counted for a
day (cash less the float; checks by number and total) beside what the day's payments say
the drawer holds. The cash difference posts at once, in the count's own transaction:

    over:  Dr CASH        Cr CASH_OVER_SHORT
    short: Dr CASH_OVER_SHORT   Cr CASH

A checks difference is shown (day sheet, month end) but not posted: a missing check is
found, or its payment reversed where it was taken; each check stays listed for deposit.
A recount is a new count naming the one it replaces, whose entry is reversed (never
edited); a day whose cash difference went to the bank with a deposit is not recounted."""

from __future__ import annotations

from ...db import changes
from ...db.models import DepositItem, DrawerCount, StaffMember
from .. import clock
from ..core import audit, writer
from ..errors import ValidationError
from ..validate import clean_text, format_money, parse_date, parse_money, parse_quantity
from . import accounts as acct
from .day_sheet import Drawer, current_count, drawer_of, expected_drawer
from .ledger import check_open, post_journal, post_reversal


@writer("checkin", changes=(changes.BOOKS,))
def count_drawer(
    actor: StaffMember,
    day: str,
    cash: str,
    checks_count: str = "0",
    checks: str = "0",
    note: str = "",
) -> Drawer:
    """Record the drawer's count for *day* (as typed: t, 11/30...): *cash* counted (less
    the float), the number of *checks* and their total. Posts the cash difference to over
    and short (a recount reverses the last count's entry first). Refuses a day to come, a
    day in closed books, checks counted without a total or the other way round."""
    on = parse_date("day", day, today=clock.today(), label="Day")
    if on > clock.today():
        raise ValidationError.one("day", "A drawer is counted on its day or after.")
    check_open(on, "day")
    cash_cents = parse_money("cash", cash, label="Cash")
    n_checks = parse_quantity("checks_count", checks_count or "0", allow_zero=True)
    checks_cents = parse_money("checks", checks or "0", label="Checks")
    if n_checks and not checks_cents:
        raise ValidationError.one("checks", "Type the checks' total.")
    if checks_cents and not n_checks:
        raise ValidationError.one("checks_count", "Type how many checks there are.")
    note = clean_text("note", note, max_len=200, label="Note")

    previous = current_count(on)
    if previous is not None:
        gone = DepositItem.get_or_none(
            (DepositItem.kind == "drawer") & (DepositItem.source_id == previous.id)
        )
        if gone is not None:
            raise ValidationError.one(
                "day",
                f"The drawer of {on:%m/%d/%Y} went to the bank with deposit #{gone.deposit_id}; "
                "it is not recounted.",
            )
    exp_cash, exp_checks, exp_checks_cents = expected_drawer(on)
    count = DrawerCount.create(
        day=on, cash_cents=cash_cents, checks_count=n_checks, checks_cents=checks_cents,
        expected_cash_cents=exp_cash, expected_checks_count=exp_checks,
        expected_checks_cents=exp_checks_cents, note=note,
        replaces=previous.id if previous else None, staff=actor, at=clock.now_utc(),
    )  # fmt: skip
    if previous is not None and previous.entry_id:
        post_reversal(previous.entry_id, on=on, staff=actor,
                      memo=f"Drawer recounted (count #{count.id})")  # fmt: skip
    difference = cash_cents - exp_cash
    entry_id = None
    if difference:
        word = "over" if difference > 0 else "short"
        entry_id = post_journal(
            on=on, memo=f"Drawer {word} {format_money(abs(difference))}, count #{count.id}",
            source="drawer", source_id=count.id,
            lines=[(acct.CASH, difference), (acct.CASH_OVER_SHORT, -difference)], staff=actor,
        )  # fmt: skip
        DrawerCount.update(entry_id=entry_id).where(DrawerCount.id == count.id).execute()
    audit(
        actor, "books.drawer_count", entity="drawer_count", entity_id=count.id,
        detail=f"{on:%m/%d/%Y}: cash {format_money(cash_cents)} (expected "
        f"{format_money(exp_cash)}), {n_checks} check(s) {format_money(checks_cents)} "
        f"(expected {exp_checks}, {format_money(exp_checks_cents)})"
        + (f"; recount of #{previous.id}" if previous else ""),
    )  # fmt: skip
    return drawer_of(on)
