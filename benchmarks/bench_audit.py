"""Cost of one audit event (hash-chained insert) and of verifying the chain.

Run: .venv/bin/python benchmarks/bench_audit.py
Prints a table: events in the trail, microseconds per event written inside an open write
transaction (as services do), and seconds to verify the whole chain.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from moa_tui.db.database import db, open_database, write_transaction
from moa_tui.services.core import audit
from moa_tui.services.security.audit import verify_chain
from moa_tui.services.security.staff import create_first_admin, load_clinic


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        open_database(Path(tmp) / "audit.db")
        load_clinic()
        actor = create_first_admin(
            {"username": "bench", "full_name": "Bench Mark", "password": "quiet lake 2026"}
        )
        print(f"{'events':>9} {'us/event':>10} {'verify s':>9}")
        total = 0
        for batch in (1_000, 9_000, 90_000):
            with db.connection_context():
                start = time.perf_counter()
                with write_transaction():
                    for i in range(batch):
                        audit(
                            actor,
                            "patient.open",
                            patient_id=i % 500 + 1,
                            entity="patient",
                            entity_id=i % 500 + 1,
                        )
                per_event = (time.perf_counter() - start) / batch * 1e6
            total += batch
            start = time.perf_counter()
            report = verify_chain()
            verify = time.perf_counter() - start
            assert report.ok and report.events == total + 1, report
            print(f"{total:>9,} {per_event:>10.1f} {verify:>9.2f}")
        db.close()


if __name__ == "__main__":
    main()
