"""A release's documents picked and exported by keyboard alone at 80x24 (issue 12 item 9):
from the chart's disclosure log, n ticks which filed documents went, the release is
logged, Enter reads what was sent, e exports the cover letter and the files as one .zip."""

from __future__ import annotations

import io
import zipfile

from moa_tui.cli import make_app
from moa_tui.db.models import AuditEvent, ClinicSettings, Disclosure, Patient
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.records.disclosures import DisclosuresScreen
from moa_tui.services.records.documents import store_document
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import ChecklistDialog, InfoDialog
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog
from moa_tui.widgets.keybar import KeyBar

from .ui_helpers import settle, static_text, table_rows

SIZE = (80, 24)


async def test_tick_the_documents_sent_then_export_the_release(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    desk = find_staff("desk")
    patient = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    for name, what in (("labs.pdf", "Lipid panel"), ("xray.pdf", "Knee X-ray report")):
        store_document(desk, patient.id, {"kind": "lab", "date": "t", "description": what},
                       name, f"%PDF-1.4 {what}\n".encode())  # fmt: skip
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(patient.id))
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, DisclosuresScreen)
        line = str(app.screen.query_one(KeyBar).render())
        for said in ("Log a release", "Export release", "Accounting letter", "CSV"):
            assert said in line, line  # the key line fits 80 columns uncut
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistDialog)
        rows = table_rows(app, "#pick-table")
        x_ray = next(i for i, r in enumerate(rows) if "Knee X-ray report" in r[2])
        for _ in range(x_ray):
            await pilot.press("down")
        await pilot.press("space")
        await settle(pilot)
        assert table_rows(app, "#pick-table")[x_ray][0] == "[x]"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "Knee X-ray report" in app.screen.query_one("#description").value
        await pilot.press(*"Ann Lawyer", "enter", *"Lawyer & Co", "enter", "enter", "enter")
        await pilot.press(*["down"] * 5, "enter")  # Why: at the patient's request
        await pilot.press("enter", "enter", *"Signed request", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DisclosuresScreen), static_text(app, "#message")
        assert "with 1 item (e exports them)" in static_text(app, "#message")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        assert "Released (e exports them):" in static_text(app, "#info-body")
        assert "Knee X-ray report" in static_text(app, "#info-body")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DisclosuresScreen)
        assert "the cover letter and 1 item." in static_text(app, "#message")
    d = Disclosure.get()
    assert (d.recipient_name, d.purpose, d.auth_ref) == ("Ann Lawyer", "patient_request",
                                                         "Signed request")  # fmt: skip
    [archive] = tmp_path.glob("release-*.zip")
    files = zipfile.ZipFile(io.BytesIO(archive.read_bytes()))
    assert files.namelist() == ["00-cover-letter.pdf", "00-cover-letter.txt", "01-xray.pdf"]
    assert files.read("01-xray.pdf") == b"%PDF-1.4 Knee X-ray report\n"
    released = AuditEvent.select().where(AuditEvent.action == "disclosure.release")
    assert [e.entity for e in released] == ["patient_document"]
