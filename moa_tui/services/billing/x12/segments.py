"""Writing X12: separators chosen so that no data element contains them, segments joined
with them, the interchange and group envelope (ISA/GS ... GE/IEA) and the formats of money,
dates and times. Pure: no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ....text import x12_clean

# Candidates in order of preference; the first that no data element contains is used.
ELEMENT = "*|!"
COMPONENT = ":>\\"
REPETITION = "^{`"
SEGMENT = "~"

# A segment: its id, then its elements; an element is text, or a tuple of components.
Element = str | tuple[str, ...]
Segment = Sequence[Element]


class SeparatorsUnavailable(ValueError):
    """Every candidate for a separator occurs in the data (cannot happen for cleaned text)."""


@dataclass(frozen=True)
class Separators:
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


def pick_separators(segments: Iterable[Segment]) -> Separators:
    """Separators that no element or component of *segments* contains."""
    used: set[str] = set()
    for seg in segments:
        for element in seg:
            for text in element if isinstance(element, tuple) else (element,):
                used.update(text)

    def first(candidates: str, what: str) -> str:
        for ch in candidates:
            if ch not in used:
                return ch
        raise SeparatorsUnavailable(f"Every {what} separator occurs in the claim data.")

    return Separators(
        first(ELEMENT, "element"),
        first(COMPONENT, "component"),
        first(REPETITION, "repetition"),
        first(SEGMENT, "segment"),
    )


def render(segments: Iterable[Segment], seps: Separators) -> str:
    """The segments as X12 text, one segment a line (after its terminator); trailing
    empty elements and components are dropped, as the standard asks."""
    out = []
    for seg in segments:
        elements = []
        for element in seg:
            if isinstance(element, tuple):
                parts = list(element)
                while parts and parts[-1] == "":
                    parts.pop()
                elements.append(seps.component.join(parts))
            else:
                elements.append(element)
        while elements and elements[-1] == "":
            elements.pop()
        out.append(seps.element.join(elements) + seps.segment + "\n")
    return "".join(out)


def money(cents: int) -> str:
    """Cents as an X12 decimal: 12345 -> '123.45', 10000 -> '100', -550 -> '-5.5'."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}" + (f".{frac:02d}".rstrip("0") if frac else "")


def cents(text: str) -> int:
    """An X12 decimal as cents; refuses more than two decimals ('1.234')."""
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    whole, _, frac = text.lstrip("+-").partition(".")
    if not (whole or frac) or not (whole or "0").isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"{text!r} is not an amount")
    if len(frac) > 2:
        raise ValueError(f"{text!r} has more than two decimals")
    return sign * (int(whole or "0") * 100 + int((frac + "00")[:2]))


def d8(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def name(value: object, max_len: int) -> str:
    """Text cleaned for an X12 element, upper case (what payers expect)."""
    return x12_clean(value, max_len).upper()


def digits(value: object) -> str:
    return "".join(ch for ch in str(value or "") if ch in "0123456789")


def envelope(
    body: list[Segment],
    *,
    sender: str,
    receiver: str,
    interchange_no: int,
    group_no: int,
    at: dt.datetime,
    version: str,
    functional_id: str,
    test: bool = False,
) -> list[Segment]:
    """*body* (ST..SE transaction sets) wrapped in one functional group and interchange.
    ISA fields are fixed width; the repetition (ISA11) and component (ISA16) separators
    are filled in when rendered, so they are placeholders here."""
    sender_id = name(sender, 15) or "UNKNOWN"
    receiver_id = name(receiver, 15) or "UNKNOWN"
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender_id.ljust(15),
        "ZZ",
        receiver_id.ljust(15),
        at.strftime("%y%m%d"),
        at.strftime("%H%M"),
        "{REPETITION}",
        "00501",
        f"{interchange_no:09d}",
        "0",
        "T" if test else "P",
        "{COMPONENT}",
    ]
    gs = [
        "GS",
        functional_id,
        sender_id,
        receiver_id,
        d8(at.date()),
        at.strftime("%H%M"),
        str(group_no),
        "X",
        version,
    ]
    sets = sum(1 for seg in body if seg[0] == "ST")
    return [isa, gs, *body, ["GE", str(sets), str(group_no)], ["IEA", "1", f"{interchange_no:09d}"]]


def render_interchange(segments: list[Segment]) -> str:
    """The whole interchange: separators picked from its data, ISA11 and ISA16 set."""
    data = [seg for seg in segments if seg[0] != "ISA"]
    seps = pick_separators(data)
    isa = list(segments[0])
    isa[11] = seps.repetition
    isa[16] = seps.component
    return render([isa, *data], seps)


def transaction(st_id: str, control: str, version: str, body: list[Segment]) -> list[Segment]:
    """ST ... SE around *body*; SE01 counts the segments ST to SE inclusive. ST03 (the
    implementation guide) is sent when *version* is given (837P: yes, 835: not used)."""
    st = ["ST", st_id, control, version] if version else ["ST", st_id, control]
    return [st, *body, ["SE", str(len(body) + 2), control]]
