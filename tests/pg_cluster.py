"""Throw-away PostgreSQL clusters for the tests that must stop a server or replicate one
(tests/test_pg_failover.py): never the shared server on 127.0.0.1:5432, which other tests
use at the same time.

A cluster is made with PostgreSQL 15's own initdb and pg_ctl in a temporary directory, on a
free port, listening on 127.0.0.1 only, trust authentication (as the shared test server).
initdb refuses to run as root: as root every command runs as the ``postgres`` user
(``runuser -u postgres --``), which owns the directory. ``problem()`` says why clusters
cannot be made here (the test then skips with that reason).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path(os.environ.get("MOA_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def problem() -> str:
    """Why a throw-away cluster cannot be made on this machine ("" if it can)."""
    missing = [tool for tool in TOOLS if not (BIN / tool).exists()]
    if missing:
        return f"PostgreSQL server binaries not found in {BIN}: {', '.join(missing)}"
    if _as_root():
        if shutil.which("runuser") is None:
            return "running as root, and runuser (to run initdb as postgres) is missing"
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no postgres user to run initdb as"
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """One PostgreSQL cluster in a directory of its own, on its own port."""

    def __init__(self, root: Path, name: str = "primary") -> None:
        self.root = root
        self.data = root / name
        self.log = root / f"{name}.log"
        self.port = free_port()

    # --- running the server's tools ---------------------------------------------------

    def _run(self, *args: str | Path, timeout: float = 60) -> str:
        command = [str(a) for a in args]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                + (self.log.read_text()[-2000:] if self.log.exists() else "")
            )
        return done.stdout

    def init(self) -> Cluster:
        """A new cluster: UTF-8, C.UTF-8 collation (moa-tui needs code-point order), no
        fsync (a test's cluster need not survive a power cut)."""
        self._run(
            BIN / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self._settings()
        return self

    def _settings(self) -> None:
        """Its own port, TCP on 127.0.0.1 only, its socket in its own directory, small."""
        extra = (
            f"\nport = {self.port}\n"
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.root}'\n"
            "fsync = off\n"
            "shared_buffers = 16MB\n"
            "max_connections = 40\n"
        )
        if _as_root():
            self._run("sh", "-c", f"cat >> '{self.data}/postgresql.conf' <<'EOF'{extra}EOF")
        else:
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write(extra)

    def replica_of(self, primary: Cluster) -> Cluster:
        """A streaming replica of *primary*: pg_basebackup -R (standby.signal and
        primary_conninfo written for it), on a port of its own."""
        self._run(
            BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            self.data,
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",  # (a spread checkpoint would wait minutes)
            "--no-sync",
        )
        self._settings()  # the copied postgresql.conf named the primary's port
        return self

    def start(self) -> Cluster:
        self._run(BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def promote(self) -> None:
        self._run(BIN / "pg_ctl", "-D", self.data, "-w", "promote")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    # --- databases --------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str, dbname: str = "postgres"):
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else None

    def wait_until_ready(self, timeout: float = 20) -> None:
        """Until the server takes connections (a replica: once it has caught up enough
        to allow reads)."""
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                self.execute("SELECT 1")
                return
            except psycopg.Error:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


class Clusters:
    """The clusters of one test, in one temporary directory, all stopped and removed at
    the end (``with Clusters() as made: primary = made.new()``)."""

    def __init__(self) -> None:
        # Not under pytest's tmp_path: its parents are private to root, and the server
        # runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="moa-pg-"))
        if _as_root():
            shutil.chown(self.root, "postgres", "postgres")
        self.made: list[Cluster] = []

    def new(self, name: str = "primary") -> Cluster:
        cluster = Cluster(self.root, name)
        self.made.append(cluster)
        return cluster

    def __enter__(self) -> Clusters:
        return self

    def __exit__(self, *exc) -> None:
        for cluster in reversed(self.made):
            if cluster.running:
                try:
                    cluster.stop("immediate")
                except Exception:  # noqa: BLE001 - removed below in any case
                    pass
        shutil.rmtree(self.root, ignore_errors=True)


def measure() -> None:
    """Print the figures docs/network.md ("Sizing") quotes: ``python -m tests.pg_cluster``."""
    import statistics
    import sys

    if problem():
        sys.exit(problem())
    data = Path(tempfile.mkdtemp(prefix="moa-measure-"))
    os.environ["XDG_DATA_HOME"] = str(data)
    os.environ.pop("MOA_AUDIT_KEY_FILE", None)
    os.environ["MOA_ANCHOR_FILE"] = str(data / "clinic.anchors")
    import psycopg

    from moa_tui.db.changes import ChangeWatcher
    from moa_tui.db.database import db, open_database
    from moa_tui.services import clock
    from moa_tui.services.demo import build_demo
    from moa_tui.services.patients.patients import create_patient, search_patients
    from moa_tui.services.security.staff import find_staff, load_clinic

    from .conftest import FROZEN_NOW, SMALL_DEMO

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.1f} ms median, {max(values) * 1000:.1f} worst"

    clock.set_zone("America/New_York")
    clock.freeze(FROZEN_NOW)
    try:
        with Clusters() as made:
            primary = made.new().init().start()
            primary.execute("CREATE DATABASE clinic")
            url = open_database(primary.url("clinic"))
            load_clinic()
            build_demo(SMALL_DEMO)
            (size,) = primary.execute("SELECT pg_database_size('clinic')")[0]
            print(f"demo clinic database size: {size / 1e6:.1f} MB")
            replica = made.new("replica").replica_of(primary).start()
            replica.wait_until_ready()
            desk = find_staff("desk")
            took = []
            for _ in range(30):
                start = time.perf_counter()
                with psycopg.connect(url) as conn:
                    conn.execute("SELECT 1")
                took.append(time.perf_counter() - start)
            print(f"new connection + SELECT 1: {ms(took)}")
            took = []
            for _ in range(30):
                start = time.perf_counter()
                search_patients(desk, "smi")
                took.append(time.perf_counter() - start)
            print(f"patient search service call, its connection included: {ms(took)}")
            wal, lag = [], []
            with psycopg.connect(replica.url("clinic"), autocommit=True) as on_replica:
                for letter in "abcdefghijklmnopqrst":
                    name = f"Walson{letter}"
                    (before,) = primary.execute("SELECT pg_current_wal_lsn()::text")[0]
                    fields = {"last_name": name, "first_name": "Ada", "dob": "03/02/1971"}
                    create_patient(desk, fields, allow_duplicate=True)
                    start = time.perf_counter()
                    (written,) = primary.execute(
                        f"SELECT pg_current_wal_lsn() - '{before}'::pg_lsn"
                    )[0]
                    wal.append(int(written))
                    sql = "SELECT count(*) FROM patient WHERE last_name = %s"
                    while not on_replica.execute(sql, (name,)).fetchone()[0]:
                        pass
                    lag.append(time.perf_counter() - start)
            print(f"WAL per new patient: {statistics.median(wal):.0f} bytes median")
            print(f"a committed patient visible on the replica after: {ms(lag)}")
            db.close()
            watcher = ChangeWatcher(url)
            try:
                primary.stop()
                start = time.perf_counter()
                while not watcher.away:
                    watcher.changed()
                    time.sleep(0.02)
                print(f"server stopped -> watcher away: {time.perf_counter() - start:.2f} s")
                primary.start()
                start = time.perf_counter()
                while watcher.away:
                    watcher.changed()
                    time.sleep(0.02)
                print(f"server started -> watcher back: {time.perf_counter() - start:.2f} s")
            finally:
                watcher.close()
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    measure()
