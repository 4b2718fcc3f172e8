#!/usr/bin/env bash
# bench/vuln.sh: the vuln package (through examples/scan) against
# govulncheck v1.9.0 and osv-scanner v1.9.2 on cosign v2.6.5 and the full Go vulnerability
# database golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018 (4,789
# records), offline (issue 12).
#
#   1. builds govulncheck and x/vulndb's indexdb from the pinned tools
#      module bench/govulncheck (go.mod.txt, go.sum.txt), and writes the
#      database's served layout with indexdb (what govulncheck -db
#      file:///DIR reads; examples/scan reads data/osv as it is);
#   2. the differential: cosign's binary in binary mode, and cosign's
#      module graph (its SBOM from bench/sbom.sh) in query mode, compared
#      by bench/vulndiff as sets of "id module@version" (and, for the
#      binary, which findings have vulnerable code linked);
#   3. the timing: warm-up, then RUNS rounds (default 5) alternating the
#      two run by run, medians of wall time and peak RSS.
#
# Usage: bench/vuln.sh              (WORK=/tmp/chainmail-bench RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/chainmail-bench}
RUNS=${RUNS:-5}
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
mkdir -p "$WORK/bin"
export GOFLAGS=-mod=readonly GOTOOLCHAIN=${GOTOOLCHAIN:-local}
log() { echo "bench: $*" >&2; }

if [ ! -x "$WORK/bin/govulncheck" ] || [ ! -x "$WORK/bin/indexdb" ]; then
	log "building govulncheck v1.9.0 and indexdb (a minute or two)"
	B="$WORK/govulncheck-pinned"
	rm -rf "$B" && mkdir -p "$B"
	cp bench/govulncheck/go.mod.txt "$B/go.mod"
	cp bench/govulncheck/go.sum.txt "$B/go.sum"
	cp bench/govulncheck/tools.go.txt "$B/tools.go"
	(cd "$B" && go build -o "$WORK/bin/govulncheck" golang.org/x/vuln/cmd/govulncheck && go build -o "$WORK/bin/indexdb" golang.org/x/vulndb/cmd/indexdb)
fi
if [ ! -x "$WORK/bin/osv-scanner" ]; then
	log "building osv-scanner v1.9.2 (several minutes on 2 cores)"
	B="$WORK/osvscanner-pinned"
	rm -rf "$B" && mkdir -p "$B"
	cp bench/osvscanner/go.mod.txt "$B/go.mod"
	cp bench/osvscanner/go.sum.txt "$B/go.sum"
	cp bench/osvscanner/tools.go.txt "$B/tools.go"
	(cd "$B" && go build -o "$WORK/bin/osv-scanner" github.com/google/osv-scanner/cmd/osv-scanner)
fi
WORK=$WORK bash bench/cosign.sh >/dev/null
VULNDB=$(cd "$WORK" && GOFLAGS=-mod=mod go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
OSV="$VULNDB/data/osv"
SERVED="$WORK/vulndb-served"
[ -f "$SERVED/index/db.json" ] || { rm -rf "$SERVED"; "$WORK/bin/indexdb" -vulns "$OSV" -out "$SERVED"; }
# osv-scanner's offline database: the same records as osv.dev's Go/all.zip.
OSVS_DB="$WORK/osvscanner-db"
[ -f "$OSVS_DB/osv-scanner/Go/all.zip" ] || { rm -rf "$OSVS_DB"; mkdir -p "$OSVS_DB/osv-scanner/Go"; (cd "$OSV" && zip -q -r "$OSVS_DB/osv-scanner/Go/all.zip" .); }
export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY=$OSVS_DB
go build -o "$WORK/bin/scan" ./examples/scan
go build -o "$WORK/bin/vulndiff" ./bench/vulndiff
go build -o "$WORK/bin/sbom" ./examples/sbom
SBOM="$WORK/cosign-module.cdx.json"
"$WORK/bin/sbom" -cache off -licenses=false -o "$SBOM" "$WORK/cosign"
MODS=$(jq -r '.components[].purl // empty | select(startswith("pkg:golang/")) | sub("^pkg:golang/"; "") | sub("^stdlib@"; "stdlib@v")' "$SBOM")

declare -A CMD=(
	[ours-binary]="$WORK/bin/scan -db $OSV -format json -fail-on critical -o $WORK/ours-binary.json $WORK/cosign-bin"
	[govulncheck-binary]="$WORK/bin/govulncheck -db file://$SERVED -mode binary -json $WORK/cosign-bin"
	[ours-sbom]="$WORK/bin/scan -db $OSV -format json -fail-on critical -o $WORK/ours-sbom.json $SBOM"
	[govulncheck-query]="$WORK/bin/govulncheck -db file://$SERVED -mode query -json $(echo $MODS)"
	[ours-binary-served]="$WORK/bin/scan -db $SERVED -format json -fail-on critical -o $WORK/ours-binary-served.json $WORK/cosign-bin"
	[ours-sbom-served]="$WORK/bin/scan -db $SERVED -format json -fail-on critical -o $WORK/ours-sbom-served.json $SBOM"
	[osv-scanner-sbom]="$WORK/bin/osv-scanner --experimental-offline --format json --sbom $SBOM"
)
OK_EXIT1=1 PAIRS="$WORK/vuln-pairs.md"
. bench/pairs.sh
: >"$WORK/vuln-pairs.md"
pair ours-binary govulncheck-binary
pair ours-binary-served govulncheck-binary
pair ours-sbom govulncheck-query
pair ours-sbom-served govulncheck-query
pair ours-sbom osv-scanner-sbom
pair ours-sbom-served osv-scanner-sbom

{
	echo "# Vulnerability scan benchmark (bench/vuln.sh)"
	echo
	echo "cosign v2.6.5 (its 137 MB binary; its module graph, $(echo "$MODS" | wc -l) modules) against the Go vulnerability"
	echo "database at $VULNDB_VERSION, offline, $(nproc) CPUs, $(go version | cut -d' ' -f3). Warm-up, then $RUNS rounds"
	echo "alternating the two commands; medians; ratio = theirs / ours. Load at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "Generated $(date -u +%Y-%m-%d) by \`bench/vuln.sh\`."
	echo
	echo "| ours | time, RSS | theirs | time, RSS | ratio |"
	echo "| --- | --- | --- | --- | --- |"
	cat "$WORK/vuln-pairs.md"
	echo
	echo "Scopes: binary = each reads the binary's build information and function table and checks every"
	echo "module and the standard library. ours reads data/osv whole (4,789 records parsed strictly), or"
	echo "with -served the same served layout govulncheck reads (its index, then only the records of the"
	echo "modules met). sbom = ours decodes the CycloneDX SBOM and checks each component; govulncheck"
	echo "-mode query is given the same module@version list on its command line and looks them up in its"
	echo "index (no SBOM to read)."
	echo
	echo "Differential (bench/vulndiff):"
	echo
	echo '```'
	"$WORK/bin/vulndiff" -ours "$WORK/ours-binary.json" -govulncheck "$WORK/govulncheck-binary.json" || true
	"$WORK/bin/vulndiff" -ours "$WORK/ours-sbom.json" -govulncheck "$WORK/govulncheck-query.json" 2>&1 | head -3 || true
	jq -r '.findings[] | "\(.id) \(.target.name)@\(.target.version)"' "$WORK/ours-sbom.json" | sed 's/@\([0-9]\)/@v\1/' | sort -u >"$WORK/ours-pairs.txt"
	jq -r '.results[].packages[] | .package.name as $n | .package.version as $v | .vulnerabilities[].id | "\(.) \($n)@\($v)"' "$WORK/osv-scanner-sbom.json" | sed 's/@\([0-9]\)/@v\1/' | sort -u >"$WORK/osvs-pairs.txt"
	echo "osv-scanner v1.9.2 on the same SBOM (id module@version): ours $(wc -l <"$WORK/ours-pairs.txt"), osv-scanner $(wc -l <"$WORK/osvs-pairs.txt"), both $(comm -12 "$WORK/ours-pairs.txt" "$WORK/osvs-pairs.txt" | wc -l)"
	comm -23 "$WORK/ours-pairs.txt" "$WORK/osvs-pairs.txt" | sed 's/^/  only ours:        /'
	comm -13 "$WORK/ours-pairs.txt" "$WORK/osvs-pairs.txt" | sed 's/^/  only osv-scanner: /'
	cmp -s <(jq -S .findings "$WORK/ours-sbom.json") <(jq -S .findings "$WORK/ours-sbom-served.json") && echo "ours, data/osv whole and served layout: the same findings" || echo "ours, data/osv whole and served layout: DIFFERENT findings"
	echo '```'
} >bench/README-vuln.md
log "wrote bench/README-vuln.md"
cat bench/README-vuln.md
