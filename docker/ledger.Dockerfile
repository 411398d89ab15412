# Builds the Ledger plugin (frontend + the backend executable for the build machine's architecture) and keeps the
# toolchain, so the same image also runs the ledger migrations, the live simulator and the alert sink of the
# compose stack. Grafana itself runs from the official Ubuntu image and mounts the built plugin (docker-compose.yml).
ARG NODE_IMAGE=node:20.20.2-bookworm

FROM ${NODE_IMAGE} AS build
WORKDIR /ledger
ENV CI=true \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# TARGETARCH is set by BuildKit (amd64 or arm64): Grafana on that host runs gpx_ledger_linux_<arch>.
ARG TARGETARCH
RUN case "${TARGETARCH:-amd64}" in \
      arm64) arch=arm64 ;; \
      *) arch=amd64 ;; \
    esac \
 && npm run build:frontend \
 && node scripts/build-backend.mjs --only="$arch" \
 && test -f dist/plugin.json \
 && test -f dist/datasource/plugin.json \
 && test -d dist/dashboards \
 && test -x "dist/datasource/gpx_ledger_linux_$arch"
CMD ["node", "--version"]
