"""GraphiQL served from the package, so the IDE works with no internet.

The page loads GraphiQL 3.9.0 and React 18.3.1 (their UMD builds, MIT, licences beside them)
from api/static/graphiql/, fetched at those pinned versions by scripts/fetch-graphiql, and
starts it with api/static/graphiql-start.js (and graphiql-page.css). Every URL on the page
is this server's and nothing is inline, so ``Content-Security-Policy: default-src 'self'``
allows it.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
PREFIX = "/static"

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>supplygraph · GraphiQL</title>
<link rel="stylesheet" href="{PREFIX}/graphiql/graphiql.min.css">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{PREFIX}/graphiql-page.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{PREFIX}/graphiql/react.production.min.js"></script>
<script src="{PREFIX}/graphiql/react-dom.production.min.js"></script>
<script src="{PREFIX}/graphiql/graphiql.min.js"></script>
<script src="{PREFIX}/graphiql-start.js"></script>
</body>
</html>
"""


def page() -> HTMLResponse:
    return HTMLResponse(PAGE)


def static_mount() -> Mount:
    return Mount(PREFIX, app=StaticFiles(directory=STATIC), name="static")
