"""The one place that decides which characters are unsafe, for every way text enters or
leaves: what the desk types or a file imports (refused), what a terminal shows (made
visible), and what goes into a PDF, a CSV or a calendar file (replaced).

Unsafe are the Unicode categories that are invisible or steer what shows them:
  Cc  controls (ESC starts terminal escape sequences, NUL cuts C strings, CR/LF split rows)
  Cf  format characters (bidirectional overrides such as U+202E, zero-width joiners and
      spaces, U+2060 word joiner, U+061C Arabic letter mark, U+00AD soft hyphen)
  Co  private use (no meaning shared between two terminals or fonts)
  Cs  lone surrogates (not text at all; only reachable from broken input)
  Cn  unassigned code points (their meaning may change in a later Unicode version)
  Zl, Zp  line and paragraph separators (U+2028, U+2029: a line break by another name)
Typed text is normalised to NFC, so a decomposed "José" (e + U+0301) is the same stored
name as the composed one and finds the same patients.

UI-free: services, exports and widgets all use it (ui/text.py wraps it in Rich Text).
"""

from __future__ import annotations

import unicodedata

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
REPLACEMENT = "\ufffd"

# On a terminal, C0 controls and DEL show as their control pictures (ESC -> U+241B), so a
# receptionist sees that a stored name holds something odd; anything else unsafe shows as
# the replacement mark.
_PICTURES = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421}


def is_unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in UNSAFE_CATEGORIES


def first_unsafe(text: str) -> str | None:
    """The first unsafe character in *text*, or None."""
    if text.isascii() and text.isprintable():
        # Only U+0020-U+007E: none is unsafe. Checked in C, this is nearly every cell of
        # every list (a claims page was 44,000 calls of is_unsafe, 4 ms, issue 10).
        return None
    return next((ch for ch in text if is_unsafe(ch)), None)


def has_unsafe(text: str) -> bool:
    return first_unsafe(text) is not None


def normalize(text: str) -> str:
    """Typed or imported text as it is stored: NFC (composed accents)."""
    return unicodedata.normalize("NFC", text)


def describe(ch: str) -> str:
    """A character named for a person: 'U+202E (RIGHT-TO-LEFT OVERRIDE)'."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def for_terminal(value: object) -> str:
    """*value* with every unsafe character made visible, to be shown as plain text (never
    markup): C0 controls as control pictures, the rest as U+FFFD."""
    text = str(value if value is not None else "")
    if not has_unsafe(text):
        return text
    return "".join(
        chr(_PICTURES[ord(ch)]) if ord(ch) in _PICTURES else REPLACEMENT if is_unsafe(ch) else ch
        for ch in text
    )


def printable(value: object) -> str:
    """*value* as one line for a file (text, PDF, calendar, CSV): every unsafe character
    replaced by U+FFFD, so it cannot steer a terminal that later shows the file."""
    text = str(value if value is not None else "")
    return "".join(REPLACEMENT if is_unsafe(ch) else ch for ch in text)


# Letters that latin-1 lacks and that have no decomposition to a latin-1 letter.
_LATIN = str.maketrans("ŁłĐđĦħıŋſ‘’‚“”„–—‐•", 'LlDdHhins\'\',"""---*') | {
    ord("Œ"): "OE",
    ord("œ"): "oe",
    ord("…"): "...",
    ord("€"): "EUR",
    ord("™"): "TM",
}


def latin1(value: object) -> str:
    """*value* made printable and spelled in latin-1 (what the PDF core fonts can draw):
    accents that latin-1 lacks are dropped (Ő -> O), a few letters are spelled out
    (Ł -> L, œ -> oe) and anything else becomes '?'."""
    out = []
    for ch in normalize(printable(value)).translate(_LATIN):
        if ord(ch) < 0x100 and ch.isprintable():
            out.append(ch)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 0x100 and c.isprintable()
        )
        out.append(base or "?")
    return "".join(out)


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run: a cell starting with = + - @ (or a tab
    or CR, which some spreadsheets skip before looking) is a formula there, so it gets a
    leading apostrophe; unsafe characters are replaced."""
    text = printable(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# What an X12 data element may hold here: letters, digits, the space and a few marks that
# no X12 separator candidate uses (services/billing/x12 picks separators from others).
_X12_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.,/&#@()")


def x12_clean(value: object, max_len: int | None = None) -> str:
    """*value* as an X12 data element: spelled in latin-1 without accents (José -> Jose),
    apostrophes dropped (O'Brien -> OBrien), any other character outside a small safe set
    (every X12 separator among them: * : ^ ~ | > and the rest) replaced by a space, runs
    of spaces made one, trimmed, and cut to *max_len*."""
    text = latin1(value).replace("'", "")
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = " ".join("".join(ch if ch in _X12_KEEP else " " for ch in text).split())
    return text[:max_len].rstrip() if max_len else text
