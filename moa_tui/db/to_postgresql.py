"""Move a clinic from its SQLite file to an empty PostgreSQL database, every row as it is.

The target is migrated by the same migrations first (so its tables are this program's),
then filled in ONE transaction with COPY: a failure leaves it empty again. Foreign keys are
checked as rows arrive, so tables go in dependency order; a nullable reference to a table
that comes later (or to the same table: a merged patient, a rescheduled visit) is filled
in after every table is there. Sequences start after the highest id. The audit trail moves
as it is (ids, seals); its key and anchor log are copied to where the server database's
are kept (database.companion_base), so `audit verify` checks the same chain there.
UI-free; the command is commands/migrate_pg.py.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import crypto
from .anchors import anchor_path
from .audit_key import key_path
from .database import (
    DatabaseError,
    db,
    display_name,
    is_url,
    key_for,
    normal_url,
    open_database,
)

# Tables not copied: the migrations' own bookkeeping (made by open_database on the target)
# and the claim tally, which the target's triggers fill as the claims arrive (migration 0026).
SKIP = {"schema_migration", "claim_tally"}


@dataclass
class MoveReport:
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows, equal on both
    target: str = ""


class MoveRefused(DatabaseError):
    """The move cannot start or did not check out; the message is for the user."""


def move_to_postgresql(
    source: str | os.PathLike, target: str, *, say: Callable[[str], None] = lambda _: None
) -> MoveReport:
    """Copy the clinic in the SQLite file *source* into the empty PostgreSQL database at
    *target*; refuses a target that holds any row, and checks the counts afterwards."""
    if is_url(source) or not is_url(target):
        raise MoveRefused("Give --from a SQLite file and --to a postgresql:// URL.")
    source, target = Path(source).expanduser(), normal_url(target)
    if crypto.is_new(source):
        raise MoveRefused(f"There is no clinic database at {source}.")
    name = display_name(target)
    _refuse_unless_empty(target, name)
    open_database(source)  # the file at this program's schema, its audit key loaded
    _carry_companions(source, target)
    open_database(target)  # the same migrations make the same tables
    db.close()
    conn = crypto.connect(source, key_for(source))
    try:
        counts = _copy(conn, target, say)
    finally:
        conn.close()
    open_database(target)  # reload the audit state: the trail is the file's now
    report = MoveReport(counts, name)
    _check_counts(target, report)
    _vacuum_analyze(target)
    return report


def _pg(target: str):
    import psycopg

    try:
        return psycopg.connect(target, connect_timeout=10)
    except psycopg.Error as exc:
        text = str(exc).strip().splitlines()
        raise MoveRefused(
            f"Cannot reach the database {display_name(target)}: {text[0] if text else exc}"
        ) from exc


def _refuse_unless_empty(target: str, name: str) -> None:
    with _pg(target) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        ]
        for table in tables:
            if table in SKIP:
                continue
            if conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
                raise MoveRefused(
                    f"{name} is not empty (table {table} has rows): a move goes only into "
                    "a new, empty database."
                )


def _carry_companions(source: Path, target: str) -> None:
    """The audit key (and the anchor log) of the file, where the server's are looked for."""
    src_key, dst_key = key_path(source), key_path(target)
    if src_key != dst_key and src_key.exists():
        if dst_key.exists():
            if dst_key.read_bytes().strip() != src_key.read_bytes().strip():
                raise MoveRefused(
                    f"{dst_key} already holds another audit key for {display_name(target)}; "
                    "move it away first (it seals no events: the database is empty)."
                )
        else:
            dst_key.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(dst_key, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as out, open(src_key, "rb") as src:
                shutil.copyfileobj(src, out)
    src_anchors, dst_anchors = anchor_path(source), anchor_path(target)
    if src_anchors != dst_anchors and src_anchors.exists() and not dst_anchors.exists():
        dst_anchors.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(dst_anchors, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out, open(src_anchors, "rb") as src:
            shutil.copyfileobj(src, out)


def _order(tables: list[str], fks: list[tuple[str, str, str, bool]]) -> list[str]:
    """Tables so that each comes after those its NOT NULL references point to."""
    needs = {
        t: {ref for tab, _, ref, notnull in fks if tab == t and notnull and ref != t}
        for t in tables
    }
    done: list[str] = []
    while len(done) < len(tables):
        ready = sorted(t for t in tables if t not in done and needs[t] <= set(done))
        if not ready:
            raise MoveRefused("The tables' references go round in a circle; nothing was moved.")
        done += ready
    return done


def _copy(conn, target: str, say) -> dict[str, int]:
    with _pg(target) as pg:
        tables = [
            r[0]
            for r in pg.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
            if r[0] not in SKIP
        ]
        fks = pg.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text,"
            " a.attnotnull FROM pg_constraint AS c JOIN pg_attribute AS a"
            " ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
            " WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace"
        ).fetchall()
        fks = [(t.strip('"'), col, ref.strip('"'), notnull) for t, col, ref, notnull in fks]
        order = _order(tables, fks)
        position = {t: i for i, t in enumerate(order)}
        source_tables = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        counts: dict[str, int] = {}
        later: list[tuple[str, str, list[tuple]]] = []  # (table, column, [(value, id)])
        with pg.transaction():
            # The target held no row before its migrations; whatever they seeded, the
            # file has too (it ran the same ones).
            for table in reversed(order):
                pg.execute(f'DELETE FROM "{table}"')
            for table in order:
                if table not in source_tables:
                    raise MoveRefused(f"The file has no table {table}; nothing was moved.")
                kinds = dict(
                    pg.execute(
                        "SELECT column_name, data_type FROM information_schema.columns"
                        " WHERE table_schema = current_schema() AND table_name = %s",
                        (table,),
                    ).fetchall()
                )
                columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
                missing = [c for c in columns if c not in kinds]
                if missing:
                    raise MoveRefused(
                        f"The server's {table} has no column {missing[0]}; nothing was moved."
                    )
                deferred = {
                    columns.index(col)
                    for tab, col, ref, notnull in fks
                    if tab == table and not notnull and position[ref] >= position[table]
                }
                flags = [kinds[c] == "boolean" for c in columns]
                id_at = columns.index("id") if "id" in columns else None
                fixes: dict[int, list[tuple]] = {i: [] for i in deferred}
                quoted = ", ".join(f'"{c}"' for c in columns)
                rows = 0
                with pg.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in conn.execute(f'SELECT {quoted} FROM "{table}"'):
                        row = [
                            (bool(v) if flag and v is not None else v)
                            for v, flag in zip(row, flags, strict=True)
                        ]
                        for i in deferred:
                            if row[i] is not None:
                                fixes[i].append((row[i], row[id_at]))
                                row[i] = None
                        copy.write_row(row)
                        rows += 1
                counts[table] = rows
                later += [(table, columns[i], pairs) for i, pairs in fixes.items() if pairs]
                say(f"{table}: {rows:,} rows")
            with pg.cursor() as cur:
                for table, column, pairs in later:
                    cur.executemany(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', pairs)
                for table in order:
                    if kinds_has_serial(pg, table):
                        cur.execute(
                            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"
                            f' COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
                        )
    return counts


def kinds_has_serial(pg, table: str) -> bool:
    row = pg.execute(
        "SELECT pg_get_serial_sequence(%s, 'id') IS NOT NULL"
        " FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = %s AND column_name = 'id'",
        (f'"{table}"', table),
    ).fetchone()
    return bool(row and row[0])


def _vacuum_analyze(target: str) -> None:
    """VACUUM (ANALYZE) the rows just loaded, PostgreSQL's advice after a bulk load:
    statistics, so the first screens are not planned blind until autovacuum comes round,
    and the visibility map, without which no index-only scan can be used (the denials
    worklist summed by payer read 26,000 table pages for 415 ms; after it, 14 ms from
    its covering index). About 8 s for a 250,000-patient clinic."""
    with _pg(target) as pg:
        pg.autocommit = True  # VACUUM runs outside a transaction
        pg.execute("VACUUM (ANALYZE)")


def _check_counts(target: str, report: MoveReport) -> None:
    with _pg(target) as pg:
        for table, rows in report.counts.items():
            (there,) = pg.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()
            if there != rows:
                raise MoveRefused(
                    f"{table}: {rows:,} rows in the file but {there:,} on the server."
                )
