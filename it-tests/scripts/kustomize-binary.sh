#!/usr/bin/env bash
# Provides kustomize's engine for Capstan and the kustomize CLI the differential tests compare it with, both from
# kustomize v5.8.2's Go modules (sigs.k8s.io/kustomize/api v0.21.2); nothing but the Go module proxy is reached.
#   capstan-kustomize  engines/kustomize: kustomize's library behind Capstan's confinement (rebuilt when its source
#                      changes; Go's build cache makes that a second)
#   kustomize          the upstream CLI, sigs.k8s.io/kustomize/kustomize/v5@v5.8.2 (about 15 s once per machine)
# Prints the directory holding both on stdout (the last line); progress goes to stderr.
# Cache: $CAPSTAN_KUSTOMIZE_CACHE, default ~/.cache/capstan/kustomize-v5.8.2.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENGINE_SRC="$HERE/../../engines/kustomize"
CACHE_DIR="${CAPSTAN_KUSTOMIZE_CACHE:-$HOME/.cache/capstan/kustomize-$KUSTOMIZE_VERSION}"
log() { printf '[kustomize-binary] %s\n' "$*" >&2; }

command -v go >/dev/null || { [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH"; }
command -v go >/dev/null || { log "Go is needed to build kustomize $KUSTOMIZE_VERSION from its modules"; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

mkdir -p "$CACHE_DIR/bin"
exec 9>"$CACHE_DIR/.lock"
flock 9
if [ ! -x "$CACHE_DIR/bin/kustomize" ]; then
  log "building the kustomize CLI $KUSTOMIZE_VERSION from its module (one time)"
  GOBIN="$CACHE_DIR/bin.tmp" go install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION" \
    "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
  mv "$CACHE_DIR/bin.tmp/kustomize" "$CACHE_DIR/bin/kustomize" && rmdir "$CACHE_DIR/bin.tmp"
fi
(cd "$ENGINE_SRC" && go build -trimpath -ldflags "-s -w -X main.Version=$KUSTOMIZE_VERSION" \
  -o "$CACHE_DIR/bin/capstan-kustomize.tmp" . >&2)
mv "$CACHE_DIR/bin/capstan-kustomize.tmp" "$CACHE_DIR/bin/capstan-kustomize"
log "kustomize $("$CACHE_DIR/bin/kustomize" version), engine $("$CACHE_DIR/bin/capstan-kustomize" version) in $CACHE_DIR/bin"
echo "$CACHE_DIR/bin"
