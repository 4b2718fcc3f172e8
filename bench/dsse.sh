#!/usr/bin/env bash
# DSSE sign/verify overhead of sign, attest and verify against calling
# crypto/ecdsa directly, with go-securesystemslib's dsse package as the
# anchor. See bench/dsse/dsse_test.go for what each benchmark does.
#
#   bash bench/dsse.sh                       # 10 samples of 1s per benchmark
#   COUNT=6 BENCHTIME=500ms bash bench/dsse.sh
#   PROFILE=1 bash bench/dsse.sh             # also CPU-profile the DSSE paths
#
# The COUNT samples are taken as COUNT interleaved rounds of one run of
# every benchmark (the test binary is built once), instead of go test
# -count=COUNT running each benchmark COUNT times in a row: on a shared
# 2-core machine, load from other processes then falls on every
# benchmark alike and does not skew the ratios. benchstat (pinned) gives
# medians with 95% confidence intervals and the A/B comparisons against
# the direct crypto/ecdsa baselines.
#
# Raw output and profiles go to bench/out/ (not tracked).
set -euo pipefail

COUNT=${COUNT:-10}
BENCHTIME=${BENCHTIME:-1s}
BENCH=${BENCH:-.}
PROFILE=${PROFILE:-0}
BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da # golang.org/x/perf, go 1.26.0
benchstat() { go run "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION" "$@"; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=bench/out
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw="$out/dsse-$stamp.txt"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chainmail-dsse-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

echo "== machine: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores, $(go version | cut -d' ' -f3-), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building the benchmark binary and benchstat $BENCHSTAT_VERSION"
go test -c -o "$tmp/dsse.test" ./bench/dsse
benchstat -h >/dev/null 2>&1 || { echo "dsse.sh: cannot build benchstat" >&2; exit 1; }

echo "== $COUNT rounds, -benchtime=$BENCHTIME, -bench='$BENCH'; raw output: $raw"
for i in $(seq 1 "$COUNT"); do
	printf '  round %d/%d\n' "$i" "$COUNT"
	"$tmp/dsse.test" -test.run '^$' -test.bench "$BENCH" -test.benchtime "$BENCHTIME" \
		-test.count 1 -test.benchmem >>"$raw"
done

echo
echo "== all benchmarks (median ± 95% CI)"
benchstat "$raw"

compare() { # compare TITLE BASELINE OTHER...
	local title=$1
	shift
	echo
	echo "== $title: time vs $1 (benchstat)"
	benchstat -row /gomaxprocs -filter '.unit:sec/op' -col ".name@($*)" "$raw"
}
compare "signing" ECDSASignDirect DSSESign SSLibDSSESign
compare "verification" ECDSAVerifyDirect DSSEVerify DSSEVerifyWithSubject ParseAndVerify SSLibDSSEVerify SSLibParseAndVerify

# Ratios of medians, the numbers the 10 % goal is about.
echo
echo "== overhead ratios (median ns/op; goal: ours/direct <= 1.10)"
awk '
	$1 ~ /^Benchmark/ && $4 == "ns/op" {
		name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
		n[name]++; v[name, n[name]] = $3
	}
	function median(name,   i, j, t, c, a) {
		c = n[name]
		for (i = 1; i <= c; i++) a[i] = v[name, i]
		for (i = 2; i <= c; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
	}
	function ratio(a, b,   ma, mb) {
		if (!n[a] || !n[b]) return
		ma = median(a); mb = median(b)
		printf "  %-22s / %-28s = %5.3f  (%8.1f µs / %8.1f µs)%s\n", a, b, ma / mb, ma / 1000, mb / 1000, (a !~ /^SSLib/ && b ~ /Direct$/ && ma / mb > 1.10) ? "  over the 10 % goal" : ""
	}
	END {
		ratio("DSSESign", "ECDSASignDirect")
		ratio("SSLibDSSESign", "ECDSASignDirect")
		ratio("DSSEVerify", "ECDSAVerifyDirect")
		ratio("DSSEVerifyWithSubject", "ECDSAVerifyDirect")
		ratio("ParseAndVerify", "ECDSAVerifyDirect")
		ratio("SSLibDSSEVerify", "ECDSAVerifyDirect")
		ratio("SSLibParseAndVerify", "ECDSAVerifyDirect")
		ratio("DSSEVerify", "SSLibDSSEVerify")
		ratio("ParseAndVerify", "SSLibParseAndVerify")
		ratio("PartParseStatement", "ECDSAVerifyDirect")
		ratio("PartParseEnvelope", "ECDSAVerifyDirect")
		ratio("PartParseStatement", "PartStdlibUnmarshalStatement")
	}' "$raw"

if [[ "$PROFILE" == 1 ]]; then
	for b in DSSESign DSSEVerify ParseAndVerify; do
		prof="$out/dsse-$stamp-$b.cpu.prof"
		echo
		echo "== CPU profile of Benchmark$b: $prof (cumulative, top 40)"
		"$tmp/dsse.test" -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchtime 5s \
			-test.count 1 -test.cpuprofile "$prof" >/dev/null
		cp "$tmp/dsse.test" "$out/dsse.test"
		go tool pprof -top -cum -nodecount 40 "$out/dsse.test" "$prof" 2>/dev/null | sed -n '4,$p'
	done
fi
