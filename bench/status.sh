#!/usr/bin/env bash
# Benchmark (not a test): `kubectl dp status` against `kubectl get all,cm,secrets -o json`
# on the same local cluster in the same run, as ratios (these machines are shared
# and noisy, so absolute times mean little). Also counts the API requests each
# makes, from the audit log.
#
#   bench/status.sh [RUNS]     # needs the cluster up with examples/platform applied
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
export KUBECONFIG=${KUBECONFIG:-$repo/target/cluster/kubeconfig}
state=$(dirname "$KUBECONFIG")
kubectl_bin="$state/bin/kubectl"
audit="$state/logs/audit.log"
cargo build --release --quiet --bin kubectl-dp-status --manifest-path "$repo/Cargo.toml"
status_bin="$repo/target/release/kubectl-dp-status"
ns=data-platform

# median wall time (ms) and max RSS (KB) over $runs runs of a command
measure() {
  local times=() rss=0 t r out
  out=$(mktemp)
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$out" -f "%e %M" "$@" >/dev/null 2>&1 || true
    read -r t r < <(tail -n 1 "$out")
    times+=("$t")
    ((r > rss)) && rss=$r
  done
  rm -f "$out"
  printf '%s\n' "${times[@]}" | sort -n | awk -v rss="$rss" '{ a[NR] = $1 } END { printf "%.0f %d\n", a[int((NR + 1) / 2)] * 1000, rss }'
}

requests() { # AGENT COMMAND...: requests the command makes, from the audit log
  local before agent=$1
  shift
  before=$(wc -l <"$audit")
  "$@" >/dev/null 2>&1 || true
  sleep 1
  tail -n +"$((before + 1))" "$audit" | grep '"stage":"ResponseComplete"' | grep -c "\"userAgent\":\"$agent" || true
}

read -r dp_ms dp_rss < <(measure "$status_bin" -n "$ns" -o json)
read -r k_ms k_rss < <(measure "$kubectl_bin" get all,cm,secrets -n "$ns" -o json)
dp_req=$(requests kubectl-dp-status "$status_bin" -n "$ns" -o json)
k_req=$(requests kubectl/ "$kubectl_bin" get all,cm,secrets -n "$ns" -o json)
awk -v a="$dp_ms" -v b="$k_ms" -v c="$dp_rss" -v d="$k_rss" -v e="$dp_req" -v f="$k_req" -v n="$runs" 'BEGIN {
  printf "| command | median wall (ms) | max RSS (MiB) | API requests |\n|---|---|---|---|\n"
  printf "| kubectl dp status -n data-platform -o json | %d | %.1f | %d |\n", a, c / 1024, e
  printf "| kubectl get all,cm,secrets -n data-platform -o json | %d | %.1f | %d |\n", b, d / 1024, f
  printf "\nratio status/kubectl: wall %.2f, memory %.2f (%d runs each)\n", a / b, c / d, n
}'
