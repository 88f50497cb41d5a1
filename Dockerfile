# syntax=docker/dockerfile:1
# Stage 1: front-end assets from the npm registry, pinned by package-lock.json.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# Stage 2: Python dependencies and compiled translations.
FROM python:3.11-slim-bookworm AS build
WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
ENV PATH=/venv/bin:$PATH
# The pinned dependencies first, in a layer of their own: a change under app/ does not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install -c constraints.txt -r requirements.txt
COPY README.md ./
COPY app ./app
RUN pip install --no-deps .
COPY locales ./locales
RUN pybabel compile -d locales -D messages

# Stage 3: the runtime image, without build tools, as a non-root user.
FROM python:3.11-slim-bookworm
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/wizard.db \
    HOST=0.0.0.0 \
    PORT=8000
# The PDF export embeds Noto Sans CJK (app/web/pdf.py), so Chinese renders in it.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin wizard \
    && mkdir /data && chown wizard /data
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app/locales ./locales
COPY app ./app
COPY migrations ./migrations
COPY alembic.ini README.md ./
COPY templates ./templates
COPY static ./static
COPY --from=assets /build/node_modules/htmx.org/dist/htmx.min.js \
     /build/node_modules/@picocss/pico/css/pico.min.css \
     /build/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
     /build/node_modules/swagger-ui-dist/swagger-ui.css \
     ./static/vendor/
USER 10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"]
# Migrations are a separate command, run once per upgrade (README, Docker), so replicas never race
# on them; /readyz answers 503 until they have run. app.serve starts uvicorn with the same flags as
# `make run`: h11 with a bounded request head, no proxy headers (the app reads X-Forwarded-* itself).
CMD ["python", "-m", "app.serve", "--no-migrate", "--limit-concurrency", "200"]
