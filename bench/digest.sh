#!/usr/bin/env bash
# Digest throughput of digest.FromFile (bench/cmd/digest) against coreutils'
# sha256sum and sha512sum on one file of random bytes (1 GiB by default).
#
#   bash bench/digest.sh                 # 1 GiB, 3 runs of each tool
#   SIZE_MIB=256 RUNS=5 bash bench/digest.sh
#
# Each run is timed under GNU time (/usr/bin/time -v) for the peak RSS, and
# with nanosecond wall clocks around it for the wall time; CPU time is
# GNU time's user + system (less sensitive to other load on the machine
# than wall time). The file is read
# once before timing, so every run hashes from the page cache: the numbers
# are hashing speed, not disk speed. Runs of the two tools alternate. The
# file lives in a temporary directory that is removed on exit.
set -euo pipefail

SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
ALGS=${ALGS:-"sha256 sha512"}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time -v true >/dev/null 2>&1; then
	echo "digest.sh: GNU time (/usr/bin/time with -v) is missing." >&2
	echo "digest.sh: install it with: apt-get install -y time" >&2
	exit 1
fi
for tool in sha256sum sha512sum awk sort go; do
	if ! command -v "$tool" >/dev/null; then
		echo "digest.sh: $tool is missing" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chainmail-digest-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

echo "== machine"
echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpu:      $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
echo "cores:    $(nproc)"
if grep -qw sha_ni /proc/cpuinfo; then echo "sha_ni:   yes"; else echo "sha_ni:   no"; fi
echo "go:       $(go version)"
echo "coreutils: $(sha256sum --version | head -n1)"
echo

echo "== building bench/cmd/digest"
go build -o "$tmp/digest" ./bench/cmd/digest

echo "== writing ${SIZE_MIB} MiB from /dev/urandom to $tmp/data"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$tmp/data"
cat "$tmp/data" >/dev/null # warm the page cache

# run NAME OUTFILE CMD...: runs CMD under GNU time; appends
# "wall_s rss_kib cpu_s" (cpu = user + system) to $tmp/NAME.runs and leaves
# CMD's stdout in OUTFILE.
run() {
	local name=$1 out=$2
	shift 2
	local t0 t1
	t0=$(date +%s%N)
	/usr/bin/time -v -o "$tmp/time.txt" "$@" >"$out"
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" -F': ' '
		/User time \(seconds\)/ {cpu += $2}
		/System time \(seconds\)/ {cpu += $2}
		/Maximum resident set size/ {rss = $2}
		END {printf "%.4f %d %.2f\n", (b - a) / 1e9, rss, cpu}' "$tmp/time.txt" >>"$tmp/$name.runs"
}

# median FILE COL: median of column COL; maxcol2 FILE: max of column 2.
median() { awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
maxcol2() { awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$1"; }

results=()
for alg in $ALGS; do
	ref=${alg}sum
	echo "== $alg: $RUNS runs each of $ref and bench/cmd/digest -a $alg"
	for i in $(seq 1 "$RUNS"); do
		run "$ref" "$tmp/ref.out" "$ref" "$tmp/data"
		run "ours-$alg" "$tmp/ours.out" "$tmp/digest" -a "$alg" "$tmp/data"
		ref_hex=$(awk '{print $1}' "$tmp/ref.out")
		our_hex=$(awk '{print $1}' "$tmp/ours.out")
		if [[ -z "$ref_hex" || "$ref_hex" != "$our_hex" ]]; then
			echo "digest.sh: $alg MISMATCH: $ref printed '$ref_hex', ours printed '$our_hex'" >&2
			exit 1
		fi
		printf '  run %d: %s %ss, ours %ss wall (same hex %s...)\n' "$i" "$ref" \
			"$(tail -n1 "$tmp/$ref.runs" | cut -d' ' -f1)" \
			"$(tail -n1 "$tmp/ours-$alg.runs" | cut -d' ' -f1)" "${our_hex:0:16}"
	done
	ref_t=$(median "$tmp/$ref.runs" 1)
	our_t=$(median "$tmp/ours-$alg.runs" 1)
	ref_c=$(median "$tmp/$ref.runs" 3)
	our_c=$(median "$tmp/ours-$alg.runs" 3)
	ref_rss=$(maxcol2 "$tmp/$ref.runs")
	our_rss=$(maxcol2 "$tmp/ours-$alg.runs")
	results+=("$(awk -v alg="$alg" -v ref="$ref" -v n="$SIZE_MIB" -v rt="$ref_t" -v ot="$our_t" -v rc="$ref_c" -v oc="$our_c" -v rr="$ref_rss" -v orr="$our_rss" 'BEGIN {
		printf "%-7s %-16s %8.3f %8.0f %8.2f %8.0f %9.1f\n", alg, ref, rt, n / rt, rc, n / rc, rr / 1024
		printf "%-7s %-16s %8.3f %8.0f %8.2f %8.0f %9.1f   ours/%s: wall %.2f, cpu %.2f\n", alg, "digest.FromFile", ot, n / ot, oc, n / oc, orr / 1024, ref, ot / rt, oc / rc
	}')")
done

echo
echo "== results: ${SIZE_MIB} MiB file, median of $RUNS runs, page cache warm, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-7s %-16s %8s %8s %8s %8s %9s\n' alg tool "wall s" "MiB/s" "cpu s" "MiB/cpu-s" "RSS MiB"
for r in "${results[@]}"; do
	echo "$r"
done
