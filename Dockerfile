# syntax=docker/dockerfile:1

# Build: install every dependency and compile all workspaces.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client-sdk/package.json client-sdk/
COPY simulators/package.json simulators/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY shared/ shared/
COPY server/ server/
COPY client-sdk/ client-sdk/
COPY simulators/ simulators/
RUN npm run build

# Runtime: production dependencies and compiled output only.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client-sdk/package.json client-sdk/
COPY simulators/package.json simulators/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/client-sdk/dist client-sdk/dist
COPY --from=build /app/simulators/dist simulators/dist
# The default DATA_DIR (./data, so /app/data) for SQLite: /app belongs to root, so the directory is created here for
# the node user, who could not create it at run time. A volume, so the database outlives the container when one is
# mounted there.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME /app/data
# 3000: HTTP and Socket.IO.
# 1883: the embedded MQTT broker, only used when MQTT_URL is unset; set MQTT_EMBEDDED_HOST=0.0.0.0
# (and MQTT_USERNAME/MQTT_PASSWORD) for it to be reachable from outside the container.
EXPOSE 3000 1883
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || process.env.HTTP_PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server/dist/main.js"]
