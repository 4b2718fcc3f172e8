#!/usr/bin/env bash
# bench/sbom.sh: speed, memory and coverage of the sbom package against
# syft on github.com/sigstore/cosign/v2@v2.6.5 (SBOM.md section 4).
#
# It installs what it compares against (syft v1.57.0, pinned by
# bench/syft/go.mod.txt and go.sum.txt: the proxy refuses three of
# syft's own dependency versions), downloads the cosign source through
# the module proxy and warms the module cache, builds the cosign binary,
# then runs each tool RUNS times (default 3) and reports the median wall
# time and peak RSS (/usr/bin/time -v). Results go to
# bench/README-sbom.md. cyclonedx-gomod is not served by the proxy here
# (403), so it is not measured.
#
# Usage: bench/sbom.sh            (WORK=/tmp/chainmail-bench RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
WORK=${WORK:-/tmp/chainmail-bench}
RUNS=${RUNS:-3}
COSIGN=github.com/sigstore/cosign/v2
COSIGN_VERSION=v2.6.5
mkdir -p "$WORK/bin"
export GOFLAGS=-mod=readonly GOTOOLCHAIN=${GOTOOLCHAIN:-local}
log() { echo "bench: $*" >&2; }

# 1. syft, pinned.
WORK=$WORK bash bench/syft.sh >/dev/null

# 2. cosign source, a warm module cache and the cosign binary.
WORK=$WORK bash bench/cosign.sh >/dev/null

# 3. our CLI and stat tool.
go build -o "$WORK/bin/sbom" ./examples/sbom
go build -o "$WORK/bin/sbomstat" ./bench/sbomstat

# 4. measurements.
measure() { # name, command...: prints "name wall_s rss_mib cpu_s" medians
	local name=$1; shift
	local walls=() rsss=() cpus=()
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || { cat "$WORK/stderr.txt" >&2; return 1; }
		walls+=("$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time.txt")")
		rsss+=("$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$WORK/time.txt")")
		cpus+=("$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$WORK/time.txt")")
	done
	local wall rss cpu
	wall=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(( (RUNS+1)/2 ))p")
	rss=$(printf '%s\n' "${rsss[@]}" | sort -g | sed -n "$(( (RUNS+1)/2 ))p")
	cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "$(( (RUNS+1)/2 ))p")
	echo "$name $wall $rss $cpu"
}
export SYFT_CHECK_FOR_APP_UPDATE=false SOURCE_DATE_EPOCH=1700000000
C="$WORK/cosign"
declare -A CMD=(
	[ours-module]="$WORK/bin/sbom -o $WORK/ours-module.cdx.json $C"
	[ours-packages]="$WORK/bin/sbom -main ./cmd/cosign -o $WORK/ours-packages.cdx.json $C"
	[ours-binary]="$WORK/bin/sbom -o $WORK/ours-binary.cdx.json $WORK/cosign-bin"
	[ours-binary-licenses]="$WORK/bin/sbom -licenses -o $WORK/ours-binary-licenses.cdx.json $WORK/cosign-bin"
	[syft-dir]="$WORK/bin/syft scan dir:$C -q -o cyclonedx-json=$WORK/syft-dir.cdx.json"
	[syft-binary]="$WORK/bin/syft scan file:$WORK/cosign-bin -q -o cyclonedx-json=$WORK/syft-binary.cdx.json"
	[go-list-m]="go -C $C list -e -m -json all"
	[go-mod-graph]="go -C $C mod graph"
)
ORDER="go-list-m go-mod-graph ours-module ours-packages ours-binary ours-binary-licenses syft-dir syft-binary"
: >"$WORK/results.txt"
for n in $ORDER; do
	log "measuring $n ($RUNS runs)"
	# shellcheck disable=SC2086
	measure "$n" ${CMD[$n]} | tee -a "$WORK/results.txt"
done
(cd "$C" && go list -e -m all >"$WORK/golist.txt" 2>/dev/null || true)
stat() { "$WORK/bin/sbomstat" "$@" 2>&1 || true; }
{
	echo "ours-module $(stat -golist "$WORK/golist.txt" "$WORK/ours-module.cdx.json" | tr '\n' ' ')"
	echo "ours-packages $(stat "$WORK/ours-packages.cdx.json")"
	echo "ours-binary $(stat "$WORK/ours-binary.cdx.json")"
	echo "ours-binary-licenses $(stat "$WORK/ours-binary-licenses.cdx.json")"
	echo "syft-dir $(stat "$WORK/syft-dir.cdx.json")"
	echo "syft-binary $(stat "$WORK/syft-binary.cdx.json")"
} | tee "$WORK/coverage.txt"
"$WORK/bin/sbom" validate "$WORK/ours-module.cdx.json" | tail -1
# determinism: a second module-graph run gives the same bytes
"$WORK/bin/sbom" -o "$WORK/ours-module-2.cdx.json" "$C"
cmp -s "$WORK/ours-module.cdx.json" "$WORK/ours-module-2.cdx.json" && DET=identical || DET=DIFFERENT

get() { awk -v n="$1" -v f="$2" '$1==n {print $f}' "$WORK/results.txt"; }
ratio() { awk -v a="$(get "$1" "$3")" -v b="$(get "$2" "$3")" 'BEGIN {printf "%.1fx", a/b}'; }
{
	echo "# SBOM benchmark (bench/sbom.sh)"
	echo
	echo "Target: $COSIGN@$COSIGN_VERSION, warm module cache, $(nproc) CPUs, $(go version | cut -d' ' -f3),"
	echo "median of $RUNS runs in one run of the script, wall time, CPU time and peak RSS from /usr/bin/time -v."
	echo "Load average when the measurements ended: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine"
	echo "inflates wall times; CPU time is the steadier number)."
	echo "Generated $(date -u +%Y-%m-%d) by \`bench/sbom.sh\`; raw numbers in \$WORK/results.txt."
	echo
	echo "| what | wall (s) | CPU user+sys (s) | peak RSS (MiB) | target |"
	echo "| --- | --- | --- | --- | --- |"
	echo "| sbom, module graph + licenses + hashes (\`sbom DIR\`) | $(get ours-module 2) | $(get ours-module 4) | $(get ours-module 3) | <= 1 s, < 150 MiB |"
	echo "| sbom, package mode (\`sbom -main ./cmd/cosign DIR\`) | $(get ours-packages 2) | $(get ours-packages 4) | $(get ours-packages 3) | <= 3 s, < 150 MiB |"
	echo "| sbom, binary (\`sbom cosign-bin\`) | $(get ours-binary 2) | $(get ours-binary 4) | $(get ours-binary 3) | <= 0.2 s, < 150 MiB |"
	echo "| sbom, binary with licenses from the module cache (\`sbom -licenses cosign-bin\`) | $(get ours-binary-licenses 2) | $(get ours-binary-licenses 4) | $(get ours-binary-licenses 3) | |"
	echo "| syft v1.57.0 \`dir:\` | $(get syft-dir 2) | $(get syft-dir 4) | $(get syft-dir 3) | |"
	echo "| syft v1.57.0 \`file:\` (binary) | $(get syft-binary 2) | $(get syft-binary 4) | $(get syft-binary 3) | |"
	echo "| lower bound: \`go list -e -m -json all\` | $(get go-list-m 2) | $(get go-list-m 4) | $(get go-list-m 3) | |"
	echo "| lower bound: \`go mod graph\` | $(get go-mod-graph 2) | $(get go-mod-graph 4) | $(get go-mod-graph 3) | |"
	echo
	echo "Speed-up against syft (wall / CPU): module graph $(ratio syft-dir ours-module 2) / $(ratio syft-dir ours-module 4),"
	echo "package mode $(ratio syft-dir ours-packages 2) / $(ratio syft-dir ours-packages 4), binary $(ratio syft-binary ours-binary 2) / $(ratio syft-binary ours-binary 4)."
	echo
	echo "Coverage (Go components; licensed = at least one SPDX license-list id; hashed = has a hash):"
	echo
	echo '```'
	cat "$WORK/coverage.txt"
	echo '```'
	echo
	echo "Determinism (two module-graph runs, SOURCE_DATE_EPOCH set): $DET."
} >bench/README-sbom.md
log "wrote bench/README-sbom.md"
cat bench/README-sbom.md
