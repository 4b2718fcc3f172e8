#!/usr/bin/env bash
# Package policy's typed rules against CEL compiled once and OPA Rego as a
# prepared query, on the same release policy and the same signed SLSA v1
# statement. See bench/policy/policy_test.go for what each benchmark does
# and bench/README-policy.md for the results.
#
#   bash bench/policy.sh                    # 10 rounds of 1s per benchmark
#   COUNT=6 BENCHTIME=500ms bash bench/policy.sh
#
# bench/policy is a module of its own (the SDK never imports OPA); its
# go.mod replaces the SDK with this checkout. The test binary is built once,
# its TestEnginesAgree checks that the three engines decide alike (allow,
# deny, another artifact, another signer), and the COUNT samples are COUNT
# interleaved rounds in which every benchmark runs once, so load from other
# processes falls on all engines alike. The ratios are of medians.
#
# Raw output goes to bench/out/ (not tracked).
set -euo pipefail

COUNT=${COUNT:-10}
BENCHTIME=${BENCHTIME:-1s}
BENCH=${BENCH:-.}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=$root/bench/out
mkdir -p "$out"
raw="$out/policy-$(date -u +%Y%m%dT%H%M%SZ).txt"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chainmail-policy-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

echo "== machine: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores, $(go version | cut -d' ' -f3-), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building the benchmark binary (bench/policy, with OPA and cel-go)"
(cd bench/policy && go test -c -o "$tmp/policy.test" .)
"$tmp/policy.test" -test.run '^TestEnginesAgree$' -test.count 1 >/dev/null

echo "== $COUNT rounds, -benchtime=$BENCHTIME, -bench='$BENCH'; raw output: $raw"
for i in $(seq 1 "$COUNT"); do
	printf '  round %d/%d\n' "$i" "$COUNT"
	"$tmp/policy.test" -test.run '^$' -test.bench "$BENCH" -test.benchtime "$BENCHTIME" \
		-test.count 1 -test.benchmem >>"$raw"
done

echo
echo "== medians of $COUNT rounds, and each engine's time over the DSL's (x slower)"
awk '
	$1 ~ /^Benchmark/ {
		name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
		split(name, p, "/"); scope = p[1]; eng = p[2]
		k = scope SUBSEP eng
		n[k]++; ns[k, n[k]] = $3; allocs[k] = $7
		if (!(scope in seen)) { seen[scope] = 1; scopes[++ns_] = scope }
		if (!(eng in eseen)) { eseen[eng] = 1; engs[++ne] = eng }
	}
	function median(k,   i, j, t, c, a) {
		c = n[k]
		for (i = 1; i <= c; i++) a[i] = ns[k, i]
		for (i = 2; i <= c; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
	}
	END {
		printf "  %-8s %-12s %14s %10s %10s\n", "scope", "engine", "ns/op", "allocs/op", "x dsl"
		for (s = 1; s <= ns_; s++) {
			base = median(scopes[s] SUBSEP "dsl")
			for (e = 1; e <= ne; e++) {
				k = scopes[s] SUBSEP engs[e]
				if (!n[k]) continue
				m = median(k)
				printf "  %-8s %-12s %14.0f %10s %9.1fx\n", scopes[s], engs[e], m, allocs[k], m / base
			}
		}
	}' "$raw"
