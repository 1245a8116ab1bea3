"""The chart for the desk by keyboard alone at 80x24 (issue 12 items 8, 10, Done when):
from a chart, a opens the record; a receptionist files a scanned document and opens it
back (its text in the app, a copy saved through the export dialog); a nurse records
vitals (an unusual one asked about first), an allergy and a signed note, then amends it;
the chart's summary shows the allergies first; a role without the record sees none."""

from __future__ import annotations

import stat

import pytest

from moa_tui.cli import make_app
from moa_tui.db.models import ClinicSettings, PatientDocument, VisitNote, VitalSigns
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.records.documents import DocumentScreen
from moa_tui.screens.records.notes import NoteEditScreen, NoteScreen
from moa_tui.screens.records.records import RecordsScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import ConfirmDialog
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .conftest import FROZEN_NOW
from .test_names_and_columns import _screen_lines
from .test_records_services import blank_patient
from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)
CHART = ["f4", *"app", "enter"]  # the patients area, "app", the first match: a chart


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


async def _keys(pilot, *keys) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_the_desk_files_a_scanned_document_and_opens_it_back(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    scan = tmp_path / "scan.txt"
    scan.write_bytes(b"Referral from Dr Ng\nKnee pain, please see.\n")
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _keys(pilot, *CHART)
        chart = app.screen
        assert isinstance(chart, PatientChartScreen)
        filed = PatientDocument.select().where(PatientDocument.patient == chart.patient_id)
        before = filed.count()
        assert f"Documents {before}" in static_text(app, "#chart-body")
        await _keys(pilot, "a")
        assert isinstance(app.screen, RecordsScreen)
        await _keys(pilot, "f")
        assert isinstance(app.screen, FormDialog)
        # A name alone is looked for in the export folder; the type list: Enter keeps
        # "Other", down moves on it; the date "t" is filled in; then the description.
        await _keys(pilot, *"scan.txt", "enter", "down", "down", "enter", "enter")
        await _keys(pilot, *"Referral from Dr Ng", "enter")
        assert isinstance(app.screen, RecordsScreen), static_text(app, "#dialog-message")
        assert "Document filed." in static_text(app, "#message")
        doc = PatientDocument.select().order_by(PatientDocument.id.desc()).first()
        assert doc.patient_id == chart.patient_id and doc.file_name == "scan.txt"
        move_to_row(app, lambda cells: cells[0] == "Document")
        await _keys(pilot, "enter")
        assert isinstance(app.screen, DocumentScreen)
        body = static_text(app, "#document-body")
        assert "Knee pain, please see." in body and doc.sha256 in body
        await _keys(pilot, "s")
        assert isinstance(app.screen, ExportDialog)
        # scan.txt is there already (the scan itself): the dialog asks; n keeps it.
        await _keys(pilot, "enter")
        await _keys(pilot, "n")
        await _keys(pilot, "ctrl+u", *"copy.txt", "enter")
        assert isinstance(app.screen, DocumentScreen)
        assert "checksum verified" in static_text(app, "#message")
        await _keys(pilot, "escape", "escape")
        assert app.screen is chart
        # fetched again on return
        assert f"Documents {before + 1}" in static_text(app, "#chart-body")
    copy = tmp_path / "copy.txt"
    assert copy.read_bytes() == scan.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


async def test_a_file_that_is_not_there_is_named_beside_the_field(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    before = PatientDocument.select().count()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _keys(pilot, *CHART, "a", "f", *"nothing.pdf", "enter", "enter", "enter", "enter")
        assert isinstance(app.screen, FormDialog)
        assert "There is no file" in static_text(app, "#error-path")
    assert PatientDocument.select().count() == before


async def test_a_nurse_records_vitals_an_allergy_and_a_signed_note_then_amends_it(demo_db):
    before = VitalSigns.select().count()
    app = make_app(demo_db, actor=find_staff("nurse"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _keys(pilot, *CHART, "a", "v")
        await _keys(pilot, *"120/80", "enter", *"165", "enter", *"98.6", "enter")
        await _keys(pilot, *"150", "enter", *"65", "enter")
        assert isinstance(app.screen, ConfirmDialog)  # pulse 165: asked, not taken silently
        assert VitalSigns.select().count() == before
        await _keys(pilot, "y")
        assert isinstance(app.screen, RecordsScreen)
        vitals = VitalSigns.select().order_by(VitalSigns.id.desc()).get()
        assert (vitals.pulse, vitals.out_of_range) == (165, "pulse")
        await _keys(pilot, "a", *"Penicillin", "enter", *"hives", "enter", "enter", "enter")
        assert "Penicillin: hives (unknown)" in static_text(app, "#records-allergies")
        await _keys(pilot, "n")
        assert isinstance(app.screen, NoteEditScreen)
        await _keys(pilot, *"Seen for BP", "ctrl+g")
        assert isinstance(app.screen, RecordsScreen)
        kinds = [r[0] for r in table_rows(app)]  # allergies first, then what is active...
        assert kinds[0] == "Allergy" and kinds.index("Vitals") < kinds.index("Note")
        move_to_row(app, lambda cells: cells[0] == "Note")
        await _keys(pilot, "enter")
        assert isinstance(app.screen, NoteScreen)
        await _keys(pilot, "e")  # signed: never edited
        assert "amends it" in static_text(app, "#message")
        await _keys(pilot, "a", *"Also flu shot", "ctrl+s")
        assert isinstance(app.screen, NoteScreen)
        body = static_text(app, "#note-body")
        assert "Seen for BP" in body and "Amendment signed by" in body and "Also flu shot" in body
        assert all(len(line) <= 80 for line in _screen_lines(app))
    note = VisitNote.get(VisitNote.amends.is_null() & (VisitNote.body == "Seen for BP\n"))
    assert note.body == "Seen for BP\n" and note.signed_by_id == find_staff("nurse").id


async def test_the_chart_shows_allergies_first_and_billing_sees_no_record(demo_db):
    from moa_tui.services.records.clinical import add_allergy

    patient = blank_patient()
    add_allergy(find_staff("nurse"), patient.id, {"substance": "Latex", "severity": "severe"})
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(patient.id))
        await settle(pilot)
        lines = static_text(app, "#chart-body").splitlines()
        assert lines[2] == "Allergies: Latex (severe)"
        assert lines[3].startswith("Medications 0") and lines[4].startswith("Problems 0")
        await _keys(pilot, "a", "v")  # the desk reads the record; vitals are not its job
        assert isinstance(app.screen, RecordsScreen)
        assert "cannot record allergies" in static_text(app, "#message")
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(patient.id))
        await settle(pilot)
        assert "Allergies" not in static_text(app, "#chart-body")
        await _keys(pilot, "a")
        assert isinstance(app.screen, PatientChartScreen)


async def test_a_chart_opens_with_its_summary_in_one_trip_and_a_refused_summary_leaves_it(
    demo_db, monkeypatch
):
    """The chart and its clinical summary come back together (one worker trip, one paint);
    when the summary is refused the chart is still shown, with the refusal said."""
    from moa_tui.screens.patients import chart as chart_screen
    from moa_tui.services.errors import ServiceError

    trips = []
    real = chart_screen._chart_and_record
    monkeypatch.setattr(chart_screen, "_chart_and_record", lambda *a: trips.append(a) or real(*a))
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _keys(pilot, *CHART)
        assert isinstance(app.screen, PatientChartScreen) and len(trips) == 1
        assert "Allergies" in static_text(app, "#chart-body")

    def refused(actor, patient_id):
        raise ServiceError("The clinical record is not available just now.")

    monkeypatch.setattr(chart_screen, "clinical_record", refused)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _keys(pilot, *CHART)
        assert isinstance(app.screen, PatientChartScreen)
        assert "MRN" in static_text(app, "#chart-body")
        assert "not available just now" in static_text(app, "#message")
