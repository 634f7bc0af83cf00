"""Run the real CLI and a real server as subprocesses against a store under test.

Only what needs a real process uses these: the CLI tests, one real-server smoke test and the
embedded-store lock test. The HTTP API is otherwise tested in process (tests/support/asgi.py).
"""

from __future__ import annotations

import os
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


@contextmanager
def serving(env: dict[str, str], tmp: Path) -> Iterator[str]:
    """A real `supplygraph serve` on a port the OS chose (``--port 0``); the server writes the
    port it bound to ``--port-file``, so no port is ever guessed or bound and released.

    Its output goes to ``tmp/serve.log``, not a pipe: a pipe nobody drains fills after a few
    hundred request logs and then blocks the server's event loop."""
    port_file = tmp / "serve.port"
    port_file.unlink(missing_ok=True)
    log_path = tmp / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(BIN), "serve", "--port", "0", "--port-file", str(port_file)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            base = None
            while True:
                if process.poll() is not None:
                    output = log_path.read_text(errors="replace")
                    pytest.fail(f"server exited with {process.returncode}:\n{output}")
                if base is None and port_file.exists():
                    base = f"http://127.0.0.1:{int(port_file.read_text())}"
                if base is not None:
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
