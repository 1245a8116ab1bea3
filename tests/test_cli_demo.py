"""The demo clinic as the CLI prepares it."""

from __future__ import annotations

from moa_tui import cli
from moa_tui.db.database import db, open_database
from moa_tui.db.models import Patient, StaffMember


def test_demo_is_built_once_and_leaves_other_files_alone(tmp_path):
    keep = tmp_path / "demo-keep-me.db"
    keep.write_bytes(b"not ours")
    path = cli.prepare_demo(tmp_path / "demo-new.db")
    with db.connection_context():
        patients = Patient.select().count()
        assert patients == 2000
        assert StaffMember.get(StaffMember.username == "desk").role == "front_desk"
    cli.prepare_demo(path)  # a second start opens it as it is
    with db.connection_context():
        assert Patient.select().count() == patients
    assert keep.read_bytes() == b"not ours"
    db.close()


def test_an_empty_demo_file_is_built_on_the_next_start(tmp_path):
    # As if the first start was interrupted after the file was created.
    path = open_database(tmp_path / "demo.db")
    cli.prepare_demo(path)
    with db.connection_context():
        assert Patient.select().count() == 2000
    db.close()
