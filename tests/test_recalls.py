"""Recalls (issue 12 items 5, 10): set at check-out or by hand, a due date in the past
refused beside its field, the worklist (filters, keyset pages), call outcomes with the
attempts counted, and the recall closed by the booking that books its visit, in the same
transaction. Services on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moa_tui.db.models import Appointment, AppointmentType, AuditEvent, Patient, Recall, RecallCall
from moa_tui.services import clock
from moa_tui.services.comms.recalls import (
    RecallFilter,
    add_months,
    add_recall,
    check_recall,
    log_recall_call,
    patient_recalls,
    recall_worklist,
    remove_recall,
)
from moa_tui.services.errors import Conflict, ServiceError, ValidationError
from moa_tui.services.scheduling.booking import (
    SlotFilter,
    SlotTaken,
    book_appointment,
    find_open_slots,
)
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

TODAY = dt.date(2026, 11, 18)  # conftest's frozen clock


@pytest.fixture(autouse=True)
def _without_demo_recalls(request):
    """A test on the demo clinic starts without the demo's own recalls."""
    if "demo_db" in request.fixturenames:
        request.getfixturevalue("demo_db")
        RecallCall.delete().execute()
        Recall.delete().execute()


def _patients(n: int = 3) -> list[Patient]:
    return list(Patient.select().where(~Patient.restricted).order_by(Patient.id).limit(n))


def _recall(desk, patient: Patient, **values) -> object:
    return add_recall(desk, patient.id, {"kind": "annual", "due": "", **values})


def _old_recall(patient: Patient, desk, due: dt.date) -> Recall:
    """A recall set long ago and now overdue (the service refuses a past date today)."""
    return Recall.create(patient=patient, kind="other", due_on=due, created_by=desk)


def test_a_recall_set_by_hand_is_due_a_year_on_and_on_the_worklist(desk):
    p = _patients(1)[0]
    row = _recall(desk, p, note="fasting labs first")
    assert row.kind == "Annual physical" and row.due_on == dt.date(2027, 11, 18)
    assert row.status == "open" and row.attempts == 0 and row.provider == ""
    assert row.patient == f"{p.last_name}, {p.first_name}" and not row.overdue
    assert [r.id for r in recall_worklist(desk).rows] == [row.id]
    assert [r.id for r in patient_recalls(desk, p.id)] == [row.id]
    event = (
        AuditEvent.select()
        .where(AuditEvent.action == "recall.add")
        .order_by(AuditEvent.id.desc())
        .first()
    )
    assert event.patient_id == p.id and event.entity_id == row.id


def test_a_recall_set_at_check_out_names_the_visit_and_the_provider(desk):
    visit = Appointment.select().where(Appointment.status == "checked_out").first()
    row = add_recall(
        desk, visit.patient_id,
        {"kind": "6-month follow-up", "due": "", "provider": str(visit.provider_id)},
        visit_id=visit.id,
    )  # fmt: skip
    recall = Recall.get_by_id(row.id)
    assert recall.set_at_visit_id == visit.id and recall.provider_id == visit.provider_id
    assert row.due_on == dt.date(2027, 5, 18) and row.kind == "6-month follow-up"
    other = Patient.select().where(Patient.id != visit.patient_id).first()
    with pytest.raises(ServiceError, match="another patient"):
        add_recall(desk, other.id, {"kind": "annual"}, visit_id=visit.id)


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"kind": "annual", "due": "t-1"}, "due", "has passed"),
        ({"kind": "annual", "due": "11/17/2026"}, "due", "11/17/2026 has passed"),
        ({"kind": "annual", "due": "13/45"}, "due", ""),
        ({"kind": "other", "due": ""}, "due", "When is the patient due back"),
        ({"kind": "yearly", "due": "t+1"}, "kind", "annual physical"),
        ({"kind": "annual", "provider": "999999"}, "provider", "no longer sees"),
        ({"kind": "annual", "note": "x\x1b[31m"}, "note", ""),
    ],
)
def test_bad_recalls_are_refused_beside_the_field_and_nothing_is_written(desk, values, field, says):
    p = _patients(1)[0]
    with pytest.raises(ValidationError) as err:
        add_recall(desk, p.id, values)
    assert err.value.errors[field] and says in err.value.errors[field]
    assert Recall.select().count() == 0


def test_every_bad_field_is_named_at_once(desk):
    with pytest.raises(ValidationError) as err:
        check_recall({"kind": "weekly", "due": "t-3", "provider": "x", "note": "ok"})
    assert set(err.value.errors) == {"kind", "due", "provider"}


def test_today_is_a_due_date_and_a_second_open_recall_of_a_kind_is_refused(desk):
    p = _patients(1)[0]
    first = _recall(desk, p, due="t")
    assert first.due_on == TODAY
    with pytest.raises(ValidationError) as err:
        _recall(desk, p, due="t+30")
    assert "already has an open annual physical recall, due 11/18/2026" in err.value.errors["kind"]
    assert _recall(desk, p, kind="other", due="t+30").kind == "Other"


def test_only_who_may_book_may_set_a_recall(desk):
    with pytest.raises(PermissionDenied):
        _recall(find_staff("billing"), _patients(1)[0])
    assert recall_worklist(find_staff("billing")).rows == []  # reading is allowed


def test_the_worklist_filters_overdue_this_month_and_provider(desk):
    a, b, c = _patients(3)
    overdue = _old_recall(a, desk, TODAY - dt.timedelta(days=40))
    provider_id = Appointment.select().first().provider_id
    this_month = _recall(desk, b, due="11/30/2026", provider=str(provider_id))
    later = _recall(desk, c, due="t+3m")

    def ids(**f):
        return [r.id for r in recall_worklist(desk, RecallFilter(**f)).rows]

    assert ids() == [overdue.id, this_month.id, later.id]  # earliest due first
    assert ids(when="overdue") == [overdue.id]
    assert ids(when="month") == [this_month.id]
    assert ids(provider_id=provider_id) == [this_month.id]
    assert recall_worklist(desk).rows[0].overdue
    with pytest.raises(ValidationError):
        recall_worklist(desk, RecallFilter(when="someday"))


def test_the_worklist_pages_by_due_date_with_nothing_twice(desk):
    patients = _patients(25)
    for n, p in enumerate(patients):
        # Several on one day: the id breaks the tie.
        Recall.create(patient=p, kind="annual", due_on=TODAY + dt.timedelta(days=n // 4),
                      created_by=desk)  # fmt: skip
    seen, after = [], None
    while True:
        page = recall_worklist(desk, RecallFilter(), after, 7)
        seen += [(r.due_on, r.id) for r in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == sorted(seen) and len(set(seen)) == len(patients) == len(seen)


def test_calls_are_counted_and_declining_closes_the_recall(desk):
    p = _patients(1)[0]
    row = _recall(desk, p)
    row = log_recall_call(desk, row.id, row.version, "no_answer")
    row = log_recall_call(desk, row.id, row.version, "left_message", "voicemail")
    assert row.attempts == 2 and row.last_outcome == "Left message" and row.status == "open"
    with pytest.raises(Conflict):
        log_recall_call(desk, row.id, row.version - 1, "reached")
    with pytest.raises(ValidationError):
        log_recall_call(desk, row.id, row.version, "hung up")
    row = log_recall_call(desk, row.id, row.version, "declined")
    assert row.status == "declined" and row.attempts == 3
    assert recall_worklist(desk).rows == []
    assert [c.outcome for c in RecallCall.select().order_by(RecallCall.id)] == [
        "no_answer", "left_message", "declined",
    ]  # fmt: skip
    with pytest.raises(Conflict, match="declined already"):
        log_recall_call(desk, row.id, row.version, "reached")


def test_a_removed_recall_leaves_the_list_with_its_reason(desk):
    row = _recall(desk, _patients(1)[0])
    with pytest.raises(ValidationError):
        remove_recall(desk, row.id, row.version, "  ")
    gone = remove_recall(desk, row.id, row.version, "moved away")
    assert gone.status == "removed" and "moved away" in gone.note
    assert recall_worklist(desk).rows == []


def _first_slot(desk, provider_id=None):
    follow_up = AppointmentType.get(AppointmentType.name == "Follow-up")
    slot = find_open_slots(desk, follow_up.id, SlotFilter(provider_id=provider_id), 1)[0]
    return follow_up, slot


def test_booking_from_the_recall_closes_it_linked_to_the_visit(desk):
    p = _patients(1)[0]
    row = _recall(desk, p)
    kind, slot = _first_slot(desk)
    booked = book_appointment(
        desk, p.id, slot.provider_id, kind.id, slot.starts_at, recall_id=row.id
    )
    recall = Recall.get_by_id(row.id)
    assert recall.status == "booked" and recall.appointment_id == booked.id
    assert recall.closed_by_id == desk.id and recall.version == row.version + 1
    assert recall_worklist(desk).rows == []
    assert AuditEvent.select().where(AuditEvent.action == "recall.booked").count() == 1


def test_a_booking_that_fails_leaves_the_recall_open_and_a_closed_recall_books_nothing(desk):
    a, b = _patients(2)
    row = _recall(desk, a)
    kind, slot = _first_slot(desk)
    book_appointment(desk, b.id, slot.provider_id, kind.id, slot.starts_at)  # someone else
    with pytest.raises(SlotTaken):
        book_appointment(desk, a.id, slot.provider_id, kind.id, slot.starts_at, recall_id=row.id)
    assert Recall.get_by_id(row.id).status == "open"

    log_recall_call(desk, row.id, row.version, "declined")
    before = Appointment.select().count()
    kind, slot = _first_slot(desk)
    with pytest.raises(Conflict):
        book_appointment(desk, a.id, slot.provider_id, kind.id, slot.starts_at, recall_id=row.id)
    assert Appointment.select().count() == before  # the booking went with the refusal
    other = _recall(desk, b)
    with pytest.raises(ServiceError, match="another patient"):
        book_appointment(desk, a.id, slot.provider_id, kind.id, slot.starts_at,
                         recall_id=other.id)  # fmt: skip
    assert Appointment.select().count() == before


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 18), 12) == dt.date(2027, 11, 18)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(due=st.text(max_size=20), kind=st.text(max_size=12), note=st.text(max_size=30))
def test_any_typed_recall_is_checked_or_refused_by_field(due, kind, note):
    assert clock.today() == TODAY  # (conftest's frozen clock)
    try:
        out = check_recall({"kind": kind, "due": due, "note": note, "provider": ""})
    except ValidationError as exc:
        assert set(exc.errors) <= {"kind", "due", "note"} and all(exc.errors.values())
    else:
        assert out["due"] >= TODAY and out["kind"] in Recall.KINDS
