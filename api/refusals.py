"""Typed refusals at the HTTP edge: a status, a machine-readable code and a plain message,
answered in the GraphQL error shape so clients read one format for every failure."""

from __future__ import annotations

from starlette.responses import JSONResponse


class Refusal(Exception):
    """A request refused before (or instead of) execution. Raised and caught in api/ only."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def unauthenticated(message: str) -> Refusal:
    return Refusal(401, "UNAUTHENTICATED", message, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message: str) -> Refusal:
    return Refusal(403, "FORBIDDEN", message)


def refusal_response(refusal: Refusal, *, request_id: str | None = None) -> JSONResponse:
    extensions: dict[str, str] = {"code": refusal.code}
    if request_id:
        extensions["requestId"] = request_id
    return JSONResponse(
        {"errors": [{"message": refusal.message, "extensions": extensions}]},
        status_code=refusal.status,
        headers=refusal.headers,
    )
