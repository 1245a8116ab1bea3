"""Day sheets (text, PDF), the iCalendar export and the export commands."""

from __future__ import annotations

import datetime as dt
import io
import stat
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from moa_tui.cli import main
from moa_tui.db.models import Appointment, AuditEvent, Patient, Provider
from moa_tui.services import clock
from moa_tui.services.errors import ValidationError
from moa_tui.services.scheduling.day_sheet import day_sheet, day_sheet_pdf, day_sheet_text
from moa_tui.services.scheduling.ical import export_icalendar
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff
from moa_tui.text import latin1, printable

from .conftest import DEMO_PASSWORD

HOSTILE_LAST = "\x1b[2J\x1b]0;pwned\x07Ève\u202eŁódź"
HOSTILE_FIRST = "Zoë\x00\r\nDTSTART:19700101T000000Z"


def _busiest_provider(day: dt.date) -> Provider:
    start = dt.datetime.combine(day, dt.time.min)
    counts = {}
    for a in Appointment.select().where(
        (Appointment.starts_at >= start) & (Appointment.starts_at < start + dt.timedelta(days=1))
    ):
        counts[a.provider_id] = counts.get(a.provider_id, 0) + 1
    return Provider.get_by_id(max(counts, key=counts.get))


def _appointments(provider: Provider, first: dt.date, last: dt.date):
    return list(
        Appointment.select()
        .where(
            (Appointment.provider == provider)
            & (Appointment.starts_at >= dt.datetime.combine(first, dt.time.min))
            & (Appointment.starts_at < dt.datetime.combine(last, dt.time.min) + dt.timedelta(1))
        )
        .order_by(Appointment.starts_at)
    )


def _make_hostile(provider: Provider, day: dt.date) -> Appointment:
    appt = _appointments(provider, day, day)[0]
    Patient.update(last_name=HOSTILE_LAST, first_name=HOSTILE_FIRST).where(
        Patient.id == appt.patient_id
    ).execute()
    return appt


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_text_sheet_lists_the_providers_day_in_time_order(desk):
    today = clock.today()
    provider = _busiest_provider(today)
    text = day_sheet_text(desk, today, provider.id)
    lines = text.splitlines()
    assert lines[0] == "Demo Family Practice"
    assert provider.full_name in lines[1]
    assert f"{today:%m/%d/%Y}" in lines[2]
    expected = _appointments(provider, today, today)
    times = [line[:5] for line in lines if line[:2].isdigit() and line[2] == ":"]
    assert times == [f"{a.starts_at:%H:%M}" for a in expected]
    assert times == sorted(times)
    first = expected[0]
    patient = Patient.get_by_id(first.patient_id)
    body = "\n".join(lines)
    assert f"{patient.last_name}, {patient.first_name}" in body
    assert f"{patient.dob:%m/%d/%Y}" in body
    # Only that provider's patients: another provider's first appointment is not on it.
    other = Appointment.select().where(
        (Appointment.provider != provider) & (Appointment.starts_at.year == today.year)
    )
    assert all(f"appt {a.id}" not in body for a in other.limit(3))
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert event.action == "export.day_sheet" and event.entity_id == provider.id


def test_sheet_and_exports_need_schedule_permission(desk):
    kiosk = find_staff("kiosk")
    with pytest.raises(PermissionDenied):
        day_sheet_text(kiosk, clock.today(), 1)
    with pytest.raises(PermissionDenied):
        day_sheet(kiosk, clock.today(), 1)


def test_pdf_day_sheet(desk, tmp_path):
    today = clock.today()
    provider = _busiest_provider(today)
    path = day_sheet_pdf(desk, today, provider.id, tmp_path / "sheet.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert _mode(path) == 0o600
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Demo Family Practice" in text
    assert f"{today:%m/%d/%Y}" in text
    patient = Patient.get_by_id(_appointments(provider, today, today)[0].patient_id)
    assert patient.last_name in text
    assert not list(tmp_path.glob("*.part"))


def test_a_long_day_breaks_across_pages_with_the_header_on_each(desk, tmp_path):
    day = clock.today() + dt.timedelta(days=2)
    provider = Provider.select().first()
    patient = Patient.select().first()
    rows = [
        {
            "patient": patient.id,
            "provider": provider.id,
            "appt_type": 1,
            "starts_at": dt.datetime.combine(day, dt.time(6)) + dt.timedelta(minutes=5 * i),
            "minutes": 5,
            "status": "booked",
        }
        for i in range(120)
    ]
    Appointment.insert_many(rows).execute()
    path = day_sheet_pdf(desk, day, provider.id, tmp_path / "long.pdf")
    pages = PdfReader(path).pages
    assert len(pages) >= 3
    for page in pages:
        text = page.extract_text()
        assert "Demo Family Practice" in text and f"{day:%m/%d/%Y}" in text
        assert "Patient" in text  # the table's heading again


def test_icalendar_parses_back_with_the_right_times(desk, tmp_path):
    first = clock.today()
    last = first + dt.timedelta(days=2)
    provider = _busiest_provider(first)
    path = tmp_path / "dr.ics"
    count = export_icalendar(desk, provider.id, first, last, path)
    assert _mode(path) == 0o600
    cal = Calendar.from_ical(path.read_bytes())
    events = list(cal.walk("VEVENT"))
    stored = [a for a in _appointments(provider, first, last) if a.status not in ("rescheduled",)]
    assert count == len(events) == len(stored) > 10
    zone = ZoneInfo("America/New_York")
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events)
    for a in stored:
        event = by_uid[f"appt-{a.id}@moa-tui"]
        start = event.decoded("DTSTART")
        assert start == a.starts_at.replace(tzinfo=zone)
        assert start.utcoffset() == dt.timedelta(hours=-5)  # EST in November
        assert str(start.tzinfo) == "America/New_York"
        assert event.decoded("DTEND") - start == dt.timedelta(minutes=a.minutes)
        assert str(event["STATUS"]) == ("CANCELLED" if a.status == "cancelled" else "CONFIRMED")
        patient = Patient.get_by_id(a.patient_id)
        summary = str(event["SUMMARY"])
        assert summary.endswith(f"{patient.first_name[0]}.{patient.last_name[0]}.")
        assert patient.last_name not in summary + str(event["DESCRIPTION"])
        assert provider.full_name in str(event["DESCRIPTION"])
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert event.action == "export.icalendar" and "initials only" in event.detail


def test_icalendar_uids_are_stable_and_names_only_on_request(desk, tmp_path):
    day = clock.today()
    provider = _busiest_provider(day)
    export_icalendar(desk, provider.id, day, day, tmp_path / "a.ics")
    export_icalendar(desk, provider.id, day, day, tmp_path / "b.ics", include_names=True)
    a = Calendar.from_ical((tmp_path / "a.ics").read_bytes())
    b = Calendar.from_ical((tmp_path / "b.ics").read_bytes())
    assert [str(e["UID"]) for e in a.walk("VEVENT")] == [str(e["UID"]) for e in b.walk("VEVENT")]
    appt = _appointments(provider, day, day)[0]
    patient = Patient.get_by_id(appt.patient_id)
    named = {str(e["UID"]): str(e["SUMMARY"]) for e in b.walk("VEVENT")}
    assert f"{patient.last_name}, {patient.first_name}" in named[f"appt-{appt.id}@moa-tui"]


def test_icalendar_refuses_a_backwards_or_huge_range(desk, tmp_path):
    day = clock.today()
    with pytest.raises(ValidationError):
        export_icalendar(desk, 1, day, day - dt.timedelta(days=1), tmp_path / "x.ics")
    with pytest.raises(ValidationError):
        export_icalendar(desk, 1, day, day + dt.timedelta(days=400), tmp_path / "x.ics")
    assert not (tmp_path / "x.ics").exists()


def test_an_existing_file_is_replaced_readable_by_owner_only(desk, tmp_path):
    path = tmp_path / "shared.ics"
    path.write_text("old")
    path.chmod(0o644)
    export_icalendar(desk, 1, clock.today(), clock.today(), path, overwrite=True)
    assert _mode(path) == 0o600
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_hostile_names_break_none_of_the_three(desk, tmp_path):
    day = clock.today()
    provider = _busiest_provider(day)
    appt = _make_hostile(provider, day)

    text = day_sheet_text(desk, day, provider.id)
    assert not any(ch in text for ch in "\x1b\x07\x00\r\u202e")
    assert "Ève" in text and "Zoë" in text
    assert text.count("\n") == len(text.splitlines())  # no line came from a name

    pdf = day_sheet_pdf(desk, day, provider.id, tmp_path / "hostile.pdf")
    extracted = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Ève" in extracted and "Lódz" in extracted and "\x1b" not in extracted

    ics = tmp_path / "hostile.ics"
    export_icalendar(desk, provider.id, day, day, ics, include_names=True)
    raw = ics.read_bytes()
    assert b"\x1b" not in raw and b"\x00" not in raw
    events = {str(e["UID"]): e for e in Calendar.from_ical(raw).walk("VEVENT")}
    event = events[f"appt-{appt.id}@moa-tui"]
    # The name's "DTSTART:1970..." stayed text inside SUMMARY; the real start is intact.
    assert event.decoded("DTSTART").date() == day
    assert "DTSTART" in str(event["SUMMARY"])
    assert "\n" not in str(event["SUMMARY"])


def test_sanitizers():
    assert printable("a\x1b[31mb\u202ec\n") == "a\ufffd[31mb\ufffdc\ufffd"
    assert latin1("Łódź Ørsted Œuvre “quoted” \x1b") == 'Lódz Ørsted OEuvre "quoted" ?'
    assert latin1("北京") == "??"


# --- the commands --------------------------------------------------------------------------


def _run(monkeypatch, capsys, demo_db, *argv: str, password: str = DEMO_PASSWORD):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code = main(["--db", str(demo_db), *argv, "--password-stdin"])
    return code, capsys.readouterr()


def test_day_sheet_command_text_and_pdf(demo_db, tmp_path, monkeypatch, capsys):
    provider = _busiest_provider(clock.today())
    code, out = _run(
        monkeypatch, capsys, demo_db, "day-sheet", "--provider", provider.short_name[3:],
        "--date", "t", "--user", "desk",
    )  # fmt: skip
    assert code == 0, out.err
    assert out.out.startswith("Demo Family Practice\n")
    assert provider.full_name in out.out

    pdf = tmp_path / "out.pdf"
    code, out = _run(
        monkeypatch, capsys, demo_db, "--user", "desk", "day-sheet",
        "--provider", provider.full_name, "--pdf", str(pdf),
    )  # fmt: skip
    assert code == 0, out.err
    assert pdf.read_bytes().startswith(b"%PDF") and _mode(pdf) == 0o600

    # A file already there is kept unless --replace says otherwise.
    pdf.write_bytes(b"keep me")
    argv = ("--user", "desk", "day-sheet", "--provider", provider.full_name, "--pdf", str(pdf))
    code, out = _run(monkeypatch, capsys, demo_db, *argv)
    assert code == 2 and "exists; add --replace" in out.err and pdf.read_bytes() == b"keep me"
    code, out = _run(monkeypatch, capsys, demo_db, *argv, "--replace")
    assert code == 0, out.err
    assert pdf.read_bytes().startswith(b"%PDF")


def test_export_commands_refuse_the_database_and_take_paths_from_here(
    demo_db, tmp_path, monkeypatch, capsys
):
    before = demo_db.read_bytes()
    code, out = _run(
        monkeypatch, capsys, demo_db, "--user", "desk", "day-sheet", "--provider", "Moonpenny",
        "--pdf", str(demo_db), "--replace",
    )  # fmt: skip
    assert code == 2 and "belongs to the clinic's database" in out.err
    assert demo_db.read_bytes()[:16] == before[:16] == b"SQLite format 3\x00"
    monkeypatch.chdir(tmp_path)
    code, out = _run(
        monkeypatch, capsys, demo_db, "ical", "--provider", "Moonpenny", "--from", "t",
        "--to", "t", "here.ics", "--user", "desk",
    )  # fmt: skip
    assert code == 0, out.err
    assert (tmp_path / "here.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_ical_command(demo_db, tmp_path, monkeypatch, capsys):
    provider = _busiest_provider(clock.today())
    ics = tmp_path / "out.ics"
    code, out = _run(
        monkeypatch, capsys, demo_db, "ical", "--provider", provider.short_name,
        "--from", "t", "--to", "t+2", str(ics), "--user", "desk",
    )  # fmt: skip
    assert code == 0, out.err
    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert f"Wrote {len(events)} appointments" in out.out


def test_commands_refuse_without_user_or_with_a_wrong_password(
    demo_db, tmp_path, monkeypatch, capsys
):
    monkeypatch.delenv("MOA_USER", raising=False)
    code, out = _run(monkeypatch, capsys, demo_db, "day-sheet", "--provider", "Moonpenny")
    assert code == 2 and "--user" in out.err
    ics = tmp_path / "no.ics"
    code, out = _run(
        monkeypatch, capsys, demo_db, "ical", "--provider", "Moonpenny", "--from", "t",
        "--to", "t", str(ics), "--user", "desk", password="wrong password",
    )  # fmt: skip
    assert code == 2 and "Wrong username or password" in out.err
    assert not ics.exists()
    code, out = _run(
        monkeypatch, capsys, demo_db, "day-sheet", "--provider", "Dr", "--user", "desk"
    )
    assert code == 2 and "more than one provider" in out.err
