"""db/ and services/ never import textual: everything a screen does, a plain script can do.
And the arrows point one way: import-linter's contracts in pyproject.toml hold.

The imports run in a fresh interpreter, so modules the test session already loaded (the
app, pytest plugins) cannot hide or fake a violation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import moa_tui

PROJECT = Path(moa_tui.__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil, sys
import moa_tui.db.models
import moa_tui.db.database
import moa_tui.services
services = sorted(
    m.name for m in pkgutil.walk_packages(moa_tui.services.__path__, "moa_tui.services.")
)
for name in services:
    importlib.import_module(name)
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps({
    "services": services,
    "loaded": sorted(m for m in sys.modules if m.startswith("moa_tui")),
    "textual": sorted(m for m in sys.modules if m.startswith("textual")),
}))
"""


def _probe(*extra: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *extra],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def probe() -> dict:
    return _probe()


def test_every_service_module_is_discovered_and_imported(probe):
    # Every module under services/, in the area folders too, and each area package itself.
    root = PROJECT / "moa_tui"
    on_disk = sorted(
        ".".join(("moa_tui", *p.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
        for p in (root / "services").rglob("*.py")
        if p != root / "services" / "__init__.py"
    )
    assert probe["services"] == on_disk
    assert "moa_tui.services.security" in on_disk  # an area package
    assert {"moa_tui.services.scheduling.schedule", "moa_tui.services.validate"} <= set(on_disk)
    assert set(on_disk) | {"moa_tui.db.models", "moa_tui.db.database"} <= set(probe["loaded"])


def test_db_and_services_do_not_import_textual(probe):
    assert probe["textual"] == []


def test_the_probe_would_notice_textual():
    # The same probe, also importing the app, must see textual; otherwise the check above
    # proves nothing.
    result = _probe("moa_tui.app")
    assert "textual" in result["textual"]


def test_import_contracts_hold():
    """The import-linter contracts in pyproject.toml (layers: entry points > screens >
    widgets > ui > services > text > db; the screen areas; no Textual or Rich below ui)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), "import-linter is in the test extras: pip install -e '.[test]'"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo", str(PROJECT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout, result.stdout
