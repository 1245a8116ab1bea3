"""Patient lookup, chart opening, registration and edits, against the small demo clinic."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import fn

from moa_tui.db.models import Appointment, AuditEvent, Coverage, Patient
from moa_tui.services import clock
from moa_tui.services.errors import Conflict, ServiceError, ValidationError
from moa_tui.services.patients.patients import (
    FORM_FIELDS,
    create_patient,
    open_patient,
    search_patients,
    update_patient,
)
from moa_tui.services.security.staff import find_staff

# Demo phone numbers are 555-0100..555-0199; 555-0042 belongs to nobody else.
JOHN = {
    "last_name": "Smith",
    "first_name": "John",
    "dob": "04/17/1962",
    "sex": "m",
    "phone_mobile": "(607) 555-0042",
    "phone_home": "",
    "email": "john.smith@example.com",
    "address1": "12 Elm St",
    "city": "Springfield",
    "state": "ny",
    "zip": "12345",
}


def _counts() -> tuple[int, int]:
    return Patient.select().count(), AuditEvent.select().where(AuditEvent.outcome == "ok").count()


@pytest.fixture
def john(desk):
    return create_patient(desk, dict(JOHN))


# --- search_patients -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query, last, first",
    [
        ("smi jo", "smi", "jo"),
        ("SMI JO", "smi", "jo"),
        ("Smith, John", "smith", "john"),
        ("smith,john", "smith", "john"),
        ("  smith   j ", "smith", "j"),
    ],
)
def test_search_by_name_prefixes(desk, john, query, last, first):
    hits = search_patients(desk, query)
    assert john.id in {h.id for h in hits}
    for hit in hits:
        hit_last, hit_first = hit.name.casefold().split(", ")
        assert hit_last.startswith(last) and hit_first.startswith(first), hit.name


def test_search_by_last_name_prefix_only_is_in_name_order(desk, john):
    hits = search_patients(desk, "smi")
    assert john.id in {h.id for h in hits}
    assert len(hits) > 1  # the demo has Smithers and Smithwicks too
    assert all(h.name.casefold().startswith("smi") for h in hits)
    keys = [(h.name.casefold().split(", ")[0], h.name.casefold().split(", ")[1]) for h in hits]
    assert keys == sorted(keys)


def test_search_name_prefix_does_not_match_inside_names(desk, john):
    assert john.id not in {h.id for h in search_patients(desk, "mith")}
    assert john.id not in {h.id for h in search_patients(desk, "smi ohn")}


@pytest.mark.parametrize("query", ["04/17/1962", "4/17/1962", "1962-04-17", "04/17/62"])
def test_search_by_date_of_birth(desk, john, query):
    hits = search_patients(desk, query)
    assert john.id in {h.id for h in hits}
    assert {h.dob for h in hits} == {dt.date(1962, 4, 17)}


@pytest.mark.parametrize(
    "query", ["(607) 555-0042", "607-555-0042", "607.555.0042", "6075550042", "1-607-555-0042"]
)
def test_search_by_phone(desk, john, query):
    hits = search_patients(desk, query)
    assert [h.id for h in hits] == [john.id]
    assert hits[0].phone == "607-555-0042"


def test_search_by_phone_with_plus_one(desk, john):
    assert [h.id for h in search_patients(desk, "+1 607 555 0042")] == [john.id]


def test_search_finds_home_phone_too(desk):
    data = dict(JOHN, last_name="Homer", phone_mobile="", phone_home="315-555-0043")
    homer = create_patient(desk, data)
    assert [h.id for h in search_patients(desk, "315 555 0043")] == [homer.id]


def test_search_by_mrn(desk, john):
    hits = search_patients(desk, john.mrn)
    assert [h.id for h in hits] == [john.id]
    assert hits[0].mrn == john.mrn
    demo = Patient.get(Patient.mrn == "100001")
    assert [h.id for h in search_patients(desk, "100001")] == [demo.id]


@pytest.mark.parametrize("query", ["", "   ", "zzzz", "02/30/1990", "99999999", ",", " , ,", ",,,"])
def test_search_finds_nothing(desk, john, query):
    assert search_patients(desk, query) == []


def test_search_limit(desk):
    everyone = search_patients(desk, "s", limit=1000)
    assert len(everyone) > 3
    hits = search_patients(desk, "s", limit=3)
    assert [h.id for h in hits] == [h.id for h in everyone[:3]]


# --- open_patient --------------------------------------------------------------------


def test_open_patient_writes_audit_event(desk, john):
    before = AuditEvent.select().where(AuditEvent.outcome == "ok").count()

    chart = open_patient(desk, john.id)

    assert chart.id == john.id
    assert chart.name == "Smith, John"
    assert chart.values["dob"] == "04/17/1962"
    assert AuditEvent.select().where(AuditEvent.outcome == "ok").count() == before + 1
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "patient.open"
    assert event.patient_id == john.id
    assert event.staff_id == desk.id
    assert event.entity == "patient" and event.entity_id == john.id
    assert event.at == clock.now_utc()


def test_open_patient_shows_active_coverage_and_upcoming_visits(desk):
    # The demo patient with the most appointments from today on.
    start = dt.datetime.combine(clock.today(), dt.time.min)
    upcoming = (
        Appointment.select(Appointment.patient, fn.COUNT(Appointment.id).alias("n"))
        .where(Appointment.starts_at >= start)
        .group_by(Appointment.patient)
        .order_by(fn.COUNT(Appointment.id).desc(), Appointment.patient)
        .first()
    )
    p = Patient.get_by_id(upcoming.patient_id)
    chart = open_patient(desk, p.id)
    assert chart.mrn == p.mrn
    assert len(chart.upcoming) == min(upcoming.n, 10) > 1
    times = [v.starts_at for v in chart.upcoming]
    assert times == sorted(times) and times[0] >= start
    assert len(chart.coverages) == Coverage.select().where(Coverage.patient == p.id).count()


def test_open_patient_unknown(desk):
    before = AuditEvent.select().where(AuditEvent.outcome == "ok").count()
    with pytest.raises(ServiceError, match="no longer exists"):
        open_patient(desk, 10_000_000)
    assert AuditEvent.select().where(AuditEvent.outcome == "ok").count() == before


# --- create_patient ------------------------------------------------------------------


def test_create_patient_stores_clean_values(desk):
    top = max(int(p.mrn) for p in Patient.select(Patient.mrn))
    patients, audits = _counts()

    chart = create_patient(desk, dict(JOHN, last_name="  O'Brien-Smith ", first_name="Mary  Ann"))

    assert _counts() == (patients + 1, audits + 1)
    p = Patient.get_by_id(chart.id)
    assert p.mrn == chart.mrn == str(top + 1)
    assert (p.last_name, p.first_name) == ("O'Brien-Smith", "Mary Ann")
    assert (p.last_key, p.first_key) == ("o'brien-smith", "mary ann")
    assert p.dob == dt.date(1962, 4, 17)
    assert p.sex == "M"
    assert p.phone_mobile == "6075550042" and p.phone_home == ""
    assert p.state == "NY"
    assert p.version == 1
    assert p.updated_by_id == desk.id
    assert chart.values["phone_mobile"] == "607-555-0042"
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.patient_id, event.staff_id) == ("patient.create", p.id, desk.id)


def test_create_patient_reports_every_bad_field_and_writes_nothing(desk):
    patients, audits = _counts()
    bad = dict(
        JOHN,
        last_name="\x1b[31mSmith",
        first_name="J" * 61,
        dob="02/30/1990",
        phone_mobile="555-12",
        phone_home="call me",
        email="john at example",
        zip="1234",
        state="New York",
        sex="Q",
    )

    with pytest.raises(ValidationError) as err:
        create_patient(desk, bad)

    errors = err.value.errors
    assert set(errors) == {
        "last_name",
        "first_name",
        "dob",
        "phone_mobile",
        "phone_home",
        "email",
        "zip",
        "state",
        "sex",
    }
    assert "invisible or control character" in errors["last_name"]
    assert "too long" in errors["first_name"]
    assert "no such date" in errors["dob"]
    assert _counts() == (patients, audits)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("dob", "11/19/2026", "future"),
        ("dob", "02/30/1990", "no such date"),
        ("dob", "01/01/1899", "1900"),
        ("dob", "", "required"),
        ("last_name", "", "required"),
        ("last_name", "Smith\u202e", "invisible or control character"),
        ("first_name", "Jo\x00hn", "invisible or control character"),
        ("first_name", "J" * 61, "too long"),
        ("last_name", "[b]Smith[/b]", "letters"),
        ("phone_mobile", "555-0142", "10 digits"),
        ("email", "john@", "name@example.com"),
        ("zip", "ABCDE", "ZIP"),
        ("city", "Spring\x1b]0;x\x07field", "invisible or control character"),
    ],
)
def test_create_patient_refuses_one_bad_field(desk, field, value, words):
    patients, audits = _counts()
    with pytest.raises(ValidationError) as err:
        create_patient(desk, dict(JOHN, **{field: value}))
    assert list(err.value.errors) == [field]
    assert words in err.value.errors[field]
    assert _counts() == (patients, audits)


def test_create_patient_name_of_sixty_is_fine(desk):
    chart = create_patient(desk, dict(JOHN, first_name="J" * 60))
    assert Patient.get_by_id(chart.id).first_name == "J" * 60


def test_create_patient_mrn_after_a_million(desk):
    template = Patient.get(Patient.mrn == "100001")
    Patient.insert(
        **{
            k: v
            for k, v in Patient.select().where(Patient.id == template.id).dicts().get().items()
            if k != "id"
        }
        | {"mrn": "999999"}
    ).execute()
    first = create_patient(desk, dict(JOHN))
    second = create_patient(desk, dict(JOHN, first_name="Jane"), allow_duplicate=True)
    assert first.mrn == "1000000"
    assert second.mrn == "1000001"


# --- update_patient ------------------------------------------------------------------


def test_update_patient_saves_and_audits_the_changed_fields(desk, john):
    chart = open_patient(desk, john.id)
    values = dict(chart.values, city="Shelbyville", phone_home="315 555 0044")
    audits = AuditEvent.select().where(AuditEvent.outcome == "ok").count()

    saved = update_patient(desk, john.id, chart.version, values)

    assert saved.version == chart.version + 1
    p = Patient.get_by_id(john.id)
    assert (p.city, p.phone_home, p.version) == ("Shelbyville", "3155550044", 2)
    assert AuditEvent.select().where(AuditEvent.outcome == "ok").count() == audits + 1
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "patient.update"
    assert event.patient_id == john.id
    assert event.detail == "changed: city, phone_home"


def test_update_patient_refuses_stale_version_naming_other_staff(desk, john):
    desk2 = find_staff("desk2")
    mine = open_patient(desk, john.id)
    theirs = open_patient(desk2, john.id)
    clock.freeze("2026-11-18T10:42:00")
    update_patient(desk2, john.id, theirs.version, dict(theirs.values, city="Capital City"))
    stored = Patient.select().where(Patient.id == john.id).dicts().get()
    patients, audits = _counts()

    with pytest.raises(Conflict) as err:
        update_patient(desk, john.id, mine.version, dict(mine.values, city="Ogdenville"))

    message = str(err.value)
    assert "R. Frontley" in message
    assert "10:42" in message
    assert "John Smith" in message
    assert Patient.select().where(Patient.id == john.id).dicts().get() == stored
    assert stored["city"] == "Capital City" and stored["version"] == mine.version + 1
    assert _counts() == (patients, audits)


def test_update_patient_bad_field_writes_nothing(desk, john):
    chart = open_patient(desk, john.id)
    stored = Patient.select().where(Patient.id == john.id).dicts().get()
    patients, audits = _counts()
    with pytest.raises(ValidationError) as err:
        update_patient(desk, john.id, chart.version, dict(chart.values, email="nope"))
    assert list(err.value.errors) == ["email"]
    assert Patient.select().where(Patient.id == john.id).dicts().get() == stored
    assert _counts() == (patients, audits)


def test_chart_values_round_trip_through_update(desk, john):
    chart = open_patient(desk, john.id)
    assert set(chart.values) == set(FORM_FIELDS)
    saved = update_patient(desk, john.id, chart.version, dict(chart.values))
    assert saved.values == chart.values
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.detail == "changed: "


def test_search_finds_what_its_query_composed_anew_finds(desk):
    """The search runs SQL composed once per kind of term, its values put in the
    parameters' places: the same hits, in the same order, as the query composed for the
    term itself, for every kind of term (and a merged record found by none)."""
    from moa_tui.db.database import db
    from moa_tui.services.patients.patients import search_query

    with db.connection_context():
        people = list(Patient.select().where(Patient.phone_mobile != "").order_by(Patient.id))
        Patient.update(merged_into=people[1].id).where(Patient.id == people[0].id).execute()
    cases = []
    for p in people[1:13:3]:
        cases += [
            (p.phone_mobile, "phone", (p.phone_mobile,)),
            (p.mrn, "mrn", (p.mrn,)),
            (f"{p.dob:%m/%d/%Y}", "dob", (p.dob,)),
            (p.last_key[:2], "last", (p.last_key[:2],)),
            (f"{p.last_key}, {p.first_key[:1]}", "last_first", (p.last_key, p.first_key[:1])),
        ]
    for term, kind, values in cases:
        with db.connection_context():
            expected = [row[0] for row in search_query(kind, *values, limit=7).tuples()]
        hits = search_patients(desk, term, limit=7)
        assert [h.id for h in hits] == expected and expected, (term, kind)
        assert all(isinstance(h.dob, dt.date) and isinstance(h.restricted, bool) for h in hits)
        assert people[0].id not in expected
    assert search_patients(desk, people[0].mrn) == []  # merged into people[1]
