"""Letter templates (issue 12 items 3, 10): jinja2's immutable sandbox with StrictUndefined.

A template only ever sees plain values (dicts of str): a sandboxed template can still call
the methods of the objects it is given, so no database object reaches it. A template is
rendered against a full sample context when it is saved, so an unknown merge field is
named then, not when a letter is printed. The output has a size limit.
"""

from __future__ import annotations

import dataclasses

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from peewee import IntegrityError

from ...db.database import db
from ...db.models import LetterTemplate, StaffMember
from ...text import describe, first_unsafe, normalize
from .. import clock
from ..core import get_or_refuse, writer
from ..errors import Conflict, ValidationError
from ..validate import clean_text

BODY_MAX = 20_000  # characters of a template's text
OUTPUT_MAX = 40_000  # characters of a rendered letter

# Every merge field a template may use, with a sample value (the check at save).
FIELDS: dict[str, dict[str, str]] = {
    "patient": {
        "name": "Jane Q. Sample", "first_name": "Jane", "last_name": "Sample",
        "mrn": "000123", "dob": "01/02/1980", "address": "12 Main St",
        "city": "Springfield", "state": "IL", "zip": "62701", "phone": "(555) 201-3344",
    },
    "appointment": {
        "date": "12/01/2026", "time": "9:30 AM", "provider": "Dr. Ann Lee",
        "type": "Follow-up",
    },
    "balance": {"amount": "$125.00", "cents": "12500"},
    "provider": {"name": "Ann Lee", "credentials": "MD", "npi": "1234567893"},
    "clinic": {
        "name": "Sample Family Practice", "address": "1 Clinic Way", "phone": "(555) 100-2000",
    },
    "date": {"today": "11/30/2026"},
    # Filled when the letter is written from a referral (services/records/referral_letter.py);
    # blank in any other letter.
    "referral": {
        "to": "Dr. Sam Ortho", "to_npi": "1234567893", "to_phone": "555-201-3344",
        "to_fax": "555-201-3345", "reason": "knee pain, evaluation", "diagnosis": "M25.561",
        "date": "11/30/2026", "authorization": "A12345",
    },
}  # fmt: skip


class _LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with * and ** checked: "{{ 'x' * 10**9 }}" or "{{ 9**9**9 }}" would
    otherwise take the memory or the processor before the output limit is reached."""

    intercepted_binops = frozenset(("*", "**"))

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError("a power over 100")
            if isinstance(left, int | float) and abs(left) > 10**6:
                raise SecurityError("a power of a number over 1,000,000")
        if operator == "*":
            for count, other in ((left, right), (right, left)):
                if isinstance(count, int) and isinstance(other, str | list | tuple):
                    if count * max(len(other), 1) > OUTPUT_MAX:
                        raise SecurityError("text repeated past the letter's size limit")
        return super().call_binop(context, operator, left, right)


_ENV = _LetterEnvironment(undefined=StrictUndefined, autoescape=False)

DEFAULTS: dict[str, str] = {
    "Appointment reminder": (
        "{{ date.today }}\n\n{{ patient.name }}\n{{ patient.address }}\n"
        "{{ patient.city }}, {{ patient.state }} {{ patient.zip }}\n\n"
        "Dear {{ patient.first_name }},\n\n"
        "This is a reminder of your {{ appointment.type }} appointment with "
        "{{ appointment.provider }} on {{ appointment.date }} at {{ appointment.time }}.\n"
        "Please bring your insurance card and a list of your medications. To change the\n"
        "time, call us at {{ clinic.phone }}.\n\nSincerely,\n{{ clinic.name }}\n"
    ),
    "Missed appointment": (
        "{{ date.today }}\n\n{{ patient.name }}\n{{ patient.address }}\n"
        "{{ patient.city }}, {{ patient.state }} {{ patient.zip }}\n\n"
        "Dear {{ patient.first_name }},\n\n"
        "We missed you at your appointment with {{ appointment.provider }} on "
        "{{ appointment.date }} at {{ appointment.time }}.\n"
        "Your care matters to us: please call {{ clinic.phone }} to book a new time.\n\n"
        "Sincerely,\n{{ clinic.name }}\n"
    ),
    "Balance due": (
        "{{ date.today }}\n\n{{ patient.name }}\n{{ patient.address }}\n"
        "{{ patient.city }}, {{ patient.state }} {{ patient.zip }}\n\n"
        "Dear {{ patient.first_name }},\n\n"
        "Our records show a balance of {{ balance.amount }} on your account "
        "(account {{ patient.mrn }}).\n"
        "Please pay it or call {{ clinic.phone }} to set up a payment plan.\n"
        "If you have already paid, thank you, and please disregard this letter.\n\n"
        "Sincerely,\nBilling office, {{ clinic.name }}\n"
    ),
    "Referral letter": (
        "{{ date.today }}\n\n{% if referral.to %}{{ referral.to }}\n"
        "{% if referral.to_fax %}Fax {{ referral.to_fax }}\n{% endif %}\n{% endif %}"
        "Re: {{ patient.name }}, DOB {{ patient.dob }}\n"
        "{% if referral.authorization %}Authorization {{ referral.authorization }}\n"
        "{% endif %}\nDear colleague,\n\n"
        "I am referring {{ patient.name }} to you for {{ referral.reason or 'evaluation' }}"
        "{% if referral.diagnosis %} (ICD-10-CM {{ referral.diagnosis }}){% endif %}.\n"
        "Please contact the patient at {{ patient.phone }} to arrange a visit, and send\n"
        "your findings to our office.\n\nThank you,\n{{ provider.name }}, "
        "{{ provider.credentials }}\nNPI {{ provider.npi }}\n{{ clinic.name }}, "
        "{{ clinic.phone }}\n"
    ),
    "Records release cover letter": (
        "{{ date.today }}\n\nRe: {{ patient.name }}, DOB {{ patient.dob }}\n\n"
        "Enclosed are the medical records of the patient named above, released under the\n"
        "patient's written authorization on file. This information is confidential and\n"
        "may not be disclosed further without the patient's consent.\n\n"
        "Sincerely,\nMedical records, {{ clinic.name }}\n{{ clinic.address }}\n"
        "{{ clinic.phone }}\n"
    ),
}


@dataclasses.dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    body: str
    version: int


def _row(t: LetterTemplate) -> TemplateRow:
    return TemplateRow(t.id, t.name, t.body, t.version)


def render(body: str, context: dict[str, dict[str, str]], field: str = "body") -> str:
    """The text *body* says for *context* (plain values only). Raises ValidationError on
    *field* naming an unknown merge field, a syntax error (with its line) or a refused
    operation, and when the output is over OUTPUT_MAX."""
    for part in context.values():  # only plain values reach a template
        if not isinstance(part, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in part.items()
        ):
            raise TypeError("a letter's context holds dicts of str only")
    try:
        template = _ENV.from_string(body)
        out = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > OUTPUT_MAX:
                raise ValidationError.one(
                    field, f"The letter would be longer than {OUTPUT_MAX} characters."
                )
            out.append(chunk)
    except TemplateSyntaxError as exc:
        raise ValidationError.one(field, f"Line {exc.lineno}: {exc.message}.") from None
    except UndefinedError as exc:
        known = ", ".join(f"{k}.{f}" for k, v in FIELDS.items() for f in v)
        raise ValidationError.one(
            field, f"Unknown merge field: {exc.message}. Known fields: {known}."
        ) from None
    except SecurityError as exc:
        raise ValidationError.one(field, f"Not allowed in a letter: {exc}.") from None
    except TemplateError as exc:
        raise ValidationError.one(field, f"The template cannot be used: {exc}.") from None
    except (TypeError, ValueError, ArithmeticError, OverflowError, RecursionError) as exc:
        raise ValidationError.one(field, f"The template cannot be used: {exc}.") from None
    return "".join(out)


def clean_body(field: str, value: str | None, *, max_len: int, label: str) -> str:
    """Multi-line text: each line checked for control characters, trailing spaces trimmed."""
    text = normalize(value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    for line in lines:
        if bad := first_unsafe(line.replace("\t", " ")):
            raise ValidationError.one(
                field, f"{label} contains an invisible or control character ({describe(bad)})."
            )
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise ValidationError.one(field, f"{label} is required.")
    if len(text) > max_len:
        raise ValidationError.one(field, f"{label} is too long ({len(text)} of {max_len}).")
    return text + "\n"


def check_template(body: str | None) -> str:
    """The cleaned template text, once it renders against the full sample context."""
    text = clean_body("body", body, max_len=BODY_MAX, label="Template")
    render(text, FIELDS)
    return text


def seed_templates() -> None:
    """The shipped templates, made on first use (inside the caller's write transaction)."""
    if LetterTemplate.select().exists():
        return
    now = clock.now_utc()
    try:
        with db.atomic():  # a savepoint: another terminal seeding at the same moment wins
            for name, body in DEFAULTS.items():
                LetterTemplate.create(name=name, body=body, updated_at=now)
    except IntegrityError:
        pass


@writer("comms.read", changes=())  # a writer: the shipped templates are made on first use
def letter_templates(actor: StaffMember) -> list[TemplateRow]:
    """The active templates by name."""
    seed_templates()
    rows = LetterTemplate.select().where(LetterTemplate.active).order_by(LetterTemplate.name)
    return [_row(t) for t in rows]


@writer("comms.admin", changes=())
def save_template(
    actor: StaffMember, template_id: int | None, version: int | None, name: str, body: str
) -> TemplateRow:
    """A new template (*template_id* None) or an edit of one (at *version*). Manager only.
    An unknown merge field is named in the error."""
    errors: dict[str, str] = {}
    try:
        name = clean_text("name", name, max_len=60, required=True, label="Name")
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        body = check_template(body)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    seed_templates()
    same = LetterTemplate.get_or_none(LetterTemplate.name == name)
    now = clock.now_utc()
    if template_id is None:
        if same is not None:
            raise ValidationError.one("name", f"There is already a template named {name}.")
        t = LetterTemplate.create(name=name, body=body, updated_at=now, updated_by=actor)
    else:
        t = get_or_refuse(LetterTemplate, template_id, "template")
        if same is not None and same.id != t.id:
            raise ValidationError.one("name", f"There is already a template named {name}.")
        n = (
            LetterTemplate.update(
                name=name, body=body, updated_at=now, updated_by=actor,
                version=LetterTemplate.version + 1,
            )
            .where((LetterTemplate.id == t.id) & (LetterTemplate.version == version))
            .execute()
        )  # fmt: skip
        if n != 1:
            raise Conflict("Someone else changed this template; it was reloaded.")
        t = LetterTemplate.get_by_id(t.id)
    return _row(t)
