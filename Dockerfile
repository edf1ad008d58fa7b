# DeepTravel server image: a build stage installs the workspace from the lockfile, the runtime stage
# carries only what the server needs and runs as a non-root user.
FROM node:22-bookworm-slim AS build
RUN npm install --global pnpm@12.21.0
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY packages/shared/package.json packages/shared/
COPY packages/server/package.json packages/server/
RUN pnpm install --frozen-lockfile --filter @deeptravel/server... --prod=false
COPY packages/shared packages/shared
COPY packages/server packages/server
# The persisted-query manifest the apps were built with (PERSISTED_QUERIES=enforce, the production
# default, answers only its hashes): this one file of packages/client, read at start, never imported.
COPY packages/client/persisted-queries.json packages/client/persisted-queries.json
COPY schema.graphql ./

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8080 SHUTDOWN_DRAIN_MS=5000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
WORKDIR /app/packages/server
# Migrations run in a separate one-off command per deploy (deploy/README): `node … src/cli/migrate.ts`.
CMD ["node", "--import", "@swc-node/register/esm-register", "src/main.ts"]
