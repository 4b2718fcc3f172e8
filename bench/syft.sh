#!/usr/bin/env bash
# bench/syft.sh: syft v1.57.0, built once into $WORK/bin/syft from the
# pinned tools module in bench/syft (go.mod.txt, go.sum.txt: the proxy
# refuses three of syft's own dependency versions). bench/sbom.sh compares
# against it; bench/provenance.sh makes provenance of it, a Go binary that
# links 300+ modules. Prints the binary's path.
#
# Usage: bench/syft.sh              (WORK=/tmp/chainmail-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/chainmail-bench}
mkdir -p "$WORK/bin"
export GOFLAGS=-mod=readonly GOTOOLCHAIN=${GOTOOLCHAIN:-local}
log() { echo "bench: $*" >&2; }

if [ ! -x "$WORK/bin/syft" ]; then
	log "building syft v1.57.0 (about 11-20 minutes on 2 cores)"
	rm -rf "$WORK/syftbuild" && mkdir -p "$WORK/syftbuild"
	cp bench/syft/go.mod.txt "$WORK/syftbuild/go.mod"
	cp bench/syft/go.sum.txt "$WORK/syftbuild/go.sum"
	cp bench/syft/tools.go.txt "$WORK/syftbuild/tools.go"
	(cd "$WORK/syftbuild" && go build -o "$WORK/bin/syft" github.com/anchore/syft/cmd/syft)
fi

echo "$WORK/bin/syft"
