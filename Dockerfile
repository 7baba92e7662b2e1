# syntax=docker/dockerfile:1
#
# antoan in three stages: the web UI (when the checkout has one) built with
# Node, the release binary built with Rust, and a slim Debian runtime with
# only the PostgreSQL and SQLite client libraries. Build from the checkout:
#
#   docker build -t antoan .
#
# The image runs as an unprivileged user, keeps its data under
# /var/lib/antoan, listens on 0.0.0.0:8080 and checks /healthz. Secrets come
# from the environment or, for DATABASE_URL and ANTOAN_TOKEN_SECRET, from
# files named by DATABASE_URL_FILE and ANTOAN_TOKEN_SECRET_FILE (Docker or
# Compose secrets); see docker/entrypoint.sh.

ARG RUST_VERSION=1.95
ARG NODE_VERSION=22
ARG DEBIAN_RELEASE=bookworm

# --- the web UI ------------------------------------------------------------
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS web
WORKDIR /src
# The UI's build may read the API contract in openapi/, so it gets the whole
# context (.dockerignore keeps build output and data out of it).
COPY . .
RUN if [ -f web-ui/package.json ]; then \
        cd web-ui && npm ci --no-audit --no-fund && npm run build; \
    else \
        echo "no web-ui/package.json: the image serves the API only"; \
        mkdir -p web-ui/dist; \
    fi

# --- the binary ------------------------------------------------------------
FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        pkg-config libpq-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The caches keep crates and compiled dependencies between builds; the binary
# is copied out of the cached target folder, which the next stage cannot see.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p antoan \
    && install -D -m 0755 target/release/antoan /out/antoan

# --- the runtime -----------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpq5 libsqlite3-0 ca-certificates curl tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 antoan \
    && useradd --system --uid 10001 --gid antoan --home-dir /var/lib/antoan \
        --shell /usr/sbin/nologin antoan \
    && install -d -o antoan -g antoan -m 0700 /var/lib/antoan /var/lib/antoan/keys
COPY --from=build /out/antoan /usr/local/bin/antoan
COPY --from=web /src/web-ui/dist /usr/share/antoan/web-ui
COPY docker/entrypoint.sh /usr/local/bin/antoan-entrypoint
RUN chmod 0755 /usr/local/bin/antoan-entrypoint

ENV ANTOAN_LISTEN=0.0.0.0:8080 \
    ANTOAN_DATA_DIR=/var/lib/antoan \
    ANTOAN_KEYS_DIR=/var/lib/antoan/keys \
    ANTOAN_WEB_UI_DIR=/usr/share/antoan/web-ui \
    ANTOAN_LOG_FORMAT=json
USER antoan:antoan
WORKDIR /var/lib/antoan
VOLUME ["/var/lib/antoan"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl --fail --silent --show-error --max-time 2 http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/antoan-entrypoint"]
CMD ["serve"]
