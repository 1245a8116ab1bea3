"""The database layer.

peewee (and playhouse.migrate, through postgres_ext) import psycopg (100+ ms) at their
own import when psycopg is installed, though a SQLite clinic never uses it. Importing this
package first imports them without it; ``load_psycopg()`` hands them the driver when a
``postgresql://`` URL is first opened.
"""

import sys


def _peewee_without_psycopg() -> None:
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return  # too late, or already paid for: peewee has it
    sys.modules["psycopg"] = None  # `import psycopg` raises ImportError inside peewee
    try:
        import peewee  # noqa: F401
        import playhouse.migrations  # noqa: F401 (database.py's Runner)
    finally:
        del sys.modules["psycopg"]


def load_psycopg() -> None:
    """Hand peewee the psycopg 3 driver it skipped at import (nothing if it has it)."""
    import peewee

    if peewee.psycopg is not None:
        return
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    peewee.TransactionStatus = TransactionStatus
    peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN
    peewee.psycopg = psycopg
    ext = sys.modules.get("playhouse.postgres_ext")
    if ext is not None and not hasattr(ext, "TypeInfo"):  # its hstore support, likewise
        from psycopg.types import TypeInfo
        from psycopg.types.hstore import register_hstore

        ext.TypeInfo, ext.register_hstore_pg3 = TypeInfo, register_hstore


_peewee_without_psycopg()
