"""Reminder batches from the confirmation calls list, by keys at 80x24: t saves the
texting service's CSV, L the letters or postcards as one PDF."""

from __future__ import annotations

import csv

from pypdf import PdfReader

from moa_tui.cli import make_app
from moa_tui.db.models import ClinicSettings, Letter
from moa_tui.screens.scheduling.calls import CallsScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .ui_helpers import settle, static_text

SIZE = (80, 24)


async def test_the_calls_list_saves_tomorrows_reminder_texts_and_postcards(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    before = Letter.select().count()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, CallsScreen)
        assert "t/L reminders" in static_text(app, "#calls-summary")
        day = app.screen.day
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallsScreen)
        assert "reminder texts for" in static_text(app, "#message")
        texts = tmp_path / f"reminder-texts-{day:%Y-%m-%d}.csv"
        with open(texts, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows and all(r["phone"] for r in rows)

        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # the Appointment reminder template
        await pilot.press("down")  # postcards
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallsScreen)
        assert "reminder postcards for" in static_text(app, "#message")
    cards = tmp_path / f"reminder-postcards-{day:%Y-%m-%d}.pdf"
    pages = PdfReader(str(cards)).pages
    assert len(pages) == Letter.select().count() - before > 0
    assert round(float(pages[0].mediabox.width)) == 432


def _run(monkeypatch, demo_db, *args) -> int:
    import io
    import sys

    from moa_tui.cli import main
    from moa_tui.db.database import db
    from moa_tui.services.demo import DEMO_PASSWORD

    monkeypatch.setattr(sys, "stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    code = main(["--db", str(demo_db), "reminders", *args, "--user", "desk", "--password-stdin"])
    if db.is_closed():
        db.connect()
    return code


def test_the_reminders_command_writes_texts_and_letters_and_says_an_empty_day(
    demo_db, tmp_path, monkeypatch, capsys
):
    from moa_tui.db.database import db

    before = Letter.select().count()
    db.close()
    texts = tmp_path / "t.csv"
    assert _run(monkeypatch, demo_db, "texts", str(texts)) == 0
    assert "reminder texts for" in capsys.readouterr().out
    with open(texts, encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) > 3
    assert _run(monkeypatch, demo_db, "texts", str(texts)) != 0  # there already
    assert "--replace" in capsys.readouterr().err
    letters = tmp_path / "l.pdf"
    assert _run(monkeypatch, demo_db, "letters", str(letters), "--day", "t+1") == 0
    assert len(PdfReader(str(letters)).pages) == Letter.select().count() - before > 0
    assert _run(monkeypatch, demo_db, "postcards", str(tmp_path / "p"), "--day", "t+40") == 0
    assert "Nobody is booked" in capsys.readouterr().out
    assert _run(monkeypatch, demo_db, "letters", "x.pdf", "--template", "Nope") != 0
    assert "no letter template named Nope" in capsys.readouterr().err


async def test_the_chart_records_the_consent_to_a_full_name_in_texts(demo_db):
    from moa_tui.db.models import Patient
    from moa_tui.widgets.dialogs import PickDialog

    patient = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_patient(patient.id)
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert "will say the full name" in static_text(app, "#message")
    assert Patient.get_by_id(patient.id).reminder_full_name is True
