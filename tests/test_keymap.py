"""Issue 9 item 17: keys a site can remap (ui/keymap.py), Alt+digit twins of the F-key
areas, and help and the area bar showing the keys in force; 80x24 by keys."""

from __future__ import annotations

import re
from pathlib import Path

from moa_tui.app import MoaApp
from moa_tui.cli import make_app
from moa_tui.screens.help import HelpScreen, describe_keys
from moa_tui.services.security.staff import find_staff
from moa_tui.ui.keymap import keymap_path, load_keymap
from moa_tui.widgets.areabar import AreaBar

from .ui_helpers import settle

SIZE = (80, 24)
README = Path(__file__).resolve().parent.parent / "README.md"


def test_no_file_means_default_keys(tmp_path):
    assert load_keymap(tmp_path / "none.toml") == ({}, "")
    assert load_keymap(None) == ({}, "")
    assert keymap_path().name == "keymap.toml" and "moa-tui" in str(keymap_path())


def test_a_bad_file_is_one_line_and_no_keys(tmp_path):
    for text in ('[keys\n"app.help" = ', "keys = 3", '[keys]\n"app.help" = 5', "\xff"):
        path = tmp_path / "keymap.toml"
        path.write_bytes(text.encode("latin-1"))
        keys, problem = load_keymap(path)
        assert keys == {} and problem and "\n" not in problem and str(path) in problem


def test_the_readme_example_is_a_working_keymap(tmp_path):
    block = re.search(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    path = tmp_path / "keymap.toml"
    path.write_text(block.group(1), encoding="utf-8")
    keys, problem = load_keymap(path)
    assert problem == "" and keys["app.area.schedule"] == "f2,ctrl+t"
    ids = {b.id for b in MoaApp.BINDINGS}
    assert set(keys) <= ids


def test_every_app_binding_has_a_unique_dotted_id():
    ids = [b.id for b in MoaApp.BINDINGS]
    assert all(i and re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", i) for i in ids)
    assert len(ids) == len(set(ids))


async def test_alt_digit_reaches_every_area_and_help(demo_db):
    app = make_app(demo_db, actor=find_staff("admin"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for digit, mode in (("4", "patients"), ("3", "queue"), ("8", "staff"), ("2", "schedule")):
            await pilot.press(f"alt+{digit}")
            await settle(pilot)
            assert app.current_mode == mode
        await pilot.press("alt+1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_a_keymap_moves_an_area_key_and_help_and_the_bar_show_it(demo_db, tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\n"app.area.patients" = "ctrl+t"\n', encoding="utf-8")
    app = make_app(demo_db, actor=find_staff("desk"), keymap_file=path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")  # no longer the patients key
        await settle(pilot)
        assert app.current_mode == "schedule"
        keys = dict((d, k) for k, d in describe_keys(app.screen))
        assert keys["Patients"] == app.get_key_display(_binding("ctrl+t"))
        assert app.area_keys()["patients"][0] == "ctrl+t"
        assert "CTRL+T Patients" in str(app.screen.query_one(AreaBar).render())
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.current_mode == "patients"


async def test_a_bad_keymap_says_so_once_and_the_app_runs(demo_db, tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text("[keys\n", encoding="utf-8")
    app = make_app(demo_db, actor=find_staff("desk"), keymap_file=path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert len(notes) == 1 and "not valid TOML" in notes[0]
        await pilot.press("f4")
        await settle(pilot)
        assert app.current_mode == "patients"


def _binding(key: str):
    from textual.binding import Binding

    return Binding(key, "x")


def test_every_binding_in_the_app_has_a_dotted_id():
    """A keymap can reach every key: no Binding anywhere in moa_tui lacks its id."""
    import ast
    import pathlib

    import moa_tui

    missing = []
    for path in pathlib.Path(moa_tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding":
                if not any(k.arg == "id" for k in node.keywords):
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []
