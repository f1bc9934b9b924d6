# Shared by tests/cluster/up and tests/cluster/down (sourced, not executed).
# shellcheck shell=bash

cluster_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cluster_repo=$(cd "$cluster_here/../.." && pwd)
# State directory: certs, etcd data, logs/, pids/, kubeconfig. Override for parallel runs.
state="${KUBECTL_DP_CLUSTER_DIR:-$cluster_repo/target/cluster}"
# Start order; stop runs it backwards.
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# The pid recorded for a component, if that process is alive and is really ours: every
# component's command line names a file inside $state, which guards against a
# recycled pid.
component_pid() {
  local f="$state/pids/$1.pid" pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$state" || return 1
  echo "$pid"
}

# stop_components NAME... : SIGTERM them together, wait up to 10 s, then SIGKILL.
stop_components() {
  local name pid pids=() i
  for name in "$@"; do
    if pid=$(component_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$state/pids/$name.pid"
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  for ((i = 0; i < 100; i++)); do
    local alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    pids=("${alive[@]}")
    sleep 0.1
  done
  echo "cluster: SIGKILL ${pids[*]} (did not exit 10 s after SIGTERM)" >&2
  kill -KILL "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    local alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    pids=("${alive[@]}")
    sleep 0.1
  done
}

# Stops every component in reverse start order: clients of the apiserver first, then
# the apiserver, then etcd.
stop_all() {
  stop_components kwok kube-scheduler kube-controller-manager
  stop_components kube-apiserver
  stop_components etcd
}
