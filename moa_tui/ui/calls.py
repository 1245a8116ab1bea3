"""Calling services from the UI: in a worker thread, only the newest answer of a group
delivered, a second write while one is in flight dropped, keys the role may not use hidden,
and a restricted record's reason asked for (by the app) before the call is repeated."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Static

from ..db.database import READ_ONLY_MESSAGE, read_only, unreachable
from ..services.core import UNREACHABLE_MESSAGE, SessionEnded
from ..services.errors import ServiceError
from ..services.patients.privacy import ReasonRequired
from ..services.security.security import can, refusal
from .changes import heard
from .text import visible


def database_trouble(exc: Exception) -> str:
    """What to say about an error a service did not turn into a sentence itself (a call
    that works outside the services' transaction, such as the sign-in's)."""
    if unreachable(exc):
        return UNREACHABLE_MESSAGE
    if read_only(exc):
        return READ_ONLY_MESSAGE
    return f"Unexpected error: {exc!r}"


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
            line = self.query_one("#message", Static)
        except NoMatches:
            line = None
        if hasattr(line, "say"):  # widgets/message_line.py's MessageLine
            line.say(text, "error")
        else:
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
                if getattr(service, "changes", None):
                    heard(service.changes)  # the other areas refetch when they come back
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
                value, done = ServiceError(database_trouble(exc)), on_error
            if calls.latest.get(group) == ticket:
                self.post_message(ServiceResult(done, value, group))
            else:
                calls.writing.discard(group)

        self.run_worker(job, thread=True, group=group, exit_on_error=False)

    def ask_reason(self, error: ReasonRequired, asked: tuple) -> None:
        """Ask why the restricted record is needed; with a reason, repeat the call that
        was refused; without one, the refusal is shown as any other error."""
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

        self.app.emergency_access(error, answered)

    def on_service_result(self, message: ServiceResult) -> None:
        message.stop()
        self._calls.writing.discard(message.group)
        message.then(message.value)

    def show_error(self, error: ServiceError) -> None:
        self.notify(visible(error), severity="error", timeout=8, markup=False)

    async def ask_service(
        self,
        service: Callable[..., Any],
        *args: Any,
        group: str = "default",
        refusals: tuple[type[ServiceError], ...] = (),
        **kwargs: Any,
    ) -> Any:
        """call_service for a flow that reads top to bottom (an async worker awaiting its
        dialogs): the service's answer, or None once a refusal has been shown (or when a
        write of the same group is still in flight). A refusal of one of the `refusals`
        types is not shown but returned, for the flow to answer (e.g. ask for a reason)."""
        if group in self.WRITE_GROUPS and group in self._calls.writing:
            self.app.bell()
            return None
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def refused(error: ServiceError) -> None:
            if isinstance(error, refusals):
                answer.set_result(error)
                return
            self.show_error(error)
            answer.set_result(None)

        self.call_service(
            service, *args, then=answer.set_result, failed=refused, group=group, **kwargs
        )
        return await answer
