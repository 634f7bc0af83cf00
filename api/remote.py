"""`supplygraph load --server URL` and `import company|amrt --server URL`: the files of a load
or an import, uploaded to a running server's /loads or /imports/... as multipart parts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from graph.errors import RemoteLoadError

__all__ = ["RemoteLoadError", "import_company_through", "upload"]

Problem = Callable[[dict[str, Any]], str]
"""One refusal problem of the server's JSON, as the CLI prints it."""


def files_of(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    raise RemoteLoadError(f"{path} does not exist", problems=[], bad_input=True)


def upload(*, server: str, path: Path, key: str, timeout: float = 3600) -> dict[str, Any]:
    files = files_of(path)
    if not files:
        raise RemoteLoadError(f"{path} holds no files", problems=[], bad_input=True)
    return _send(
        server=server,
        route="/loads",
        files=files,
        key=key,
        timeout=timeout,
        refused=("LOAD_REFUSED", "BAD_UPLOAD"),
        problem=lambda p: f"{p['file']}:{p['row']}: {p['field']}: {p['message']}",
    )


def import_company_through(
    *,
    server: str,
    path: Path,
    owner: str,
    key: str,
    mapping: Path,
    dry_run: bool,
    amrt: bool = False,
    timeout: float = 3600,
) -> dict[str, Any]:
    """POST a company workbook (or its folder of CSVs), or an AMRT with ``amrt``, and the
    mapping file, if there is one, to /imports/company (/imports/amrt); the server's answer:
    the review, the change, the new mapping file."""
    files = files_of(path) if path.is_dir() else [path] if path.is_file() else []
    if path.is_dir():
        files = [f for f in files if f.suffix.lower() == ".csv"]
    if not files:
        raise RemoteLoadError(f"{path}: no workbook there", problems=[], bad_input=True)
    extra = [("mapping", (mapping.name, mapping.read_bytes()))] if mapping.is_file() else []
    return _send(
        server=server,
        route="/imports/amrt" if amrt else "/imports/company",
        files=files,
        key=key,
        timeout=timeout,
        data={"supplier" if amrt else "owner": owner, "dry_run": "true" if dry_run else "false"},
        extra=extra,
        refused=("IMPORT_REFUSED", "BAD_UPLOAD"),
        problem=lambda p: str(p["text"]),
    )


def _send(
    *,
    server: str,
    route: str,
    files: list[Path],
    key: str,
    timeout: float,
    refused: tuple[str, ...],
    problem: Problem,
    data: Mapping[str, str] | None = None,
    extra: list[tuple[str, tuple[str, bytes]]] | None = None,
) -> dict[str, Any]:
    """POST ``files`` as ``file`` parts (plus ``extra`` parts and ``data`` fields) with the key;
    the JSON answer, or RemoteLoadError: bad input when the code is one of ``refused``."""
    handles = [f.open("rb") for f in files]
    parts: list[tuple[str, tuple[str, Any]]] = [
        ("file", (f.name, h)) for f, h in zip(files, handles, strict=True)
    ]
    parts += extra or []
    try:
        response = httpx.post(
            server.rstrip("/") + route,
            data=dict(data or {}),
            files=parts,
            headers={"Authorization": f"Bearer {key}"},
            timeout=timeout,
        )
    except httpx.HTTPError as e:
        raise RemoteLoadError(f"cannot reach {server}: {e}", problems=[], bad_input=False) from e
    finally:
        for h in handles:
            h.close()
    try:
        body: dict[str, Any] = response.json()
    except ValueError as e:
        raise RemoteLoadError(
            f"{server} answered {response.status_code} without JSON", problems=[], bad_input=False
        ) from e
    if response.status_code == 200:
        return body
    error = (body.get("errors") or [{}])[0]
    extensions = error.get("extensions") or {}
    code = extensions.get("code", "")
    raise RemoteLoadError(
        f"{response.status_code} {code}: {error.get('message', '')}",
        problems=[problem(p) for p in extensions.get("problems", [])],
        bad_input=code in refused,
    )
