# syntax=docker/dockerfile:1
# Build: docker build -t switchboard .
# Run:   docker run -p 4000:4000 -v "$PWD/config.yaml:/etc/switchboard/config.yaml:ro" \
#          -e ACME_API_KEY=... switchboard
#
# Base image: Node 22 LTS, the exact version CI tests (.ci/run NODE22_VERSION; change both together). The tag
# is pinned here; pin the digest when building a release:
#   docker buildx imagetools inspect node:22.23.3-bookworm-slim     # "Digest: sha256:..." (the multi-arch index)
#   docker build --build-arg NODE_IMAGE=node:22.23.3-bookworm-slim@sha256:<that digest> -t switchboard .
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 12 (the embedded state store) is a native addon. On linux-x64 and linux-arm64 (glibc, as here)
# its install script downloads a prebuilt binary from GitHub during `npm ci`; where the build cannot reach
# GitHub it compiles from source instead, which needs python3, make and g++ (not in the slim image). For such a
# builder, add before `npm ci` (this stage only; the final image copies the compiled addon):
#   RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.yml ./
COPY schema ./schema
COPY src ./src
COPY sim ./sim
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/schema ./schema
# The embedded state store (state.dataDir, default ./data from WORKDIR: /app/data): the SQLite file that keeps
# idempotency records across restarts. Created here, owned by `node`, before VOLUME, so a new volume mounted
# there starts with that owner. Mount a named volume (-v switchboard-data:/app/data) to keep it across
# containers; one container per volume (a SQLite file is not shared by replicas: use state.redis for a fleet).
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME /app/data
USER node
EXPOSE 4000
ENV SWITCHBOARD_CONFIG=/etc/switchboard/config.yaml
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
