"""A real Neo4j server for tests and benchmarks (bench/ uses it too): the one place that
provisions it.

When NEO4J_URI is set, that server is used (with NEO4J_USER / NEO4J_PASSWORD). Otherwise
scripts/neo4j provisions a private server under a home of the caller's (so a developer's
`make run` data is never touched) and starts it; ``stop`` stops it only if it was started
here.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import GraphDatabase

from graph.stores.neo4j_store import Neo4jStore

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "neo4j"


class ServerFailed(RuntimeError):
    """scripts/neo4j could not start the server."""


@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    user: str
    password: str
    http_port: int | None = None
    started: bool = False
    script_env: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    home: Path | None = None
    """The private server's home; None for a server named by NEO4J_URI."""

    def env(self) -> dict[str, str]:
        """The variables that point supplygraph at this server."""
        return {
            "SUPPLYGRAPH_STORE": self.uri,
            "NEO4J_USER": self.user,
            "NEO4J_PASSWORD": self.password,
        }

    def open(self) -> Neo4jStore:
        return Neo4jStore.connect(self.uri, user=self.user, password=self.password)

    def version(self) -> str:
        """What the server says it is (e.g. ``Neo4j/5.26.0``), from the Bolt handshake."""
        with GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver:
            return str(driver.get_server_info().agent)

    def pid(self) -> int | None:
        """The private server's process id, from scripts/neo4j's pid file."""
        pid_file = self.home / "run" / "neo4j.pid" if self.home else None
        if pid_file is None or not pid_file.exists():
            return None
        return int(pid_file.read_text().strip())


def port_taken(port: int) -> bool:
    """Whether something on 127.0.0.1 already answers on ``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    """A port the OS says is free now (it may be taken again before it is used)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(
    *,
    home: Path,
    bolt_port: int,
    http_port: int,
    settings: Mapping[str, str] | None = None,
    port_variables: tuple[str, str] = ("NEO4J_BOLT_PORT", "NEO4J_HTTP_PORT"),
) -> Neo4jServer:
    """The server named by NEO4J_URI, or a private one under ``home`` (started if needed).

    A port already taken by another process (another developer's Neo4j, say) is refused in
    one line naming the port and ``port_variables``, the variables that choose others.
    """
    if os.environ.get("NEO4J_URI"):
        return Neo4jServer(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
        )
    env = {
        **os.environ,
        **(settings or {}),
        "NEO4J_HOME": str(home),
        "NEO4J_BOLT_PORT": str(bolt_port),
        "NEO4J_HTTP_PORT": str(http_port),
    }
    env.pop("NEO4J_PASSWORD", None)
    running = subprocess.run([str(SCRIPT), "status"], env=env, capture_output=True).returncode == 0
    if not running:
        for port, variable in zip((bolt_port, http_port), port_variables, strict=True):
            if port_taken(port):
                raise ServerFailed(
                    f"port {port} on 127.0.0.1 is taken by another process; choose a free one "
                    f"with {variable}=<port> (e.g. {variable}={free_port()})"
                )
        done = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise ServerFailed(f"could not start Neo4j in {home}:\n{done.stderr}")
    password = (home / "password").read_text().strip()
    return Neo4jServer(
        f"neo4j://127.0.0.1:{bolt_port}",
        "neo4j",
        password,
        http_port,
        started=not running,
        script_env=env,
        home=home,
    )


def stop(server: Neo4jServer) -> None:
    """Stop the server if ``start`` started it; leave one that was already running."""
    if server.started:
        subprocess.run([str(SCRIPT), "stop"], env=dict(server.script_env), capture_output=True)


def scratch_home(*, home: Path, like: Neo4jServer, bin_dir: Path) -> dict[str, str]:
    """A second, never-started server home (sharing ``like``'s jars when it has a home) and
    an environment whose PATH has a ``neo4j-admin`` for it, as a user's would."""
    home.mkdir(parents=True, exist_ok=True)
    if like.home is not None and not (home / "lib").exists():
        (home / "lib").symlink_to(like.home / "lib", target_is_directory=True)
    bin_dir.mkdir(parents=True, exist_ok=True)
    admin = bin_dir / "neo4j-admin"
    admin.write_text(f'#!/bin/sh\nexec "{SCRIPT}" admin "$@"\n', encoding="utf-8")
    admin.chmod(0o755)
    env = {**os.environ, "NEO4J_HOME": str(home), "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("NEO4J_URI", None)
    return env
