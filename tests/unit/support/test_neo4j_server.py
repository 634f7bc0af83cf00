"""The test server's provisioning refuses a taken port in one line that says what to do."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support import neo4j_server as provisioning


def test_a_taken_port_is_named_with_the_variable_that_chooses_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = int(other.getsockname()[1])
        with pytest.raises(provisioning.ServerFailed) as caught:
            provisioning.start(
                home=tmp_path / "neo4j",
                bolt_port=taken,
                http_port=provisioning.free_port(),
                port_variables=("SUPPLYGRAPH_TEST_BOLT_PORT", "SUPPLYGRAPH_TEST_HTTP_PORT"),
            )
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"port {taken} on 127.0.0.1 is taken by another process")
    assert "SUPPLYGRAPH_TEST_BOLT_PORT=" in message
    assert not (tmp_path / "neo4j" / "run" / "neo4j.pid").exists()
