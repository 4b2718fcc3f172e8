#!/usr/bin/env bash
# stop.sh: stop what start.sh started, by the PIDs it recorded (never by
# name), then remove the network namespace if start.sh created it.
# LS_CLEAN=1 also deletes state and logs (installed binaries are kept).
set -uo pipefail

LS_DIR=${LS_DIR:-/tmp/chainmail-localstack}
if [[ -z ${LS_NETNS+x} ]]; then
  if [[ $(id -u) == 0 ]]; then LS_NETNS=chainmail-ls; else LS_NETNS=""; fi
fi

# SIGTERM everything, give it LS_STOP_GRACE seconds in all (default 5),
# then SIGKILL what is left. The servers stop within a second, except
# trillian_log_signer, which drains for 5-10 s: its state is thrown away.
LS_STOP_GRACE=${LS_STOP_GRACE:-5}
declare -A live=()
for name in rekor1 rekor2 trillian-signer trillian-server mariadb tsa fulcio oidc; do
  f=$LS_DIR/pids/$name.pid
  [[ -f $f ]] || continue
  pid=$(<"$f")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" && live[$name]=$pid
  fi
  rm -f "$f"
done
for ((i = 0; i < LS_STOP_GRACE * 4 && ${#live[@]} > 0; i++)); do
  for name in "${!live[@]}"; do
    if ! kill -0 "${live[$name]}" 2>/dev/null; then
      echo "stopped $name (pid ${live[$name]})"
      unset "live[$name]"
    fi
  done
  ((${#live[@]} > 0)) && sleep 0.25
done
for name in "${!live[@]}"; do
  echo "stop.sh: $name (pid ${live[$name]}) still running after ${LS_STOP_GRACE}s: SIGKILL" >&2
  kill -KILL "${live[$name]}" 2>/dev/null
done

if [[ -n $LS_NETNS && -f $LS_DIR/state/netns-created ]]; then
  ip netns del "$LS_NETNS" 2>/dev/null && echo "removed network namespace $LS_NETNS"
  rm -f "$LS_DIR/state/netns-created"
fi

if [[ ${LS_CLEAN:-0} == 1 ]]; then
  rm -rf "$LS_DIR/state" "$LS_DIR/logs" "$LS_DIR/pids" "$LS_DIR/bin" "$LS_DIR"/*.json "$LS_DIR/env"
  rmdir "$LS_DIR" 2>/dev/null
fi
exit 0
