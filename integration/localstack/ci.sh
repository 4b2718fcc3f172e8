#!/usr/bin/env bash
# ci.sh: the end-to-end suite against real local Sigstore services.
#
#   1. download the modules the tests need (the namespace has no network);
#   2. start.sh: install (first run only) and start OIDC, Fulcio, the TSA
#      and Rekor v2 (+ v1 unless LS_REKOR=v2);
#   3. run `go test -tags e2e ./integration/e2e/` inside the namespace,
#      then the keyless quickstart, policy-gate on its bundle, and the
#      dogfood of the project's own binaries (provenance, SBOMs, keyless
#      signatures, verify-provenance, policy-gate);
#   4. stop.sh, by PID, whatever happens (trap).
#
# Extra arguments go to `go test` (e.g. -run TestKeyless -v). Settings as in
# start.sh; LS_DIR defaults to a fresh temporary directory, removed at the
# end unless LS_KEEP=1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export LS_DIR=${LS_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/chainmail-ls.XXXXXX")}
if [[ -z ${LS_NETNS+x} ]]; then
  if [[ $(id -u) == 0 ]]; then LS_NETNS=chainmail-ls; else LS_NETNS=""; fi
fi
export LS_NETNS
export GOFLAGS=${GOFLAGS:--buildvcs=false}

T0=$SECONDS
log() { printf '[e2e %(%H:%M:%S)T +%ss] %s\n' -1 "$((SECONDS - T0))" "$*" >&2; }

cleanup() {
  local rc=$?
  "$HERE/stop.sh" >&2 || true
  if ((rc != 0)); then
    log "FAILED (exit $rc); server logs:"
    for f in "$LS_DIR"/logs/*.log; do
      [[ -s $f ]] || continue
      echo "----- $(basename "$f") (last 20 lines)" >&2
      tail -n 20 "$f" >&2
    done
  fi
  if [[ ${LS_KEEP:-0} != 1 ]]; then LS_CLEAN=1 "$HERE/stop.sh" >/dev/null 2>&1 || true; fi
  log "total wall time $((SECONDS - T0))s"
  exit "$rc"
}
trap cleanup EXIT

log "go mod download"
(cd "$REPO" && go mod download)

log "starting the local Sigstore stack"
"$HERE/start.sh"
log "stack up"

# shellcheck disable=SC1091
. "$LS_DIR/env"
NSX=()
[[ -n $LS_NETNS ]] && NSX=(ip netns exec "$LS_NETNS")

log "go test -tags e2e ./integration/e2e/"
cd "$REPO"
"${NSX[@]}" env GOPROXY=off GOFLAGS="$GOFLAGS -mod=readonly" \
  go test -tags e2e -count=1 "$@" ./integration/e2e/
log "e2e tests passed"

# The quickstart's main job, keyless against the same services: SBOM of
# its own binary -> statement -> Fulcio certificate, timestamp and Rekor
# entry -> verification against the stack's trusted root and the token's
# identity -> a tampered copy rejected. It fails (exit 1) on any step.
log "go run ./examples/quickstart -mode keyless"
qs_out=$("${NSX[@]}" env GOPROXY=off GOFLAGS="$GOFLAGS -mod=readonly" \
  go run ./examples/quickstart -mode keyless)
printf '%s\n' "$qs_out"
grep -q '^verified   signed by ' <<<"$qs_out"
grep -q '^tampered   rejected: ' <<<"$qs_out"
log "keyless quickstart passed"

# The quickstart's keyless bundle, gated by policy-gate (a policy file
# with the token's identity and a freshness rule) against the stack's
# trusted root: allowed; with another identity: denied (exit 1).
log "policy-gate on the keyless quickstart's bundle"
gate=$(mktemp -d "${TMPDIR:-/tmp}/chainmail-gate.XXXXXX")
env GOPROXY=off GOFLAGS="$GOFLAGS -mod=readonly" go build -o "$gate/" ./examples/quickstart ./examples/policy-gate
gate_out=$("${NSX[@]}" "$gate/quickstart" -mode keyless -o "$gate/out" "$gate/quickstart")
printf '%s\n' "$gate_out"
signed_by=$(sed -n 's/^verified   signed by \(.*\) (issuer \([^)]*\)) at .*/\1\t\2/p' <<<"$gate_out")
san=${signed_by%%$'\t'*}
issuer=${signed_by#*$'\t'}
[[ -n $san && -n $issuer ]] || { log "no identity in the quickstart's output"; exit 1; }
write_policy() {
  cat >"$gate/policy.yaml" <<POLICY
apiVersion: chainmail.dev/policy/v1
name: quickstart-keyless
version: 1
rule:
  named:
    id: keyless-sbom
    message: an SBOM signed keyless by the release identity in the last hour
    rule:
      require:
        predicateType: https://cyclonedx.org/bom
        rule:
          all:
            - signedBy:
                - identity: {san: "$1", issuer: "$issuer"}
            - freshWithin: 1h
POLICY
}
write_policy "$san"
"${NSX[@]}" "$gate/policy-gate" -policy "$gate/policy.yaml" -bundle "$gate/out/bundle.json" \
  -trusted-root "$SIGSTORE_LOCAL_TRUSTED_ROOT" "$gate/quickstart"
write_policy "someone-else@example.com"
rc=0
"${NSX[@]}" "$gate/policy-gate" -policy "$gate/policy.yaml" -bundle "$gate/out/bundle.json" \
  -trusted-root "$SIGSTORE_LOCAL_TRUSTED_ROOT" "$gate/quickstart" || rc=$?
[[ $rc == 1 ]] || { log "policy-gate with another identity: exit $rc, want 1"; exit 1; }
rm -rf "$gate"
log "policy-gate passed"

# Dogfood: the project's own example binaries, built through
# examples/provenance (SLSA provenance of a local build of this checkout,
# with the Go modules of each binary, and its SBOM), provenance and SBOM
# signed keyless against the stack, verified with verify-provenance and
# gated with policy-gate and the policy kept in .ci/policy/dogfood.yaml.
# A tampered binary and a look-alike builder are rejected.
log "dogfood: example binaries built, attested, signed, verified and gated"
df=$(mktemp -d "${TMPDIR:-/tmp}/chainmail-dogfood.XXXXXX")
env GOPROXY=off GOFLAGS="$GOFLAGS -mod=readonly" go build -o "$df/bin/" \
  ./examples/provenance ./examples/verify-provenance ./examples/policy-gate
src=$REPO
if ! git -C "$REPO" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  # No git checkout (an exported tree): build from a snapshot commit of it,
  # so the provenance names a real commit of exactly the tree built.
  src=$df/src
  mkdir -p "$src" && cp -a "$REPO/." "$src/"
  git -C "$src" init -q && git -C "$src" add -A &&
    git -C "$src" -c user.name=ci -c user.email=ci@localhost commit -qm snapshot
fi
BUILDER=https://github.com/chainmail-dev/chainmail/.ci/run
token() { "${NSX[@]}" curl -fsS "$SIGSTORE_LOCAL_OIDC_TOKEN_URL"; }
keyless=(-keyless -signing-config "$SIGSTORE_LOCAL_SIGNING_CONFIG" -trusted-root "$SIGSTORE_LOCAL_TRUSTED_ROOT")
identity=(-trusted-root "$SIGSTORE_LOCAL_TRUSTED_ROOT" -certificate-identity alice@example.test
  -certificate-oidc-issuer "$SIGSTORE_LOCAL_OIDC_ISSUER")
mkdir -p "$df/out"
for ex in keygen verify attest sbom policy-gate; do
  (cd "$src" && "${NSX[@]}" env -u GITHUB_ACTIONS -u GITLAB_CI -u BUILDKITE GOPROXY=off GOFLAGS="$GOFLAGS -mod=readonly" CGO_ENABLED=0 \
    "$df/bin/provenance" "${keyless[@]}" -identity-token "$(token)" \
    -builder-id "$BUILDER" -source-uri https://github.com/chainmail-dev/chainmail \
    -artifact "$df/out/$ex" -sbom-dir "$df/out" -o "$df/out/$ex.provenance.json" \
    -- go build -trimpath -o "$df/out/$ex" "./examples/$ex")
  "${NSX[@]}" "$df/bin/verify-provenance" -bundle "$df/out/$ex.provenance.json" \
    -source-uri github.com/chainmail-dev/chainmail -builder-id "$BUILDER" "${identity[@]}" "$df/out/$ex" >/dev/null
  decision=$("${NSX[@]}" "$df/bin/policy-gate" -policy "$REPO/.ci/policy/dogfood.yaml" \
    -bundle "$df/out/$ex.provenance.json" -bundle "$df/out/$ex.sbom.sigstore.json" \
    -trusted-root "$SIGSTORE_LOCAL_TRUSTED_ROOT" "$df/out/$ex")
  printf 'dogfood %-12s %s\n' "$ex" "${decision%%$'\n'*}"
done
rc=0
"${NSX[@]}" "$df/bin/verify-provenance" -bundle "$df/out/keygen.provenance.json" \
  -source-uri github.com/chainmail-dev/chainmail -builder-id "$BUILDER.evil" "${identity[@]}" "$df/out/keygen" >/dev/null || rc=$?
[[ $rc == 1 ]] || { log "verify-provenance with a look-alike builder: exit $rc, want 1"; exit 1; }
cp "$df/out/keygen" "$df/out/keygen.tampered" && printf 'x' >>"$df/out/keygen.tampered"
rc=0
"${NSX[@]}" "$df/bin/policy-gate" -policy "$REPO/.ci/policy/dogfood.yaml" \
  -bundle "$df/out/keygen.provenance.json" -bundle "$df/out/keygen.sbom.sigstore.json" \
  -trusted-root "$SIGSTORE_LOCAL_TRUSTED_ROOT" "$df/out/keygen.tampered" >/dev/null || rc=$?
[[ $rc == 1 ]] || { log "policy-gate on a tampered binary: exit $rc, want 1"; exit 1; }
rm -rf "$df"
log "dogfood passed"
