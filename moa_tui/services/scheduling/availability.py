"""When providers work: weekly hours, blocked time and clinic closed days, and which
appointment types each provider offers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import (
    Appointment,
    AppointmentType,
    AppointmentTypeProvider,
    BlockedTime,
    Provider,
    ProviderHours,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ValidationError
from ..parsing import WEEKDAYS, parse_colour, parse_hours, parse_minutes
from ..validate import check_date, clean_text, is_whole_number


@dataclass(frozen=True)
class BlockInfo:
    id: int
    provider: str  # "" for the whole clinic
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str
    booked: int = 0  # still-booked visits in the block (to move before it starts)


@dataclass(frozen=True)
class TypeInfo:
    id: int
    name: str
    default_minutes: int
    color: str
    allow_overbook: bool
    provider_ids: tuple[int, ...]  # empty: every provider
    needs_authorization: bool = False  # booking warns without the payer's authorization


@dataclass(frozen=True)
class Availability:
    provider_id: int
    provider: str
    hours: dict[int, list[tuple[str, str]]]  # weekday -> [(starts, ends)]
    blocks: list[BlockInfo]


def hours_text(blocks: list[tuple[str, str]]) -> str:
    return ", ".join(f"{s}-{e}" for s, e in blocks)


def provider_hours(provider_ids) -> dict[tuple[int, int], list[tuple[dt.time, dt.time]]]:
    """(provider id, weekday) -> working blocks, for the slot finder and booking checks."""
    out: dict[tuple[int, int], list[tuple[dt.time, dt.time]]] = {}
    query = ProviderHours.select().where(ProviderHours.provider.in_(list(provider_ids)))
    for h in query.order_by(ProviderHours.starts):
        out.setdefault((h.provider_id, h.weekday), []).append(
            (dt.time.fromisoformat(h.starts), dt.time.fromisoformat(h.ends))
        )
    return out


def blocked_between(provider_ids, start: dt.datetime, end: dt.datetime):
    """BlockedTime rows overlapping [start, end) for these providers or the whole clinic."""
    return list(
        BlockedTime.select().where(
            (BlockedTime.starts_at < end)
            & (BlockedTime.ends_at > start)
            & (BlockedTime.provider.is_null() | BlockedTime.provider.in_(list(provider_ids)))
        )
    )


def offering(kind: AppointmentType) -> list[int]:
    """Ids of the providers who offer *kind* (every active provider if none is named)."""
    named = [
        r.provider_id
        for r in AppointmentTypeProvider.select().where(AppointmentTypeProvider.appt_type == kind)
    ]
    query = Provider.select(Provider.id).where(Provider.active)
    if named:
        query = query.where(Provider.id.in_(named))
    return [p.id for p in query.order_by(Provider.full_name)]


def _type_info(t: AppointmentType) -> TypeInfo:
    ids = tuple(
        r.provider_id
        for r in AppointmentTypeProvider.select().where(AppointmentTypeProvider.appt_type == t)
    )
    return TypeInfo(
        t.id, t.name, t.default_minutes, t.color, t.allow_overbook, ids, t.needs_authorization
    )


@reader("schedule.read")
def list_types(actor: StaffMember) -> list[TypeInfo]:
    query = AppointmentType.select().where(AppointmentType.active).order_by(AppointmentType.name)
    return [_type_info(t) for t in query]


def _provider_id(value) -> int:
    # Chosen from the screen's list of providers; anything else is refused, not a crash.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and is_whole_number(value.strip()):
        return int(value)
    raise ValidationError.one("provider_ids", "Choose the providers from the list.")


@writer("schedule.admin")
def save_type(actor: StaffMember, type_id: int | None, data: dict) -> TypeInfo:
    """Create or change an appointment type: name, default length, colour, whether it may
    be overbooked, whether it needs the payer's authorization, and the providers who offer
    it (none = all)."""
    name = clean_text("name", data.get("name"), max_len=40, required=True, label="Name")
    minutes = parse_minutes("minutes", data.get("minutes"), 5, 480, "Length is 5 to 480 minutes.")
    color = parse_colour("color", data.get("color"))
    provider_ids = [_provider_id(p) for p in data.get("provider_ids", ())]
    for pid in provider_ids:
        get_or_refuse(Provider, pid, "provider")
    clash = AppointmentType.select().where(AppointmentType.name == name)
    if type_id:
        clash = clash.where(AppointmentType.id != type_id)
    if clash.exists():
        raise ValidationError.one("name", f"There is already a type called {name}.")
    kind = get_or_refuse(AppointmentType, type_id, "type") if type_id else AppointmentType()
    kind.name, kind.default_minutes, kind.color = name, minutes, color
    kind.allow_overbook = bool(data.get("allow_overbook"))
    if "needs_authorization" in data:  # (left alone by a caller that does not say)
        kind.needs_authorization = bool(data["needs_authorization"])
    kind.save()
    AppointmentTypeProvider.delete().where(AppointmentTypeProvider.appt_type == kind).execute()
    for pid in provider_ids:
        AppointmentTypeProvider.create(appt_type=kind, provider=pid)
    audit(actor, "type.save", entity="appointment_type", entity_id=kind.id, detail=name)
    return _type_info(kind)


MAX_DAYS_AHEAD = 3660  # ten years of blocked time is more than any screen shows


@reader("schedule.read")
def availability(actor: StaffMember, provider_id: int, days_ahead: int = 120) -> Availability:
    if not 0 <= days_ahead <= MAX_DAYS_AHEAD:
        raise ValidationError.one("days_ahead", f"Look 0 to {MAX_DAYS_AHEAD} days ahead.")
    provider = get_or_refuse(Provider, provider_id, "provider")
    hours = {d: [] for d in range(7)}
    for (_pid, weekday), blocks in provider_hours([provider.id]).items():
        hours[weekday] = [(f"{s:%H:%M}", f"{e:%H:%M}") for s, e in blocks]
    today = dt.datetime.combine(clock.today(), dt.time.min)
    blocks = [
        BlockInfo(
            b.id,
            provider.short_name if b.provider_id else "",
            b.starts_at,
            b.ends_at,
            b.reason,
            booked_in(b.provider_id, b.starts_at, b.ends_at),
        )
        for b in sorted(
            blocked_between([provider.id], today, today + dt.timedelta(days=days_ahead)),
            key=lambda b: b.starts_at,
        )
    ]
    return Availability(provider.id, provider.full_name, hours, blocks)


def booked_in(provider_id: int | None, start: dt.datetime, end: dt.datetime) -> int:
    """How many still-booked visits of a provider (None: of the whole clinic) start or run
    into [start, end): what a block leaves to move (absences.booked_during lists them)."""
    # A visit is at most a working day long: one that began 8 hours earlier may run in.
    query = Appointment.select(Appointment.starts_at, Appointment.minutes).where(
        (Appointment.starts_at > start - dt.timedelta(hours=8))
        & (Appointment.starts_at < end)
        & (Appointment.status == "booked")
    )
    if provider_id is not None:
        query = query.where(Appointment.provider == provider_id)
    return sum(1 for s, m in query.tuples() if s + dt.timedelta(minutes=m) > start)


@writer("schedule.admin")
def set_hours(actor: StaffMember, provider_id: int, weekday: int, text: str) -> Availability:
    """Replace a provider's working blocks on one weekday ('8:00-12:00, 13:00-17:00';
    blank for a day off). Booked appointments are not moved."""
    provider = get_or_refuse(Provider, provider_id, "provider")
    if weekday not in range(7):
        raise ValidationError.one("weekday", "Choose a day of the week.")
    blocks = parse_hours("hours", text)
    ProviderHours.delete().where(
        (ProviderHours.provider == provider) & (ProviderHours.weekday == weekday)
    ).execute()
    for starts, ends in blocks:
        ProviderHours.create(provider=provider, weekday=weekday, starts=starts, ends=ends)
    audit(
        actor,
        "hours.set",
        entity="provider",
        entity_id=provider.id,
        detail=f"{WEEKDAYS[weekday]}: {hours_text(blocks) or 'off'}",
    )
    return availability.__wrapped__(actor, provider.id)


@writer("schedule.admin")
def add_block(
    actor: StaffMember,
    provider_id: int | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
) -> BlockInfo:
    """Block time for one provider (vacation, meeting) or, with no provider, close the
    clinic (a holiday). Refuses an end before the start and a blank reason."""
    reason = clean_text("reason", reason, max_len=120, required=True, label="Reason")
    for field, value, label in (("starts_at", starts_at, "From"), ("ends_at", ends_at, "To")):
        if not isinstance(value, dt.datetime):
            raise ValidationError.one(field, f"{label}: give a date and time.")
        check_date(field, value, label=label)
    if ends_at <= starts_at:
        raise ValidationError.one("ends_at", "The end is before the start.")
    provider = get_or_refuse(Provider, provider_id, "provider") if provider_id else None
    block = BlockedTime.create(
        provider=provider, starts_at=starts_at, ends_at=ends_at, reason=reason
    )
    who = provider.short_name if provider else "whole clinic"
    audit(
        actor,
        "block.add",
        entity="blocked_time",
        entity_id=block.id,
        detail=f"{who} {starts_at:%Y-%m-%d %H:%M} to {ends_at:%Y-%m-%d %H:%M}: {reason}",
    )
    return BlockInfo(block.id, provider.short_name if provider else "", starts_at, ends_at, reason)


@writer("schedule.admin")
def remove_block(actor: StaffMember, block_id: int) -> None:
    block = get_or_refuse(BlockedTime, block_id, "blocked time")
    audit(
        actor,
        "block.remove",
        entity="blocked_time",
        entity_id=block.id,
        detail=f"{block.starts_at:%Y-%m-%d %H:%M}: {block.reason}",
    )
    block.delete_instance()


# --- whether blocked time covers the working day ---------------------------------------

DAY_MINUTES = 24 * 60


def minute_of(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def working_spans(day: dt.date, hours) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) of each block of *hours* on *day*; an end of 00:00 is midnight after."""
    midnight = dt.datetime.combine(day, dt.time.min)
    return [
        (dt.datetime.combine(day, s), midnight + dt.timedelta(minutes=minute_of(e) or DAY_MINUTES))
        for s, e in hours
    ]


def covering_reason(spans, blocks) -> str:
    """The reason of the blocks if together they cover every (start, end) span; else ""."""
    reasons: list[str] = []
    for s, e in spans:
        t = s
        for b in sorted(blocks, key=lambda b: b.starts_at):
            if b.starts_at <= t < b.ends_at:
                t = b.ends_at
                if b.reason not in reasons:
                    reasons.append(b.reason)
            if t >= e:
                break
        if t < e:
            return ""
    return "; ".join(reasons)
