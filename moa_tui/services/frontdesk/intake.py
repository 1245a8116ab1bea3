"""Which forms and items each kind of visit needs, and how often each is due."""

from __future__ import annotations

from dataclasses import dataclass

from ...db.models import AppointmentType, IntakeItem, StaffMember, TypeIntakeItem
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ValidationError
from ..validate import clean_text

# How often an item is due: None once, 0 every visit, else every so many days.
EVERY = {"once": None, "visit": 0, "year": 365, "half": 182, "quarter": 91}
EVERY_LABELS = {
    "once": "Once",
    "visit": "Every visit",
    "year": "Every year",
    "half": "Every 6 months",
    "quarter": "Every 3 months",
}


@dataclass(frozen=True)
class IntakeRow:
    id: int
    name: str
    every: str  # a key of EVERY
    type_ids: tuple[int, ...]
    types: str  # "New patient, Physical"


def _every_key(days: int | None) -> str:
    return next((k for k, v in EVERY.items() if v == days), "year")


def _row(item: IntakeItem, names: dict[int, str]) -> IntakeRow:
    ids = tuple(r.appt_type_id for r in TypeIntakeItem.select().where(TypeIntakeItem.item == item))
    return IntakeRow(
        item.id,
        item.name,
        _every_key(item.every_days),
        ids,
        ", ".join(names[i] for i in ids if i in names) or "no visit type",
    )


@reader("schedule.read")
def list_intake_items(actor: StaffMember) -> list[IntakeRow]:
    names = {t.id: t.name for t in AppointmentType.select()}
    items = IntakeItem.select().where(IntakeItem.active).order_by(IntakeItem.name)
    return [_row(item, names) for item in items]


@writer("schedule.admin")
def save_intake_item(actor: StaffMember, item_id: int | None, data: dict) -> IntakeRow:
    """Add or change an intake item: its name, how often it is due, and the visit types
    that need it. Refuses a blank or duplicate name and an unknown type."""
    name = clean_text("name", data.get("name"), max_len=60, required=True, label="Name")
    every = data.get("every") or "year"
    if every not in EVERY:
        raise ValidationError.one("every", "Choose how often it is due.")
    types = {t.name.casefold(): t.id for t in AppointmentType.select()}
    wanted = [p.strip() for p in str(data.get("types") or "").split(",") if p.strip()]
    if [w for w in wanted if w.casefold() == "all"]:
        type_ids = sorted(types.values())
    else:
        unknown = [w for w in wanted if w.casefold() not in types]
        if unknown:
            raise ValidationError.one("types", f"No visit type called {unknown[0]}.")
        type_ids = [types[w.casefold()] for w in wanted]
    clash = IntakeItem.select().where(IntakeItem.name == name)
    if item_id:
        clash = clash.where(IntakeItem.id != item_id)
    if clash.exists():
        raise ValidationError.one("name", f"There is already an item called {name}.")
    item = get_or_refuse(IntakeItem, item_id, "intake item") if item_id else IntakeItem()
    item.name, item.every_days = name, EVERY[every]
    item.save()
    TypeIntakeItem.delete().where(TypeIntakeItem.item == item).execute()
    for type_id in type_ids:
        TypeIntakeItem.create(appt_type=type_id, item=item)
    audit(
        actor,
        "intake.save",
        entity="intake_item",
        entity_id=item.id,
        detail=f"{name}: {EVERY_LABELS[every]}, {len(type_ids)} visit types",
    )
    names = {t.id: t.name for t in AppointmentType.select()}
    return _row(item, names)
