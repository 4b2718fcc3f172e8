#!/usr/bin/env bash
# bench/consumers.sh: this project's SBOMs read back by real consumers no
# one here wrote (issue 10): syft v1.57.0's format decoders (`syft
# convert`) and grype v0.121.3's SBOM input (grypesbom, see bench/grype.sh),
# for CycloneDX JSON and XML and SPDX JSON and tag-value. For each, sbomread
# reports how many Go modules the consumer saw by PURL, with our version,
# our licenses, the go.sum h1 and the zip SHA-256 (bench/sbomread).
#
# Usage: bench/consumers.sh         (WORK=/tmp/chainmail-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/chainmail-bench}
export GOFLAGS=-mod=readonly GOTOOLCHAIN=${GOTOOLCHAIN:-local}
export SYFT_CHECK_FOR_APP_UPDATE=false GRYPE_CHECK_FOR_APP_UPDATE=false SOURCE_DATE_EPOCH=1700000000
log() { echo "bench: $*" >&2; }

SYFT=$(WORK=$WORK bash bench/syft.sh)
GRYPESBOM=$(WORK=$WORK bash bench/grype.sh | tail -1)
go build -o "$WORK/bin/sbom" ./examples/sbom
go build -o "$WORK/bin/sbomread" ./bench/sbomread
D="$WORK/consumers"
rm -rf "$D" && mkdir -p "$D"

status=0
for f in cyclonedx-json:cdx.json cyclonedx-xml:cdx.xml spdx-json:spdx.json spdx-tv:spdx; do
	format=${f%%:*} ext=${f#*:}
	"$WORK/bin/sbom" -format "$format" -o "$D/ours.$ext" .
	"$SYFT" convert "$D/ours.$ext" -q -o "syft-json=$D/syft-$format.json"
	"$GRYPESBOM" "$D/ours.$ext" >"$D/grype-$format.jsonl"
	echo "== $format"
	"$WORK/bin/sbomread" -ours "$D/ours.$ext" -syft "$D/syft-$format.json" || status=1
	"$WORK/bin/sbomread" -ours "$D/ours.$ext" -grype "$D/grype-$format.jsonl" || status=1
done
exit $status
