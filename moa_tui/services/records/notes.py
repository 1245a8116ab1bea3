"""Visit notes entered or transcribed by staff (issue 12 item 8). A draft is edited with
the version check (a stale edit is refused naming who changed it and when); the one who
wrote a note signs it; a signed note never changes: it is amended, the amendment a signed
note of its own linked to it and shown with it."""

from __future__ import annotations

import dataclasses

from ...db.models import StaffMember, VisitNote
from .. import clock
from ..comms.templates import clean_body
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from .common import Checks, day_text, read_chart, texts

NOTE_FIELDS = ("visit_date", "title", "text")
NOTE_MAX = 20_000  # characters: a long visit note is a few thousand


@dataclasses.dataclass(frozen=True)
class NoteRow:
    id: int
    visit_date: str
    title: str
    written_by: str
    signed_by: str  # "" while a draft
    signed_at: str
    amendments: int
    version: int

    @property
    def signed(self) -> bool:
        return bool(self.signed_by)

    def line(self) -> str:
        state = f"signed {self.signed_by}" if self.signed else "DRAFT"
        amended = f", amended {self.amendments}x" if self.amendments else ""
        return f"{self.visit_date} {self.title or 'Visit note'} ({state}{amended})"


@dataclasses.dataclass(frozen=True)
class NoteView:
    """A note with its text and its amendments (oldest first), each with its text."""

    note: NoteRow
    text: str
    amendments: list[tuple[NoteRow, str]]


def _at(value) -> str:
    return f"{clock.utc_to_local(value):%m/%d/%Y %H:%M}" if value else ""


def note_row(n: VisitNote, amendments: int = 0) -> NoteRow:
    signer = n.signed_by.short_name if n.signed_by_id else ""
    return NoteRow(
        n.id,
        day_text(n.visit_date),
        n.title,
        n.written_by.short_name,
        signer,
        _at(n.signed_at),
        amendments,
        n.version,
    )


def _check(values) -> dict:
    v = texts(values, NOTE_FIELDS, "text")
    checks = Checks()
    out = {
        "visit_date": checks.day("visit_date", v["visit_date"] or "t", "Visit date"),
        "title": checks.text("title", v["title"], 80, "Title"),
        "body": checks.run(clean_body, "text", v["text"], max_len=NOTE_MAX, label="Note"),
    }
    checks.done()
    return out


def _sign(n: VisitNote, actor: StaffMember) -> None:
    n.signed_by, n.signed_at = actor, clock.now_utc()


@writer("clinical.write", changes=())
def write_note(actor: StaffMember, patient_id: int, values: dict, sign: bool = False) -> NoteRow:
    """A visit note (visit date: today when empty; title; text), kept as a draft, or
    signed at once by its writer when *sign*."""
    v = _check(values)
    patient = require_access(actor, patient_id, "visit note written")
    now = clock.now_utc()
    n = VisitNote(
        patient=patient, written_by=actor, written_at=now, updated_by=actor, updated_at=now, **v
    )
    if sign is True:
        _sign(n, actor)
    n.save()
    audit(
        actor,
        "note.sign" if n.signed_at else "note.draft",
        patient_id=patient.id,
        entity="visit_note",
        entity_id=n.id,
    )
    return note_row(n)


def _draft(note_id: int, version: int, what: str, actor: StaffMember) -> VisitNote:
    n = get_or_refuse(VisitNote, note_id, "note")
    require_access(actor, n.patient_id, what)
    if n.signed_at is not None:
        raise Conflict(
            f"{n.signed_by.short_name if n.signed_by_id else 'Someone'} signed this note at "
            f"{_at(n.signed_at)}: a signed note is never changed; amend it instead."
        )
    if n.version != version:
        raise Conflict(
            f"{n.updated_by.short_name} changed this note at {_at(n.updated_at)}; "
            "it was reloaded: make your change again."
        )
    return n


@writer("clinical.write", changes=())
def edit_note(actor: StaffMember, note_id: int, version: int, values: dict) -> NoteRow:
    """A draft's new visit date, title and text. Refuses a signed note (amend it) and a
    stale version (naming who changed it and when)."""
    v = _check(values)
    n = _draft(note_id, version, "visit note edited", actor)
    changed = (
        VisitNote.update(
            updated_by=actor, updated_at=clock.now_utc(), version=VisitNote.version + 1, **v
        )
        .where((VisitNote.id == n.id) & (VisitNote.version == version))
        .execute()
    )
    if changed != 1:
        raise Conflict("Someone else changed this note just now; it was reloaded.")
    audit(actor, "note.edit", patient_id=n.patient_id, entity="visit_note", entity_id=n.id)
    return note_row(VisitNote.get_by_id(n.id))


@writer("clinical.write", changes=())
def sign_note(actor: StaffMember, note_id: int, version: int) -> NoteRow:
    """Sign a draft: only the one who wrote it signs it; from then on it never changes."""
    n = _draft(note_id, version, "visit note signed", actor)
    if n.written_by_id != actor.id:
        raise ValidationError.one(
            "text", f"{n.written_by.full_name} wrote this note: only they can sign it."
        )
    _sign(n, actor)
    n.version += 1
    n.save()
    audit(actor, "note.sign", patient_id=n.patient_id, entity="visit_note", entity_id=n.id)
    return note_row(n)


@writer("clinical.write", changes=())
def amend_note(actor: StaffMember, note_id: int, text: str) -> NoteRow:
    """An amendment to a signed note: signed by *actor* at once, linked to the note
    (an amendment's own amendments go to the note it amends)."""
    body = clean_body(
        "text", text if isinstance(text, str) else "", max_len=NOTE_MAX, label="Amendment"
    )
    n = get_or_refuse(VisitNote, note_id, "note")
    if n.amends_id is not None:
        n = VisitNote.get_by_id(n.amends_id)
    require_access(actor, n.patient_id, "visit note amended")
    if n.signed_at is None:
        raise Conflict("This note is a draft: edit it instead of amending it.")
    now = clock.now_utc()
    a = VisitNote.create(
        patient=n.patient_id,
        amends=n,
        visit_date=n.visit_date,
        title=f"Amendment to {n.title or 'visit note'}"[:80],
        body=body,
        written_by=actor,
        written_at=now,
        updated_by=actor,
        updated_at=now,
        signed_by=actor,
        signed_at=now,
    )
    audit(
        actor,
        "note.amend",
        patient_id=n.patient_id,
        entity="visit_note",
        entity_id=a.id,
        detail=f"amends note {n.id}",
    )
    return note_row(a)


def amendment_counts(note_ids: list[int]) -> dict[int, int]:
    from peewee import fn

    if not note_ids:
        return {}
    rows = (
        VisitNote.select(VisitNote.amends, fn.COUNT(VisitNote.id))
        .where(VisitNote.amends.in_(note_ids))
        .group_by(VisitNote.amends)
        .tuples()
    )
    return dict(rows)


def patient_notes(patient_id: int, limit: int = 50) -> list[NoteRow]:
    """The patient's notes (not their amendments), newest visit first."""
    notes = list(
        VisitNote.select()
        .where((VisitNote.patient == patient_id) & VisitNote.amends.is_null())
        .order_by(VisitNote.visit_date.desc(), VisitNote.id.desc())
        .limit(limit)
    )
    counts = amendment_counts([n.id for n in notes])
    return [note_row(n, counts.get(n.id, 0)) for n in notes]


@writer("clinical.read", changes=())  # a writer: reading a note is audited
def read_note(actor: StaffMember, note_id: int) -> NoteView:
    """A note's text with its amendments (an amendment opens as the note it amends)."""
    n = get_or_refuse(VisitNote, note_id, "note")
    if n.amends_id is not None:
        n = VisitNote.get_by_id(n.amends_id)
    read_chart(actor, n.patient_id, f"visit note {n.id}")
    amendments = list(VisitNote.select().where(VisitNote.amends == n.id).order_by(VisitNote.id))
    return NoteView(
        note_row(n, len(amendments)), n.body, [(note_row(a), a.body) for a in amendments]
    )
