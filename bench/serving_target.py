"""One server under test for bench/serving.py, run as a script so that PYTHONPATH decides
which tree's ``api`` package it serves (this branch, or a checkout of an older commit).

    python bench/serving_target.py api PORT_FILE
    python bench/serving_target.py bare PORT_FILE BODY_FILE

``api`` serves ``api.app.create_app()`` with settings from the environment; ``bare`` serves a
bare Starlette route answering every POST /graphql with the bytes in BODY_FILE. Both run
under the same uvicorn configuration (one process, no access log), on 127.0.0.1, on a port
the OS chose, written to PORT_FILE once listening.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def bare(body: bytes) -> Starlette:
    async def graphql(request: Request) -> Response:
        await request.body()
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def main() -> None:
    kind, port_file = sys.argv[1], Path(sys.argv[2])
    if kind == "api":
        from api.app import create_app

        app = create_app()
    else:
        app = bare(Path(sys.argv[3]).read_bytes())
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    sock = config.bind_socket()
    # Linux passes TCP_NODELAY on to accepted sockets; asyncio sets it only on sockets made
    # with proto IPPROTO_TCP, which uvicorn's bind_socket is not.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    partial = port_file.with_name(port_file.name + ".partial")
    partial.write_text(str(sock.getsockname()[1]))
    partial.replace(port_file)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
