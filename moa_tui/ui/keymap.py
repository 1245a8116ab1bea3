"""A site's keymap: a TOML file in the user's config folder that gives any binding id
(see every ``Binding(..., id=...)``) other keys, for a thin client or a terminal that
swallows F-keys. Read once at start; a bad file is reported in one line, never raised.

    # ~/.config/moa-tui/keymap.toml
    [keys]
    "app.area.schedule" = "f2,ctrl+s"
    "app.help" = "f1,h"
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_dir


def keymap_path() -> Path:
    """Where this user's keymap lives (it need not exist)."""
    return Path(user_config_dir("moa-tui")) / "keymap.toml"


def load_keymap(path: Path | None) -> tuple[dict[str, str], str]:
    """(binding id -> "key,key", problem). No file: nothing to remap and no problem. A file
    that cannot be used at all: nothing remapped and a one-line problem naming the file."""
    if path is None or not path.exists():
        return {}, ""
    import tomllib  # only where a site has a keymap: most start without one (issue 10)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, f"Keymap {path} not read ({exc.__class__.__name__}); default keys in use."
    except tomllib.TOMLDecodeError as exc:
        return {}, f"Keymap {path} is not valid TOML ({exc}); default keys in use."
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        return {}, f"Keymap {path}: [keys] must be a table; default keys in use."
    wrong = [str(k) for k, v in keys.items() if not isinstance(v, str) or not v.strip()]
    if wrong:
        return {}, (
            f'Keymap {path}: {", ".join(wrong)} must be a key string like "f2,alt+2"; '
            "default keys in use."
        )
    return {str(k): v.replace(" ", "") for k, v in keys.items()}, ""
