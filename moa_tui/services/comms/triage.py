"""Red-flag triage of a phone message: words and phrases (chest pain, can't breathe...)
in the reason or text mark it urgent, and the desk is shown the practice's protocol text.
The list and the text are a setting the office manager edits (comms.admin)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...db.models import StaffMember, TriageSettings
from ..core import audit, reader, writer
from ..errors import Conflict, ValidationError
from ..validate import clean_text

DEFAULT_RED_FLAGS = (
    "chest pain",
    "chest pressure",
    "trouble breathing",
    "difficulty breathing",
    "short of breath",
    "can't breathe",
    "cannot breathe",
    "bleeding that won't stop",
    "won't stop bleeding",
    "heavy bleeding",
    "suicidal",
    "suicide",
    "kill myself",
    "overdose",
    "stroke",
    "face drooping",
    "slurred speech",
    "arm weakness",
    "sudden numbness",
    "severe allergic reaction",
    "anaphylaxis",
    "throat swelling",
    "unconscious",
    "unresponsive",
    "passed out",
    "seizure",
    "worst headache",
)
DEFAULT_ADVICE = (
    "Possible emergency. Advise the caller to hang up and call 911 now (or go to the "
    "nearest emergency room); do not book a visit. Stay on the line if they cannot call. "
    "Tell the nurse or provider on duty at once and note what was advised."
)
MAX_PHRASES = 200
PHRASE_MAX = 60
ADVICE_MAX = 1000


def _norm(text: str) -> str:
    """Lower case without apostrophes (can't, can’t and cant alike), runs of spaces as one."""
    for mark in ("'", "\u2019", "\u2018", "`"):
        text = text.replace(mark, "")
    return " ".join(text.lower().split())


def red_flags_in(text: str, phrases: list[str] | tuple[str, ...]) -> list[str]:
    """The phrases found in *text* as whole words (case does not matter; "stroke" is
    found in "signs of a stroke" but not in "heatstroke" or "strokes"), in list order."""
    haystack = _norm(text)
    found = []
    for phrase in phrases:
        words = _norm(phrase)
        if words and re.search(rf"(?<!\w){re.escape(words)}(?!\w)", haystack):
            found.append(phrase)
    return found


@dataclass(frozen=True)
class Triage:
    red_flags: tuple[str, ...]
    advice: str
    version: int


def _settings() -> TriageSettings:
    row = TriageSettings.select().order_by(TriageSettings.id).first()
    if row is None:
        row = TriageSettings(
            red_flags="\n".join(DEFAULT_RED_FLAGS), advice=DEFAULT_ADVICE, version=0
        )
    return row


def current_triage() -> Triage:
    """The list in force (the built-in one until a manager saves another); inside a job."""
    row = _settings()
    phrases = tuple(p for p in row.red_flags.splitlines() if p.strip())
    return Triage(phrases, row.advice, row.version)


@reader("comms.read")
def triage_settings(actor: StaffMember) -> Triage:
    """The red-flag list and the protocol text the desk is shown."""
    return current_triage()


def parse_phrases(field: str, text: str | None) -> list[str]:
    """One phrase a line (or separated by semicolons), each trimmed; blank lines dropped."""
    raw = clean_text(field, (text or "").replace("\n", ";"), max_len=20000, label="Red flags")
    phrases: list[str] = []
    for part in raw.split(";"):
        phrase = " ".join(part.split())
        if not phrase:
            continue
        if len(phrase) > PHRASE_MAX:
            raise ValidationError.one(
                field, f"“{phrase[:20]}…” is too long (at most {PHRASE_MAX} characters)."
            )
        if not re.search(r"\w", phrase):
            raise ValidationError.one(field, f"“{phrase}” has no letters to look for.")
        if _norm(phrase) not in {_norm(p) for p in phrases}:
            phrases.append(phrase)
    if not phrases:
        raise ValidationError.one(field, "The list needs at least one word or phrase.")
    if len(phrases) > MAX_PHRASES:
        raise ValidationError.one(field, f"At most {MAX_PHRASES} phrases.")
    return phrases


@writer("comms.admin", changes=())
def save_triage_settings(actor: StaffMember, version: int, red_flags: str, advice: str) -> Triage:
    """Replace the red-flag list (phrases separated by ";" or one a line) and the protocol
    text; *version* is the one read (another manager's save in between is refused)."""
    phrases = parse_phrases("red_flags", red_flags)
    advice = clean_text("advice", advice, max_len=ADVICE_MAX, required=True, label="What to do")
    row = _settings()
    if row.version != version:
        raise Conflict("Someone else changed the triage list meanwhile; open it again.")
    if row.id is None:
        row = TriageSettings.create(red_flags="\n".join(phrases), advice=advice, version=1)
    else:
        TriageSettings.update(
            red_flags="\n".join(phrases), advice=advice, version=TriageSettings.version + 1
        ).where(TriageSettings.id == row.id).execute()
    audit(actor, "triage.save", entity="triage_settings", detail=f"{len(phrases)} phrases")
    return current_triage()
