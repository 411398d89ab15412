# Builds the Ledger plugin (frontend + the backend executable for the build machine's architecture) and keeps the
# toolchain, so the same image also runs the ledger migrations, the live simulator and the alert sink of the
# compose stack. Grafana itself runs from its default (Alpine) image and mounts the built plugin (docker-compose.yml).
ARG NODE_IMAGE=node:20.20.2-bookworm
# Go builds the static launcher gpx_ledger_linux_<arch> (launcher/); only its toolchain is copied into the build.
ARG GO_IMAGE=golang:1.26.8-bookworm

FROM ${GO_IMAGE} AS go

FROM ${NODE_IMAGE} AS build
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH
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
 && test -x "dist/datasource/gpx_ledger_linux_$arch" \
 && test -f "dist/datasource/runtime/linux_$arch/gpx_ledger_node"
CMD ["node", "--version"]
