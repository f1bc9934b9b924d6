# Shared by tests/cluster/up and tests/cluster/down (sourced, not executed).
# shellcheck shell=bash

cluster_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cluster_repo=$(cd "$cluster_here/../.." && pwd)
# State directory: certs, etcd data, logs/, pids/, kubeconfig. Override for parallel runs.
state="${KUBECTL_DP_CLUSTER_DIR:-$cluster_repo/target/cluster}"
# Start order; stop runs it backwards.
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok metrics-server)

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

# stop_components NAME... : SIGTERM them together, wait up to 5 s, then SIGKILL.
# (kube-apiserver drains open requests for up to its 60 s request timeout while
# clients keep watches open; a throwaway test cluster need not wait for that.)
stop_components() {
  local name pid names=() pids=() i
  for name in "$@"; do
    if pid=$(component_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      names+=("$name")
      pids+=("$pid")
    fi
    rm -f "$state/pids/$name.pid"
  done
  for ((i = 0; i < 100; i++)); do
    local alive=() alive_names=() j
    for j in "${!pids[@]}"; do
      if kill -0 "${pids[j]}" 2>/dev/null; then alive+=("${pids[j]}"); alive_names+=("${names[j]}"); fi
    done
    [ ${#alive[@]} -eq 0 ] && return 0
    if [ "$i" -eq 50 ]; then
      echo "cluster: ${alive_names[*]} still running 5 s after SIGTERM: SIGKILL" >&2
      kill -KILL "${alive[@]}" 2>/dev/null || true
    fi
    pids=("${alive[@]}")
    names=("${alive_names[@]}")
    sleep 0.1
  done
  echo "cluster: ${names[*]} (pid ${pids[*]}) did not exit after SIGKILL" >&2
  return 1
}

# Stops every component: the apiserver together with its clients, then etcd.
stop_all() {
  stop_components metrics-server kwok kube-scheduler kube-controller-manager kube-apiserver
  stop_components etcd
}
