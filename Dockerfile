# The service image. Multi-stage: `deps` installs every dependency once, `build` compiles and bundles the
# service, `prod-deps` prunes to runtime dependencies, and `runtime` holds only the compiled service,
# production node_modules and package.json. No `# syntax=` line on purpose: it would pull a frontend image
# from Docker Hub, which throttles CodeBuild; BuildKit's built-in frontend supports everything used here.
#
#   docker build --build-arg APP_VERSION="$(git rev-parse HEAD)" -t rollback-rehearsal .
#
# BASE_IMAGE: the official Node 24 (LTS) Debian slim image from the ECR Public mirror of Docker's official
# images; pin it by digest (…@sha256:…) or replace it (CI on a machine without registry access builds
# on a local stand-in, see tools/container/).
ARG BASE_IMAGE=public.ecr.aws/docker/library/node:24-bookworm-slim

FROM ${BASE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
# Only the manifests, so a change to the sources alone reuses this layer and never reinstalls.
COPY package.json package-lock.json ./
# The optional secret `npm_ca` is a CA bundle for networks whose proxy intercepts TLS; it is mounted for
# this step only and never lands in a layer. Without it (a normal Docker build) nothing changes.
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
    && npm ci --no-audit --no-fund --loglevel=warn \
    && npm cache clean --force --loglevel=error

FROM deps AS prod-deps
# prune leaves the emptied @scope folders of dev packages behind; they go too.
RUN npm prune --omit=dev --no-audit --no-fund --loglevel=warn \
    && find node_modules -mindepth 1 -maxdepth 1 -type d -empty -exec rmdir {} +

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY tools/container/tsconfig.image.json tools/container/
COPY contract contract
COPY app/src app/src
COPY app/bundle.js app/
# Compiles the service alone (app/src and the contract files it imports), not the CLI or the CDK app, so
# their changes do not rebuild the image; then bundles each entry with the service's own modules (one file
# to read at start-up; dependencies stay in node_modules).
RUN npx tsc -p tools/container/tsconfig.image.json && node app/bundle.js

FROM ${BASE_IMAGE} AS runtime
# Keep in step with settings.image and settings.container (tools/test/container/dockerfile.test.ts checks).
WORKDIR /app
# Files stay owned by root: the service (uid 1000) can read them but never rewrite its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/package.json ./package.json
# Last of the layers, so a source-only change replaces just this one.
COPY --from=build /app/dist/contract ./dist/contract
COPY --from=build /app/dist/app/src ./dist/app/src
# The version comes after every layer: a new commit changes only metadata on top of cached layers.
ARG APP_VERSION=dev
ARG SOURCE_URL=https://github.com/example/ecs-rollback-rehearsal
LABEL org.opencontainers.image.title="rollback-rehearsal" \
      org.opencontainers.image.revision="${APP_VERSION}" \
      org.opencontainers.image.version="${APP_VERSION}" \
      org.opencontainers.image.source="${SOURCE_URL}"
ENV NODE_ENV=production \
    APP_VERSION=${APP_VERSION}
USER 1000:1000
# The service's port, then the metrics listener's (METRICS_PORT): documentation for `docker run -P`; ECS
# reads neither, and the task definition maps only the service's port.
EXPOSE 8080 9464
# For `docker run`; ECS ignores it and runs the same entry from the task definition's health check.
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
    CMD ["node", "dist/app/src/healthcheck.js"]
# node is PID 1 and receives SIGTERM itself: no npm, no shell, and the base image's entrypoint script
# is replaced.
ENTRYPOINT ["node"]
CMD ["dist/app/src/server.js"]
