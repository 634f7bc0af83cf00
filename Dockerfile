# supplygraph API image. Used by docker-compose.yml (service "api"); it needs a Neo4j server.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Install the package first so source-only edits to dataset/ keep the dependency layer cached.
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY schema ./schema
COPY loaders ./loaders
COPY api ./api
RUN pip install . \
 && useradd --system --uid 10001 --no-create-home --home-dir /app supplygraph

COPY dataset ./dataset
COPY docs/browser-guide.md ./docs/browser-guide.md

USER supplygraph
ENV SUPPLYGRAPH_STORE=neo4j://neo4j:7687 \
    NEO4J_USER=neo4j
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Loading is idempotent (batched upserts), so a restart re-runs it safely before serving.
CMD ["sh", "-c", "supplygraph load dataset && exec supplygraph serve --host 0.0.0.0 --port 8000"]
