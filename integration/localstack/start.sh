#!/usr/bin/env bash
# start.sh: install (once, pinned versions) and start a throwaway Sigstore
# stack for the end-to-end tests, listening on 127.0.0.1 only.
#
#   OIDC issuer (./oidc)           http://127.0.0.1:5556
#   Fulcio (ephemeral CA, no CT)   http://127.0.0.1:5555   (gRPC 5554, metrics 2113)
#   Timestamp authority (memory)   http://127.0.0.1:3004/api/v1/timestamp
#   Rekor v2 (rekor-tiles, POSIX)  http://127.0.0.1:3003   (gRPC 3001, metrics 2114)
#   Rekor v1 + Trillian + MariaDB  http://127.0.0.1:3000   (Trillian 8090-8093; MariaDB on a Unix socket)
#
# Settings (environment):
#   LS_DIR    state, logs, pids, env file    (default /tmp/chainmail-localstack)
#   LS_BIN    installed server binaries      (default ${XDG_CACHE_HOME:-~/.cache}/chainmail/localstack/bin;
#                                             keep it, with the Go caches, between CI runs)
#   LS_REKOR  "v2", "v1" or "v2 v1"          (default "v2 v1")
#   LS_NETNS  network namespace for the servers (default chainmail-ls as root; "" = the host's).
#             Fulcio's and the TSA's metrics listeners bind *:2113 and *:2112 whatever they
#             are told, and Rekor v1's *:2112: in a private namespace "every interface" is
#             just its loopback. Clients must run inside it: ip netns exec "$LS_NETNS" ...
#
# On success "$LS_DIR/env" holds the SIGSTORE_LOCAL_* variables the e2e tests read, and
# "$LS_DIR/pids/" the PID of every server; stop.sh stops them by PID. If start-up fails,
# whatever did start is stopped again.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LS_DIR=${LS_DIR:-/tmp/chainmail-localstack}
LS_BIN=${LS_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/chainmail/localstack/bin}
LS_REKOR=${LS_REKOR:-v2 v1}
if [[ -z ${LS_NETNS+x} ]]; then
  if [[ $(id -u) == 0 ]]; then LS_NETNS=chainmail-ls; else LS_NETNS=""; fi
fi

# Pinned versions: the newest whose go.mod accepts the Go toolchain in use
# (later releases declare go 1.27).
FULCIO=github.com/sigstore/fulcio@v1.8.8
TSA=github.com/sigstore/timestamp-authority/v2/cmd/timestamp-server@v2.1.3
REKOR_TILES=github.com/sigstore/rekor-tiles/v2/cmd/rekor-server/posix@v2.3.0
TRILLIAN_VERSION=v1.8.0
TRILLIAN_SERVER=github.com/google/trillian/cmd/trillian_log_server@$TRILLIAN_VERSION
TRILLIAN_SIGNER=github.com/google/trillian/cmd/trillian_log_signer@$TRILLIAN_VERSION
REKOR=github.com/sigstore/rekor/cmd/rekor-server@v1.5.4

OIDC_URL=http://127.0.0.1:5556
FULCIO_URL=http://127.0.0.1:5555
TSA_URL=http://127.0.0.1:3004/api/v1/timestamp
REKOR2_URL=http://127.0.0.1:3003
REKOR1_URL=http://127.0.0.1:3000

want_v1=0 want_v2=0
for r in $LS_REKOR; do
  case $r in
    v1) want_v1=1 ;;
    v2) want_v2=1 ;;
    *) echo "start.sh: LS_REKOR must list v1 and/or v2, not '$r'" >&2; exit 2 ;;
  esac
done
((want_v1 + want_v2 > 0)) || { echo "start.sh: LS_REKOR is empty" >&2; exit 2; }

export GOFLAGS=${GOFLAGS:--buildvcs=false}
mkdir -p "$LS_DIR"/{logs,pids,state,bin} "$LS_BIN"
log() { printf '[localstack %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for f in "$LS_DIR"/pids/*.pid; do
  [[ -f $f ]] && kill -0 "$(<"$f")" 2>/dev/null && die "$(basename "$f" .pid) is already running (pid $(<"$f")); run stop.sh first"
done

# ------------------------------------------------------------ install
T_INSTALL=$SECONDS
# go_install NAME PKG@VERSION: installs $LS_BIN/NAME unless that version is there.
go_install() {
  local name=$1 spec=$2 stamp="$LS_BIN/.$1.version"
  if [[ -x $LS_BIN/$name && -f $stamp && $(<"$stamp") == "$spec" ]]; then return; fi
  local tmp t0=$SECONDS
  tmp=$(mktemp -d "$LS_BIN/.install.XXXXXX")
  log "go install $spec"
  GOBIN=$tmp go install "$spec" || { rm -rf "$tmp"; die "go install $spec failed"; }
  mv "$tmp"/* "$LS_BIN/$name"
  rmdir "$tmp"
  echo "$spec" >"$stamp"
  log "installed $name in $((SECONDS - t0))s"
}

# The project's own tools come from this checkout (stdlib and the module's
# own dependencies only).
log "building oidc and lstool"
(cd "$REPO" && go build -o "$LS_DIR/bin/" ./integration/localstack/oidc ./integration/localstack/lstool)
OIDC=$LS_DIR/bin/oidc LSTOOL=$LS_DIR/bin/lstool

go_install fulcio "$FULCIO"
go_install timestamp-server "$TSA"
((want_v2)) && go_install rekor-tiles "$REKOR_TILES"
if ((want_v1)); then
  go_install trillian_log_server "$TRILLIAN_SERVER"
  go_install trillian_log_signer "$TRILLIAN_SIGNER"
  go_install rekor-server "$REKOR"
  if ! command -v mariadbd >/dev/null; then
    [[ $(id -u) == 0 ]] || die "Rekor v1 needs mariadb-server: apt-get install mariadb-server (or LS_REKOR=v2)"
    log "apt-get install mariadb-server"
    t0=$SECONDS
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null
    log "installed mariadb-server in $((SECONDS - t0))s"
  fi
  TRILLIAN_SCHEMA=$(go mod download -json "github.com/google/trillian@$TRILLIAN_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')/storage/mysql/schema/storage.sql
  [[ -f $TRILLIAN_SCHEMA ]] || die "Trillian's MySQL schema not found"
fi
if [[ -n $LS_NETNS ]] && ! command -v ip >/dev/null; then
  [[ $(id -u) == 0 ]] || die "the network namespace needs iproute2"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iproute2 >/dev/null
fi
log "install step took $((SECONDS - T_INSTALL))s"

# ------------------------------------------------------------ start
NSX=()
if [[ -n $LS_NETNS ]]; then
  if ! ip netns list | grep -qw "^$LS_NETNS"; then
    ip netns add "$LS_NETNS"
    touch "$LS_DIR/state/netns-created"
  fi
  ip netns exec "$LS_NETNS" ip link set lo up
  NSX=(ip netns exec "$LS_NETNS")
fi

started_ok=0
trap '[[ $started_ok == 1 ]] || { log "start-up failed; stopping what started (logs in $LS_DIR/logs)"; LS_DIR=$LS_DIR LS_NETNS=$LS_NETNS "$HERE/stop.sh" >&2; }' EXIT

# start NAME CMD...: run CMD in the background (in the namespace) and record
# its PID. `ip netns exec` execs, so $! is the server's own PID.
start() {
  local name=$1
  shift
  "${NSX[@]}" "$@" >"$LS_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$LS_DIR/pids/$name.pid"
}

# ready NAME URL [SECONDS]: wait for URL, failing early if NAME died.
ready() {
  local name=$1 url=$2 limit=${3:-60} pid
  pid=$(<"$LS_DIR/pids/$name.pid")
  if ! "${NSX[@]}" "$LSTOOL" wait "$url" "$limit" 2>"$LS_DIR/logs/$name.wait.log"; then
    kill -0 "$pid" 2>/dev/null || log "$name (pid $pid) exited"
    tail -n 30 "$LS_DIR/logs/$name.log" >&2
    die "$name is not ready at $url"
  fi
}

T_START=$SECONDS
start oidc "$OIDC" -addr 127.0.0.1:5556
ready oidc "$OIDC_URL/.well-known/openid-configuration"

cat >"$LS_DIR/state/fulcio-config.yaml" <<EOF
oidc-issuers:
  $OIDC_URL:
    issuer-url: $OIDC_URL
    client-id: sigstore
    type: email
EOF
# Distinct HTTP and gRPC ports on purpose: equal ones select Fulcio's
# "duplex" mode, which panics at start-up in v1.8.8 (duplicate metrics
# collector). Fulcio reads the issuer's discovery document at start.
start fulcio "$LS_BIN/fulcio" serve --ca ephemeralca --ct-log-url "" \
  --config-path "$LS_DIR/state/fulcio-config.yaml" \
  --host 127.0.0.1 --port 5555 --grpc-host 127.0.0.1 --grpc-port 5554 \
  --metrics-port 2113 --legacy-unix-domain-socket "@chainmail-ls-fulcio-$$" --log_type prod

# The TSA's metrics listener (*:2112) is fatal when taken, Rekor v1's is
# not: the TSA starts first. No NTP: the machine may have no internet.
start tsa "$LS_BIN/timestamp-server" serve --host 127.0.0.1 --port 3004 \
  --timestamp-signer memory --disable-ntp-monitoring --log-type prod
ready fulcio "$FULCIO_URL/api/v2/trustBundle"
ready tsa "$TSA_URL/certchain"

DESCRIBE=(-oidc "$OIDC_URL" -fulcio "$FULCIO_URL" -tsa "$TSA_URL")
if ((want_v2)); then
  key=$LS_DIR/state/rekor2-key.pem pub=$LS_DIR/state/rekor2-pub.pem
  [[ -f $key && -f $pub ]] || "$LSTOOL" genkey "$key" "$pub"
  rm -rf "$LS_DIR/state/rekor2-log"
  mkdir -p "$LS_DIR/state/rekor2-log"
  # --hostname is the checkpoint origin, which sigstore-go compares with
  # the host of the log's URL in the trusted root. Writes take about 1 s:
  # rekor-tiles polls for the new checkpoint once a second.
  start rekor2 "$LS_BIN/rekor-tiles" serve \
    --http-address 127.0.0.1 --http-port 3003 --grpc-address 127.0.0.1 --grpc-port 3001 \
    --http-metrics-port 2114 --hostname 127.0.0.1 \
    --storage-dir "$LS_DIR/state/rekor2-log" --signer-filepath "$key" \
    --checkpoint-interval 200ms --batch-max-age 20ms
  DESCRIBE+=(-rekor-v2 "$REKOR2_URL" -rekor-v2-key "$pub")
fi
if ((want_v1)); then
  db=$LS_DIR/state/mysql sock=$LS_DIR/state/mysql.sock
  rm -rf "$db"
  mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$db" \
    --auth-root-authentication-method=normal --skip-test-db >"$LS_DIR/logs/mariadb-install.log" 2>&1 ||
    die "mariadb-install-db failed (see $LS_DIR/logs/mariadb-install.log)"
  # Unix socket only: no TCP listener at all.
  start mariadb mariadbd --no-defaults --user="$(id -un)" --datadir="$db" --socket="$sock" \
    --skip-networking --pid-file="$LS_DIR/state/mariadb.pid" --innodb-buffer-pool-size=64M
  for ((i = 0; i < 240; i++)); do
    mariadb-admin --socket="$sock" -uroot ping >/dev/null 2>&1 && break
    kill -0 "$(<"$LS_DIR/pids/mariadb.pid")" 2>/dev/null || { tail -n 30 "$LS_DIR/logs/mariadb.log" >&2; die "mariadbd exited"; }
    sleep 0.25
  done
  mariadb --socket="$sock" -uroot -e "CREATE DATABASE trillian"
  mariadb --socket="$sock" -uroot trillian <"$TRILLIAN_SCHEMA"
  uri="root@unix($sock)/trillian"
  start trillian-server "$LS_BIN/trillian_log_server" --storage_system=mysql --mysql_uri="$uri" \
    --quota_system=noop --rpc_endpoint=127.0.0.1:8090 --http_endpoint=127.0.0.1:8091 --logtostderr
  start trillian-signer "$LS_BIN/trillian_log_signer" --storage_system=mysql --mysql_uri="$uri" \
    --quota_system=noop --election_system=noop --force_master --sequencer_interval=100ms \
    --batch_size=100 --rpc_endpoint=127.0.0.1:8092 --http_endpoint=127.0.0.1:8093 --logtostderr
  ready trillian-server http://127.0.0.1:8091/healthz
  # Without --trillian_log_server.tlog_id rekor-server creates a fresh tree.
  # searchIndex stays disabled, so no Redis is needed.
  start rekor1 "$LS_BIN/rekor-server" serve --rekor_server.address 127.0.0.1 --port 3000 \
    --rekor_server.hostname 127.0.0.1 --rekor_server.signer memory \
    --trillian_log_server.address 127.0.0.1 --trillian_log_server.port 8090 \
    --enable_retrieve_api=false \
    --enabled_api_endpoints getLogInfo,getPublicKey,getLogProof,createLogEntry,getLogEntryByIndex,getLogEntryByUUID,searchLogQuery \
    --log_type prod
  DESCRIBE+=(-rekor-v1 "$REKOR1_URL" -signing-config-v1 "$LS_DIR/signing_config_v1.json")
fi
((want_v2)) && ready rekor2 "$REKOR2_URL/healthz"
((want_v1)) && ready rekor1 "$REKOR1_URL/api/v1/log" 90
log "services up in $((SECONDS - T_START))s"

"${NSX[@]}" "$LSTOOL" describe "${DESCRIBE[@]}" \
  -trusted-root "$LS_DIR/trusted_root.json" -signing-config "$LS_DIR/signing_config.json"

rekor2_url="" rekor1_url="" sc_v1=""
((want_v2)) && rekor2_url=$REKOR2_URL
((want_v1)) && rekor1_url=$REKOR1_URL sc_v1=$LS_DIR/signing_config_v1.json
if ((want_v2)); then rekor_url=$REKOR2_URL rekor_version=2; else rekor_url=$REKOR1_URL rekor_version=1; fi
cat >"$LS_DIR/env" <<EOF
export SIGSTORE_LOCAL_NETNS='$LS_NETNS'
export SIGSTORE_LOCAL_OIDC_ISSUER='$OIDC_URL'
export SIGSTORE_LOCAL_OIDC_TOKEN_URL='$OIDC_URL/token?email=alice@example.test'
export SIGSTORE_LOCAL_OIDC_REQUEST_TOKEN='localstack-request-token'
export SIGSTORE_LOCAL_OIDC_CI_EMAIL='ci@example.test'
export SIGSTORE_LOCAL_FULCIO_URL='$FULCIO_URL'
export SIGSTORE_LOCAL_TSA_URL='$TSA_URL'
export SIGSTORE_LOCAL_REKOR_URL='$rekor_url'
export SIGSTORE_LOCAL_REKOR_VERSION='$rekor_version'
export SIGSTORE_LOCAL_REKOR_V2_URL='$rekor2_url'
export SIGSTORE_LOCAL_REKOR_V1_URL='$rekor1_url'
export SIGSTORE_LOCAL_TRUSTED_ROOT='$LS_DIR/trusted_root.json'
export SIGSTORE_LOCAL_SIGNING_CONFIG='$LS_DIR/signing_config.json'
export SIGSTORE_LOCAL_SIGNING_CONFIG_V1='$sc_v1'
EOF

started_ok=1
log "stack up (Rekor: $LS_REKOR; namespace: ${LS_NETNS:-<host>}); variables in $LS_DIR/env"
exit 0
