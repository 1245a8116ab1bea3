"""Bulk writing for the generated large clinic: raw executemany of tuples, the model's own
defaults for every column the generator does not set, and the big tables' indexes dropped
while they fill and made again afterwards (one sort per index instead of millions of
B-tree inserts).

Only for a brand-new throw-away file that nobody else has open: generate.py refuses an
existing file, and the file is removed if the build fails half-way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from peewee import DateTimeField

from ...db.database import db

BATCH = 20_000  # rows per executemany call


class Table:
    """Rows for one model: the columns the generator gives, the model's defaults for the
    rest, so a column added by a later migration (with its default) needs no change here.
    A default that is a function (utcnow) gives *instant*, so the same build gives the
    same file."""

    instant = dt.datetime(2026, 1, 1)  # set by the build from its today

    def __init__(self, model, columns: Sequence[str]):
        self.model = model
        given = set(columns)
        fields = [
            f
            for f in model._meta.sorted_fields
            if f.column_name not in given and f.name not in given
        ]
        fixed: list[tuple[str, object]] = []
        for f in fields:
            if f.primary_key:
                continue
            default = f.default
            if callable(default):
                default = self.instant if isinstance(f, DateTimeField) else default()
            if default is None and f.null:
                continue
            fixed.append((f.column_name, _sql_value(default)))
        self.columns = [*columns, *(c for c, _ in fixed)]
        self.tail = tuple(v for _, v in fixed)
        marks = ", ".join([db.param] * len(self.columns))
        self.sql = (
            f'INSERT INTO "{model._meta.table_name}" ({", ".join(self.columns)}) VALUES ({marks})'
        )
        self.pending: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.pending.append(row + self.tail)
        if len(self.pending) >= BATCH:
            self.flush()

    def extend(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if self.pending:
            db.cursor().executemany(self.sql, self.pending)
            self.count += len(self.pending)
            self.pending = []


def _sql_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def stamp(when: dt.datetime) -> str:
    """A naive datetime as peewee stores it in SQLite."""
    return when.strftime("%Y-%m-%d %H:%M:%S")


def drop_indexes(tables: Sequence[str]) -> list[str]:
    """Drop the secondary indexes of *tables* (not the automatic UNIQUE/primary ones);
    returns their CREATE statements for recreate_indexes."""
    marks = ", ".join(["?"] * len(tables))
    rows = db.execute_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        list(tables),
    ).fetchall()
    for name, _ in rows:
        db.execute_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def recreate_indexes(statements: Sequence[str]) -> None:
    for sql in statements:
        db.execute_sql(sql)


def fast_pragmas() -> None:
    """No journal and no syncs while a new file fills (it is removed if the build fails)."""
    db.execute_sql("PRAGMA foreign_keys = OFF")  # rows refer ahead within the one build
    db.execute_sql("PRAGMA journal_mode = OFF")
    db.execute_sql("PRAGMA synchronous = OFF")
    db.execute_sql("PRAGMA cache_size = -262144")  # 256 MiB
    db.execute_sql("PRAGMA temp_store = MEMORY")


def safe_pragmas() -> None:
    """Back to what the app uses (WAL is kept in the file; synchronous is per connection)."""
    db.execute_sql("PRAGMA journal_mode = WAL")
    db.execute_sql("PRAGMA synchronous = FULL")
    db.execute_sql("PRAGMA foreign_keys = ON")
