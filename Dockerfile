# One image for every controller; the service is chosen by SERVICE (build arg and env).
# docker build --build-arg SERVICE=source-controller -t flotilla/source-controller .
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json nx.json tsconfig.base.json ./
COPY libs libs
COPY services services
COPY e2e/package.json e2e/package.json
RUN npm ci --no-audit --no-fund && NX_DAEMON=false npx nx run-many -t build --outputStyle=static \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ARG SERVICE=source-controller
ENV SERVICE=${SERVICE} NODE_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/libs libs
COPY --from=build /src/services services
COPY --from=build /src/package.json package.json
USER 65534:65534
EXPOSE 8080 9440 9090 9292
ENTRYPOINT ["sh", "-c", "exec node --openssl-legacy-provider services/${SERVICE}/dist/main.js \"$@\"", "--"]
CMD ["--metrics-addr=:8080", "--health-addr=:9440"]
