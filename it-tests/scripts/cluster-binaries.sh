#!/usr/bin/env bash
# Provides etcd, kube-apiserver and kube-controller-manager for the integration tests and the demo.
# Prints the directory that holds all three on stdout (the last line); progress goes to stderr.
#
# Order of preference:
#   1. $KUBEBUILDER_ASSETS, when it holds all three binaries;
#   2. the cache dir ($CAPSTAN_CLUSTER_CACHE, default ~/.cache/capstan/k8s-1.20);
#   3. build: etcd from Debian's etcd-server, the two Kubernetes binaries from Debian's `kubernetes`
#      source package (1.20.x, vendors its Go dependencies), with reflect2 patched (see DESIGN.md).
# Needs root (apt-get) only for step 3. About 6 minutes on 2 cores, once per machine.
set -euo pipefail

BINARIES=(etcd kube-apiserver kube-controller-manager)
CACHE_DIR="${CAPSTAN_CLUSTER_CACHE:-$HOME/.cache/capstan/k8s-1.20}"
log() { printf '[cluster-binaries] %s\n' "$*" >&2; }

has_all() {
  local dir="$1"
  [ -n "$dir" ] || return 1
  for b in "${BINARIES[@]}"; do [ -x "$dir/$b" ] || return 1; done
}

if has_all "${KUBEBUILDER_ASSETS:-}"; then
  log "using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  echo "$KUBEBUILDER_ASSETS"; exit 0
fi
if has_all "$CACHE_DIR/bin"; then
  log "using cached binaries in $CACHE_DIR/bin"
  echo "$CACHE_DIR/bin"; exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

log "building cluster binaries into $CACHE_DIR (one time, ~6 min)"
mkdir -p "$CACHE_DIR"
# One build at a time per machine (parallel test JVMs or CI next to a developer).
exec 9>"$CACHE_DIR/.lock"
flock 9
if has_all "$CACHE_DIR/bin"; then echo "$CACHE_DIR/bin"; exit 0; fi

if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  log "adding a deb-src entry for bookworm"
  $SUDO tee /etc/apt/sources.list.d/capstan-deb-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends etcd-server golang-go rsync jq dpkg-dev \
  golang-github-modern-go-reflect2-dev >&2

WORK="$CACHE_DIR/src"
rm -rf "$WORK"; mkdir -p "$WORK"
(cd "$WORK" && apt-get source --download-only kubernetes >&2 && dpkg-source --no-check -x kubernetes_*.dsc k8s >&2)
SRC_DIR="$WORK/k8s"

# reflect2 1.0.1 (vendored) breaks under Go >= 1.18: the apiserver segfaults on the first custom resource write.
R2_VENDOR="$SRC_DIR/vendor/github.com/modern-go/reflect2"
R2_DEBIAN=/usr/share/gocode/src/github.com/modern-go/reflect2
find "$R2_VENDOR" -maxdepth 1 \( -name '*.go' -o -name '*.s' \) -delete
cp "$R2_DEBIAN"/*.go "$R2_VENDOR"/
cp "$R2_DEBIAN"/*.s "$R2_VENDOR"/ 2>/dev/null || true
rm -f "$R2_VENDOR"/*_test.go

mkdir -p "$WORK/.go/src/k8s.io"
ln -sfn "$SRC_DIR" "$WORK/.go/src/k8s.io/kubernetes"
(
  cd "$WORK/.go/src/k8s.io/kubernetes"
  export GOPATH="$WORK/.go" GO111MODULE=off CGO_ENABLED=0 GOFLAGS=-mod=vendor GOCACHE="$WORK/.gocache"
  unset GOFLAGS
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >&2
)
mkdir -p "$CACHE_DIR/bin.tmp"
cp "$SRC_DIR"/_output/local/bin/linux/amd64/kube-apiserver "$SRC_DIR"/_output/local/bin/linux/amd64/kube-controller-manager "$CACHE_DIR/bin.tmp/" 2>/dev/null \
  || cp "$SRC_DIR"/_output/bin/kube-apiserver "$SRC_DIR"/_output/bin/kube-controller-manager "$CACHE_DIR/bin.tmp/"
cp "$(command -v etcd || echo /usr/bin/etcd)" "$CACHE_DIR/bin.tmp/etcd"
rm -rf "$CACHE_DIR/bin"; mv "$CACHE_DIR/bin.tmp" "$CACHE_DIR/bin"
rm -rf "$WORK"
log "done: $CACHE_DIR/bin"
echo "$CACHE_DIR/bin"
