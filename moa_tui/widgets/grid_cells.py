"""What each row of a time grid's column holds (free, off hours, blocked, an appointment)
and how a cell is drawn: the type's colour, a status mark, text cut to fit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from textual.color import Color, ColorParseError

from ..services.scheduling.calendar import SLOT_MINUTES, GridAppointment, GridBlock, GridColumn
from ..ui.text import visible

# One character for the status of an appointment, shown before the patient's name.
STATUS_MARKS = {
    "booked": " ",
    "arrived": "A",
    "roomed": "R",
    "with_provider": "P",
    "checked_out": "✓",
    "no_show": "N",
}
LEGEND = "A arrived · R roomed · P with provider · ✓ out · N no-show"


@lru_cache(maxsize=64)
def type_style(color: str) -> Style | None:
    """A background in the type's colour with readable text on it; None for no colour or
    one that is not a colour name (never an error: the colour is stored text)."""
    if not color:
        return None
    try:
        background = Color.parse(color)
    except ColorParseError:
        return None
    text = Color(0, 0, 0) if background.brightness > 0.5 else Color(255, 255, 255)
    return Style(bgcolor=background.rich_color, color=text.rich_color)


def fit_text(text: str, width: int) -> str:
    """*text* cut (with an ellipsis) or padded to exactly *width* cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


@dataclass(frozen=True)
class Cell:
    kind: str  # "free", "off", "blocked", "appt"
    appointment: GridAppointment | None = None
    block: GridBlock | None = None  # for an appointment: the blocked time it is booked in
    row_in: int = 0  # the row's place inside its appointment / stretch (0: the first)
    others: int = 0  # further appointments overlapping this one (overbooked)

    @property
    def key(self) -> tuple:
        if self.appointment is not None:
            return ("appt", self.appointment.id)
        if self.block is not None:
            return ("blocked", self.block.id)
        return (self.kind,)


def column_cells(column: GridColumn, start_minute: int, rows: int) -> list[Cell]:
    """What each row of *column* holds."""
    day = dt.datetime.combine(column.day, dt.time.min)
    cells: list[Cell] = []
    for row in range(rows):
        minute = start_minute + row * SLOT_MINUTES
        slot_start = day + dt.timedelta(minutes=minute)
        slot_end = slot_start + dt.timedelta(minutes=SLOT_MINUTES)
        here = [a for a in column.appointments if a.starts_at < slot_end and a.ends_at > slot_start]
        block = next(
            (b for b in column.blocks if b.starts_at < slot_end and b.ends_at > slot_start), None
        )
        if here:
            # The one starting in this row first, else the one that started earliest.
            here.sort(key=lambda a: (a.starts_at < slot_start, a.starts_at, a.id))
            shown = next((a for a in here if a.starts_at >= slot_start), None)
            previous = cells[-1] if cells else None
            if shown is None and previous and previous.appointment in here:
                shown = previous.appointment
            shown = shown or here[0]
            # An appointment in blocked time keeps the block, to be marked.
            cell = Cell("appt", appointment=shown, block=block, others=len(here) - 1)
        else:
            if block is not None:
                cell = Cell("blocked", block=block)
            elif any(s < minute + SLOT_MINUTES and e > minute for s, e in column.hours):
                cell = Cell("free")
            else:
                cell = Cell("off")
        if cells and cells[-1].key == cell.key:
            cell = Cell(cell.kind, cell.appointment, cell.block, cells[-1].row_in + 1, cell.others)
        cells.append(cell)
    return cells


def column_title(column: GridColumn, by: str, paged: str, width: int) -> tuple[str, str]:
    """A grid column's name and, below it, its count or why it is closed, in the longest
    form that fits *width*. *paged* ("2 of 4") when only some columns are shown."""
    if by == "provider":
        titles = [visible(column.provider)]
    else:
        titles = [f"{column.day:%a %m/%d}", f"{column.day:%a} {column.day.day}"]
    if paged:
        titles.insert(0, f"{titles[0]}  ({paged} · [ ] next)")
    reason = column.closed
    if reason:
        clinic = any(b.provider_id is None for b in column.blocks)
        word = "closed" if clinic else "away"
        notes = [f"{word}: {visible(reason)}", word]
    elif not column.hours:
        notes = [f"off · {column.booked} booked", f"off {column.booked}"]
        if not column.booked:
            notes = ["off"]
    else:
        notes = [f"{column.booked} booked", f"{column.booked}"]
    title = next((t for t in titles if cell_len(t) <= width), titles[-1])
    note = next((n for n in notes if cell_len(n) <= width), notes[-1])
    return title, note


def name_that_fits(a: GridAppointment, room: int) -> str:
    """The patient's name in the longest form that fits *room* cells: 'Jonesbury, Dex',
    then surname and initial 'Jonesbury D', then the surname (cut when even that is
    too long)."""
    forms = [visible(a.patient)]
    if a.last_name:
        last = visible(a.last_name)
        forms += [f"{last} {visible(a.first_name)[:1]}".rstrip(), last]
    return next((f for f in forms if cell_len(f) <= room), forms[-1])


def appointment_text(cell: Cell, at_top: bool, width: int) -> str:
    """The text of an appointment's cell: the status mark and patient on its first row
    (or the top row shown), the type and length (or status when wide) on the second."""
    a = cell.appointment
    assert a is not None
    kind = f"{visible(a.appt_type)} {a.minutes} min"
    wide = width >= 40
    if cell.row_in == 0 or at_top:
        more = f" +{cell.others}" if cell.others else ""
        narrow = width < 14
        gap = "" if narrow else " "
        # A narrow column spends no cell on a booked visit's blank mark: the name has it.
        mark = "" if narrow and a.status == "booked" else STATUS_MARKS.get(a.status, " ")
        cont = "…" if cell.row_in else ""
        room = (width - 20 if wide else width) - len(mark) - len(gap) - len(more) - len(cont)
        name = name_that_fits(a, room) + cont
        text = f"{mark}{gap}{name}{more}"
        return f"{fit_text(text, width - 20)} {kind}" if wide else text
    if cell.row_in == 1:
        if wide:
            return "" if a.status == "booked" else f"  {a.status_label}"
        return f"  {kind}"
    return ""
