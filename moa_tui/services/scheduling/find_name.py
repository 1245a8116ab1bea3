"""Finding a person by name among rows already on screen: what the desk types after `/`."""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def name_matches(name: str, typed: str) -> bool:
    """True when every word typed starts one of the name's words, in any order:
    "jon dex", "Dex J" and "jonesbury" all find "Jonesbury, Dex". Blank finds nothing."""
    wanted = _words(typed)
    have = _words(name)
    return bool(wanted) and all(any(h.startswith(w) for h in have) for w in wanted)


def next_name_match(names: Sequence[str], typed: str, after: int = -1) -> int | None:
    """The index of the first name after *after* that matches *typed*, wrapping round to
    the top; None when no name matches. Asking again from the answer finds the next."""
    count = len(names)
    for step in range(1, count + 1):
        index = (after + step) % count
        if name_matches(names[index], typed):
            return index
    return None
