"""What every area screen shares: the title bar, the message line, calling services in a
worker, and refetching when another terminal changes the data."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..services.core import SessionEnded
from ..services.errors import ServiceError
from ..services.patients.privacy import ReasonRequired
from ..services.security.security import can, refusal
from ..widgets.areabar import AreaBar
from ..widgets.paged_table import PagedTable
from ..widgets.text import plain, visible


class DataChanged(Message):
    """Posted by the app's change watcher when another terminal committed a change to
    *topics* (db/changes.py: schedule, patients, claims, stock, staff, audit)."""

    def __init__(self, topics: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.topics = topics


def concerns(screen, message: DataChanged) -> bool:
    """True if *screen* shows one of the topics that changed (a screen without TOPICS is
    told of every change)."""
    wanted = getattr(screen, "TOPICS", None)
    return wanted is None or not message.topics or bool(wanted & message.topics)


class ServiceResult(Message):
    """A service call finished in a worker thread; ``then`` runs on the UI thread."""

    def __init__(self, then: Callable[[Any], None], value: Any, group: str) -> None:
        super().__init__()
        self.then = then
        self.value = value
        self.group = group


class _Calls:
    """Per-screen bookkeeping of service calls in flight."""

    def __init__(self) -> None:
        self.latest: dict[str, int] = {}  # group -> ticket of the newest call
        self.writing: set[str] = set()  # write groups with a call in flight


class ServiceCaller:
    """Mixin for screens: run a service off the UI thread and handle its answer.

    Only the newest call of a *group* is delivered, so a slow search can never overwrite
    the answer to a newer one. In a write group a second call while one is in flight is
    dropped (with a bell), so a repeated key cannot act on a row that is about to change.
    """

    _serial = itertools.count(1)
    WRITE_GROUPS = frozenset({"write"})
    # action name -> permission: keys the signed-in role may not use are hidden. (The
    # services refuse them anyway; this only keeps the screen honest.)
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        permission = self.ACTION_PERMISSIONS.get(action)
        return permission is None or can(self.app.actor, permission)

    def on_key(self, event: events.Key) -> None:
        """A key of this screen that the role may not use is hidden from the footer; typed
        anyway (from memory, from the help) it says why in one line instead of nothing."""
        for namespace, bindings in self._modal_binding_chain:
            found = bindings.key_to_bindings.get(event.key, ())
            if namespace is not self:
                if found:
                    return  # the focused widget (or one around it) uses this key itself
                continue
            for binding in found:
                permission = self.ACTION_PERMISSIONS.get(binding.action.split("(", 1)[0])
                if permission and not can(self.app.actor, permission):
                    event.stop()
                    event.prevent_default()
                    self.show_refusal(
                        f"{binding.description}: {refusal(self.app.actor, permission)}"
                    )
            return

    def show_refusal(self, text: str) -> None:
        """On the screen's message line (a notice when it has none), with a bell."""
        try:
            self.query_one("#message", Static).update(plain(text, "bold red"))
        except NoMatches:
            self.notify(text, severity="warning", timeout=6, markup=False)
        self.app.bell()

    @property
    def _calls(self) -> _Calls:
        if "_calls_state" not in self.__dict__:
            self.__dict__["_calls_state"] = _Calls()
        return self.__dict__["_calls_state"]

    def call_service(
        self,
        service: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], None],
        failed: Callable[[ServiceError], None] | None = None,
        group: str = "default",
        with_actor: bool = True,
        **kwargs: Any,
    ) -> None:
        calls = self._calls
        asked = (service, args, kwargs, then, failed, group, with_actor)
        if group in self.WRITE_GROUPS:
            if group in calls.writing:
                self.app.bell()
                return
            calls.writing.add(group)
        ticket = calls.latest[group] = next(self._serial)
        if with_actor:
            args = (self.app.actor, *args)
        on_error = failed or self.show_error

        def job() -> None:
            try:
                value, done = service(*args, **kwargs), then
            except SessionEnded as exc:
                # Not this screen's business: the whole terminal signs out.
                value, done = exc, self.app.session_ended
            except ReasonRequired as exc:
                # A restricted record, on any screen: the chart's emergency-access dialog,
                # then the same call again (the reason holds for this session).
                value, done = exc, lambda e: self.ask_reason(e, asked)
            except ServiceError as exc:
                value, done = exc, on_error
            except Exception as exc:  # noqa: BLE001 - shown, not fatal: the desk keeps working
                value, done = ServiceError(f"Unexpected error: {exc!r}"), on_error
            if calls.latest.get(group) == ticket:
                self.post_message(ServiceResult(done, value, group))
            else:
                calls.writing.discard(group)

        self.run_worker(job, thread=True, group=group, exit_on_error=False)

    def ask_reason(self, error: ReasonRequired, asked: tuple) -> None:
        """Ask why the restricted record is needed; with a reason, repeat the call that
        was refused; without one, the refusal is shown as any other error."""
        from .patients.patients import emergency_access  # that module builds on this one

        service, args, kwargs, then, failed, group, with_actor = asked

        def answered(chart) -> None:
            if chart is None:
                (failed or self.show_error)(error)
            else:
                self.call_service(
                    service,
                    *args,
                    then=then,
                    failed=failed,
                    group=group,
                    with_actor=with_actor,
                    **kwargs,
                )

        emergency_access(self.app, error, answered)

    def on_service_result(self, message: ServiceResult) -> None:
        message.stop()
        self._calls.writing.discard(message.group)
        message.then(message.value)

    def show_error(self, error: ServiceError) -> None:
        self.notify(visible(error), severity="error", timeout=8, markup=False)


class AreaScreen(ServiceCaller, Screen):
    """One top-level area (a mode). Subclasses fill ``compose_body`` and ``reload``."""

    AREA_TITLE = ""

    def compose(self) -> ComposeResult:
        yield Static(id="titlebar")
        yield from self.compose_body()
        yield Static(id="message")
        yield AreaBar(self.app.area_keys(), self.app.current_mode)
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.set_title()

    def set_title(self, extra: str = "") -> None:
        app = self.app
        parts = [self.AREA_TITLE, extra, app.clinic_name, app.actor.short_name]
        self.query_one("#titlebar", Static).update(plain(" · ".join(p for p in parts if p)))

    def say(self, text: str, style: str = "") -> None:
        """Show a line of feedback above the footer (errors in the error style)."""
        self.query_one("#message", Static).update(plain(text, style))

    def show_error(self, error: ServiceError) -> None:
        self.say(str(error), "bold red")
        self.app.bell()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_data_changed(self, message: DataChanged) -> None:
        if concerns(self, message):
            self.reload()

    def reload(self) -> None:
        """Fetch what the screen shows again (after a change here or elsewhere)."""


class PatientRowsScreen(AreaScreen):
    """An area whose rows each belong to a patient (``selected()`` returns one with a
    ``patient_id``): Enter opens that patient's chart, and after a refusal the list is
    fetched again, since the refusal usually means it was out of date."""

    def selected(self):
        raise NotImplementedError

    def action_open_patient(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.open_patient(row.patient_id)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open_patient()

    def show_error(self, error: ServiceError) -> None:
        super().show_error(error)
        self.reload()


class KeysetListScreen(AreaScreen):
    """An area whose table is fetched a keyset page at a time (claims, stock): the
    first page replaces the table, later ones are appended as the cursor nears the end.
    Subclasses give ``fetch_page(after)`` (a service call with then=...) and ``cells``."""

    def show_first_page(self, page) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {}
        self.append_page(page)
        table.move_to_key(keep)

    def append_page(self, page) -> None:
        keys = [str(r.id) for r in page.rows]
        self.rows.update(zip(keys, page.rows, strict=True))
        self.next_after = page.next_after
        self.query_one(PagedTable).add_page(
            [self.cells(r) for r in page.rows], keys, page.next_after is not None
        )

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.fetch_page(self.next_after)

    def fetch_page(self, after) -> None:
        raise NotImplementedError

    def cells(self, row) -> tuple:
        raise NotImplementedError
