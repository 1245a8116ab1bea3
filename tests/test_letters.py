"""Letters from templates (issue 12 items 3, 10): the sandboxed templates and the letters."""

from __future__ import annotations

import stat

import pytest
from peewee import fn
from pypdf import PdfReader

from moa_tui.db.models import AccountEntry, AuditEvent, Letter, LetterTemplate, Patient
from moa_tui.services.comms.letters import (
    draft_letter,
    letter_context,
    patient_letters,
    save_letter,
)
from moa_tui.services.comms.templates import (
    DEFAULTS,
    OUTPUT_MAX,
    letter_templates,
    render,
    save_template,
)
from moa_tui.services.errors import ValidationError
from moa_tui.services.files import FileExists
from moa_tui.services.patients.privacy import ReasonRequired
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff


def _balance_template(actor):
    return next(t for t in letter_templates(actor) if t.name == "Balance due")


def _patient_with_balance() -> Patient:
    owing = (
        AccountEntry.select(AccountEntry.patient)
        .group_by(AccountEntry.patient)
        .having(fn.SUM(AccountEntry.cents) > 0)
        .order_by(AccountEntry.patient)
        .first()
    )
    return Patient.get_by_id(owing.patient_id)


def test_the_five_templates_ship_and_each_renders_for_a_patient(desk):
    names = [t.name for t in letter_templates(desk)]
    assert sorted(names) == sorted(DEFAULTS)
    patient = _patient_with_balance()
    for t in letter_templates(desk):
        draft = draft_letter(desk, patient.id, t.id)
        assert patient.last_name in draft.text
        assert "{{" not in draft.text


def test_balance_due_letter_names_the_balance_and_is_saved_as_pdf_and_text(desk, tmp_path):
    patient = _patient_with_balance()
    t = _balance_template(desk)
    draft = draft_letter(desk, patient.id, t.id)
    amount = letter_context(patient)["balance"]["amount"]
    assert amount in draft.text and amount != "$0.00"
    edited = draft.text.replace("Please pay it", "Please kindly pay it")
    path = save_letter(
        desk, patient.id, t.id,
        {"text": edited, "addressee": "", "via": "mail"}, str(tmp_path / "bal"),
    )  # fmt: skip
    assert path.endswith("bal.pdf")
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Please kindly pay it" in pdf_text and amount in pdf_text
    txt = (tmp_path / "bal.txt").read_text()
    assert "Please kindly pay it" in txt
    assert stat.S_IMODE((tmp_path / "bal.pdf").stat().st_mode) == 0o600
    letter = Letter.get(Letter.patient == patient.id)
    assert letter.written_by_id == desk.id and letter.via == "mail"
    assert letter.template_name == "Balance due" and "kindly" in letter.body
    [row] = patient_letters(desk, patient.id)
    assert row.via == "Mail" and row.file_name == path
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.patient_id == patient.id)]
    assert "letter.draft" in actions and "letter.write" in actions and "letter.pdf" in actions


def test_bad_letter_input_writes_nothing(desk, tmp_path):
    patient = _patient_with_balance()
    t = _balance_template(desk)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValidationError) as err:
        save_letter(desk, patient.id, t.id, {"text": "  ", "via": "pigeon"}, str(out / "x"))
    assert set(err.value.errors) == {"text", "via"}
    with pytest.raises(ValidationError) as err:
        save_letter(desk, patient.id, t.id, {"text": "Hi\x07there"}, str(out / "x"))
    assert "control character" in err.value.errors["text"]
    assert list(out.iterdir()) == [] and Letter.select().count() == 0


def test_an_unknown_merge_field_is_named_when_the_template_is_saved(desk):
    manager = find_staff("manager")
    t = _balance_template(manager)
    with pytest.raises(ValidationError) as err:
        save_template(manager, t.id, t.version, t.name, t.body + "{{ patient.shoe_size }}\n")
    assert "shoe_size" in err.value.errors["body"]
    with pytest.raises(ValidationError) as err:
        save_template(manager, None, None, "New", "Dear {{ pateint.name }}")
    assert "pateint" in err.value.errors["body"]
    with pytest.raises(ValidationError) as err:
        save_template(manager, None, None, "New", "Dear {{ patient.name ")
    assert "Line 1" in err.value.errors["body"]
    assert LetterTemplate.get_by_id(t.id).body == t.body
    saved = save_template(manager, t.id, t.version, t.name, t.body + "P.S. {{ clinic.phone }}")
    assert saved.version == t.version + 1


def test_the_sandbox_refuses_reaching_outside_and_the_output_is_limited(desk):
    manager = find_staff("manager")
    for body in (
        "{{ patient.name.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{% set x = patient.update({'name': 'x'}) %}",
    ):
        with pytest.raises(ValidationError):
            save_template(manager, None, None, "Bad", body)
    with pytest.raises(ValidationError) as err:
        save_template(manager, None, None, "Big", "{% for i in range(100000) %}xxxxx{% endfor %}")
    assert str(OUTPUT_MAX) in err.value.errors["body"]
    with pytest.raises(TypeError):
        render("{{ p }}", {"p": Patient.select().first()})  # never a model object


def test_only_a_manager_edits_templates(desk):
    t = _balance_template(desk)
    with pytest.raises(PermissionDenied):
        save_template(desk, t.id, t.version, t.name, t.body)


def test_a_restricted_patient_needs_a_reason_for_a_letter(desk):
    patient = _patient_with_balance()
    Patient.update(restricted=True).where(Patient.id == patient.id).execute()
    with pytest.raises(ReasonRequired):
        draft_letter(desk, patient.id, _balance_template(desk).id)


@pytest.mark.parametrize(
    "body",
    ["{{ 'x' * 10**9 }}", "{{ 9**9**9 }}", "{{ [1] * 100000000 }}", "{{ range(10**9)|list }}"],
)
def test_a_template_that_would_take_the_memory_or_the_processor_is_refused(body):
    with pytest.raises(ValidationError) as err:
        render(body, {"patient": {"name": "A"}})
    assert err.value.errors["body"]


def test_a_text_file_already_beside_is_not_replaced_without_asking(desk, tmp_path):
    patient = _patient_with_balance()
    t = _balance_template(desk)
    (tmp_path / "bal.txt").write_text("keep me")
    values = {"text": "Dear patient,", "via": "fax", "addressee": "Dr. Who, fax 555-1212"}
    with pytest.raises(FileExists):
        save_letter(desk, patient.id, t.id, values, str(tmp_path / "bal.pdf"))
    assert not (tmp_path / "bal.pdf").exists() and Letter.select().count() == 0
    save_letter(desk, patient.id, t.id, values, str(tmp_path / "bal.pdf"), overwrite=True)
    assert (tmp_path / "bal.txt").read_text().startswith("To: Dr. Who, fax 555-1212")
    assert Letter.get().addressee == "Dr. Who, fax 555-1212"
