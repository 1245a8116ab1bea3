"""Appointment reminders (issue 12 item 5): the day's visits as a texting service's CSV
(initials unless the patient agreed to more) and as letters or postcards from a template,
one PDF with a page each, read back with independent readers (csv, pypdf). A day with
nobody booked is no error (OpenEMR #12307). Services on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from moa_tui.db.models import Appointment, AuditEvent, Letter, Patient
from moa_tui.services import clock
from moa_tui.services.comms.reminders import (
    initials,
    reminder_consent,
    reminder_list,
    save_reminder_letters,
    save_reminder_texts,
    set_reminder_consent,
)
from moa_tui.services.errors import ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff


def _booked(days: int = 1) -> list[Appointment]:
    start = dt.datetime.combine(clock.today() + dt.timedelta(days=days), dt.time.min)
    return list(
        Appointment.select()
        .where((Appointment.starts_at >= start)
               & (Appointment.starts_at < start + dt.timedelta(days=1))
               & (Appointment.status == "booked"))
        .order_by(Appointment.starts_at)
    )  # fmt: skip


def _rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(io.StringIO(f.read())))


def test_initials_are_the_first_letters():
    assert initials("jane", "Smith") == "J. S." and initials("", "Lee") == "L."


def test_tomorrows_texts_carry_initials_unless_the_patient_agreed(desk, tmp_path):
    booked = _booked()
    assert len(booked) > 3
    agreed = Patient.get_by_id(booked[0].patient_id)
    Patient.update(reminder_full_name=True).where(Patient.id == agreed.id).execute()
    no_mobile = Patient.get_by_id(booked[1].patient_id)
    Patient.update(phone_mobile="").where(Patient.id == no_mobile.id).execute()
    batch = save_reminder_texts(desk, 1, str(tmp_path / "texts"))
    assert batch.path.endswith("texts.csv") and batch.left_out >= 1
    assert "without a mobile phone left out" in batch.message
    rows = _rows(batch.path)
    assert list(rows[0]) == ["name", "phone", "date", "time", "message"]
    assert len(rows) == batch.count == len(booked) - batch.left_out
    full = f"{agreed.first_name} {agreed.last_name}"
    assert [r for r in rows if r["name"] == full], rows[:2]
    for r in rows:
        if r["name"] != full:
            assert len(r["name"]) <= 5 and r["name"].endswith(".")  # "J. S."
            assert agreed.last_name not in r["message"]
        assert r["date"] == (clock.today() + dt.timedelta(days=1)).strftime("%m/%d/%Y")
        assert r["phone"].count("-") == 2 and "Demo Family Practice" in r["message"]
    first = next(r for r in rows if r["name"] == full)
    assert first["time"] == f"{booked[0].starts_at:%H:%M}"
    assert f"Reminder for {full}:" in first["message"]
    event = AuditEvent.select().where(AuditEvent.action == "reminders.texts").get()
    assert "reminder texts for" in event.detail


def test_reminders_crash_when_nothing_is_due_no_more(desk, tmp_path):
    far = 30  # the demo's schedule reaches a few days either side of today
    letters_before = Letter.select().count()
    assert reminder_list(desk, far) == []
    batch = save_reminder_texts(desk, far, str(tmp_path / "nobody.csv"))
    assert batch.count == 0 and "Nobody is booked" in batch.message
    with open(batch.path, encoding="utf-8", newline="") as f:
        assert f.read() == "name,phone,date,time,message\r\n"
    letters = save_reminder_letters(desk, far, str(tmp_path / "nobody.pdf"))
    assert letters.count == 0 and letters.path == "" and "no reminders to print" in letters.message
    assert Letter.select().count() == letters_before


def test_a_letter_batch_is_one_pdf_a_page_each_kept_in_each_record(desk, tmp_path):
    booked = _booked()
    hidden = booked[2].patient_id
    Patient.update(restricted=True).where(Patient.id == hidden).execute()
    before = Letter.select().count()
    batch = save_reminder_letters(desk, 1, str(tmp_path / "letters"))
    patients = [a.patient_id for a in booked if a.patient_id != hidden]
    assert batch.count == len(patients) and batch.left_out == 1
    assert "1 restricted record left out" in batch.message
    pages = PdfReader(batch.path).pages
    assert len(pages) == len(patients)
    first = Appointment.get_by_id(booked[0].id)
    text = pages[0].extract_text()
    assert first.patient.last_name in text and f"{first.starts_at:%m/%d/%Y}" in text
    assert "reminder" in text.lower()
    kept = Letter.select().order_by(Letter.id).offset(before)
    assert [x.patient_id for x in kept] == patients
    assert {x.template_name for x in kept} == {"Appointment reminder"}
    assert all(x.file_name == batch.path and x.via == "mail" for x in kept)


def test_postcards_are_six_by_four_inches(desk, tmp_path):
    batch = save_reminder_letters(desk, 1, str(tmp_path / "cards.pdf"), paper="postcard")
    page = PdfReader(batch.path).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (432, 288)
    assert "reminder postcards" in batch.message


def test_bad_batches_are_refused(desk, tmp_path):
    with pytest.raises(ValidationError) as err:
        save_reminder_letters(desk, 1, str(tmp_path / "x.pdf"), paper="banner")
    assert "paper" in err.value.errors
    with pytest.raises(ValidationError) as err:
        save_reminder_texts(desk, -1, str(tmp_path / "x.csv"))
    assert "days_ahead" in err.value.errors
    with pytest.raises(ValidationError):
        save_reminder_letters(find_staff("billing"), 10**30, "x.pdf")


def test_the_consent_to_a_full_name_is_recorded_and_used(desk):
    first = _booked()[0]
    p = Patient.get_by_id(first.patient_id)
    assert reminder_consent(desk, p.id) is False
    assert reminder_list(desk, 1)[0].name == initials(p.first_name, p.last_name)
    assert set_reminder_consent(desk, p.id, True) is True
    assert reminder_consent(desk, p.id) is True
    assert reminder_list(desk, 1)[0].name == f"{p.first_name} {p.last_name}"
    event = AuditEvent.select().where(AuditEvent.action == "patient.reminder_consent").get()
    assert event.patient_id == p.id and event.detail == "full name"
    with pytest.raises(PermissionDenied):
        set_reminder_consent(find_staff("billing"), p.id, False)
    with pytest.raises(ValidationError):
        set_reminder_consent(desk, p.id, "yes")
