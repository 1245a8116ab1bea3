"""Code sets: copying ICD-10-CM into our table, searching it, and scrubbing a claim.

Run: .venv/bin/python benchmarks/bench_codes.py
Prints a table: seconds to read simple-icd-10-cm's list and to store it (codes and the
word index), then milliseconds per search (median of 20) for codes and words on the
whole list, billable codes only.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from moa_tui.db.database import open_database
from moa_tui.services.billing import codes, imports
from moa_tui.services.security.staff import create_first_admin, load_clinic

SEARCHES = ("M54.5", "m545", "I10", "back pain", "low back pain", "diabetes type 2 without",
            "fracture femur", "unspecified")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        open_database(Path(tmp) / "codes.db")
        load_clinic()
        actor = create_first_admin(
            {"username": "bench", "full_name": "Bench Mark", "password": "quiet lake 2026"}
        )
        start = time.perf_counter()
        icd = imports.icd10cm_from_package()
        read = time.perf_counter() - start
        start = time.perf_counter()
        imports.store_icd_list(actor, icd)
        stored = time.perf_counter() - start
        billable = sum(1 for r in icd.rows if r[2])
        print(f"ICD-10-CM {icd.year}: {len(icd.rows):,} codes, {billable:,} billable")
        print(f"{'read package':<28} {read:8.2f} s")
        print(f"{'store codes + word index':<28} {stored:8.2f} s")
        print(f"{'search':<28} {'ms':>8} {'hits':>5}")
        for text in SEARCHES:
            times = []
            for _ in range(20):
                start = time.perf_counter()
                hits = codes.search_diagnoses(actor, text, 20)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{text!r:<28} {statistics.median(times):8.1f} {len(hits):>5}")


if __name__ == "__main__":
    main()
