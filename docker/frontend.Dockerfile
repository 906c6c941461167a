# syntax=docker/dockerfile:1
# The edge: nginx serving the built SPA and routing /api to the gateway and /ws to the signaling
# nodes, with the config generated from libs/local-servers (docker/nginx/default.conf).

FROM node:20-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build --config apps/frontend/vite.config.ts

FROM nginx:1.27-alpine
COPY docker/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY --from=build /repo/dist/apps/frontend /usr/share/nginx/html
EXPOSE 80
