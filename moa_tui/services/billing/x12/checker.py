"""An independent verdict on an X12 file: pyx12's validator (its x12n_document), with the
errors it reports as sentences. Used on every 835 before it is read, and by the tests on
every 837P the export writes. (The x12valid command's exit code is not the verdict.)"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass

import pyx12.params
import pyx12.x12n_document


@dataclass(frozen=True)
class Verdict:
    valid: bool
    errors: tuple[str, ...]


def _messages(raw: str) -> tuple[str, ...]:
    """Every error in pyx12's JSON report, as 'line 20: Segment CLX*17 not found ...'."""
    try:
        tree = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return ("The validator's report could not be read.",)
    out: list[str] = []

    def walk(node, line=None) -> None:
        if isinstance(node, dict):
            line = node.get("cur_line", line)
            for err in node.get("errors") or ():
                if isinstance(err, dict) and err.get("err_str"):
                    out.append(f"line {line}: {err['err_str']}" if line else err["err_str"])
            for key, value in node.items():
                if key != "errors":
                    walk(value, line)
        elif isinstance(node, list):
            for item in node:
                walk(item, line)

    walk(tree)
    return tuple(out)


class _Collect(logging.Handler):
    """pyx12 logs some errors (an element 'Not Used', a 999 it could not write) that its
    JSON report leaves out: they are part of the verdict too."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info is None:
            self.messages.append(record.getMessage())


def check(text: str) -> Verdict:
    """pyx12's verdict on *text* (a whole interchange), with its error messages."""
    param = pyx12.params.ParamsBase()  # no user or site configuration files
    errors = io.StringIO()
    logger = logging.getLogger("pyx12")
    quiet = logger.level, logger.propagate
    collect = _Collect()
    logger.setLevel(logging.ERROR)
    logger.propagate = False
    logger.addHandler(collect)
    try:
        valid = pyx12.x12n_document.x12n_document(
            param, io.StringIO(text), None, None, None, errors
        )
    except Exception as exc:  # noqa: BLE001 - any failure of the validator is a "no"
        return Verdict(False, (f"The file could not be read as X12 ({exc}).",))
    finally:
        logger.removeHandler(collect)
        logger.setLevel(quiet[0])
        logger.propagate = quiet[1]
    messages = list(_messages(errors.getvalue()))
    messages += [m for m in collect.messages if m not in messages]
    if not valid and not messages:
        messages.append("The validator found the file invalid.")
    return Verdict(bool(valid) and not messages, tuple(messages))
