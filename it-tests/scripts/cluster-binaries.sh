#!/usr/bin/env bash
# Provides etcd, kube-apiserver and kube-controller-manager for the integration tests and the demo, and kubectl of
# the same release for the benchmarks' baselines.
# Prints the directory that holds all three on stdout (the last line); progress goes to stderr.
#
# Order of preference:
#   1. $KUBEBUILDER_ASSETS, when it holds all three binaries;
#   2. the cache dir ($CAPSTAN_CLUSTER_CACHE, default ~/.cache/capstan/k8s-<version>);
#   3. build them from their Go modules, the way downstream distributions do: k8s.io/kubernetes at the version
#      asked for, with each staging module it names (k8s.io/api, apiserver, ...) replaced by its published
#      v0.<minor>.<patch>, and etcd's server module behind etcd's own entry point. Nothing but the Go module proxy
#      is reached. About 6 minutes on 2 cores, once per machine and version.
#
# The version: $CAPSTAN_KUBE_VERSION (default below: the newest release the module proxy serves).
set -euo pipefail

KUBE_VERSION="${CAPSTAN_KUBE_VERSION:-1.37.2}"
ETCD_VERSION="3.6.16"
BINARIES=(etcd kube-apiserver kube-controller-manager)
CACHE_DIR="${CAPSTAN_CLUSTER_CACHE:-$HOME/.cache/capstan/k8s-$KUBE_VERSION}"
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
if has_all "$CACHE_DIR/bin" && [ -x "$CACHE_DIR/bin/kubectl" ]; then
  log "using cached binaries in $CACHE_DIR/bin (Kubernetes $KUBE_VERSION)"
  echo "$CACHE_DIR/bin"; exit 0
fi

command -v go >/dev/null || { [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH"; }
command -v go >/dev/null || { log "Go (>= 1.26) is needed to build the control plane from its modules"; exit 1; }

mkdir -p "$CACHE_DIR"
# One build at a time per machine (parallel test JVMs or CI next to a developer).
exec 9>"$CACHE_DIR/.lock"
flock 9
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
WORK="$CACHE_DIR/src"
minor="${KUBE_VERSION#1.}"; minor="${minor%%.*}"
v=k8s.io/component-base/version
ldflags="-s -w -X $v.gitVersion=v$KUBE_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"

# A module that builds k8s.io/kubernetes' commands: its own go.mod says which staging modules it replaces with
# ./staging; each is published on its own at v0.<minor>.<patch>.
kubernetes_module() {
  rm -rf "$WORK/kubernetes"; mkdir -p "$WORK/kubernetes"
  cd "$WORK/kubernetes"
  staging_version="v0.${KUBE_VERSION#1.}"
  k8s_mod="$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
  {
    printf 'module capstan.dev/controlplane\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$KUBE_VERSION"
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$k8s_mod" | sort -u \
      | while read -r module; do printf '\t%s => %s %s\n' "$module" "$module" "$staging_version"; done
    printf ')\n'
  } > go.mod
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  go mod tidy >&2
}

# kubectl of the same release: the peer the benchmarks compare with (the machine's kubectl may be another version).
if has_all "$CACHE_DIR/bin"; then
  if [ ! -x "$CACHE_DIR/bin/kubectl" ]; then
    log "building kubectl $KUBE_VERSION from its module into $CACHE_DIR/bin"
    (kubernetes_module && go build -trimpath -ldflags "$ldflags" -o "$CACHE_DIR/bin/kubectl" \
      k8s.io/kubernetes/cmd/kubectl >&2)
    rm -rf "$WORK"
  fi
  echo "$CACHE_DIR/bin"; exit 0
fi

start=$(date +%s)
log "building Kubernetes $KUBE_VERSION and etcd $ETCD_VERSION from their Go modules into $CACHE_DIR (one time)"
rm -rf "$WORK" "$CACHE_DIR/bin.tmp"; mkdir -p "$WORK/etcd" "$CACHE_DIR/bin.tmp"

(
  kubernetes_module
  go build -trimpath -ldflags "$ldflags -X $v.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" -o "$CACHE_DIR/bin.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl >&2
)

# etcd: the server module behind etcd's own entry point.
(
  cd "$WORK/etcd"
  printf 'module capstan.dev/controlplane/etcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' \
    "$ETCD_VERSION" > go.mod
  cat > main.go <<'GO'
// The test control plane's etcd: etcd's own entry point, built from its server module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
GO
  go mod tidy >&2
  go build -trimpath -ldflags "-s -w" -o "$CACHE_DIR/bin.tmp/etcd" . >&2
)

rm -rf "$CACHE_DIR/bin"; mv "$CACHE_DIR/bin.tmp" "$CACHE_DIR/bin"
rm -rf "$WORK"
log "built in $(( $(date +%s) - start )) s: $("$CACHE_DIR/bin/kube-apiserver" --version), etcd $ETCD_VERSION"
echo "$CACHE_DIR/bin"
