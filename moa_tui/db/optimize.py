"""PRAGMA optimize when a terminal closes the clinic, as SQLite recommends for
applications with short-lived connections: it refreshes the planner's statistics of the
tables that changed a lot since they were last analysed (a file never analysed is left
alone), reading at most a sample of each index (analysis_limit), so it costs milliseconds.
The hot lists' plans are right with and without statistics (tests/test_query_plans.py).
PostgreSQL keeps its statistics itself (autovacuum): nothing to do there."""

from __future__ import annotations

from peewee import SqliteDatabase

from .database import db

ANALYSIS_LIMIT = 400  # rows sampled per index: fast on any size of file
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
