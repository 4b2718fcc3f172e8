#!/usr/bin/env bash
# bench/sbom.sh: the sbom package (through examples/sbom) against syft
# v1.57.0 on github.com/sigstore/cosign/v2@v2.6.5, like for like, mode by
# mode (SBOM.md section 4; issue 10).
#
# Each comparison runs both commands once to warm up, then RUNS rounds
# (default 5) that alternate them run by run, and reports the median wall
# time and peak RSS (/usr/bin/time) of each and the ratio of the medians.
# Scopes are matched:
#   module    ours: the module graph (`go list -m all`) with licenses and
#             zip digests; syft: its go.mod mode
#             (SYFT_GOLANG_USE_PACKAGES_LIB=false) with licenses from the
#             module cache, the Go module cataloger only. (syft lists the
#             ~300 modules go.mod names, ours all 802 of the graph.)
#   packages  ours: -main ./... -tests (all packages and their tests);
#             syft: its default Go scan (golang.org/x/tools/go/packages,
#             all packages with tests), the Go module cataloger only
#   binary    ours: `sbom BIN`; syft: `scan file:BIN` (build info, no
#             licenses either)
#   binary+licenses  both read licenses from the module cache
# "warm" uses a filled -cache directory (licenses, zip digests, module
# graph); "cold" runs with -cache off (what a first run costs). The floor
# compares the warm module mode with `go list -e -m -json all`.
#
# Installs what it compares against (bench/syft.sh, bench/cosign.sh).
# Usage: bench/sbom.sh            (WORK=/tmp/chainmail-bench RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/chainmail-bench}
RUNS=${RUNS:-5}
mkdir -p "$WORK/bin"
export GOFLAGS=-mod=readonly GOTOOLCHAIN=${GOTOOLCHAIN:-local}
log() { echo "bench: $*" >&2; }

WORK=$WORK bash bench/syft.sh >/dev/null
WORK=$WORK bash bench/cosign.sh >/dev/null
go build -o "$WORK/bin/sbom" ./examples/sbom
go build -o "$WORK/bin/sbomstat" ./bench/sbomstat

export SYFT_CHECK_FOR_APP_UPDATE=false SOURCE_DATE_EPOCH=1700000000
C="$WORK/cosign" B="$WORK/cosign-bin" S="$WORK/bin/syft" O="$WORK/bin/sbom"
CACHE="$WORK/sbom-cache"
SYFT_GO="--override-default-catalogers go-module-file-cataloger"
SYFT_BIN="--override-default-catalogers go-module-binary-cataloger"

declare -A CMD=(
	[ours-module-warm]="$O -cache $CACHE -o $WORK/ours-module.cdx.json $C"
	[ours-module-cold]="$O -cache off -o $WORK/ours-module-cold.cdx.json $C"
	[syft-module]="env SYFT_GOLANG_USE_PACKAGES_LIB=false SYFT_GOLANG_SEARCH_LOCAL_MOD_CACHE_LICENSES=true $S scan dir:$C -q $SYFT_GO -o cyclonedx-json=$WORK/syft-module.cdx.json"
	[ours-packages-warm]="$O -cache $CACHE -main ./... -tests -o $WORK/ours-packages.cdx.json $C"
	[ours-packages-cold]="$O -cache off -main ./... -tests -o $WORK/ours-packages-cold.cdx.json $C"
	[syft-packages]="$S scan dir:$C -q $SYFT_GO -o cyclonedx-json=$WORK/syft-packages.cdx.json"
	[ours-binary]="$O -cache off -o $WORK/ours-binary.cdx.json $B"
	[syft-binary]="$S scan file:$B -q $SYFT_BIN -o cyclonedx-json=$WORK/syft-binary.cdx.json"
	[ours-binary-licenses]="$O -cache $CACHE -licenses -o $WORK/ours-binary-licenses.cdx.json $B"
	[syft-binary-licenses]="env SYFT_GOLANG_SEARCH_LOCAL_MOD_CACHE_LICENSES=true $S scan file:$B -q $SYFT_BIN -o cyclonedx-json=$WORK/syft-binary-licenses.cdx.json"
	[go-list-m]="go -C $C list -e -m -json all"
)

. bench/pairs.sh

rm -rf "$CACHE"
"$O" -cache "$CACHE" -o /dev/null "$C"                       # fill the cache: module graph,
"$O" -cache "$CACHE" -main ./... -tests -o /dev/null "$C"     # packages,
"$O" -cache "$CACHE" -licenses -o /dev/null "$B"              # binary licenses
: >"$WORK/pairs.md"
pair ours-module-warm syft-module
pair ours-module-cold syft-module
pair ours-packages-warm syft-packages
pair ours-packages-cold syft-packages
pair ours-binary syft-binary
pair ours-binary-licenses syft-binary-licenses
pair ours-module-warm go-list-m

(cd "$C" && go list -e -m all >"$WORK/golist.txt" 2>/dev/null || true)
stat() { "$WORK/bin/sbomstat" "$@" 2>&1 | tr '\n' ' ' || true; }
{
	for n in ours-module ours-packages ours-binary ours-binary-licenses; do
		if [[ $n == ours-module ]]; then
			echo "$n $(stat -golist "$WORK/golist.txt" "$WORK/$n.cdx.json")"
		else
			echo "$n $(stat "$WORK/$n.cdx.json")"
		fi
	done
	for n in syft-module syft-packages syft-binary syft-binary-licenses; do
		echo "$n $(stat "$WORK/$n.cdx.json")"
	done
} | tee "$WORK/coverage.txt"
cmp -s "$WORK/ours-module.cdx.json" "$WORK/ours-module-cold.cdx.json" && CACHED=identical || CACHED=DIFFERENT
"$O" -cache off -o "$WORK/ours-module-2.cdx.json" "$C"
cmp -s "$WORK/ours-module-cold.cdx.json" "$WORK/ours-module-2.cdx.json" && DET=identical || DET=DIFFERENT

{
	echo "# SBOM benchmark (bench/sbom.sh)"
	echo
	echo "Target: github.com/sigstore/cosign/v2@v2.6.5 (source, and its 137 MB binary), warm module"
	echo "cache and page cache, $(nproc) CPUs, $(go version | cut -d' ' -f3), syft v1.57.0 built pinned by bench/syft.sh."
	echo "Each row: both commands once to warm up, then $RUNS rounds alternating them run by run; medians"
	echo "of wall time and peak RSS (/usr/bin/time); ratio = their median wall / ours."
	echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Generated $(date -u +%Y-%m-%d) by \`bench/sbom.sh\`."
	echo
	echo "| ours | time, RSS | theirs | time, RSS | ratio |"
	echo "| --- | --- | --- | --- | --- |"
	cat "$WORK/pairs.md"
	echo
	echo "Scopes: module = ours the whole module graph (802 modules) with licenses and zip SHA-256s,"
	echo "syft its go.mod mode (\`SYFT_GOLANG_USE_PACKAGES_LIB=false\`, licenses from the module cache;"
	echo "it lists the modules go.mod names). packages = all packages and tests (ours \`-main ./... -tests\`,"
	echo "syft's default go/packages scan). binary = build info (\`file:\`). Both tools run only their Go"
	echo "cataloger. warm = a filled \`-cache\` directory; cold = \`-cache off\`. The last row is the floor:"
	echo "the warm module mode against \`go list -e -m -json all\`, which it runs."
	echo
	echo "Coverage (Go components; licensed = at least one SPDX license-list id; hashed = has a hash):"
	echo
	echo '```'
	cat "$WORK/coverage.txt"
	echo '```'
	echo
	echo "Warm and cold module SBOMs: $CACHED. Two cold runs: $DET."
} >bench/README-sbom.md
log "wrote bench/README-sbom.md"
cat bench/README-sbom.md
