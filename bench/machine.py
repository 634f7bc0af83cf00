"""What a benchmark ran on: the machine, the library and server versions, the commit."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from tests.support.neo4j_server import Neo4jServer

REPO = Path(__file__).resolve().parent.parent


def machine(server: Neo4jServer | None) -> dict[str, Any]:
    import ladybug
    import neo4j
    import scipy

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    info: dict[str, Any] = {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "platform": platform.platform(),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "neo4j_driver": neo4j.__version__,
        "ladybug": getattr(ladybug, "__version__", "unknown"),
        "neo4j_server": None,
        "git": git_state(),
    }
    if server is not None:
        info["neo4j_server"] = server.version()
        info["neo4j_heap"] = server.script_env.get("NEO4J_HEAP", "as configured")
        info["neo4j_pagecache"] = server.script_env.get("NEO4J_PAGECACHE", "as configured")
    return info


def server_rss_mb(server: Neo4jServer) -> dict[str, float] | None:
    """The server process's resident and peak resident memory, when it runs here."""
    pid = server.pid()
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    out = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024.0
    return out


def git_state() -> dict[str, Any]:
    """The commit measured, and any uncommitted change to the code it runs."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "subject": git("log", "-1", "--format=%s"),
        "dirty": git("status", "--porcelain", "--", "graph", "loaders").splitlines(),
    }
