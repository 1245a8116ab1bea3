"""PRAGMA optimize when a terminal closes the clinic, as SQLite recommends for
applications with short-lived connections: it refreshes the planner's statistics of the
tables that changed a lot since they were last analysed (a file never analysed is left
alone). It reads every row of the indexes it analyses (about 3 s for a 250,000-patient
clinic, idle; it happens only when a table has grown many times over): statistics from a
sample of each index's first rows (analysis_limit) are wrong wherever an index starts with
a column of few values (a claim status), and rated a status as common as a payer, so the
claims page for a status and a payer walked all of the payer's claims. The hot lists' plans
are right with no statistics and with complete ones (tests/test_query_plans.py).
PostgreSQL keeps its statistics itself (autovacuum): nothing to do there."""

from __future__ import annotations

from peewee import SqliteDatabase

from .database import db

ANALYSIS_LIMIT = 0  # no sample: every row of each index analysed (see above)
# 0x02: analyse where the statistics are out of date; 0x10000: every table, not only
# those this connection read (SQLite 3.46 on; before, only the tables read, hence the
# look at the big tables first).
OPTIMIZE = "PRAGMA optimize=0x10002"
BIG_TABLES = ("patient", "appointment", "claim", "audit_event", "stock_movement")


def optimize_on_close() -> None:
    """Refresh stale planner statistics of the open SQLite file (never raises: a missed
    optimize is made up at the next close)."""
    if not isinstance(db.obj, SqliteDatabase) or not db.database:
        return
    try:
        with db.connection_context():
            tables = set(db.get_tables())
            for table in BIG_TABLES:
                if table in tables:
                    _plan_with_statistics(table)
            db.execute_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            db.execute_sql(OPTIMIZE)
    except Exception:  # noqa: BLE001 - statistics are an optimisation, never a reason to fail
        pass


def _plan_with_statistics(table: str) -> None:
    """Plan one query on *table* through an index, so SQLite counts the table as read
    with its statistics (what PRAGMA optimize looks at before 3.46)."""
    for index in db.execute_sql(f'PRAGMA index_list("{table}")').fetchall():
        info = db.execute_sql(f'PRAGMA index_info("{index[1]}")').fetchall()
        if info and info[0][2]:
            column = info[0][2]
            db.execute_sql(f'SELECT 1 FROM "{table}" WHERE "{column}" = ? LIMIT 1', (None,))
            return
