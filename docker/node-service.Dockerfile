# syntax=docker/dockerfile:1
# The image of every QUAL_MEET Node service. `APP` names the Nx app (apps/<APP>); compose builds
# one image per service from this single recipe so the five services cannot drift apart.

FROM node:20-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG APP
RUN test -n "${APP}" && npx tsx --tsconfig tools/tsconfig.json tools/build/bundle-service.ts "apps/${APP}"

FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
ARG APP
COPY --from=build /repo/dist/apps/${APP}/ ./
COPY libs/db/migrations ./libs/db/migrations
USER node
ENV HOST=0.0.0.0
CMD ["node", "--enable-source-maps", "main.mjs"]
