#!/usr/bin/env bash
# bench/provenance.sh: package provenance's generation for a large Go
# binary (syft v1.57.0, built by bench/syft.sh) and its verification of
# real signed provenance against sigstore-go's verifier plus
# slsa-verifier's checks written directly (bench/provenance/bench_test.go
# says why not slsa-verifier itself). Results: bench/README-provenance.md.
#
#   bash bench/provenance.sh            # COUNT=6 rounds of BENCHTIME=1s
#   BINARY=/path/to/go-binary bash bench/provenance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/chainmail-bench}
COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-1s}
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chainmail-provenance-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
mkdir -p bench/out
raw=bench/out/provenance-$(date -u +%Y%m%dT%H%M%SZ).txt

bin=${BINARY:-$(WORK=$WORK bash bench/syft.sh)}
echo "== machine: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores, $(go version | cut -d' ' -f3-), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== large binary: $bin, $(go version -m "$bin" | grep -c '^\s*dep') modules, $(stat -c %s "$bin") bytes"
go test -c -o "$tmp/provenance.test" ./bench/provenance
(cd bench/provenance && "$tmp/provenance.test" -test.run '^TestAgree$' >/dev/null)
echo "== $COUNT interleaved rounds, -benchtime=$BENCHTIME; raw output: $raw"
for i in $(seq 1 "$COUNT"); do
	printf '  round %d/%d\n' "$i" "$COUNT"
	(cd bench/provenance && CHAINMAIL_BENCH_GO_BINARY=$bin "$tmp/provenance.test" -test.run '^$' -test.bench . \
		-test.benchtime "$BENCHTIME" -test.benchmem) >>"$raw"
done
echo
echo "== medians"
awk '
	$1 ~ /^Benchmark/ {
		name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
		n[name]++; ns[name, n[name]] = $3
		for (i = 4; i < NF; i++) if ($(i + 1) == "chainmail/sigstore-go+checks") r[name, n[name]] = $i
		for (i = 4; i < NF; i++) if ($(i + 1) == "deps") deps[name] = $i
		if (!(name in seen)) { seen[name] = 1; names[++k] = name }
	}
	function median(key, arr,   i, j, t, c, a) {
		c = n[key]
		for (i = 1; i <= c; i++) a[i] = arr[key, i]
		for (i = 2; i <= c; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
	}
	END {
		for (i = 1; i <= k; i++) {
			m = names[i]
			if ((m, 1) in r) printf "  %-62s ratio %.3f\n", m, median(m, r)
			else printf "  %-62s %12.0f ns/op%s\n", m, median(m, ns), (m in deps) ? sprintf(" (%d deps)", deps[m]) : ""
		}
	}' "$raw"
