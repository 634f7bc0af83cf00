"""POST /imports/company and /imports/amrt: `supplygraph import company` and `import amrt`
through the running server, for writer keys (docs/service.md).

A multipart/form-data upload: the workbook as one part named ``file`` (an ``.xlsx``), or its
CSV sheets as several ``file`` parts; the form fields ``owner`` and ``dry_run``; and,
optionally, the analyst's mapping file as a part named ``mapping``. The server holds no
mapping file of its own: the client sends it and is answered the new one, so the CLI keeps it
beside the workbook as a local import does.

The workbook is matched and checked in full first (a dry run) while readers carry on; only
then does the import take the gate (api/gate.py) and replace the owner's facts, so readers
see the old graph or the new one. The snapshot is rebuilt before the gate opens again, and
the bumped graph version retires every cached answer.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.loads import FILE_NAME, MAX_FILES, admit, limited, save_files
from api.logging import request_id
from api.refusals import Refusal, refusal_response
from api.service import Service
from graph.errors import LoadError, SupplyGraphError
from loaders.amrt import import_amrt
from loaders.company import CompanyImport, import_company
from loaders.formats.company import CellProblem
from loaders.matching import mapping_text
from schema.context import Context

log = logging.getLogger("supplygraph.api")
OWNER = FILE_NAME
MAPPING = "mapping.csv"


async def _save(request: Request, folder: Path, *, who: str) -> tuple[Path, str, bool]:
    """The uploaded workbook's path (the .xlsx, or the folder of CSVs), the company id given
    in the field ``who`` (owner or supplier) and dry_run."""
    async with request.form(max_files=MAX_FILES + 1, max_fields=10) as form:
        owner = form.get(who)
        if not isinstance(owner, str) or not OWNER.match(owner):
            raise Refusal(400, "BAD_UPLOAD", f"Give the form field '{who}': a company id.")
        dry = form.get("dry_run", "false")
        if not isinstance(dry, str) or dry.lower() not in ("true", "false", "1", "0", ""):
            raise Refusal(400, "BAD_UPLOAD", "The form field 'dry_run' is true or false.")
        uploads = [part for key, part in form.multi_items() if key == "file"]
        sheets = folder / "workbook"
        sheets.mkdir()
        names = await save_files(uploads, sheets, what="the workbook")
        books = [n for n in names if n.lower().endswith(".xlsx")]
        if books and len(names) > 1:
            raise Refusal(400, "BAD_UPLOAD", "Send one .xlsx workbook, or its sheets as CSV files.")
        if not books and not all(n.lower().endswith(".csv") for n in names):
            raise Refusal(400, "BAD_UPLOAD", "Send an .xlsx workbook or its sheets as .csv files.")
        if who == "supplier" and not books:
            raise Refusal(400, "BAD_UPLOAD", "Send the AMRT as one .xlsx file.")
        mapping = form.get("mapping")
        if mapping is not None:
            if not isinstance(mapping, UploadFile):
                raise Refusal(400, "BAD_UPLOAD", "Send the mapping file as a file part.")
            await anyio.Path(folder / MAPPING).write_bytes(await mapping.read())
    path = sheets / books[0] if books else sheets
    return path, owner, dry.lower() in ("true", "1")


def problem_json(problem: Any) -> dict[str, Any]:
    at = {"sheet": problem.file, "cell": problem.cell} if isinstance(problem, CellProblem) else {}
    return {
        **at,
        "file": problem.file,
        "row": problem.row,
        "field": problem.field,
        "message": problem.message,
        "text": str(problem),
    }


def answer_json(result: CompanyImport, *, dry_run: bool, seconds: float) -> dict[str, Any]:
    change = result.change
    return {
        "owner": result.owner,
        "source": result.source,
        "dryRun": dry_run,
        "review": result.review,
        "change": {
            "lines": change.lines(),
            "suppliersAdded": change.suppliers_added,
            "suppliersDropped": change.suppliers_dropped,
            "sharesChanged": [{"fact": k, "old": a, "new": b} for k, a, b in change.shares_changed],
            "factsAdded": change.facts_added,
            "factsDropped": change.facts_dropped,
            "factsKept": change.facts_kept,
        },
        "mapping": mapping_text(result.matches),
        "deleted": result.deleted,
        "graphVersion": None if result.version is None else result.version.version,
        "seconds": round(seconds, 3),
    }


async def post_company(request: Request, service: Service) -> Response:
    return await _post(request, service, amrt=False)


async def post_amrt(request: Request, service: Service) -> Response:
    """POST /imports/amrt: `supplygraph import amrt` through the server; the form field is
    ``supplier`` instead of ``owner``, the file one .xlsx, the answer the same."""
    return await _post(request, service, amrt=True)


async def _post(request: Request, service: Service, *, amrt: bool) -> Response:
    rid = request_id.get()
    try:
        principal, limit = admit(request, service, what="the workbook")
        context: Context = request.state.context
        began = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="supplygraph-company-") as tmp:
            who = "supplier" if amrt else "owner"
            path, owner, dry_run = await _save(limited(request, limit), Path(tmp), who=who)

            def run(dry: bool) -> CompanyImport:
                if amrt:
                    return import_amrt(
                        path,
                        store=context.store,
                        supplier=owner,
                        batch_size=service.settings.batch_size,
                        mapping=Path(tmp) / MAPPING,
                        dry_run=dry,
                    )
                return import_company(
                    path,
                    store=context.store,
                    owner=owner,
                    batch_size=service.settings.batch_size,
                    mapping=Path(tmp) / MAPPING,
                    dry_run=dry,
                )

            async with service.loading:
                try:
                    result = await anyio.to_thread.run_sync(lambda: run(True))
                    if not dry_run:
                        async with service.gate.write():
                            result = await anyio.to_thread.run_sync(lambda: run(False))
                            assert result.version is not None
                            context.note_write(result.version)
                            await context.snapshot()
                except LoadError as e:
                    service.metrics.load_seconds.labels("refused").observe(
                        time.perf_counter() - began
                    )
                    body = {
                        "message": f"{len(e.problems)} problem(s), nothing written",
                        "extensions": {
                            "code": "IMPORT_REFUSED",
                            "requestId": rid,
                            "problems": [problem_json(p) for p in e.problems],
                        },
                    }
                    return JSONResponse({"errors": [body]}, status_code=400)
                except SupplyGraphError as e:
                    log.warning("company import through the server failed: %s", e)
                    return refusal_response(Refusal(503, "STORE_ERROR", str(e)), request_id=rid)
    except Refusal as refusal:
        return refusal_response(refusal, request_id=rid)
    seconds = time.perf_counter() - began
    if result.version is not None:
        service.metrics.load_seconds.labels("ok").observe(seconds)
        service.metrics.graph_version.set(result.version.version)
    log.info(
        "%s of %s imported through the server (dry run: %s)",
        "AMRT" if amrt else "company data",
        owner,
        dry_run,
        extra={"key": principal.name},
    )
    return JSONResponse(answer_json(result, dry_run=dry_run, seconds=seconds))
