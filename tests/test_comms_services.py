"""Phone messages, triage, routing and inboxes (issue 12 items 1, 2, 10): the services."""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.db.models import AuditEvent, Claim, InboxMessage, Patient, Provider, StaffMember
from moa_tui.services import clock
from moa_tui.services.comms.messages import (
    HIDDEN,
    close_inbox_message,
    inbox_choices,
    inbox_counts,
    inbox_rows,
    log_call,
    open_inbox_message,
    route_inbox_message,
    take_inbox_message,
    urgent_untaken,
)
from moa_tui.services.comms.tasks import create_task
from moa_tui.services.comms.triage import (
    DEFAULT_ADVICE,
    red_flags_in,
    save_triage_settings,
    triage_settings,
)
from moa_tui.services.errors import Conflict, ValidationError
from moa_tui.services.patients.privacy import ReasonRequired, grant_access
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

from .conftest import FROZEN_NOW


@pytest.fixture(autouse=True)
def _clock_stopped_again(desk, frozen_clock):
    """The demo template, when this is the session's first test to need it, is built
    with the clock running and leaves it running: stop it again at the frozen instant."""
    frozen_clock.freeze(FROZEN_NOW)


def call(**changes) -> dict:
    values = dict(
        caller="Jane Roe", callback="555-201-3344", patient_id=None,
        reason="Refill question", text="Wants to know if the refill was sent.",
        route="group:front desk", due="",
    )  # fmt: skip
    values.update(changes)
    return values


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("He has CHEST PAIN since noon", ["chest pain"]),
        ("she says she can\u2019t breathe", ["can't breathe"]),
        ("says he cant breathe", ["can't breathe"]),
        ("signs of a Stroke? face drooping", ["stroke", "face drooping"]),
        ("heatstroke last summer", []),
        ("strokes of luck", []),
        ("unconsciousness", []),
        ("the patient is suicidal.", ["suicidal"]),
        ("bleeding that won't stop", ["bleeding that won't stop"]),
        ("routine refill", []),
    ],
)
def test_red_flags_are_whole_words_in_any_case(text, found):
    phrases = ["chest pain", "can't breathe", "stroke", "face drooping", "suicidal",
               "unconscious", "bleeding that won't stop"]  # fmt: skip
    assert red_flags_in(text, phrases) == found


def test_a_routine_call_goes_to_the_group_and_is_due_next_weekday(desk):
    logged = log_call(desk, call())
    assert not logged.urgent and logged.advice == "" and logged.inbox == "Front Desk"
    m = InboxMessage.get_by_id(logged.id)
    assert (m.callback, m.status, m.created_by_id) == ("5552013344", "open", desk.id)
    # Wednesday 10:30 -> Thursday 17:00 local.
    assert clock.utc_to_local(m.due_at) == dt.datetime(2026, 11, 19, 17, 0)
    rows = inbox_rows(find_staff("desk2"), "mine")
    assert logged.id in [r.id for r in rows]
    assert logged.id not in [r.id for r in inbox_rows(find_staff("nurse"), "mine")]


def test_a_red_flag_makes_it_urgent_with_the_protocol_text(desk):
    logged = log_call(desk, call(reason="Husband call", text="He has chest pain and is sweating"))
    assert logged.urgent and logged.red_flags == ("chest pain",)
    assert logged.advice == DEFAULT_ADVICE and "911" in logged.advice
    m = InboxMessage.get_by_id(logged.id)
    assert clock.utc_to_local(m.due_at) == dt.datetime(2026, 11, 18, 10, 45)
    # Every desk sees it until someone takes it.
    assert [r.id for r in urgent_untaken(find_staff("billing"))] == [logged.id]
    assert inbox_counts(find_staff("nurse")).urgent == 1
    take_inbox_message(find_staff("desk2"), logged.id, m.version)
    assert urgent_untaken(desk) == []
    with pytest.raises(Conflict, match="Frontley"):
        take_inbox_message(desk, logged.id, m.version + 1)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("callback", "", "required"),
        ("callback", "555-12", "10 digits"),
        ("callback", "call me maybe", "digits only"),
        ("caller", "  ", "required"),
        ("reason", "", "required"),
        ("route", "group:janitors", "inbox"),
        ("patient_id", 10**30, "Choose the patient"),
        ("due", "11/01/2026", "past"),
        ("due", "someday", "date"),
        ("text", "a\x1b[2Jb", "control"),
    ],
)
def test_bad_input_is_named_beside_its_field_and_nothing_is_written(desk, field, value, says):
    before = InboxMessage.select().count()
    with pytest.raises(ValidationError) as err:
        log_call(desk, call(**{field: value}))
    assert field in err.value.errors and says in err.value.errors[field]
    assert InboxMessage.select().count() == before


def test_every_bad_field_is_named_at_once(desk):
    with pytest.raises(ValidationError) as err:
        log_call(desk, call(caller="", callback="12", reason=""))
    assert set(err.value.errors) == {"caller", "callback", "reason"}


def test_route_take_and_close_with_the_response(desk):
    nurse = find_staff("nurse")
    logged = log_call(desk, call(reason="Question about a rash"))
    m = InboxMessage.get_by_id(logged.id)
    routed = route_inbox_message(desk, m.id, m.version, "group:nurses")
    assert routed.inbox == "Nurses"
    assert [r.id for r in inbox_rows(nurse, "mine")] == [m.id]
    taken = take_inbox_message(nurse, m.id, routed.version)
    assert (taken.status, taken.taken_by) == ("in_progress", nurse.short_name)
    with pytest.raises(ValidationError) as err:
        close_inbox_message(nurse, m.id, taken.version, "   ")
    assert "response" in err.value.errors
    done = close_inbox_message(nurse, m.id, taken.version, "Called back; send a photo.")
    assert done.status == "done"
    assert m.id not in [r.id for r in inbox_rows(nurse, "mine")]
    assert m.id in [r.id for r in inbox_rows(nurse, "mine", show_done=True)]
    detail = open_inbox_message(nurse, m.id)
    assert detail.response == "Called back; send a photo." and detail.closed_by == nurse.short_name
    with pytest.raises(Conflict):
        close_inbox_message(nurse, m.id, taken.version, "again")


def test_route_to_a_provider_or_a_staff_member(desk):
    provider = Provider.select().first()
    billing = find_staff("billing")
    logged = log_call(desk, call(route=f"provider:{provider.id}"))
    assert logged.inbox == provider.short_name
    assert [r.id for r in inbox_rows(desk, f"provider:{provider.id}")] == [logged.id]
    m = InboxMessage.get_by_id(logged.id)
    route_inbox_message(desk, m.id, m.version, f"staff:{billing.id}")
    assert [r.id for r in inbox_rows(billing, "mine")] == [m.id]
    labels = [label for label, _code in inbox_choices(desk)]
    assert "Group: Nurses" in labels and f"Provider: {provider.short_name}" in labels


def test_a_stale_version_is_refused(desk):
    logged = log_call(desk, call())
    m = InboxMessage.get_by_id(logged.id)
    route_inbox_message(desk, m.id, m.version, "group:billing")
    with pytest.raises(Conflict):
        take_inbox_message(desk, m.id, m.version)


def test_tasks_from_a_patient_a_claim_and_a_message_and_overdue(desk, frozen_clock):
    patient = Patient.select().where(~Patient.restricted).first()
    claim = Claim.select().first()
    logged = log_call(desk, call(patient_id=patient.id))
    t1 = create_task(desk, dict(title="Send records", due="t+1", route="me"), patient_id=patient.id)
    t2 = create_task(desk, dict(title="Appeal", due="t", route="group:billing"), claim_id=claim.id)
    t3 = create_task(desk, dict(title="Call back", due="t 11:00", route="me"), message_id=logged.id)
    assert t2.patient_id == claim.patient_id and t3.patient_id == patient.id
    assert t1.due == dt.datetime(2026, 11, 19, 17, 0)
    assert not any(r.overdue for r in inbox_rows(desk, "mine") if r.id in (t1.id, t3.id))
    with pytest.raises(ValidationError) as err:
        create_task(desk, dict(title="Late", due="t-1", route="me"))
    assert "past" in err.value.errors["due"]
    with pytest.raises(ValidationError) as err:
        create_task(desk, dict(title="No date", due="", route="me"))
    assert "due" in err.value.errors
    frozen_clock.freeze("2026-11-18T11:30:00")
    rows = {r.id: r for r in inbox_rows(desk, "mine")}
    assert rows[t3.id].overdue and not rows[t1.id].overdue
    assert inbox_counts(desk).overdue == 1


def test_a_restricted_patients_message_is_hidden_in_lists_and_needs_a_reason(desk):
    patient = Patient.select().first()
    logged = log_call(desk, call(patient_id=patient.id, reason="Test results"))
    Patient.update(restricted=True).where(Patient.id == patient.id).execute()
    row = next(r for r in inbox_rows(desk, "mine") if r.id == logged.id)
    assert row.reason == HIDDEN and "Test results" not in repr(row)
    with pytest.raises(ReasonRequired):
        open_inbox_message(desk, logged.id)
    grant_access(desk, patient.id)
    detail = open_inbox_message(desk, logged.id)
    assert detail.row.reason == "Test results"
    assert (
        AuditEvent.select()
        .where((AuditEvent.patient_id == patient.id) & (AuditEvent.outcome == "emergency"))
        .exists()
    )


def test_the_manager_edits_the_triage_list(desk):
    manager = find_staff("manager")
    with pytest.raises(PermissionDenied):
        save_triage_settings(desk, 0, "chest pain", "Call 911")
    current = triage_settings(manager)
    with pytest.raises(ValidationError) as err:
        save_triage_settings(manager, current.version, " ; ;", "Call 911")
    assert "red_flags" in err.value.errors
    with pytest.raises(ValidationError) as err:
        save_triage_settings(manager, current.version, "chest pain", "")
    assert "advice" in err.value.errors
    saved = save_triage_settings(
        manager, current.version, "chest pain; fainted\nblue lips", "Tell them: dial 911."
    )
    assert saved.red_flags == ("chest pain", "fainted", "blue lips")
    with pytest.raises(Conflict):
        save_triage_settings(manager, current.version, "x", "y")
    logged = log_call(desk, call(text="She fainted at work"))
    assert logged.urgent and logged.advice == "Tell them: dial 911."
    assert not log_call(desk, call(text="trouble breathing")).urgent  # no longer listed


def test_kiosk_cannot_read_messages(desk):
    with pytest.raises(PermissionDenied):
        inbox_rows(find_staff("kiosk"))
    assert StaffMember.select().where(StaffMember.username == "kiosk").exists()
