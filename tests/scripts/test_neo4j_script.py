"""scripts/neo4j's password step: the initial password never appears in a command line, and
the password and auth files are the owner's only.

The step runs for real (neo4j-admin on the test server's jars) in a fresh home. The java it
runs is a wrapper that records its argv and the argument files it is given, then execs the real
java; meanwhile every process's /proc/PID/cmdline is read for the password.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from tests.support.neo4j_server import SCRIPT, Neo4jServer

pytestmark = pytest.mark.neo4j

WRAPPER = """#!/usr/bin/env bash
printf '%s\\0' "$@" >>"{record}"
for a in "$@"; do
  if [[ "$a" == @* ]]; then
    stat -c '%a %n' "${{a#@}}" >>"{argfiles}"
  fi
done
exec "{java}" "$@"
"""


def real_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    found = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    assert found, "java not found (need Java 17 or 21; set JAVA_HOME)"
    return str(Path(found).resolve())


def fresh_home(server: Neo4jServer, tmp: Path) -> Path:
    if server.home is None:
        pytest.skip("needs the private test server's jars (NEO4J_URI names an outside server)")
    home = tmp / "home"
    home.mkdir()
    (home / "lib").symlink_to(server.home / "lib")
    return home


def wrapped_java(tmp: Path) -> Path:
    """A JAVA_HOME whose bin/java records what it is run with, then runs the real java."""
    java_home = tmp / "jdk"
    (java_home / "bin").mkdir(parents=True)
    wrapper = java_home / "bin" / "java"
    wrapper.write_text(
        WRAPPER.format(record=tmp / "argv", argfiles=tmp / "argfiles", java=real_java())
    )
    wrapper.chmod(0o700)
    return java_home


def script_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return {**env, "NEO4J_HOME": str(home), **extra}


class CmdlineWatch:
    """Reads every process's command line until stopped; keeps those holding ``secret``."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.seen: list[str] = []
        self.scans = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CmdlineWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                try:
                    text = cmdline.read_bytes()
                except OSError:
                    continue
                if self.secret in text:
                    self.seen.append(text.replace(b"\0", b" ").decode(errors="replace"))
            self.scans += 1
            self._stop.wait(0.02)


def credential_matches(line: str, password: str) -> bool:
    """Neo4j's auth.ini line ``neo4j:SHA-256,HASH,SALT,ITERATIONS:``: SHA-256 of salt and
    password, hashed again until ITERATIONS in all."""
    user, credential, _ = line.strip().split(":")
    algorithm, expected, salt, iterations = credential.split(",")
    assert (user, algorithm) == ("neo4j", "SHA-256")
    digest = hashlib.sha256(bytes.fromhex(salt) + password.encode()).digest()
    for _ in range(int(iterations) - 1):
        digest = hashlib.sha256(digest).digest()
    return digest.hex() == expected


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_initial_password_stays_off_every_command_line(
    neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    home = fresh_home(neo4j_server, tmp_path)
    # Everything picocli's argument files treat specially: @, space, quotes, backslash, #.
    password = f"@{secrets.token_hex(6)} a\\b\"c #d'é€"
    env = script_env(home, NEO4J_PASSWORD=password, JAVA_HOME=str(wrapped_java(tmp_path)))

    with CmdlineWatch(password.encode()) as watch:
        done = subprocess.run(
            [str(SCRIPT), "provision"], env=env, capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 0, done.stderr

    argv = (tmp_path / "argv").read_bytes().split(b"\0")
    assert b"set-initial-password" in argv, "the wrapper never ran neo4j-admin"
    assert not [a for a in argv if password.encode() in a]
    assert watch.scans > 0 and watch.seen == []

    argfiles = (tmp_path / "argfiles").read_text().splitlines()
    assert len(argfiles) == 1
    file_mode, argfile = argfiles[0].split(" ", 1)
    assert file_mode == "600"
    assert not Path(argfile).exists(), "the argument file outlived the command"

    auth = home / "data" / "dbms" / "auth.ini"
    assert mode(auth) == 0o600
    assert mode(auth.parent) == 0o700
    assert mode(home / "password") == 0o600
    assert (home / "password").read_text() == password
    assert credential_matches(auth.read_text(), password)
    assert not credential_matches(auth.read_text(), password[1:])


def test_loose_password_file_is_tightened(neo4j_server: Neo4jServer, tmp_path: Path) -> None:
    home = fresh_home(neo4j_server, tmp_path)
    (home / "password").write_text("a-password-1")
    (home / "password").chmod(0o644)
    done = subprocess.run(
        [str(SCRIPT), "provision"], env=script_env(home), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert mode(home / "password") == 0o600
    auth = home / "data" / "dbms" / "auth.ini"
    assert mode(auth) == 0o600
    assert credential_matches(auth.read_text(), "a-password-1")


def test_multiline_password_refused(neo4j_server: Neo4jServer, tmp_path: Path) -> None:
    home = fresh_home(neo4j_server, tmp_path)
    env = script_env(home, NEO4J_PASSWORD="first-line\nsecond-line")
    done = subprocess.run([str(SCRIPT), "provision"], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "NEO4J_PASSWORD must be a single line" in done.stderr
    assert not (home / "data" / "dbms" / "auth.ini").exists()
