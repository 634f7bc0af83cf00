"""Kill a real `supplygraph load` at a named phase, and fingerprint what a store holds.

The CLI prints ``load: <phase>`` on stderr when it is not a terminal; ``kill_at`` waits for
that line, then sends SIGKILL: no handler, no clean-up, as a crash or an OOM kill would.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.stores.base import Store
from loaders.formats.neo4j_admin import export_neo4j_admin
from tests.support.served import BIN


@dataclass(frozen=True)
class Killed:
    phase: str
    """The last phase the loader announced before it was killed."""
    running: bool
    """Whether it was still running when the signal was sent (else it had finished)."""


def kill_at(
    *, env: dict[str, str], path: Path, phase: str, delay_s: float = 0.0, batch_size: int = 1
) -> Killed:
    """Start a load of ``path``, SIGKILL it ``delay_s`` after it announces ``phase``."""
    process = subprocess.Popen(
        [str(BIN), "load", str(path), "--batch-size", str(batch_size)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen = ""
    try:
        for line in process.stderr:
            if line.startswith("load: "):
                seen = line.removeprefix("load: ").strip()
                if seen == phase:
                    break
        else:
            raise AssertionError(f"the load never reached {phase!r} (last: {seen!r})")
        time.sleep(delay_s)
        running = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        return Killed(seen, running)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        process.stderr.close()


def checksum(store: Store, folder: Path) -> str:
    """sha256 of the store's neo4j-admin export, each file's rows sorted (stores list
    rows in no fixed order)."""
    shutil.rmtree(folder, ignore_errors=True)
    export_neo4j_admin(store=store, folder=folder)
    digest = hashlib.sha256()
    for file in sorted(folder.glob("*.csv")):
        with file.open(encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        digest.update(file.name.encode())
        for row in [header, *sorted(rows)]:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def renamed_dataset(source: Path, target: Path) -> Path:
    """A copy of ``source`` whose products and companies all have new names: a valid
    dataset that differs from it in many rows written early in a load."""
    shutil.copytree(source, target)
    for name in ("products.csv", "companies.csv"):
        file = target / name
        with file.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = list(rows[0])
        for row in rows:
            row["name"] = row["name"] + " (renamed)"
        with file.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    return target
