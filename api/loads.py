"""POST /loads: `supplygraph load` through the running server, for writer keys.

A multipart/form-data upload of the files `supplygraph load` reads (a dataset's CSV files,
or a neo4j-admin export's files), each as a part named ``file`` with its file name. They are
saved to a private temporary folder and validated in full (loaders.load.prepare) while
readers carry on; only then does the write take the gate (api/gate.py), so readers see the
old graph or the new one. The snapshot is rebuilt before the gate opens again.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message

from api.keys import Principal
from api.logging import request_id
from api.refusals import Refusal, refusal_response
from api.service import Service
from graph.errors import LoadError, SupplyGraphError
from loaders.load import load, prepare
from schema.context import Context

log = logging.getLogger("supplygraph.api")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
MAX_FILES = 200


def limited(request: Request, limit: int) -> Request:
    """The request, its body refused with 413 past ``limit`` bytes as it streams in."""
    seen = 0
    receive = request.receive

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise Refusal(413, "REQUEST_TOO_LARGE", f"The upload is larger than {limit} bytes.")
        return message

    return Request(request.scope, receive=counting)


def admit(request: Request, service: Service, *, what: str) -> tuple[Principal, int]:
    """A writer's upload (``what`` names it in refusals) before its body is read: the key
    (401/403), multipart/form-data (415) and a declared length within the limit (413). The
    principal and the byte limit the body is then read under (``limited``)."""
    principal = service.authorize(request.headers.get("authorization"), write=True)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        raise Refusal(415, "UNSUPPORTED_MEDIA_TYPE", f"Upload {what} as multipart/form-data.")
    limit = service.settings.max_upload_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise Refusal(413, "REQUEST_TOO_LARGE", f"The upload is larger than {limit} bytes.")
    return principal, limit


async def save_files(parts: list[Any], folder: Path, *, what: str) -> list[str]:
    """The ``file`` parts of a form written to ``folder`` under their plain, distinct names
    (400 otherwise); the names, in order."""
    if not parts or not all(isinstance(u, UploadFile) for u in parts):
        raise Refusal(400, "BAD_UPLOAD", f"Send {what} as multipart parts named 'file'.")
    names: list[str] = []
    for upload in parts:
        name = upload.filename or ""
        if not FILE_NAME.match(name) or name in names:
            raise Refusal(
                400,
                "BAD_UPLOAD",
                f"File name {name!r}: give each file its plain, distinct name.",
            )
        await anyio.Path(folder / name).write_bytes(await upload.read())
        names.append(name)
    return names


async def _save(request: Request, folder: Path) -> list[str]:
    async with request.form(max_files=MAX_FILES, max_fields=10) as form:
        uploads = [part for key, part in form.multi_items() if key == "file"]
        return await save_files(uploads, folder, what="the files")


def _summary(summary: Any) -> dict[str, Any]:
    return {
        kind: {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
        for kind, counts in [*summary.nodes.items(), *summary.relationships.items()]
    }


async def post_load(request: Request, service: Service) -> Response:
    rid = request_id.get()
    try:
        principal, limit = admit(request, service, what="the files")
        context: Context = request.state.context
        began = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="supplygraph-load-") as tmp:
            names = await _save(limited(request, limit), Path(tmp))
            async with service.loading:
                try:
                    await anyio.to_thread.run_sync(lambda: prepare(store=context.store, path=tmp))
                    async with service.gate.write():
                        summary, version = await anyio.to_thread.run_sync(
                            lambda: load(
                                store=context.store,
                                path=tmp,
                                batch_size=service.settings.batch_size,
                            )
                        )
                        context.note_write(version)
                        built = time.perf_counter()
                        await context.snapshot()
                        service.metrics.snapshot_build.observe(time.perf_counter() - built)
                except LoadError as e:
                    service.metrics.load_seconds.labels("refused").observe(
                        time.perf_counter() - began
                    )
                    return JSONResponse(
                        {
                            "errors": [
                                {
                                    "message": f"{len(e.problems)} problem(s), nothing written",
                                    "extensions": {
                                        "code": "LOAD_REFUSED",
                                        "requestId": rid,
                                        "problems": [
                                            {
                                                "file": p.file,
                                                "row": p.row,
                                                "field": p.field,
                                                "message": p.message,
                                            }
                                            for p in e.problems
                                        ],
                                    },
                                }
                            ]
                        },
                        status_code=422,
                    )
                except SupplyGraphError as e:
                    service.metrics.load_seconds.labels("failed").observe(
                        time.perf_counter() - began
                    )
                    log.warning("load through the server failed: %s", e)
                    return refusal_response(Refusal(503, "STORE_ERROR", str(e)), request_id=rid)
    except Refusal as refusal:
        return refusal_response(refusal, request_id=rid)
    seconds = time.perf_counter() - began
    service.metrics.load_seconds.labels("ok").observe(seconds)
    service.metrics.graph_version.set(version.version)
    log.info("loaded %d file(s) through the server", len(names), extra={"key": principal.name})
    total = summary.total
    return JSONResponse(
        {
            "graphVersion": version.version,
            "loadedAt": version.loaded_at,
            "files": names,
            "created": total.created,
            "updated": total.updated,
            "unchanged": total.unchanged,
            "counts": _summary(summary),
            "seconds": round(seconds, 3),
        }
    )
