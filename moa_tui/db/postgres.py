"""The PostgreSQL handle (database.py opens it for a ``postgresql://`` URL): peewee's
psycopg 3 database with the clinic's ways, made only when a URL is first opened."""

from __future__ import annotations

from .pooling import IdleConnections


def postgres_class():
    """peewee's psycopg 3 database class, imported only when a ``postgresql://`` URL is
    opened: psycopg and playhouse.postgres_ext cost 75-300 ms of start-up a SQLite clinic
    never needs (tests/test_start_light.py holds this)."""
    from . import load_psycopg

    load_psycopg()
    from playhouse.postgres_ext import Psycopg3Database
    from psycopg.pq import TransactionStatus

    class ClinicPostgres(IdleConnections, Psycopg3Database):
        """peewee's psycopg 3 database, given the whole ``postgresql://`` URL as its name
        (peewee hands such a name to psycopg as the conninfo), so ``db.database`` names
        the clinic on either backend; it keeps a few connections open between service
        calls while the app runs, each asked whether it is alive before it is reused
        (pooling.py)."""

        key = None  # encryption at rest is the server's business

        def _new_connection(self):
            return Psycopg3Database._connect(self)

        def _clean(self, conn) -> bool:
            return (
                not conn.closed
                and not conn.broken
                and conn.info.transaction_status == TransactionStatus.IDLE
            )

        def _usable(self, conn) -> bool:
            try:
                conn.execute("SELECT 1")  # a server restarted since is found here
            except Exception:  # noqa: BLE001 - any failure: a new connection instead
                return False
            return self._clean(conn)

        def init(self, database, **kwargs):
            self._pool_reset()  # another server or database: none of the last is reused
            # Parameters are bound on the client (psycopg's ClientCursor, as psycopg2
            # did): with server-side binding `payer_id + $1` in a SELECT and
            # `payer_id + $2` in its GROUP BY are different expressions to PostgreSQL,
            # and the services' queries are written once for both backends. Values are
            # still quoted by psycopg, never pasted.
            import psycopg  # (peewee has imported it already, when it is installed)

            kwargs.setdefault("cursor_factory", psycopg.ClientCursor)
            super().init(database, **kwargs)

    return ClinicPostgres
