"""Electronic claims at batch size (issue 11): export 1,000 ready claims to 837P (target
< 2 s) and import and post an 835 answering 1,000 claims (target < 5 s). Prints a table.

    .venv/bin/python benchmarks/bench_x12.py                    # a small demo clinic it builds
    .venv/bin/python benchmarks/bench_x12.py --db SCRATCH.db    # e.g. a copy of a generated
                                                                # 1M-claim clinic (changed!)

The run adds 1,000 claims (two lines, two diagnoses each, one payer) to the clinic, exports
them through the same service as `moa-tui billing export-claims` (batch, control numbers,
status history, the file written by the safe export path), checks the file with pyx12 (not
timed), writes the payer's 835 for them (paid, patient share, denied), and imports it as
`moa-tui billing import-835` does: read, pyx12's validator, parse and sums, match, post in
one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from moa_tui.db.database import db, open_database, write_transaction
from moa_tui.db.models import (
    Claim,
    ClaimDiagnosis,
    ClaimLine,
    ClinicSettings,
    Coverage,
    Patient,
    Payer,
    Provider,
)
from moa_tui.services import clock
from moa_tui.services.billing import remittance
from moa_tui.services.billing.x12 import export
from moa_tui.services.billing.x12.checker import check
from moa_tui.services.billing.x12.demo835 import outcome
from moa_tui.services.billing.x12.read835 import parse
from moa_tui.services.billing.x12.write835 import RemitClaim, render_835
from moa_tui.services.security.staff import find_staff, load_clinic

N = 1_000


def _claims(n: int) -> list[int]:
    """*n* ready claims for the first n patients, each with a coverage, as bulk inserts."""
    with db.connection_context(), write_transaction():
        ClinicSettings.update(npi="1234567893", tax_id="000000000", phone="2125550100").execute()
        if not ClinicSettings.select().where(ClinicSettings.address.contains(",")).exists():
            ClinicSettings.update(address="100 Example Way, Springfield, NY 12345").execute()
        payer, _ = Payer.get_or_create(name="Bench Health", defaults={"payer_code": "BENCH1"})
        provider = Provider.select().order_by(Provider.id).first()
        Provider.update(npi="1234567893").where(Provider.id == provider.id).execute()
        Claim.update(status="draft").where(Claim.status == "ready").execute()
        patients = [p.id for p in Patient.select(Patient.id).order_by(Patient.id).limit(n)]
        Patient.update(address1="1 Main St", city="Springfield", state="NY", zip="12345").where(
            Patient.id << patients
        ).execute()
        Coverage.insert_many(
            [
                {"patient": p, "payer": payer.id, "priority": 1, "member_id": f"B{p:09d}"}
                for p in patients
            ]  # fmt: skip
        ).execute()
        day = clock.today() - dt.timedelta(days=3)
        first = (Claim.select(Claim.id).order_by(Claim.id.desc()).scalar() or 0) + 1
        Claim.insert_many(
            [
                {
                    "patient": p,
                    "payer": payer.id,
                    "provider": provider.id,
                    "service_date": day,
                    "status": "ready",
                    "total_cents": 15000,
                }
                for p in patients
            ]  # fmt: skip
        ).execute()
        ids = [c.id for c in Claim.select(Claim.id).where(Claim.id >= first).order_by(Claim.id)]
        ClaimLine.insert_many(
            [
                {
                    "claim": c,
                    "line_no": n,
                    "procedure_code": code,
                    "units": 1,
                    "charge_cents": fee,
                    "fee_cents": fee,
                    "modifiers": "25" if n == 1 else "",
                    "pointers": "1,2",
                    "service_from": day,
                    "place_of_service": "11",
                }
                for c in ids
                for n, code, fee in ((1, "99213", 10000), (2, "J3420", 5000))
            ]  # fmt: skip
        ).execute()
        ClaimDiagnosis.insert_many(
            [
                {"claim": c, "position": n, "code": code}
                for c in ids
                for n, code in ((1, "M54.50"), (2, "I10"))
            ]  # fmt: skip
        ).execute()
        return ids


def _remittance(ids: list[int]) -> str:
    with db.connection_context():
        claims = []
        for n, c in enumerate(Claim.select().where(Claim.id << ids).order_by(Claim.id)):
            lines = tuple(outcome(n, ln) for ln in c.lines.order_by(ClaimLine.line_no))
            cov = Coverage.get(Coverage.patient == c.patient_id, Coverage.payer == c.payer_id)
            claims.append(RemitClaim(str(c.id), "4" if n % 5 == 3 else "1", "BENCH", "PATIENT",
                                     cov.member_id, lines))  # fmt: skip
    now = clock.now_local().datetime.replace(tzinfo=None)
    return render_835(claims, payer_name="Bench Health", payer_id="BENCH1", payee_name="Clinic",
                      payee_npi="1234567893", check_no=f"BENCH{now:%H%M%S}", paid_on=now.date(),
                      interchange_no=1, at=now)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a scratch clinic database (changed by the run)")
    parser.add_argument("--claims", type=int, default=N)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            open_database(args.db)
            load_clinic()
        else:
            from moa_tui.services.demo import DemoSize, build_demo

            open_database(Path(tmp) / "bench.db")
            load_clinic()
            with db.connection_context():
                build_demo(DemoSize(patients=max(args.claims, 200), days_each_side=1, claims=50))
        actor = find_staff("billing")
        total_claims = 0
        with db.connection_context():
            total_claims = Claim.select().count()
        ids = _claims(args.claims)
        out = Path(tmp) / "out"
        out.mkdir()
        rows = []

        def timed(what, target, job):
            start, cpu = time.perf_counter(), time.process_time()
            value = job()
            rows.append((what, time.perf_counter() - start, time.process_time() - cpu, target))
            return value

        result = timed(f"export {len(ids):,} claims to 837P", "< 2 s",
                       lambda: export.export_ready_claims(actor, out))  # fmt: skip
        text = result.written[0].read_text()
        verdict = timed("  pyx12 check of the 837P (tests only)", "", lambda: check(text))
        remit = _remittance(ids)
        path = Path(tmp) / "bench.835"
        path.write_text(remit)
        timed("  835: pyx12 validator + parse + sums", "", lambda: parse(remit))
        report = timed(f"import + post an 835 of {len(ids):,} claims", "< 5 s",
                       lambda: remittance.import_835(actor, path))  # fmt: skip
        db.close()
    print(f"clinic: {total_claims:,} claims before the run; 837P valid per pyx12: {verdict.valid}; "
          f"835 matched {len(report.matched):,}, unmatched {len(report.unmatched)}")  # fmt: skip
    # Wall time on a machine shared with other work; CPU time is this process's own share.
    print(f"{'step':<46} {'wall s':>7} {'cpu s':>7}  target")
    for what, seconds, cpu, target in rows:
        print(f"{what:<46} {seconds:>7.2f} {cpu:>7.2f}  {target}")
    if not verdict.valid:
        print("\n".join(verdict.errors[:5]), file=sys.stderr)


if __name__ == "__main__":
    main()
