"""A patient's referrals and authorizations (issue 12 item 6), opened from the chart (R):
n adds a referral, Enter or e changes one, l writes its referral letter, a shows the
authorizations (n adds one, Enter changes one) with visits used, booked and left."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding

from ...services.patients.registration import list_coverage
from ...services.records.authorizations import AuthorizationRow, patient_authorizations
from ...services.records.referrals import DIRECTION_LABELS, ReferralRow, patient_referrals
from ...services.scheduling.schedule import list_providers
from ...services.wording import date_text
from ...ui.text import plain
from ...widgets.paged_table import Column, RowTable
from ..base import TitledScreen
from .referral_forms import authorization_dialog, referral_dialog

REFERRAL_COLUMNS = [
    Column("Date", 10), Column("In/out", 6), Column("Status", 9),
    Column("To/from", 22, share=2), Column("Reason", 18, share=1),
]  # fmt: skip
AUTH_COLUMNS = [
    Column("Number", 12), Column("Payer", 12, share=1), Column("Used", 7), Column("Booked", 6),
    Column("Expires", 10), Column("State", 10), Column("Types", 10, share=1, optional=True),
]  # fmt: skip


class _PatientList(TitledScreen):
    """A list about one patient, fetched when opened and after a change made here."""

    TOPICS = frozenset()
    REFETCH_ON_RESUME = False

    def __init__(self, patient_id: int, name: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.rows: dict[str, object] = {}
        self.said_after_reload = ""

    def compose_body(self) -> ComposeResult:
        yield RowTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.set_title(self.patient_name)
        self.query_one(RowTable).set_columns(self.COLUMNS)
        self.reload()

    def show_rows(self, rows: list, cells) -> None:
        table = self.query_one(RowTable)
        keep = self.selected_key()
        table.clear()
        self.rows = {str(r.id): r for r in rows}
        for r in rows:
            table.add_row(*(plain(c) for c in cells(r)), key=str(r.id))
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(keep))
        table.focus()

    def selected_key(self) -> str | None:
        table = self.query_one(RowTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected(self):
        return self.rows.get(self.selected_key() or "")

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        raise NotImplementedError

    def saved(self, row) -> None:
        if row is not None:
            self.said_after_reload = f"Saved {self.WHAT}."
            self.reload()

    def say_after(self, default: str) -> None:
        """What the list says once shown: "Saved ..." after a save here, else *default*."""
        done, self.said_after_reload = self.said_after_reload, ""
        if done:
            self.say(done, "ok")
        elif default:
            self.say(default)


class PatientReferralsScreen(_PatientList):
    """The patient's referrals in and out, newest first."""

    VIEW_TITLE = "Referrals"
    COLUMNS = REFERRAL_COLUMNS
    WHAT = "the referral"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="referrals.back"),
        Binding("n", "new", "New referral", id="referrals.new"),
        Binding("e", "edit", "Edit", id="referrals.edit"),
        Binding("l", "letter", "Letter", id="referrals.letter"),
        Binding("a", "authorizations", "Authorizations", id="referrals.authorizations"),
    ]
    ACTION_PERMISSIONS = {"new": "patient.write", "edit": "patient.write",
                          "letter": "comms.write"}  # fmt: skip

    def reload(self) -> None:
        self.call_service(patient_referrals, self.patient_id, then=self._show)

    def _show(self, rows: list[ReferralRow]) -> None:
        self.show_rows(rows, lambda r: (
            date_text(r.referred_on), DIRECTION_LABELS[r.direction], r.status_label,
            r.other_name, r.reason,
        ))  # fmt: skip
        self.say_after("" if rows else "No referrals yet: n adds one.")

    def action_new(self) -> None:
        self._open(None)

    def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            self.say("No referral to change: n adds one.", "error")
        elif self.check_action("edit", ()):
            self._open(row)

    @work(exclusive=True, group="referral-form")
    async def _open(self, row: ReferralRow | None) -> None:
        providers = await self.ask_service(list_providers, group="providers")
        if providers is None:
            return
        self.saved(await self.app.push_screen_wait(
            referral_dialog(self.patient_id, self.patient_name, row, providers)))  # fmt: skip

    def action_letter(self) -> None:
        """The referral letter, prefilled from the highlighted referral."""
        row = self.selected()
        if row is None:
            self.say("Choose the referral to write the letter for.", "error")
            return
        self.app.new_letter(self.patient_id, self.patient_name, referral_id=row.id)

    def action_authorizations(self) -> None:
        self.app.push_screen(PatientAuthorizationsScreen(self.patient_id, self.patient_name))


class PatientAuthorizationsScreen(_PatientList):
    """The patient's authorizations with the visits used (checked in), booked and the
    state; the latest to expire first."""

    VIEW_TITLE = "Authorizations"
    COLUMNS = AUTH_COLUMNS
    WHAT = "the authorization"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="authorizations.back"),
        Binding("n", "new", "New authorization", id="authorizations.new"),
        Binding("e", "edit", "Edit", id="authorizations.edit"),
    ]
    ACTION_PERMISSIONS = {"new": "patient.write", "edit": "patient.write"}

    def reload(self) -> None:
        self.call_service(patient_authorizations, self.patient_id, then=self._show)

    def _show(self, rows: list[AuthorizationRow]) -> None:
        self.show_rows(rows, lambda r: (
            r.number, r.payer, f"{r.visits_used} of {r.visits_allowed}", str(r.visits_booked),
            date_text(r.expires_on), r.state, r.types,
        ))  # fmt: skip
        self.say_after(
            "Used: visits checked in · Booked: visits still to come."
            if rows
            else "No authorizations yet: n adds one."
        )

    def action_new(self) -> None:
        self._open(None)

    def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            self.say("No authorization to change: n adds one.", "error")
        elif self.check_action("edit", ()):
            self._open(row)

    @work(exclusive=True, group="authorization-form")
    async def _open(self, row: AuthorizationRow | None) -> None:
        coverages = await self.ask_service(list_coverage, self.patient_id, group="plans")
        referrals = await self.ask_service(patient_referrals, self.patient_id, group="refs")
        if coverages is None or referrals is None:
            return
        if not coverages:
            self.say("No insurance on file: add the plan first (i on the chart).", "error")
            return
        self.saved(await self.app.push_screen_wait(authorization_dialog(
            self.patient_id, self.patient_name, row, coverages, referrals)))  # fmt: skip
