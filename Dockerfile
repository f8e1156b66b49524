# The Agor daemon with the board built in. Builds with the legacy builder from node:22-bookworm-slim
# (deploy/build-base-image.sh makes it offline). Runs as uid 1000, the executors' uid, so worktrees it creates are
# already theirs.
FROM node:22-bookworm-slim AS build
# The lockfile is npm 11's; the base image's npm 10 would read it differently.
RUN npm install --global --no-audit --no-fund npm@11 >/dev/null
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY daemon/package.json daemon/
COPY cli/package.json cli/
COPY web/package.json web/
COPY executor-image/package.json executor-image/
RUN npm ci --no-audit --no-fund --workspace @agor/daemon --workspace @agor/cli --workspace @agor/web --include-workspace-root
COPY daemon daemon
COPY cli cli
COPY web web
RUN npx tsc -b daemon cli && npm run build --workspace @agor/web

FROM node:22-bookworm-slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --create-home --shell /bin/bash agor \
 && npm install --global --no-audit --no-fund npm@11 >/dev/null
WORKDIR /opt/agor
COPY package.json package-lock.json ./
COPY daemon/package.json daemon/
COPY cli/package.json cli/
COPY web/package.json web/
COPY executor-image/package.json executor-image/
RUN npm ci --omit=dev --no-audit --no-fund --workspace @agor/daemon --workspace @agor/cli && npm cache clean --force
COPY --from=build /src/daemon/dist daemon/dist
COPY daemon/migrations daemon/migrations
COPY --from=build /src/cli/dist cli/dist
COPY cli/bin cli/bin
COPY --from=build /src/web/dist web/dist
RUN ln -s /opt/agor/cli/bin/agor.js /usr/local/bin/agor
USER 1000:1000
ENV AGOR_HOME=/var/lib/agor HOST=0.0.0.0 PORT=3030 NODE_ENV=production
EXPOSE 3030
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:3030/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "/opt/agor/daemon/dist/main.js"]
