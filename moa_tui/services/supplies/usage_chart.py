"""An item's stock used by month (issue 13 item 5, the chart behind the picture): the
units taken out of stock ("use" movements: by hand, from a lot, at a visit) in each of
the last 12 months, by the clinic's calendar. One query, grouped by month; a month with
nothing used is there with 0."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import SQL, fn

from ...db.models import StaffMember, StockMovement, SupplyItem
from .. import clock
from ..buckets import bucket_of, month_starts, next_month
from ..core import get_or_refuse, reader
from ..errors import ValidationError
from ..validate import check_date


@dataclass(frozen=True)
class MonthUse:
    month: dt.date  # its first day
    units: int


@dataclass(frozen=True)
class ItemUsage:
    item_id: int
    sku: str
    name: str
    unit: str
    on_hand: int
    months: tuple[MonthUse, ...]  # oldest first, every month, 0 ones too

    @property
    def total(self) -> int:
        return sum(m.units for m in self.months)

    @property
    def busiest(self) -> MonthUse:
        """The month with the most used (the latest of equal ones)."""
        return max(self.months, key=lambda m: (m.units, m.month))

    @property
    def average(self) -> float:
        return self.total / len(self.months)


def _utc(day: dt.date) -> dt.datetime:
    """The instant the clinic's *day* begins, as movements store it (naive UTC)."""
    return clock.local_to_utc(dt.datetime.combine(day, dt.time()))


def monthly_use(item: SupplyItem, through: dt.date, months: int = 12) -> ItemUsage:
    starts = month_starts(through, months)
    ends = [_utc(next_month(s)) for s in starts]
    month = bucket_of(StockMovement.at, ends)
    rows = (
        StockMovement.select(month, fn.SUM(StockMovement.quantity))
        .where(
            (StockMovement.item == item.id)
            & (StockMovement.kind == "use")
            & (StockMovement.at >= _utc(starts[0]))
            & (StockMovement.at < ends[-1])
        )
        .group_by(SQL("1"))
        .tuples()
    )
    used = [0] * months
    for n, quantity in rows:
        used[int(n)] -= int(quantity)  # a use is a negative change in on-hand
    return ItemUsage(
        item.id, item.sku, item.name, item.unit, item.on_hand,
        tuple(MonthUse(s, used[n]) for n, s in enumerate(starts)),
    )  # fmt: skip


@reader("stock.read")
def usage_by_month(
    actor: StaffMember, item_id: int, through: dt.date | None = None, months: int = 12
) -> ItemUsage:
    """The units of *item_id* used in each of the *months* months (12) ending with the
    one holding *through* (today), oldest first."""
    day = clock.today() if through is None else check_date("through", through, label="Through")
    if isinstance(day, dt.datetime):
        raise ValidationError.one("through", "Through is a date, not a time.")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 60:
        raise ValidationError.one("months", "Months: 1 to 60.")
    return monthly_use(get_or_refuse(SupplyItem, item_id, "supply item"), day, months)
