"""Run the real CLI and a real server as subprocesses against a store under test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.neo4j_server import Neo4jServer

BIN = Path(sys.executable).parent / "supplygraph"


def store_env(request: pytest.FixtureRequest | None, kind: str, tmp: Path) -> dict[str, str]:
    """Environment naming a fresh, empty store of ``kind`` for a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "SUPPLYGRAPH_"))}
    if kind == "neo4j":
        assert request is not None, "a Neo4j store needs the neo4j_server fixture"
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        store = server.open()
        store.clear()
        store.close()
        env.update(server.env())
    else:
        env["SUPPLYGRAPH_STORE"] = str(tmp / "graph")
    return env


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=300)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"server exited with {process.returncode}:\n{output}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not become ready in 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
