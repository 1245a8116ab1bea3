"""Where a message or task goes: a staff member's inbox, a provider's, or a group's
("front desk", "nurses", "billing"); which groups each role reads; and the due time."""

from __future__ import annotations

import datetime as dt
import re

from ...db.models import InboxMessage, Provider, StaffMember
from .. import clock
from ..errors import ValidationError
from ..parsing import parse_when

# group -> the roles whose members read it (a manager or admin reads the front desk's).
GROUPS: dict[str, tuple[str, ...]] = {
    "front desk": ("front_desk", "manager", "admin"),
    "nurses": ("clinician",),
    "billing": ("billing",),
}
# A routine call is due back within this (at the latest by the end of the next weekday).
URGENT_DUE = dt.timedelta(minutes=15)
END_OF_DAY = dt.time(17, 0)


def groups_of(staff: StaffMember) -> list[str]:
    return [g for g, roles in GROUPS.items() if staff.role in roles]


def route_label(m: InboxMessage) -> str:
    """Whose inbox a message is in, in words (staff and provider rows joined by the caller)."""
    if m.to_staff_id:
        return m.to_staff.short_name
    if m.to_provider_id:
        return m.to_provider.short_name
    return m.to_group.title() if m.to_group else "Nobody"


def _to(staff: int | None = None, provider: int | None = None, group: str = "") -> dict:
    """A message's to_* fields, and its inbox_key (the inbox lists' keyset column)."""
    key = f"staff:{staff}" if staff else f"provider:{provider}" if provider else f"group:{group}"
    return {"to_staff": staff, "to_provider": provider, "to_group": group, "inbox_key": key}


def parse_route(field: str, actor: StaffMember, code: str | None) -> dict:
    """A route code as the route choices give it ("group:nurses", "staff:3",
    "provider:2", "me") -> the message's to_* fields; anything else is refused."""
    code = (code or "").strip()
    kind, _, value = code.partition(":")
    if code == "me":
        return _to(staff=actor.id)
    if kind == "group" and value in GROUPS:
        return _to(group=value)
    if kind in ("staff", "provider") and value.isascii() and value.isdigit() and len(value) < 10:
        if kind == "staff":
            found = StaffMember.get_or_none(
                (StaffMember.id == int(value)) & StaffMember.active & (StaffMember.role != "kiosk")
            )
            if found:
                return _to(staff=found.id)
        else:
            found = Provider.get_or_none((Provider.id == int(value)) & Provider.active)
            if found:
                return _to(provider=found.id)
    raise ValidationError.one(field, "Choose whose inbox it goes to from the list.")


def route_choices() -> list[tuple[str, str]]:
    """(label, code) of every inbox: the groups, then providers, then staff."""
    choices = [(f"Group: {g.title()}", f"group:{g}") for g in GROUPS]
    for p in Provider.select().where(Provider.active).order_by(Provider.short_name):
        choices.append((f"Provider: {p.short_name}", f"provider:{p.id}"))
    for s in (
        StaffMember.select()
        .where(StaffMember.active & (StaffMember.role != "kiosk"))
        .order_by(StaffMember.full_name)
    ):
        choices.append((f"Staff: {s.short_name}", f"staff:{s.id}"))
    return choices


def next_weekday_end(now_local: dt.datetime) -> dt.datetime:
    day = now_local.date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, END_OF_DAY)


def parse_due(field: str, text: str | None, *, urgent: bool) -> dt.datetime:
    """The due time in UTC. Blank: 15 minutes from now for an urgent call, the end of the
    next weekday for a routine one. A date alone is that day at 5 pm; the past is refused."""
    now_local = clock.now_local().naive.replace(microsecond=0)
    raw = (text or "").strip()
    if not raw:
        local = now_local + URGENT_DUE if urgent else next_weekday_end(now_local)
    else:
        local = parse_when(field, raw, today=now_local.date(), label="Due")
        if local.time() == dt.time.min and not re.search(r"\d:\d|\d\s*[ap]m\b", raw.lower()):
            local = dt.datetime.combine(local.date(), END_OF_DAY)
        if local < now_local - dt.timedelta(minutes=1):
            raise ValidationError.one(field, f"Due {local:%m/%d/%Y %H:%M} is in the past.")
    return clock.local_to_utc(local)
