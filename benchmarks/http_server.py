"""The server the HTTP benchmark talks to: a real ``minhbach serve --demo`` process
on a free port of 127.0.0.1, with its SQLite file in a folder of the run; the demo
tokens read from its stdout, its CPU time read from ``/proc``, and a consistent
copy of its database for the in-process side."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.bootstrap import printed_logins
from api.live import LiveViews

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 300.0  # seconds for the server to load the demo and answer /health
CATCH_UP_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    database: Path
    tokens: dict[str, str]
    stdout: Path  # what the server printed: the demo sign-ins too


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_command(database: Path, port: int) -> list[str]:
    script = Path(sys.executable).with_name("minhbach")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]
    url = f"sqlite:///{database}"
    serve = ["serve", "--demo", "--host", HOST, "--port", str(port)]
    return [*launcher, "--database-url", url, *serve]


def demo_tokens(stdout: str) -> dict[str, str]:
    """The demo tokens printed by ``serve --demo``: role key → token."""
    return {role: token for role, (_, _, token) in printed_logins(stdout).items()}


@contextmanager
def running_server(folder: Path) -> Iterator[Server]:
    """Start ``minhbach serve --demo``, wait for /health; always terminate it."""
    database = folder / "http.db"
    port = free_port()
    out_path, err_path = folder / "server.out", folder / "server.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            server_command(database, port), stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
    try:
        base_url = f"http://{HOST}:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with httpx.Client(base_url=base_url, timeout=5.0) as client:
            while True:
                if process.poll() is not None:
                    tail = err_path.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the server exited with {process.returncode}:\n{tail}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within {STARTUP_TIMEOUT:.0f} s")
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
        tokens = demo_tokens(out_path.read_text(encoding="utf-8"))
        missing = {"hr", "manager"} - tokens.keys()
        if missing:
            raise RuntimeError(f"no demo token for {', '.join(sorted(missing))} in server stdout")
        yield Server(process, base_url, database, tokens, out_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def server_cpu_seconds(process: subprocess.Popen[bytes]) -> float | None:
    """User + system CPU time of the server process (all threads), from /proc."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (events and views)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def wait_caught_up(server: Server, views: LiveViews) -> None:
    """Untimed: let both sides' views reflect every event written so far."""
    deadline = time.monotonic() + CATCH_UP_TIMEOUT
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
        while client.get("/health").json()["projection"]["lag"] > 0:
            if time.monotonic() > deadline:
                raise RuntimeError("the server's views did not catch up")
            time.sleep(0.2)
    views.catch_up()
