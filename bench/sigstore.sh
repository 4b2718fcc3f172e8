#!/usr/bin/env bash
# bench/sigstore.sh - Sigstore bundle verification: Chainmail against
# sigstore-go (in process) and against cosign (one process per bundle).
#
# Usage: bench/sigstore.sh [-n N] [-count C] [-skip-cosign]
#
#   1. go test -bench over bench/sigstore: Chainmail's verify.Verify under a sigstore.Authority
#      against sigstore-go's verify.Verifier on the same parsed bundle and
#      trusted root, for three real bundles (message signature with a Rekor v1
#      entry, DSSE statement, Rekor v2 entry with an RFC 3161 timestamp).
#      Prints the overhead ratio chainmail/sigstore-go, of CPU time and of
#      wall time per verification (goal: <= 1.05).
#   2. Verifies the same keyless bundle N times (default 1000): in one process
#      with Chainmail (and with sigstore-go), and with N runs of
#      `cosign verify-blob`. cosign is installed from the Go module proxy,
#      pinned (COSIGN_VERSION), into a temporary GOBIN, unless COSIGN points to
#      a binary. Everything is offline: the bundle carries its log entry, the
#      trusted root is a file (--trusted-root), and HTTP(S)_PROXY point to a
#      closed port so any network attempt fails.
#
# Environment: COSIGN (a cosign binary), COSIGN_VERSION (default v2.6.5, whose
# go.mod says go 1.25.0).
set -euo pipefail

N=1000
COUNT=6
SKIP_COSIGN=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n) shift; N=$1 ;;
    -count) shift; COUNT=$1 ;;
    -skip-cosign) SKIP_COSIGN=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;/^set -euo/d'; exit 0 ;;
    *) echo "sigstore.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COSIGN_VERSION=${COSIGN_VERSION:-v2.6.5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/chainmail-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

echo "== go $(go env GOVERSION), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo
echo "== 1. Chainmail vs sigstore-go, same bundle and trusted root (go test -bench, -count $COUNT)"
go test ./bench/sigstore -run '^$' -bench 'Verify' -benchmem -count "$COUNT" | tee "$WORK/bench.txt" | grep -E '^Benchmark' || true
echo
# The machine may be busy. Two defences: the benchmarks also report
# cpu-ns/op, the process CPU time per verification, which other processes
# disturb much less than wall time; and with -count, each benchmark function
# runs its two sub-benchmarks back to back, so the i-th chainmail run and the
# i-th sigstore-go run saw the same load. The ratios are medians of those
# paired ratios.
gawk '
  /^Benchmark/ && $3 ~ /^[0-9.]+$/ && $6 == "cpu-ns/op" {
    name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
    if (split(name, p, "/impl=") != 2) next
    k = p[1] "|" p[2]
    n = ++c[k]; wall[k][n] = $3; cpu[k][n] = $5
  }
  function median(a,   s, m) { m = asort(a, s); return (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2 }
  END {
    printf "%-46s %11s %11s %9s %9s\n", "median cpu-ns/op", "chainmail", "sigstore-go", "cpu ratio", "wall ratio"
    PROCINFO["sorted_in"] = "@ind_str_asc"
    for (k in cpu) {
      split(k, q, "|"); if (q[2] != "chainmail") continue
      o = q[1] "|sigstore-go"; if (!(o in cpu)) continue
      delete rc; delete rw
      for (i = 1; i <= c[k] && i <= c[o]; i++) { rc[i] = cpu[k][i] / cpu[o][i]; rw[i] = wall[k][i] / wall[o][i] }
      printf "%-46s %11.0f %11.0f %9.3f %9.3f\n", q[1], median(cpu[k]), median(cpu[o]), median(rc), median(rw)
    }
  }' "$WORK/bench.txt" | tee "$WORK/ratios.txt"
echo

echo "== 1b. Overhead ratio, calls alternated one by one (BenchmarkOverheadRatio, -count $COUNT)"
go test ./bench/sigstore -run '^$' -bench 'OverheadRatio' -benchtime 2s -count "$COUNT" | tee "$WORK/ratio.txt" | grep -E '^Benchmark' || true
gawk '
  /^BenchmarkOverheadRatio/ { name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkOverheadRatio\//, "", name)
    for (i = 3; i < NF; i++) if ($(i+1) == "chainmail/sigstore-go") r[name][++c[name]] = $i }
  function median(a,   s, m) { m = asort(a, s); return (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2 }
  END { PROCINFO["sorted_in"] = "@ind_str_asc"; printf "%-32s %s\n", "bundle", "median chainmail/sigstore-go"
    for (k in r) printf "%-32s %.3f\n", k, median(r[k]) }' "$WORK/ratio.txt"
echo

A=testdata/conformance/assets
BUNDLE=$A/bundle-verify/happy-path-v0.3/bundle.sigstore.json
TROOT=$A/production_trusted_root.json
ARTIFACT=$A/bundle-verify/a.txt
SAN=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISSUER=https://token.actions.githubusercontent.com
export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=

echo "== 2. $N verifications of one keyless bundle (happy-path-v0.3: certificate, Rekor v1 entry, SCT)"
go build -o "$WORK/verifymany" ./bench/sigstore/verifymany
# Alternate the two in rounds, so both see the same load.
ROUNDS=4
[ "$N" -ge "$ROUNDS" ] || ROUNDS=1
for ((r = 0; r < ROUNDS; r++)); do
  for impl in chainmail sigstore-go; do
    "$WORK/verifymany" -impl "$impl" -n $((N / ROUNDS)) -bundle "$BUNDLE" -trusted-root "$TROOT" \
      -certificate-identity "$SAN" -certificate-oidc-issuer "$ISSUER" "$ARTIFACT" >>"$WORK/rounds.txt"
  done
  # The same verifier shared by one goroutine per core, as a registry or
  # an admission controller verifies many bundles.
  "$WORK/verifymany" -impl chainmail -parallel "$(nproc)" -n $((N / ROUNDS)) -bundle "$BUNDLE" -trusted-root "$TROOT" \
    -certificate-identity "$SAN" -certificate-oidc-issuer "$ISSUER" "$ARTIFACT" >>"$WORK/rounds.txt"
done
gawk -v n="$N" '{ gsub(/[()s]/, "", $5); t[$1] += $5 } END { for (k in t) printf "%s %d verified in %.3fs (%.3f ms each)\n", k, n, t[k], t[k] * 1000 / n }' "$WORK/rounds.txt" | sort | tee -a "$WORK/many.txt"

if [ "$SKIP_COSIGN" -eq 1 ]; then exit 0; fi
COSIGN=${COSIGN:-}
if [ -z "$COSIGN" ]; then
  echo "installing cosign $COSIGN_VERSION from the Go module proxy..."
  (unset HTTP_PROXY HTTPS_PROXY; GOBIN="$WORK/bin" GOFLAGS= go install "github.com/sigstore/cosign/v2/cmd/cosign@$COSIGN_VERSION")
  COSIGN=$WORK/bin/cosign
fi
"$COSIGN" version 2>/dev/null | grep -E 'GitVersion' || true
export HOME=$WORK/home   # no ~/.sigstore cache: cosign works from --trusted-root only
mkdir -p "$HOME"
cosign_once() {
  "$COSIGN" verify-blob --bundle "$BUNDLE" --trusted-root "$TROOT" \
    --certificate-identity "$SAN" --certificate-oidc-issuer "$ISSUER" "$ARTIFACT" >/dev/null 2>&1
}
cosign_once || { echo "cosign verify-blob failed offline" >&2; exit 1; }
start=$(date +%s.%N)
for ((i = 0; i < N; i++)); do
  cosign_once || { echo "cosign verification $i failed" >&2; exit 1; }
done
end=$(date +%s.%N)
gawk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { d = e - s; printf "cosign verify-blob: %d verified in %.3fs (%.3f ms each)\n", n, d, d * 1000 / n }' | tee -a "$WORK/many.txt"
ours=$(gawk '/^chainmail:/ { gsub(/[()]/, ""); print $(NF-2) }' "$WORK/many.txt")
par=$(gawk '/^chainmail-x/ { gsub(/[()]/, ""); print $(NF-2) }' "$WORK/many.txt")
theirs=$(gawk '/^cosign/ { gsub(/[()]/, ""); print $(NF-2) }' "$WORK/many.txt")
gawk -v a="$ours" -v b="$theirs" -v n="$N" 'BEGIN { printf "speedup, one process (one goroutine) against %d cosign runs: %.1fx\n", n, b / a }'
gawk -v a="$par" -v b="$theirs" -v n="$N" -v p="$(nproc)" 'BEGIN { printf "speedup, one process (%d goroutines) against %d cosign runs: %.1fx\n", p, n, b / a }'
