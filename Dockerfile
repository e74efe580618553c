# Builds both apps; the compose file runs the api and the projector from this one image.
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24.21.0-bookworm-slim
# HOST: every interface of the container (its own network namespace); the host decides what is
# published, and docker-compose.yml publishes on 127.0.0.1 only (TALLY_BIND).
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
# The code belongs to root and is read-only to the process (a compromised process cannot rewrite
# it); only the data directory of embedded mode is the node user's.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000 3001
# The api by default; the projector service overrides the command. The api's young generation is
# capped (docs/benchmarks.md "One busy account"); keep the flag in step with package.json.
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=256", "dist/apps/api/src/main.js", "--api-only"]
