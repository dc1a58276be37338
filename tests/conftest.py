"""Shared fixtures: real SQLite files, a real LanceDB workspace, the real bundled model,
and a real PostgreSQL server started on loopback for the session."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
CHINOOK = ROOT / "assets" / "chinook.sqlite"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def need_shared(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"../shared/datasets/{'/'.join(parts)} is absent (shared datasets not checked out beside the repo)")
    return p


@pytest.fixture
def chinook_url(tmp_path) -> str:
    """A private copy, so no test can affect another through the file."""
    dst = tmp_path / "chinook.sqlite"
    shutil.copy(CHINOOK, dst)
    return f"sqlite:///{dst}"


@pytest.fixture
def workspace(tmp_path):
    from engine.workspace import Workspace

    return Workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def session_workspace(tmp_path_factory):
    from engine.workspace import Workspace

    return Workspace(tmp_path_factory.mktemp("ws"))


@pytest.fixture(scope="session")
def smol_model(tmp_path_factory):
    from engine.llm.loader import load_model
    from engine.llm.registry import ModelRegistry

    return load_model(ModelRegistry(tmp_path_factory.mktemp("models")), "smollm2-135m")


@pytest.fixture(scope="session")
def smol_path() -> Path:
    from engine.llm.registry import BUNDLED, ModelRegistry

    return ModelRegistry(Path(tempfile.gettempdir())).resolve_path(BUNDLED[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bindir: Path, datadir: Path, port: int, as_user: list[str]):
        self.bindir, self.datadir, self.port, self.as_user = bindir, datadir, port, as_user

    def url(self, db: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        cred = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{cred}@127.0.0.1:{self.port}/{db}"

    def psql(self, sql: str | None = None, db: str = "postgres", file: Path | None = None) -> str:
        cmd = [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-q"]
        cmd += ["-f", str(file)] if file else ["-c", sql]
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def load_defog(self, name: str) -> str:
        """Create database `name` from ../shared/datasets/defog/<name>/<name>.sql once; return its URL."""
        script = need_shared("defog", name, f"{name}.sql")
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if "1" not in exists:
            self.psql(f'CREATE DATABASE "{name}"')
            self.psql(db=name, file=script)
        return self.url(name)


def start_pg_cluster() -> tuple[PgServer, Callable[[], None]]:
    """A throwaway PostgreSQL cluster on loopback (also used by benchmarks/defog_postgres.py)."""
    bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="sqlsage-pg-"))
    datadir = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres")
        os.chmod(base, 0o755)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(as_user + [str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
    # password auth for the role `sage` (wrong-credential and secret tests), trust for the rest
    hba = datadir / "pg_hba.conf"
    hba.write_text("host all sage 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    subprocess.run(
        as_user + [str(bindir / "pg_ctl"), "-D", str(datadir), "-l", str(base / "log"), "-w", "-o",
                   f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
        check=True, capture_output=True,
    )
    server = PgServer(bindir, datadir, port, as_user)

    def stop() -> None:
        subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)

    for _ in range(50):
        try:
            server.psql("SELECT 1")
            break
        except subprocess.CalledProcessError:
            time.sleep(0.1)
    server.psql("CREATE ROLE sage LOGIN PASSWORD 'hunter2-secret'")
    return server, stop


@pytest.fixture(scope="session")
def pg():
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs it with apt-get")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    server, stop = start_pg_cluster()
    try:
        yield server
    finally:
        stop()


def pytest_terminal_summary(terminalreporter):
    """Counts for the security and fault suites, as their issue asks."""
    for suite in ("security", "faults"):
        passed = [r for r in terminalreporter.stats.get("passed", []) if f"tests/{suite}/" in r.nodeid]
        failed = [r for r in terminalreporter.stats.get("failed", []) if f"tests/{suite}/" in r.nodeid]
        if passed or failed:
            terminalreporter.write_line(f"[{suite}] {len(passed)} tests passed, {len(failed)} failed")


class MariaDbServer:
    def __init__(self, base: Path, port: int):
        self.base, self.port = base, port

    def url(self, db: str = "sqlsage_test", user: str = "sage", password: str = "hunter2-secret") -> str:
        return f"mysql+pymysql://{user}:{password}@127.0.0.1:{self.port}/{db}"

    def sql(self, text: str, db: str = "") -> str:
        cmd = ["mariadb", "--no-defaults", f"--socket={self.base / 'sock'}", "-u", "root", "-e", text]
        return subprocess.run(cmd + ([db] if db else []), check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def mariadb():
    """A throwaway MariaDB server on loopback (apt-get install mariadb-server), with user `sage`."""
    if not shutil.which("mariadbd") and not Path("/usr/sbin/mariadbd").exists():
        if os.environ.get("CI"):
            pytest.fail("MariaDB is not installed; .ci/run installs mariadb-server with apt-get")
        pytest.skip("MariaDB server binaries not installed (apt-get install mariadb-server)")
    base = Path(tempfile.mkdtemp(prefix="sqlsage-maria-"))
    user = ["--user=root"] if os.geteuid() == 0 else []
    subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={base / 'data'}", "--auth-root-authentication-method=socket", *user],
                   check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={base / 'data'}", f"--socket={base / 'sock'}",
                             f"--port={port}", "--bind-address=127.0.0.1", f"--pid-file={base / 'pid'}", "--skip-log-bin", *user],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = MariaDbServer(base, port)
    try:
        for _ in range(100):
            try:
                server.sql("SELECT 1")
                break
            except subprocess.CalledProcessError:
                time.sleep(0.2)
        server.sql("CREATE DATABASE sqlsage_test; CREATE USER 'sage'@'127.0.0.1' IDENTIFIED BY 'hunter2-secret'; "
                   "GRANT ALL ON sqlsage_test.* TO 'sage'@'127.0.0.1';")
        yield server
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(base, ignore_errors=True)
