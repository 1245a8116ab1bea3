"""One sanitizer: input validation, the terminal, files (text, PDF, CSV, calendar) and
passwords agree on which characters are unsafe, because they all ask moa_tui.text."""

from __future__ import annotations

import pathlib
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moa_tui import text
from moa_tui.services.errors import ValidationError
from moa_tui.services.security.password_rules import check_password_rules
from moa_tui.services.validate import clean_name, clean_text
from moa_tui.ui.text import plain, visible

# One example of each refused category, and the ones a probe found slipping through.
EXAMPLES = {
    "Cc": ["\x1b", "\x00", "\n", "\x7f", "\x9b"],
    "Cf": ["\u202e", "\u061c", "\u2060", "\u00ad", "\u200b", "\ufeff", "\u2066"],
    "Co": ["\ue000", "\U000f0000"],
    "Cs": ["\ud800"],
    "Cn": ["\u0378", "\U000e0fff"],
    "Zl": ["\u2028"],
    "Zp": ["\u2029"],
}


def _refused_by_input(ch: str) -> bool:
    try:
        clean_text("note", f"a{ch}b", max_len=50)
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize(
    "category,ch", [(cat, ch) for cat, chars in EXAMPLES.items() for ch in chars]
)
def test_every_refused_category_is_refused_everywhere(category, ch):
    assert unicodedata.category(ch) == category
    assert text.UNSAFE_CATEGORIES >= {category}
    assert _refused_by_input(ch)
    assert ch not in visible(f"a{ch}b") and str(plain(f"a{ch}b")) == visible(f"a{ch}b")
    assert ch not in text.printable(f"a{ch}b")
    assert ch not in text.latin1(f"a{ch}b")
    assert ch not in text.csv_cell(f"a{ch}b")
    with pytest.raises(ValidationError, match="invisible or control"):
        check_password_rules(f"purple-tangerine-{ch}-orbit", "desk")


def test_the_message_names_the_character():
    with pytest.raises(ValidationError, match=r"U\+202E \(RIGHT-TO-LEFT OVERRIDE\)"):
        clean_text("last_name", "Smith\u202e", max_len=60, label="Last name")


def test_terminal_shows_c0_controls_as_pictures_and_others_as_replacement():
    assert visible("a\x1b[31mb") == "a\u241b[31mb"
    assert visible("x\u202ey") == "x\ufffdy"
    assert visible("plain José") == "plain José"


@given(st.characters(codec=None))
def test_input_terminal_and_files_agree_on_every_character(ch):
    unsafe = text.has_unsafe(ch)
    assert unsafe == (unicodedata.category(ch) in text.UNSAFE_CATEGORIES)
    # Input refuses exactly what the terminal and the files would have to alter (NFC may
    # change a safe character into another safe one, never into an unsafe one).
    assert _refused_by_input(ch) == unsafe
    assert (visible(ch) != ch) == unsafe
    assert (text.printable(ch) != ch) == unsafe


def test_the_quick_look_at_plain_ascii_agrees_with_the_categories():
    """first_unsafe skips the per-character look for printable ASCII: that must never
    hide an unsafe character (every ASCII character is checked)."""
    for code in range(128):
        ch = chr(code)
        assert text.first_unsafe(f"ok{ch}ok") == (ch if text.is_unsafe(ch) else None), code


@given(st.text())
def test_first_unsafe_finds_the_first_unsafe_character_of_any_text(value):
    expected = next((ch for ch in value if text.is_unsafe(ch)), None)
    assert text.first_unsafe(value) == expected


def test_decomposed_input_is_stored_composed():
    composed = "Jos\u00e9"
    decomposed = "Jose\u0301"
    assert composed != decomposed
    assert clean_text("first_name", decomposed, max_len=60) == composed
    assert clean_name("first_name", decomposed, "First name") == composed


def test_csv_cells_cannot_be_formulas():
    assert text.csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert text.csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert text.csv_cell("Smith, John") == "Smith, John"


def test_there_is_one_sanitizer():
    """No other module of the app decides by Unicode category what is unsafe."""
    root = pathlib.Path(text.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p != pathlib.Path(text.__file__) and "unicodedata.category" in p.read_text()
    ]
    assert offenders == []
