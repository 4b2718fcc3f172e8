#!/usr/bin/env bash
# bench/cosign.sh: the source of github.com/sigstore/cosign/v2@v2.6.5 in
# $WORK/cosign (with its build list in the module cache) and its binary,
# $WORK/cosign-bin, built once: the large real Go module and binary that
# bench/sbom.sh measures on. Prints the binary's path.
#
# Usage: bench/cosign.sh            (WORK=/tmp/chainmail-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/chainmail-bench}
COSIGN=github.com/sigstore/cosign/v2
COSIGN_VERSION=v2.6.5
mkdir -p "$WORK"
export GOFLAGS=-mod=readonly GOTOOLCHAIN=${GOTOOLCHAIN:-local}
log() { echo "bench: $*" >&2; }

if [ ! -f "$WORK/cosign/go.mod" ]; then
	log "downloading $COSIGN@$COSIGN_VERSION"
	dir=$(cd "$WORK" && GOFLAGS=-mod=mod go mod download -json "$COSIGN@$COSIGN_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
	rm -rf "$WORK/cosign" && cp -r "$dir" "$WORK/cosign" && chmod -R u+w "$WORK/cosign"
	# "go mod download all" stops at the first version the proxy refuses
	# (drjosh.dev/zzglob@v0.4.0 here); download module by module instead.
	log "downloading cosign's build list (the proxy refuses some versions; that is expected)"
	(cd "$WORK/cosign" && go list -e -m -f '{{if not .Main}}{{.Path}}@{{.Version}}{{end}}' all 2>/dev/null |
		grep . | xargs -n 100 go mod download 2>&1 | tail -3 || true)
fi
if [ ! -x "$WORK/cosign-bin" ]; then
	log "building the cosign binary"
	(cd "$WORK/cosign" && go build -o "$WORK/cosign-bin" ./cmd/cosign)
fi

echo "$WORK/cosign-bin"
