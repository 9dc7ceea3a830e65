#!/usr/bin/env bash
# Provides the helm CLI the differential tests compare Capstan's renders with: Helm v3.21.0, the release whose
# engine helm-java 0.0.21 embeds, built from its Go module (nothing but the Go module proxy is reached).
# Prints the path of the binary on stdout (the last line); progress goes to stderr.
#
# Order of preference: $CAPSTAN_HELM_BIN when executable; the cache ($CAPSTAN_HELM_CACHE, default
# ~/.cache/capstan/helm-v3.21.0); else build it there (about 3 minutes on 2 cores, once per machine).
set -euo pipefail

HELM_VERSION=v3.21.0
CACHE_DIR="${CAPSTAN_HELM_CACHE:-$HOME/.cache/capstan/helm-$HELM_VERSION}"
log() { printf '[helm-binary] %s\n' "$*" >&2; }

if [ -n "${CAPSTAN_HELM_BIN:-}" ] && [ -x "$CAPSTAN_HELM_BIN" ]; then
  log "using CAPSTAN_HELM_BIN=$CAPSTAN_HELM_BIN"; echo "$CAPSTAN_HELM_BIN"; exit 0
fi
if [ -x "$CACHE_DIR/bin/helm" ]; then
  log "using cached $CACHE_DIR/bin/helm"; echo "$CACHE_DIR/bin/helm"; exit 0
fi
command -v go >/dev/null || { [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH"; }
command -v go >/dev/null || { log "Go is needed to build helm $HELM_VERSION from its module"; exit 1; }

mkdir -p "$CACHE_DIR"
# One build at a time per machine.
exec 9>"$CACHE_DIR/.lock"
flock 9
if [ -x "$CACHE_DIR/bin/helm" ]; then echo "$CACHE_DIR/bin/helm"; exit 0; fi
log "building helm $HELM_VERSION from helm.sh/helm/v3 into $CACHE_DIR (one time)"
start=$(date +%s)
GOBIN="$CACHE_DIR/bin.tmp" GOFLAGS=-mod=mod CGO_ENABLED=0 go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
rm -rf "$CACHE_DIR/bin" && mv "$CACHE_DIR/bin.tmp" "$CACHE_DIR/bin"
log "built in $(( $(date +%s) - start )) s: $("$CACHE_DIR/bin/helm" version --short)"
echo "$CACHE_DIR/bin/helm"
