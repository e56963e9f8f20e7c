"""A throwaway PostgreSQL server from Debian's binaries, in a temporary folder: started, stopped
and started again by the tests (a database that restarts), removed at the end."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def postgres_binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parts[-3]))
    return versions[-1].parent if versions else None


def require_postgres() -> Path:
    """The binaries' folder; a skip (or, with DIGITS_REQUIRE_POSTGRES set, a failure) without them."""
    binaries = postgres_binaries()
    if binaries is None or not (binaries / "initdb").exists():
        message = "PostgreSQL binaries (initdb, pg_ctl) not found"
        if os.environ.get("DIGITS_REQUIRE_POSTGRES", "0") not in ("", "0"):
            pytest.fail(f"{message}, and DIGITS_REQUIRE_POSTGRES is set")
        pytest.skip(f"{message}: the PostgreSQL variants did not run (set DIGITS_REQUIRE_POSTGRES=1 to fail)")
    return binaries


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list) -> None:
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} failed:\n{finished.stdout}{finished.stderr}")


class PostgresServer:
    """``with PostgresServer() as server: server.url``; ``server.stop()`` and ``server.start()``
    in between. PostgreSQL refuses to run as root: as root, it runs as the postgres user."""

    def __init__(self) -> None:
        self.binaries = require_postgres()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.folder = Path(tempfile.mkdtemp(prefix="digits-postgres-"))
        if self.as_postgres:
            postgres_user = pwd.getpwnam("postgres")
            os.chown(self.folder, postgres_user.pw_uid, postgres_user.pw_gid)
        self.data, self.log, self.port = self.folder / "data", self.folder / "server.log", _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/digits_rooms"

    def __enter__(self) -> "PostgresServer":
        try:
            initdb = [self.binaries / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust"]
            _run([*self.as_postgres, *initdb, "--encoding=UTF8", "--locale=C", "--no-sync"])
            self.start()
            _run(
                [self.binaries / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "digits_rooms"]
            )
        except BaseException:
            self.__exit__()
            raise
        return self

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off"
        pg_ctl = [self.binaries / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-W", "start"]
        _run([*self.as_postgres, *pg_ctl])
        deadline = time.monotonic() + 60
        ready = [self.binaries / "pg_isready", "-h", "127.0.0.1", "-p", str(self.port)]
        while subprocess.run(ready, capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                pytest.fail(f"PostgreSQL did not start within 60 s:\n{self.log.read_text()}")
            time.sleep(0.1)  # polling; the condition is re-checked each time

    def stop(self) -> None:
        pg_ctl = [self.binaries / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"]
        subprocess.run([*self.as_postgres, *pg_ctl], capture_output=True)

    def __exit__(self, *exception: object) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
