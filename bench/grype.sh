#!/usr/bin/env bash
# bench/grype.sh: grype v0.121.3 and grypesbom, built once into $WORK/bin
# from the pinned tools module in bench/grype (go.mod.txt, go.sum.txt;
# grype's newer releases need a newer Go). grypesbom prints what grype's
# SBOM input (grype/pkg.Provide, the code path of `grype sbom:FILE`) reads
# of each package: bench/consumers.sh uses it. Prints the binaries' paths.
#
# Usage: bench/grype.sh             (WORK=/tmp/chainmail-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/chainmail-bench}
mkdir -p "$WORK/bin"
export GOFLAGS=-mod=readonly GOTOOLCHAIN=${GOTOOLCHAIN:-local}
log() { echo "bench: $*" >&2; }

if [ ! -x "$WORK/bin/grype" ] || [ ! -x "$WORK/bin/grypesbom" ]; then
	log "building grype v0.121.3 and grypesbom (about 10-20 minutes on 2 cores)"
	B="$WORK/grypebuild-pinned"
	rm -rf "$B" && mkdir -p "$B/cmd/grypesbom"
	cp bench/grype/go.mod.txt "$B/go.mod"
	cp bench/grype/go.sum.txt "$B/go.sum"
	cp bench/grype/tools.go.txt "$B/tools.go"
	cp bench/grype/grypesbom.go.txt "$B/cmd/grypesbom/main.go"
	(cd "$B" && go build -o "$WORK/bin/grype" github.com/anchore/grype/cmd/grype && go build -o "$WORK/bin/grypesbom" ./cmd/grypesbom)
fi

echo "$WORK/bin/grype"
echo "$WORK/bin/grypesbom"
