# syntax=docker/dockerfile:1
# The edge: nginx serving the built SPA, routing /api to the gateway and /ws to the signaling
# nodes, and sharing 443 with TURN over TLS, with the config generated from libs/local-servers
# (docker/nginx: nginx.conf, templates/ filled in from the environment at start, stream.d/).

FROM node:20-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build --config apps/frontend/vite.config.ts

FROM nginx:1.27-alpine
RUN rm -f /etc/nginx/conf.d/default.conf
COPY docker/nginx/nginx.conf /etc/nginx/nginx.conf
COPY docker/nginx/templates/ /etc/nginx/templates/
COPY docker/nginx/stream.d/ /etc/nginx/stream.d/
COPY --from=build /repo/dist/apps/frontend /usr/share/nginx/html
EXPOSE 80
