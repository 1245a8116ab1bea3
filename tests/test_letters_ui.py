"""Letters by keyboard alone at 80x24 (issue 12 item 3): from a chart, L, pick the
balance-due template, edit the merged text, Ctrl+S writes the PDF (read back with pypdf);
the manager's template editor names an unknown merge field and saves nothing."""

from __future__ import annotations

import pytest
from peewee import fn
from pypdf import PdfReader
from textual.widgets import TextArea

from moa_tui.cli import make_app
from moa_tui.db.models import (
    AccountEntry,
    ClinicSettings,
    Letter,
    LetterTemplate,
    MailItem,
    Patient,
)
from moa_tui.screens.comms.letters import LetterScreen, TemplatesScreen
from moa_tui.screens.comms.mail import PatientMailScreen
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.services.comms.mail import log_mail
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import InfoDialog, PickDialog
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .conftest import FROZEN_NOW
from .ui_helpers import move_to_row, settle, table_rows

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def _owing_patient() -> Patient:
    owing = (
        AccountEntry.select(AccountEntry.patient)
        .join(Patient)
        .where(~Patient.restricted)
        .group_by(AccountEntry.patient)
        .having(fn.SUM(AccountEntry.cents) > 0)
        .order_by(AccountEntry.patient)
        .first()
    )
    return Patient.get_by_id(owing.patient_id)


async def test_a_balance_due_letter_from_the_chart_to_pdf(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    patient = _owing_patient()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(patient.id))
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        move_to_row(app, lambda row: row[0] == "Balance due")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LetterScreen)
        area = app.screen.query_one("#letter-text", TextArea)
        assert "Our records show a balance of $" in area.text
        assert patient.last_name in area.text
        await pilot.press("ctrl+home", *"Second notice. ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LetterScreen)
        [pdf] = tmp_path.glob("letter-*-balance-due.pdf")
        text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert "Second notice." in text and "Our records show a balance of $" in text
        assert pdf.with_suffix(".txt").read_text().startswith("Second notice.")
        letter = Letter.get(Letter.patient == patient.id)
        assert letter.template_name == "Balance due" and letter.via == "mail"
        assert letter.written_by_id == find_staff("desk").id
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        sent = str(app.screen.query_one("#info-body").render())
        assert "Balance due by mail" in sent and find_staff("desk").full_name in sent
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LetterScreen)
        regions = {w.id: w.region for w in app.screen.query("#letter-text, #letter-via")}
        assert all(r.width > 0 and r.height > 0 for r in regions.values()), regions
        assert regions["letter-text"].bottom <= 24 and regions["letter-text"].height >= 8
        await pilot.press("escape")  # from the letter's text, back to the chart
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)


async def test_the_desk_cannot_open_the_template_editor(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(_owing_patient().id))
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LetterScreen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert not isinstance(app.screen, TemplatesScreen)
        assert "Templates:" in str(app.screen.query_one("#message").render())
        assert LetterTemplate.select().count() == 5


async def test_the_manager_is_told_the_unknown_merge_field(demo_db):
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(TemplatesScreen())
        await settle(pilot)
        move_to_row(app, lambda row: row[0] == "Balance due")
        await pilot.press("enter")
        await settle(pilot)
        before = LetterTemplate.get(LetterTemplate.name == "Balance due")
        await pilot.press("ctrl+end", *"{{ patient.shoe_size }}", "ctrl+s")
        await settle(pilot)
        line = str(app.screen.query_one("#message").render())
        assert "shoe_size" in line
        assert LetterTemplate.get_by_id(before.id).version == before.version
        await pilot.press(*["backspace"] * len("{{ patient.shoe_size }}"), "ctrl+s")
        await settle(pilot)
        assert LetterTemplate.get_by_id(before.id).version == before.version + 1


async def test_incoming_mail_logged_against_a_patient_from_the_chart(demo_db):
    patient = _owing_patient()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(patient.id))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PatientMailScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        # In/out and the date keep their defaults; the kind stays correspondence.
        await pilot.press("enter", "enter", "enter", *"County clerk", "enter")
        await pilot.press(*"filed", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientMailScreen)
        [item] = MailItem.select().where(MailItem.patient == patient.id)
        assert (item.direction, item.kind, item.party, item.outcome) == (
            "in", "correspondence", "County clerk", "filed",
        )  # fmt: skip
        assert table_rows(app, "#mail-table")[0][3] == "County clerk"


async def test_returned_mail_shows_the_address_bad_until_f(demo_db):
    patient = _owing_patient()
    desk = find_staff("desk")
    log_mail(desk, {"kind": "returned", "party": "USPS", "outcome": "moved"}, patient_id=patient.id)
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientMailScreen(patient.id, "X"))
        await settle(pilot)
        assert table_rows(app, "#mail-table")[0][4] == "ADDRESS BAD · moved"
        assert "marked bad" in str(app.screen.query_one("#message").render())
        await pilot.press("f")
        await settle(pilot)
        assert table_rows(app, "#mail-table")[0][4] == "moved"
        assert MailItem.get().address_fixed_by_id == desk.id
