"""`moa-tui billing export-claims / import-835 / demo-835` (issue 11 item 9)."""

from __future__ import annotations

import io
import sys

from moa_tui.cli import main
from moa_tui.db.database import db
from moa_tui.db.models import Claim, ClaimPosting
from moa_tui.services.billing.x12.checker import check
from moa_tui.services.demo import DEMO_PASSWORD
from tests.x12_helpers import patient, payer, ready_claim


def _run(monkeypatch, demo_db, *args, user="billing", demo=False):
    monkeypatch.setattr(sys, "stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    head = ["--demo", "--db", str(demo_db)] if demo else ["--db", str(demo_db)]
    code = main([*head, "billing", *args, "--user", user, "--password-stdin"])
    if db.is_closed():
        db.connect()
    return code


def test_export_then_demo_835_then_import_twice(demo_db, tmp_path, monkeypatch, capsys):
    Claim.update(status="draft").where(Claim.status == "ready").execute()
    ready_claim(patient(), payer("Acme Health", "ACME1"))
    db.close()
    out = tmp_path / "out"
    out.mkdir()
    assert _run(monkeypatch, demo_db, "export-claims", str(out)) == 0
    printed = capsys.readouterr().out
    files = list(out.iterdir())
    assert len(files) == 1 and str(files[0]) in printed and "1 claim(s)" in printed
    assert check(files[0].read_text()).valid
    # The batch written again: the same bytes.
    again = tmp_path / "again"
    again.mkdir()
    number = files[0].name.split("-")[1]
    assert _run(monkeypatch, demo_db, "export-claims", str(again), "--batch", number) == 0
    assert (again / files[0].name).read_bytes() == files[0].read_bytes()
    assert _run(monkeypatch, demo_db, "export-claims", str(again), "--batch", "999") != 0
    assert "no claim batch 999" in capsys.readouterr().err
    # Nothing ready any more: refused with the reason.
    assert _run(monkeypatch, demo_db, "export-claims", str(out)) != 0
    assert "no ready claims" in capsys.readouterr().err
    remit = tmp_path / "demo.835"
    assert _run(monkeypatch, demo_db, "demo-835", str(remit), demo=True) == 0
    assert check(remit.read_text()).valid
    before = ClaimPosting.select().count()
    assert _run(monkeypatch, demo_db, "import-835", str(remit), "--dry-run") == 0
    assert "nothing written yet" in capsys.readouterr().out
    assert ClaimPosting.select().count() == before
    assert _run(monkeypatch, demo_db, "import-835", str(remit)) == 0
    assert "Posted" in capsys.readouterr().out
    after = ClaimPosting.select().count()
    assert after > before
    assert _run(monkeypatch, demo_db, "import-835", str(remit)) != 0
    assert "nothing was posted again" in capsys.readouterr().err
    assert ClaimPosting.select().count() == after


def test_refusals_exit_non_zero_with_the_reason(demo_db, tmp_path, monkeypatch, capsys):
    db.close()
    broken = tmp_path / "broken.835"
    broken.write_text("ISA*00*nonsense~")
    assert _run(monkeypatch, demo_db, "import-835", str(broken)) != 0
    assert "refused" in capsys.readouterr().err
    assert _run(monkeypatch, demo_db, "demo-835", str(tmp_path / "x.835")) != 0
    assert "--demo" in capsys.readouterr().err
    assert _run(monkeypatch, demo_db, "import-835", str(broken), user="nurse") != 0
    assert _run(monkeypatch, demo_db, "export-claims", str(tmp_path / "nowhere")) != 0
    assert "no folder" in capsys.readouterr().err.lower()
