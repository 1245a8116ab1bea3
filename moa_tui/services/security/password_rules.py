"""What a new password must be: long enough, hard to guess (zxcvbn's estimate), and made
of characters a keyboard types.

zxcvbn (Dropbox's estimator) knows common passwords, keyboard walks, repeats, sequences,
dates and l33t substitutions, which a length-and-variety rule does not: `Passw0rd!!` has
ten characters of four kinds and is one of the first guesses any cracker tries.
"""

from __future__ import annotations

from ...text import has_unsafe
from ..errors import ValidationError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MIN_SCORE = 3  # zxcvbn's 0-4; 3 = "safely unguessable", about 10^8 guesses or more
# zxcvbn's matching grows much faster than the length (a random 200-character password
# takes seconds): it judges the first 64 characters, and what follows them can only
# make a password harder to guess.
SCORED_LENGTH = 64
# Invisible and control characters (moa_tui.text decides which) are refused: a person
# cannot type the same password twice on another terminal, and a NUL cuts it short in C.


def check_password_rules(
    password: str, username: str = "", field: str = "password", full_name: str = ""
) -> None:
    """Refuse a password shorter than 10 or longer than 200 characters, one holding an
    invisible or control character, or one zxcvbn scores below 3 (given the username and
    full name, which a guesser knows). The message is zxcvbn's warning and a suggestion."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError.one(
            field, f"Use at least {MIN_PASSWORD_LENGTH} characters (a short phrase is good)."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError.one(
            field, f"That password is too long ({MAX_PASSWORD_LENGTH} characters at most)."
        )
    if has_unsafe(password):
        raise ValidationError.one(
            field,
            "The password holds an invisible or control character; use letters, digits, "
            "spaces and punctuation only.",
        )
    if username and username.lower() in password.lower():
        raise ValidationError.one(field, "The password must not contain the username.")
    hints = [word for word in (username, *full_name.split(), full_name) if word]
    result = zxcvbn(password[:SCORED_LENGTH], user_inputs=hints, max_length=SCORED_LENGTH)
    if result["score"] < MIN_SCORE:
        raise ValidationError.one(field, _advice(result["feedback"]))


def zxcvbn(password: str, **kwargs) -> dict:
    """zxcvbn's estimate, its module imported when a password is first judged: its word
    lists take ~90 ms to load, which every start-up paid before the sign-in (issue 10)."""
    from zxcvbn import zxcvbn as estimate

    return estimate(password, **kwargs)


def _advice(feedback: dict) -> str:
    warning = (feedback.get("warning") or "").strip()
    suggestions = [s.strip() for s in feedback.get("suggestions") or [] if s.strip()]
    parts = [warning or "That password is too easy to guess."]
    parts.append(suggestions[0] if suggestions else "Add another word or two.")
    return " ".join(p if p.endswith(".") else p + "." for p in parts)
