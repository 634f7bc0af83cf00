"""The Neo4j Browser guide at ``GET /guide``: docs/browser-guide.md as ``:play`` slides,
one slide per section, each Cypher block runnable (a click puts it in the editor).

Browser fetches the guide from its own page, so the answer carries
``Access-Control-Allow-Origin: *``; it holds the documented queries only, no data, so it
needs no key. The server must allowlist the API's host
(``browser.remote_content_hostname_whitelist``, set by scripts/neo4j and in
docker-compose.yml), and ``browser.post_connect_cmd=play <url>`` opens it on connect.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

GUIDE_FILE = "docs/browser-guide.md"
BLOCK = re.compile(r"```cypher\n(.*?)```", re.S)


def guide_path() -> Path | None:
    """docs/browser-guide.md beside the package (a checkout) or in the working directory
    (the Docker image copies docs/ into /app)."""
    for base in (Path(__file__).resolve().parents[1], Path.cwd()):
        candidate = base / GUIDE_FILE
        if candidate.is_file():
            return candidate
    return None


def _prose(text: str) -> str:
    paragraphs = [p.strip() for p in BLOCK.sub("", text).split("\n\n") if p.strip()]
    html = []
    for p in paragraphs:
        safe = escape(" ".join(p.split()))
        safe = re.sub(r"`([^`]+)`", r"<code>\1</code>", safe)
        safe = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", safe)
        html.append(f"<p>{safe}</p>")
    return "".join(html)


def render_guide(markdown: str) -> str:
    title, _, rest = markdown.partition("\n")
    sections = re.split(r"^## ", rest, flags=re.M)
    slides = [
        "<slide class='row-fluid'><div class='col-sm-12'>"
        f"<h3>{escape(title.lstrip('# ').strip())}</h3>{_prose(sections[0])}</div></slide>"
    ]
    for section in sections[1:]:
        heading, _, body = section.partition("\n")
        blocks = "".join(
            f"<pre mode='cypher' class='pre-scrollable code runnable'>{escape(b.strip())}</pre>"
            for b in BLOCK.findall(body)
        )
        slides.append(
            "<slide class='row-fluid'><div class='col-sm-12'>"
            f"<h3>{escape(heading.strip())}</h3>{_prose(body)}{blocks}</div></slide>"
        )
    return (
        "<article class='guide'><carousel class='deck container-fluid'>"
        + "".join(slides)
        + "</carousel></article>"
    )


async def guide_endpoint(request: Request) -> Response:
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers": "*",
        "Access-Control-Allow-Methods": "GET, OPTIONS",
    }
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=headers)
    path = guide_path()
    if path is None:
        return HTMLResponse(
            f"<p>No {GUIDE_FILE} next to the server: run it from a checkout or the image.</p>",
            status_code=404,
            headers=headers,
        )
    return HTMLResponse(render_guide(path.read_text(encoding="utf-8")), headers=headers)
