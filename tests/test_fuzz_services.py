"""Nothing a user can type ends in "Unexpected error" (issue 8, item 10).

Every service (each function marked @reader or @writer) is called with arbitrary values
for what a user can type or choose: any text (control characters, huge numbers written
out, nothing at all), any integer (huge, negative), any date from date.min to date.max.
It must either do its job or refuse with a ServiceError; any other exception is a crash
the desk would have seen as "Unexpected error".

One copy of the demo clinic serves the whole module (a fresh one per example would be
too slow); examples are kept modest so the file runs in well under a minute.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import moa_tui.services as services_package
from moa_tui.db.database import db, open_database
from moa_tui.db.models import ClinicSettings, StaffMember
from moa_tui.services.billing import imports as billing_imports
from moa_tui.services.billing.charges import LINE_FIELDS as CHARGE_LINE_FIELDS
from moa_tui.services.billing.claims import ClaimFilter
from moa_tui.services.billing.setup import PAYER_FIELDS as BILLING_PAYER_FIELDS
from moa_tui.services.billing.setup import PRACTICE_FIELDS as BILLING_PRACTICE_FIELDS
from moa_tui.services.books import report_files as books_report_files
from moa_tui.services.comms import letters as comms_letters
from moa_tui.services.comms import reminders as comms_reminders
from moa_tui.services.comms.recalls import RecallFilter
from moa_tui.services.errors import ServiceError
from moa_tui.services.frontdesk import payments, visit_slip
from moa_tui.services.patients.patients import FORM_FIELDS
from moa_tui.services.records import accounting as records_accounting
from moa_tui.services.records.authorizations import AUTH_FIELDS
from moa_tui.services.records.referrals import REFERRAL_FIELDS
from moa_tui.services.scheduling.booking import SlotFilter
from moa_tui.services.security import audit as audit_service
from moa_tui.services.security.staff import find_staff, load_clinic
from moa_tui.services.supplies import purchasing

from . import records_helpers

STATEMENT_KINDS = ["trial_balance", "profit_and_loss", "balance_sheet", "ledger_detail",
                   "day_sheet", "deposit_slip"]  # fmt: skip

# --- what a user can type --------------------------------------------------------------

# What the desk has typed that broke something once, or nearly: tried on every service.
TRICKY = [
    "",
    " ",
    ",",
    " , ,",
    "[/b]",
    "Flu shot [/b]",
    "12/31/9999",
    "9999-12-31",
    "01/01/0001",
    "t+9999",
    "t+9999m",
    "t-9999w",
    "00/00/0000",
    "²",
    "٣",  # an Arabic-Indic digit: str.isdigit() says yes, int() may say no
    "1e309",
    "nan",
    "$1,000,000.01",
    "9" * 29,
]
TEXT = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=60),  # any character but a lone surrogate: controls, bidi, emoji...
    st.text(st.characters(codec="ascii"), max_size=12),
    st.integers().map(str),  # huge numbers, as typed or pasted
    st.from_regex(r"-?[0-9]{15,40}(\.[0-9]{1,3})?", fullmatch=True),
)
INT = st.one_of(
    st.integers(min_value=-3, max_value=40),  # often a real record
    st.integers(),  # any size
    st.sampled_from([2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**30]),
)
# Ids and versions come from the program (a row on screen), never from the keyboard: the
# database's own integer range, where they hit real records as often as not.
ID = st.one_of(st.integers(min_value=-2, max_value=40), st.integers(-(2**63), 2**63 - 1))
DATE = st.dates()  # date.min .. date.max
DATETIME = st.datetimes()
BOOL = st.booleans()


def opt(strategy):
    return st.one_of(st.none(), strategy)


# A file name in the export folder: never a path (the tests run as any user, even root).
FILE_NAME = st.one_of(
    st.text(st.characters(blacklist_characters="/\\\x00~"), min_size=1, max_size=30),
    st.sampled_from(["demo.db", "demo.db-wal", ".", "..", "a.pdf", "x" * 300, "y/" * 3000]),
)


def service_arguments(TEXT) -> dict[str, tuple[str, dict]]:  # noqa: N803
    """Each service, the account that calls it, and a strategy for each argument after
    the actor, with *TEXT* for whatever is typed. Services that take only objects the
    program built (a receipt it returned) are in PROGRAM_DATA_ONLY instead."""
    COUNT = st.one_of(INT, TEXT)  # noqa: N806 (a quantity or minutes: typed or a number)
    PATIENT_DATA = st.fixed_dictionaries({name: TEXT for name in FORM_FIELDS})
    COVERAGE_DATA = st.fixed_dictionaries(
        {
            name: TEXT
            for name in (
                "payer_id",
                "priority",
                "member_id",
                "group_id",
                "subscriber_name",
                "subscriber_relation",
                "copay_cents",
                "effective",
                "ends",
            )
        }
    )

    return {
        "audit_page": (
            "manager",
            dict(
                patient_ref=TEXT,
                username=TEXT,
                after=opt(ID),
                limit=INT,
            ),
        ),
        "export_audit_csv": ("manager", dict(path=FILE_NAME, patient_ref=TEXT, username=TEXT)),
        "_export_subject": ("manager", dict(patient_ref=TEXT, username=TEXT)),
        "list_types": ("manager", {}),
        "export_location": ("desk", {}),
        "where_export_goes": ("desk", dict(path=TEXT)),  # only says where; writes nothing
        # (names only: an absolute path typed here would make that folder, as it should)
        "make_export_folder": ("desk", dict(path=FILE_NAME)),
        "export_folder_setting": ("manager", {}),
        "set_export_folder": ("manager", dict(folder=FILE_NAME)),
        "clinic_phone_setting": ("manager", {}),
        "set_clinic_phone": ("manager", dict(phone=TEXT)),
        "save_type": (
            "manager",
            dict(
                type_id=opt(ID),
                data=st.fixed_dictionaries(
                    dict(
                        name=TEXT,
                        minutes=COUNT,
                        color=TEXT,
                        allow_overbook=BOOL,
                        provider_ids=st.lists(st.one_of(ID, TEXT), max_size=3),
                    )
                ),
            ),
        ),
        "availability": ("manager", dict(provider_id=ID, days_ahead=INT)),
        "set_hours": ("manager", dict(provider_id=ID, weekday=INT, text=TEXT)),
        "add_block": (
            "manager",
            dict(provider_id=opt(ID), starts_at=DATETIME, ends_at=DATETIME, reason=TEXT),
        ),
        "remove_block": ("manager", dict(block_id=ID)),
        "find_open_slots": (
            "desk",
            dict(
                type_id=ID,
                f=st.builds(
                    SlotFilter,
                    provider_id=opt(ID),
                    part_of_day=TEXT,
                    weekdays=TEXT,
                    earliest=opt(DATE),
                ),
                limit=INT,
            ),
        ),
        "book_appointment": (
            "desk",
            dict(
                patient_id=ID,
                provider_id=ID,
                type_id=ID,
                starts_at=DATETIME,
                minutes=opt(INT),
                override=TEXT,
                recall_id=opt(ID),
            ),
        ),
        "reschedule": (
            "desk",
            dict(
                appointment_id=ID,
                version=ID,
                starts_at=DATETIME,
                provider_id=opt(ID),
                override=TEXT,
            ),
        ),
        "cancel_appointment": ("desk", dict(appointment_id=ID, version=ID, reason=TEXT)),
        "mark_no_show": ("desk", dict(appointment_id=ID, version=ID)),
        "undo_status": ("desk", dict(appointment_id=ID, version=ID)),
        "appointment_history": ("desk", dict(patient_id=ID, limit=INT)),
        "day_grid": ("desk", dict(day=DATE)),
        "week_grid": ("desk", dict(day=DATE, provider_id=opt(ID))),
        "month_overview": ("desk", dict(year=INT, month=INT)),
        "list_payers": ("desk", {}),
        "claims_page": (
            "billing",
            dict(
                f=st.builds(
                    ClaimFilter,
                    status=opt(TEXT),
                    payer_id=opt(ID),
                    age=opt(TEXT),
                    sort=TEXT,
                ),
                after=st.none(),
                limit=INT,
            ),
        ),
        "claim_totals": (
            "billing",
            dict(f=st.builds(ClaimFilter, status=opt(TEXT), payer_id=opt(ID), age=opt(TEXT))),
        ),
        "open_claim": ("billing", dict(claim_id=ID)),
        "change_claim_status": (
            "billing",
            dict(claim_id=ID, version=ID, status=TEXT, note=TEXT),
        ),
        "write_off_balance": ("billing", dict(claim_id=ID, version=ID, reason=TEXT)),
        "correct_claim": ("billing", dict(claim_id=ID, version=ID, note=TEXT)),
        "void_claim": ("billing", dict(claim_id=ID, version=ID, note=TEXT)),
        "no_response_days": ("billing", {}),
        "set_no_response_days": ("billing", dict(days=TEXT)),
        "no_response": ("billing", dict(after=opt(st.tuples(TEXT, INT)), limit=INT)),
        "no_response_total": ("billing", {}),
        "denial_groups": ("billing", dict(by=TEXT)),
        "denials_page": (
            "billing",
            dict(by=TEXT, group=TEXT, after=opt(st.tuples(TEXT, INT)), limit=INT),
        ),
        "follow_ups_due": ("billing", dict(after=opt(st.tuples(TEXT, INT)), limit=INT)),
        "follow_ups_total": ("billing", {}),
        "set_follow_up": ("billing", dict(claim_id=ID, version=ID, day=TEXT, note=TEXT)),
        "search_diagnoses": ("billing", dict(text=TEXT, limit=INT, billable_only=BOOL)),
        "search_procedures": ("billing", dict(text=TEXT, payer_id=opt(ID), limit=INT)),
        "code_sets": ("billing", {}),
        "places_of_service": ("billing", {}),
        "icd_list_missing": ("billing", {}),
        "_payer_names": ("billing", {}),
        "import_codes_file": ("billing", dict(kind=TEXT, path=FILE_NAME)),
        "unbilled_visits": ("billing", dict(after=st.none(), limit=INT)),
        "unbilled_count": ("billing", {}),
        "start_charges": ("billing", dict(appointment_id=ID)),
        "charge_sheet": ("billing", dict(claim_id=ID)),
        "add_diagnosis": ("billing", dict(claim_id=ID, version=ID, code=TEXT)),
        "remove_diagnosis": ("billing", dict(claim_id=ID, version=ID, position=INT)),
        "save_line": (
            "billing",
            dict(
                claim_id=ID,
                version=ID,
                line_no=opt(INT),
                data=st.fixed_dictionaries(
                    {
                        **{name: TEXT for name in CHARGE_LINE_FIELDS if name != "provider_id"},
                        "provider_id": opt(ID),
                    }
                ),
            ),
        ),
        "remove_line": ("billing", dict(claim_id=ID, version=ID, line_no=INT)),
        "scrub_claim": ("billing", dict(claim_id=ID)),
        "claim_holds": ("billing", dict(claim_id=ID)),
        "billing_parties": ("billing", {}),
        "save_payer_billing": (
            "billing",
            dict(payer_id=ID, data=st.fixed_dictionaries({n: TEXT for n in BILLING_PAYER_FIELDS})),
        ),
        "set_provider_npi": ("billing", dict(provider_id=ID, npi=TEXT)),
        "save_practice_billing": (
            "billing",
            dict(data=st.fixed_dictionaries({n: TEXT for n in BILLING_PRACTICE_FIELDS})),
        ),
        "create_batches": ("billing", dict(payer_id=opt(ID))),
        "batch_text": ("billing", dict(batch_id=ID)),
        "list_batches": ("billing", dict(limit=INT)),
        "find_batch": ("billing", dict(interchange_no=INT)),
        "post_eob": (
            "billing",
            dict(
                claim_id=ID,
                version=ID,
                lines=st.lists(
                    st.tuples(opt(ID), TEXT, st.lists(st.tuples(TEXT, TEXT, TEXT), max_size=3)),
                    max_size=3,
                ),
                reference=TEXT,
            ),
        ),
        "write_off": ("billing", dict(claim_id=ID, version=ID, amount=TEXT, reason=TEXT)),
        "refund_payer": ("billing", dict(claim_id=ID, version=ID, amount=TEXT, reason=TEXT)),
        "reverse_posting": ("billing", dict(posting_id=ID, reason=TEXT)),
        "post_patient_payment": (
            "billing",
            dict(claim_id=ID, amount=TEXT, method=TEXT, reference=TEXT),
        ),
        "claim_money": ("billing", dict(claim_id=ID)),
        "ar_aging": ("billing", dict(by=TEXT)),
        "statements_due": ("billing", {}),
        "create_statements": ("billing", {}),
        "run_texts": ("billing", dict(run_no=INT)),
        "patient_statements": ("billing", dict(patient_id=ID)),
        "statement_rules": ("billing", {}),
        "save_statement_rules": (
            "billing",
            dict(version=ID, min_balance=TEXT, days_between=TEXT, late_fee_percent=TEXT),
        ),
        "late_fee_preview": ("billing", {}),
        "apply_late_fees": ("billing", dict(shown=st.lists(st.tuples(ID, INT), max_size=3))),
        "describe_codes": ("billing", dict(codes=TEXT)),
        "demo_remittance_text": ("billing", {}),
        "visit_desk": ("desk", dict(appointment_id=ID)),
        "record_eligibility": (
            "desk",
            dict(appointment_id=ID, status=TEXT, method=TEXT, reference=TEXT),
        ),
        "set_self_pay": ("desk", dict(appointment_id=ID, version=ID, self_pay=BOOL)),
        "tick_intake": ("desk", dict(appointment_id=ID, item_id=ID)),
        "collect_payment": (
            "desk",
            dict(
                patient_id=ID,
                amount=TEXT,
                method=TEXT,
                reference=TEXT,
                appointment_id=opt(ID),
                description=TEXT,
            ),
        ),
        "rooms": ("desk", {}),
        "flow_board": ("desk", dict(warn_minutes=opt(INT))),
        "list_intake_items": ("manager", {}),
        "save_intake_item": (
            "manager",
            dict(
                item_id=opt(ID),
                data=st.fixed_dictionaries(dict(name=TEXT, every=TEXT, types=TEXT)),
            ),
        ),
        "stock_page": ("desk", dict(low_only=BOOL, after=st.none(), limit=INT)),
        "low_stock_count": ("desk", {}),
        "receive_stock": (
            "desk",
            dict(
                item_id=ID,
                quantity=COUNT,
                reason=TEXT,
                unit_cost=opt(TEXT),
                lot_number=TEXT,
                expiry=opt(TEXT),
                location_id=opt(ID),
            ),
        ),
        "use_supplies": (
            "desk",
            dict(item_id=ID, qty=COUNT, reason=TEXT, location_id=opt(ID), lot_id=opt(ID)),
        ),
        "use_at_visit": ("desk", dict(appointment_id=ID, item_id=ID, qty=COUNT)),
        "transfer_stock": (
            "desk",
            dict(lot_id=ID, qty=COUNT, to_location_id=ID, reason=TEXT),
        ),
        "record_count": (
            "desk",
            dict(counts=st.dictionaries(ID, COUNT, max_size=3), reason=TEXT),
        ),
        "item_lots": ("desk", dict(item_id=ID, location_id=opt(ID))),
        "location_lots": ("desk", dict(location_id=ID, limit=INT)),
        "near_expiry": ("desk", dict(after=st.none(), limit=INT)),
        "near_expiry_count": ("desk", {}),
        "set_near_expiry_days": ("desk", dict(days=COUNT, version=opt(INT))),
        "locations": ("desk", {}),
        "add_location": ("desk", dict(name=TEXT)),
        "retire_location": ("desk", dict(location_id=ID)),
        "use_stock": ("desk", dict(item_id=ID, quantity=COUNT, reason=TEXT)),
        "adjust_stock": ("desk", dict(item_id=ID, counted=COUNT, reason=TEXT)),
        "kiosk_find": ("kiosk", dict(last_name=TEXT, dob=TEXT, phone_last4=TEXT)),
        "kiosk_check_in": ("kiosk", dict(appointment_id=ID, details_correct=BOOL)),
        "waiting_room": ("kiosk", {}),
        "day_sheet": ("desk", dict(day=DATE, provider_id=ID)),
        "day_sheet_text": ("desk", dict(day=DATE, provider_id=ID)),
        "calendar_data": ("desk", dict(provider_id=ID, start_date=DATE, end_date=DATE)),
        "call_worklist": ("desk", dict(days_ahead=INT)),
        "waitlist_slots": ("desk", dict(entry_id=ID, type_id=opt(ID), limit=INT)),
        "search_patients": ("desk", dict(text=TEXT, limit=INT)),
        "open_patient": ("desk", dict(patient_id=ID, reason=opt(TEXT))),
        "set_patient_restricted": ("manager", dict(patient_id=ID, version=ID, restricted=BOOL)),
        "create_patient": ("desk", dict(data=PATIENT_DATA, allow_duplicate=BOOL)),
        "update_patient": ("desk", dict(patient_id=ID, version=ID, data=PATIENT_DATA)),
        "create_series": (
            "desk",
            dict(
                patient_id=ID,
                provider_id=ID,
                type_id=ID,
                first_start=DATETIME,
                rule=st.one_of(TEXT, st.sampled_from(["weekly", "monthly"])),
                interval=INT,
                count=opt(INT),
                until=opt(DATE),
            ),
        ),
        "cancel_rest_of_series": ("desk", dict(appointment_id=ID, version=ID, reason=TEXT)),
        "likely_duplicates": ("desk", dict(data=PATIENT_DATA)),
        "merge_patients": ("manager", dict(survivor_id=ID, merged_id=ID, confirm_mrn=TEXT)),
        "list_coverage": ("desk", dict(patient_id=ID)),
        "save_coverage": (
            "desk",
            dict(patient_id=ID, coverage_id=opt(ID), version=opt(ID), data=COVERAGE_DATA),
        ),
        "merge_duplicate": ("manager", dict(survivor_id=ID, duplicate_mrn=TEXT, confirm_mrn=TEXT)),
        "list_providers": ("desk", {}),
        "day_schedule": ("desk", dict(day=DATE, provider_id=opt(ID))),
        "day_absences": ("desk", dict(day=DATE, provider_id=opt(ID))),
        "absences_during": (
            "desk",
            dict(provider_id=ID, starts_at=DATETIME, minutes=INT),
        ),
        "booked_during": (
            "desk",
            dict(provider_id=opt(ID), starts_at=DATETIME, ends_at=DATETIME),
        ),
        "appointment_row": ("desk", dict(appointment_id=ID)),
        "visit_to_check_in": ("desk", dict(patient_id=ID)),
        "clinic_state": ("desk", {}),
        "item_movements": ("desk", dict(item_id=ID, after=opt(ID), limit=INT)),
        "merge_preview": ("manager", dict(survivor_id=ID, duplicate_mrn=TEXT)),
        "check_in": ("desk", dict(appointment_id=ID, version=opt(ID), override=TEXT)),
        "advance": ("desk", dict(appointment_id=ID, version=opt(ID), room=TEXT)),
        "list_staff": ("manager", {}),
        "create_staff": (
            "manager",
            dict(
                data=st.fixed_dictionaries(
                    dict(
                        username=TEXT,
                        full_name=TEXT,
                        role=st.one_of(TEXT, st.sampled_from(["front_desk", "kiosk"])),
                        password=TEXT,
                    )
                )
            ),
        ),
        "set_staff_active": ("manager", dict(staff_id=ID, version=ID, active=BOOL)),
        "reset_password": ("manager", dict(staff_id=ID, version=ID, temporary=TEXT)),
        "set_os_login": ("manager", dict(staff_id=ID, version=ID, login=TEXT)),
        "set_idle_lock_minutes": ("manager", dict(minutes=COUNT)),
        "set_wait_warn_minutes": ("manager", dict(minutes=COUNT)),
        "add_to_waitlist": (
            "desk",
            dict(
                patient_id=ID,
                prefs=st.fixed_dictionaries(
                    dict(
                        provider_id=opt(ID),
                        type_id=opt(ID),
                        weekdays=TEXT,
                        part_of_day=TEXT,
                        earliest=opt(DATE),
                        note=TEXT,
                    )
                ),
            ),
        ),
        "list_waitlist": ("desk", dict(limit=INT)),
        "waitlist_for_appointment": ("desk", dict(appointment_id=ID)),
        "book_from_waitlist": (
            "desk",
            dict(entry_id=ID, provider_id=ID, type_id=ID, starts_at=DATETIME),
        ),
        "remove_from_waitlist": ("desk", dict(entry_id=ID)),
        "confirmation_list": ("desk", dict(days_ahead=INT)),
        "record_call": ("desk", dict(appointment_id=ID, version=ID, outcome=TEXT)),
        # Phone messages, tasks and the triage list (issue 12).
        "triage_settings": ("desk", {}),
        "save_triage_settings": ("manager", dict(version=INT, red_flags=TEXT, advice=TEXT)),
        "log_call": (
            "desk",
            dict(
                values=st.fixed_dictionaries(
                    {
                        **{k: TEXT for k in ("caller", "callback", "reason", "text", "due")},
                        "route": st.one_of(TEXT, st.sampled_from(["me", "group:nurses"])),
                        "patient_id": st.one_of(opt(ID), TEXT),
                    }
                )
            ),
        ),
        "inbox_choices": ("desk", {}),
        "inbox_rows": (
            "desk",
            dict(
                box=TEXT,
                show_done=BOOL,
                limit=INT,
                after=st.one_of(st.none(), st.tuples(INT, DATETIME, ID), st.tuples(TEXT)),
            ),
        ),
        "inbox_counts": ("desk", {}),
        "urgent_untaken": ("desk", {}),
        "open_inbox_message": ("desk", dict(message_id=ID)),
        "take_inbox_message": ("desk", dict(message_id=ID, version=ID)),
        "route_inbox_message": ("desk", dict(message_id=ID, version=ID, route=TEXT)),
        "close_inbox_message": ("desk", dict(message_id=ID, version=ID, response=TEXT)),
        # Letters from templates (issue 12 item 3).
        "letter_templates": ("desk", {}),
        "save_template": (
            "manager",
            dict(template_id=opt(ID), version=opt(ID), name=TEXT, body=TEXT),
        ),
        "draft_letter": ("desk", dict(patient_id=ID, template_id=ID)),
        "_may_write_letter": ("desk", dict(patient_id=ID)),
        "patient_letters": ("desk", dict(patient_id=ID)),
        "record_letter": (
            "desk",
            dict(
                patient_id=ID,
                template_id=opt(ID),
                file_name=TEXT,
                values=st.fixed_dictionaries({"text": TEXT, "addressee": TEXT, "via": TEXT}),
            ),
        ),
        "save_letter": (
            "desk",
            dict(
                patient_id=ID,
                template_id=opt(ID),
                path=TEXT,
                values=st.fixed_dictionaries({"text": TEXT, "addressee": TEXT, "via": TEXT}),
            ),
        ),
        "log_mail": (
            "desk",
            dict(
                values=st.fixed_dictionaries(
                    {
                        **{k: TEXT for k in ("date", "party", "vendor", "outcome")},
                        "direction": st.one_of(TEXT, st.sampled_from(["in", "out"])),
                        "kind": st.one_of(TEXT, st.sampled_from(["returned", "payment"])),
                    }
                ),
                patient_id=opt(ID),
                claim_id=opt(ID),
            ),
        ),
        "mail_log": ("desk", dict(limit=INT)),
        "patient_mail": ("desk", dict(patient_id=ID)),
        "mark_address_fixed": ("desk", dict(mail_id=ID, version=ID)),
        # Refill requests and disclosures (issue 12 items 7, 9).
        "log_refill": (
            "desk",
            dict(
                values=st.fixed_dictionaries(
                    {
                        **{
                            k: TEXT
                            for k in (
                                "caller",
                                "callback",
                                "medication",
                                "dose",
                                "pharmacy",
                                "pharmacy_phone",
                                "note",
                            )
                        },
                        "prescriber": st.one_of(TEXT, st.sampled_from(["provider:1", "me"])),
                    }
                ),
                patient_id=st.one_of(opt(ID), TEXT),
            ),
        ),  # fmt: skip
        "step_refill": (
            "desk",
            dict(
                refill_id=ID,
                version=ID,
                status=st.one_of(TEXT, st.sampled_from(["approved", "denied", "done"])),
                note=TEXT,
            ),
        ),
        "patient_refills": ("desk", dict(patient_id=ID)),
        "refill_of_message": ("desk", dict(message_id=ID)),
        "prescriber_choices": ("desk", dict(patient_id=ID)),
        "record_disclosure": (
            "desk",
            dict(
                patient_id=ID,
                values=st.fixed_dictionaries(
                    {
                        **{
                            k: TEXT
                            for k in (
                                "recipient_name",
                                "recipient_org",
                                "recipient_address",
                                "description",
                                "purpose_note",
                                "disclosed_on",
                                "auth_ref",
                                "auth_date",
                            )
                        },
                        "purpose": st.one_of(TEXT, st.sampled_from(["treatment", "other"])),
                    }
                ),
                released=st.one_of(
                    st.none(),
                    TEXT,
                    st.lists(
                        st.one_of(TEXT, st.sampled_from(["document:1", "letter:1", "letter:x"])),
                        max_size=3,
                    ),
                ),
            ),
        ),  # fmt: skip
        "patient_disclosures": ("desk", dict(patient_id=ID)),
        "disclosure_accounting": ("desk", dict(patient_id=ID, since=opt(TEXT), until=opt(TEXT))),
        "save_accounting_letter": (
            "desk",
            dict(patient_id=ID, path=FILE_NAME, since=opt(TEXT), until=opt(TEXT)),
        ),
        "export_accounting_csv": (
            "desk",
            dict(patient_id=ID, path=FILE_NAME, since=opt(TEXT), until=opt(TEXT)),
        ),
        # Referrals and authorizations (issue 12 item 6).
        "save_referral": (
            "desk",
            dict(
                patient_id=ID,
                referral_id=opt(ID),
                version=opt(ID),
                values=st.fixed_dictionaries({k: TEXT for k in REFERRAL_FIELDS}),
            ),
        ),
        "patient_referrals": ("desk", dict(patient_id=ID)),
        "open_referrals": ("desk", dict(after=st.none(), limit=INT)),
        "save_authorization": (
            "desk",
            dict(
                patient_id=ID,
                authorization_id=opt(ID),
                version=opt(ID),
                values=st.fixed_dictionaries({k: TEXT for k in AUTH_FIELDS}),
            ),
        ),
        "patient_authorizations": ("desk", dict(patient_id=ID)),
        "authorization_warning": (
            "desk",
            dict(patient_id=ID, type_id=ID, starts_at=st.one_of(DATETIME, DATE)),
        ),
        "draft_referral_letter": ("desk", dict(referral_id=ID)),
        # Recalls and reminders (issue 12 item 5).
        "add_recall": (
            "desk",
            dict(
                patient_id=ID,
                values=st.fixed_dictionaries(
                    {
                        "kind": st.one_of(TEXT, st.sampled_from(["annual", "Other"])),
                        "due": TEXT,
                        "provider": st.one_of(TEXT, INT.map(str)),
                        "note": TEXT,
                    }
                ),
                visit_id=opt(ID),
            ),
        ),
        "recall_worklist": (
            "desk",
            dict(
                f=st.builds(
                    RecallFilter,
                    when=st.one_of(TEXT, st.sampled_from(["all", "overdue", "month"])),
                    provider_id=opt(ID),
                ),
                after=opt(st.tuples(DATE, ID)),
                limit=INT,
            ),
        ),
        "log_recall_call": (
            "desk",
            dict(recall_id=ID, version=ID, outcome=st.one_of(TEXT, st.just("declined")), note=TEXT),
        ),  # fmt: skip
        "remove_recall": ("desk", dict(recall_id=ID, version=ID, reason=TEXT)),
        "patient_recalls": ("desk", dict(patient_id=ID)),
        "reminder_list": ("desk", dict(days_ahead=INT)),
        "_texts_of_day": ("desk", dict(days_ahead=INT)),
        "_reminder_letters": ("desk", dict(days_ahead=INT, template_id=opt(ID))),
        "save_reminder_texts": ("desk", dict(days_ahead=INT, path=FILE_NAME, overwrite=BOOL)),
        "save_reminder_letters": (
            "desk",
            dict(
                days_ahead=INT,
                path=FILE_NAME,
                template_id=opt(ID),
                paper=st.one_of(TEXT, st.sampled_from(["letter", "postcard"])),
                overwrite=BOOL,
            ),
        ),  # fmt: skip
        "reminder_consent": ("desk", dict(patient_id=ID)),
        "set_reminder_consent": ("desk", dict(patient_id=ID, full_name=st.one_of(BOOL, TEXT))),
        "create_task": (
            "desk",
            dict(
                values=st.fixed_dictionaries(
                    {
                        "title": TEXT,
                        "due": TEXT,
                        "text": TEXT,
                        "route": st.one_of(TEXT, st.just("me")),
                    }
                ),
                patient_id=opt(ID),
                claim_id=opt(ID),
                message_id=opt(ID),
            ),
        ),
        "reverse_entry": ("manager", dict(entry_id=ID, on=DATE, reason=TEXT)),
        "set_lock_date": ("manager", dict(day=opt(DATE), reason=TEXT)),
        "trial_balance": ("manager", dict(as_of=opt(DATE))),
        "month_end_checklist": ("manager", dict(month=opt(DATE))),
        "balance_sheet": ("billing", dict(as_of=opt(DATE))),
        "profit_and_loss": ("manager", dict(start=DATE, end=DATE)),
        "ledger_detail": (
            "manager",
            dict(
                code=TEXT, start=opt(DATE), end=opt(DATE), after=opt(st.tuples(DATE, ID)), limit=INT
            ),  # fmt: skip
        ),
        "export_statement": (
            "manager",
            dict(
                kind=st.one_of(st.sampled_from(STATEMENT_KINDS), TEXT),
                fmt=st.one_of(st.sampled_from(["csv", "pdf"]), TEXT),
                path=FILE_NAME,
                as_of=opt(DATE),
                start=opt(DATE),
                end=opt(DATE),
                code=TEXT,
                day=opt(DATE),
                deposit_id=opt(ID),
            ),
        ),
        # The day's money at the desk (issue 13 item 5).
        "books_day_sheet": ("manager", dict(day=opt(DATE))),
        "count_drawer": (
            "desk",
            dict(day=TEXT, cash=TEXT, checks_count=TEXT, checks=TEXT, note=TEXT),
        ),
        "undeposited": ("manager", dict()),
        "make_deposit": (
            "manager",
            dict(
                day=TEXT,
                bank_reference=TEXT,
                keys=opt(
                    st.lists(st.one_of(TEXT, st.sampled_from(["desk:1", "payer:1"])), max_size=3)
                ),
            ),  # fmt: skip
        ),
        "deposit_slip": ("manager", dict(deposit_id=ID)),
        "recent_deposits": ("manager", dict(limit=INT)),
        **records_helpers.fuzz_arguments(TEXT, ID, BOOL, FILE_NAME),
        # Payables and purchasing (issue 13 items 2, 3).
        "save_vendor": (
            "manager",
            dict(
                values=st.fixed_dictionaries(
                    {k: TEXT for k in ("name", "address", "phone", "tax_id", "terms")}
                    | {"contractor": BOOL}
                ),
                vendor_id=opt(ID),
                version=opt(ID),
            ),
        ),
        "set_vendor_active": ("manager", dict(vendor_id=ID, active=BOOL)),
        "vendor_list": ("manager", dict(include_inactive=BOOL, limit=INT)),
        "vendor_detail": ("manager", dict(vendor_id=ID)),
        "set_vendor_item": (
            "manager",
            dict(vendor_id=ID, item_id=ID, price=TEXT, preferred=BOOL),
        ),
        "vendor_items": ("manager", dict(vendor_id=ID)),
        "create_bill": (
            "manager",
            dict(
                vendor_id=ID,
                values=st.fixed_dictionaries({k: TEXT for k in ("number", "bill_date", "memo")}),
                lines=st.lists(
                    st.fixed_dictionaries({k: TEXT for k in ("account", "description", "amount")}),
                    max_size=3,
                ),
            ),
        ),
        "bill_from_order": (
            "manager",
            dict(
                order_id=ID,
                values=st.fixed_dictionaries({k: TEXT for k in ("number", "bill_date", "memo")}),
                lines=st.dictionaries(ID, st.tuples(TEXT, TEXT), max_size=3),
            ),
        ),
        "approve_bill": ("manager", dict(bill_id=ID, version=opt(ID), override_reason=TEXT)),
        "bill_detail": ("manager", dict(bill_id=ID)),
        "bill_list": ("manager", dict(open_only=BOOL, after=st.none(), limit=INT)),
        "bills_due": ("manager", dict(days=INT)),
        "pay_bill": (
            "manager",
            dict(
                bill_id=ID,
                values=st.fixed_dictionaries(
                    {k: TEXT for k in ("paid_on", "method", "check_number", "amount")}
                ),
            ),
        ),
        "discount_offer": ("manager", dict(bill_id=ID, paid_on=opt(DATE))),
        "check_register": ("manager", dict(start=DATE, end=DATE, after=st.none(), limit=INT)),
        "ap_aging": ("manager", dict(as_of=opt(DATE))),
        "collections_by_week": ("manager", dict(through=opt(DATE), weeks=INT)),
        "usage_by_month": ("desk", dict(item_id=ID, through=opt(DATE), months=INT)),
        "match_tolerance": ("manager", {}),
        "set_match_tolerance": ("manager", dict(percent=TEXT, cents=TEXT, version=opt(ID))),
        "orders_from_low_stock": ("manager", dict(item_ids=opt(st.lists(ID, max_size=3)))),
        "new_order": ("manager", dict(vendor_id=ID)),
        "set_order_line": (
            "manager",
            dict(order_id=ID, item_id=ID, quantity=TEXT, price=TEXT, version=opt(ID)),
        ),
        "order_detail": ("desk", dict(order_id=ID)),
        "order_list": ("desk", dict(open_only=BOOL, after=opt(ID), limit=INT)),
        "order_to_send": ("manager", dict(order_id=ID)),
        "mark_order_sent": ("manager", dict(order_id=ID, version=ID, file_name=TEXT)),
        "send_order": ("manager", dict(order_id=ID, path=FILE_NAME, overwrite=BOOL)),
        "end_order": ("manager", dict(order_id=ID, reason=TEXT)),
        "orders_to_bill": ("manager", dict(limit=INT)),
        "receive_order": (
            "desk",
            dict(
                order_id=ID,
                quantities=st.dictionaries(ID, TEXT, max_size=3),
                received_on=TEXT,
                over_reason=TEXT,
                note=TEXT,
                version=opt(ID),
                lots=st.none(),
            ),
        ),
        "chart_of_accounts": ("manager", {}),
        "open_books": ("manager", dict(day=TEXT)),
        "add_account": (
            "manager",
            dict(
                values=st.fixed_dictionaries(
                    {k: TEXT for k in ("code", "name", "type", "normal_side")}
                )
            ),
        ),
        "rename_account": ("manager", dict(account_id=ID, version=ID, name=TEXT)),
        "set_account_active": ("manager", dict(account_id=ID, version=ID, active=BOOL)),
        "journal_page": ("manager", dict(after=opt(st.tuples(DATE, ID)), limit=INT)),
        "entry_detail": ("manager", dict(entry_id=ID)),
        "post_manual_entry": (
            "manager",
            dict(
                day=TEXT,
                memo=TEXT,
                rows=st.lists(
                    st.tuples(st.one_of(TEXT, st.sampled_from(["1000", "6300"])), TEXT, TEXT),
                    max_size=4,
                ),
            ),
        ),
    }


SERVICES = service_arguments(TEXT)


PROGRAM_DATA_ONLY = {
    "save_receipt_pdf": "prints a Receipt that collect_payment returned",
    "save_visit_slip": "prints ScheduleRows that the schedule returned",
    "_may_print_receipt": "checks a Receipt that collect_payment returned",
    "_visit_slip_heading": "checks a ScheduleRow that the schedule returned",
    "record_export": "records an export the program rendered (action and detail are its own)",
    "preview_remittance": "reports on a Remit that parse_remittance read and checked",
    "post_remittance": "posts a Remit that parse_remittance read and checked",
    "store_reasons": "stores the rows that parse_reasons checked",
    "store_code_rows": "stores an ImportReport that import_codes_file read and checked",
    "store_icd_list": "stores the IcdList read from simple-icd-10-cm (load_icd10cm)",
    "_record_reminder_letters": "keeps the letters _reminder_letters rendered (a printed batch)",
}


# Jobs that are not one decorated service but several (an export reads in one, writes
# the file with no transaction open, then records it in another): fuzzed as a whole.
COMPOSITES = {
    "export_audit_csv": audit_service.export_audit_csv,
    "import_codes_file": billing_imports.import_codes_file,
    "save_receipt_pdf": payments.save_receipt_pdf,
    "save_visit_slip": visit_slip.save_visit_slip,
    "save_letter": comms_letters.save_letter,
    "save_reminder_texts": comms_reminders.save_reminder_texts,
    "save_reminder_letters": comms_reminders.save_reminder_letters,
    "save_accounting_letter": records_accounting.save_accounting_letter,
    "export_accounting_csv": records_accounting.export_accounting_csv,
    "export_statement": books_report_files.export_statement,
    **records_helpers.COMPOSITES,
    "send_order": purchasing.send_order,
}


def all_services() -> dict[str, object]:
    """Every @reader/@writer function in moa_tui.services, by name, and the composites."""
    found = dict(COMPOSITES)
    for info in pkgutil.walk_packages(services_package.__path__, "moa_tui.services."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if callable(obj) and hasattr(obj, "permission") and hasattr(obj, "__wrapped__"):
                if obj.__module__ == module.__name__:
                    found[name] = obj
    return found


def test_every_service_is_fuzzed():
    services = all_services()
    missing = sorted(set(services) - set(SERVICES) - set(PROGRAM_DATA_ONLY))
    assert not missing, f"add these services to SERVICES in this file: {missing}"
    gone = sorted((set(SERVICES) | set(PROGRAM_DATA_ONLY)) - set(services))
    assert not gone, f"no longer services: {gone}"


# --- one clinic for the module ---------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_db(_demo_template: Path, tmp_path_factory) -> Path:
    """The demo clinic, open for the module; returns its export folder."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "demo.db"
    shutil.copy(_demo_template, path)
    exports = folder / "exports"
    exports.mkdir()
    cwd = os.getcwd()
    os.chdir(folder)  # whatever a relative name means, it means it in here
    open_database(path)
    load_clinic()
    ClinicSettings.update(export_dir=str(exports)).execute()
    yield exports
    db.close()
    os.chdir(cwd)


def _actor(username: str) -> StaffMember:
    """The account as it is now; put back in service if an example switched it off (the
    fuzzing may deactivate or lock anyone, the callers themselves included)."""
    StaffMember.update(active=True, failed_attempts=0, locked_until=None).where(
        StaffMember.username == username
    ).execute()
    return find_staff(username)


def _fuzz(exports: Path, name: str, arguments: dict, examples: int) -> None:
    service = all_services()[name]
    user = SERVICES[name][0]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(arguments))
    def call(kwargs):
        actor = _actor(user)
        ClinicSettings.update(export_dir=str(exports)).execute()  # set_export_folder moves it
        try:
            service(actor, **kwargs)
        except ServiceError:
            pass
        assert db.in_transaction() is False, "a transaction was left open"

    call()


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_service_refuses_or_succeeds_for_any_input(fuzz_db, name):
    _fuzz(fuzz_db, name, SERVICES[name][1], 40)


def _takes_text(name: str) -> bool:
    one, other = (repr(service_arguments(st.just(v))[name][1]) for v in ("a", "b"))
    return one != other


@pytest.mark.parametrize("name", sorted(n for n in SERVICES if _takes_text(n)))
def test_every_tricky_text_in_every_text_field(fuzz_db, name):
    """Random text rarely hits the few strings that broke something: each is typed into
    every text field of the service at once."""
    for text in TRICKY:
        _fuzz(fuzz_db, name, service_arguments(st.just(text))[name][1], 1)
