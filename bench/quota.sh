#!/usr/bin/env bash
# Benchmark (not a test): `kubectl dp quota --by node -A` against
# kubectl-view-allocations (crates.io) on the local kwok cluster with a few
# thousand pods. Appends the result and the environment to BENCHMARKS.md.
#
#   bench/quota.sh                 # 30 extra fake nodes, 3000 pods
#   NODES=10 PODS=1000 bench/quota.sh
#
# Needs: the local cluster (tests/cluster/up; started here when it is not up),
# hyperfine (apt-get install hyperfine; falls back to a timing loop), and
# kubectl-view-allocations, installed on first use by tests/tools/kva (pinned in
# tests/tools/versions.env, cached outside the repo). Both are release builds.
#
# What it creates is removed on exit: namespace dp-bench and the nodes labelled
# dp-bench=true (dp-bench-node-1..N, kwok-managed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
NODES=${NODES:-30}
PODS=${PODS:-3000}
DEPLOYMENTS=${DEPLOYMENTS:-10}
RUNS=${RUNS:-10}

log() { printf 'bench: %s\n' "$*" >&2; }

eval "$("$repo/tests/cluster/up")"
kubectl="$(dirname "$KUBECONFIG")/bin/kubectl"
k() { "$kubectl" --kubeconfig "$KUBECONFIG" "$@"; }

kva=$("$repo/tests/tools/kva" | tail -n 1)
# Release build on both sides, so the comparison is like for like.
(cd "$repo" && cargo build --release --bin kubectl-dp-quota >&2)
dp="$repo/target/release/kubectl-dp-quota"

cleanup() {
  log "cleaning up"
  k delete namespace dp-bench --wait=false --ignore-not-found >/dev/null 2>&1 || true
  k delete nodes -l dp-bench=true --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "registering $NODES extra kwok nodes"
for i in $(seq 1 "$NODES"); do
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: dp-bench-node-$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: dp-bench-node-$i, kubernetes.io/os: linux, type: kwok, dp-bench: "true"}
status:
  capacity: {cpu: "16", memory: 32Gi, pods: "110"}
  allocatable: {cpu: "16", memory: 32Gi, pods: "110"}
EOF
done | k create -f - >/dev/null 2>&1 || true

log "creating $PODS pods in $DEPLOYMENTS Deployments (namespace dp-bench)"
k create namespace dp-bench >/dev/null 2>&1 || true
replicas=$(( (PODS + DEPLOYMENTS - 1) / DEPLOYMENTS ))
for d in $(seq 1 "$DEPLOYMENTS"); do
  cat <<EOF
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: load-$d, namespace: dp-bench}
spec:
  replicas: $replicas
  selector: {matchLabels: {app: load-$d}}
  template:
    metadata: {labels: {app: load-$d}}
    spec:
      containers:
      - name: c
        image: busybox
        resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 20m, memory: 32Mi}}
EOF
done | k apply -f - >/dev/null
total=$((replicas * DEPLOYMENTS))
start=$SECONDS
while :; do
  scheduled=$(k get pods -n dp-bench --field-selector=spec.nodeName!= --no-headers 2>/dev/null | wc -l)
  [ "$scheduled" -ge "$total" ] && break
  [ $((SECONDS - start)) -gt 900 ] && { log "only $scheduled of $total pods scheduled after 15 minutes; measuring anyway"; break; }
  sleep 5
done
pods_all=$(k get pods -A --no-headers | wc -l)
nodes_all=$(k get nodes --no-headers | wc -l)
log "$pods_all pods on $nodes_all nodes"

dp_cmd="$dp --by node -A --color never"
kva_cmd="$kva -g resource -g node"
# Warm both once and check they see the same requests total.
$dp_cmd >/dev/null
$kva_cmd >/dev/null

out=$(mktemp -d)
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs "$RUNS" --export-json "$out/h.json" \
    -n "kubectl dp quota --by node -A" "$dp_cmd" \
    -n "kubectl-view-allocations -g resource -g node" "$kva_cmd" >&2
  read -r dp_mean dp_sd kva_mean kva_sd < <(python3 -c '
import json,sys
r=json.load(open(sys.argv[1]))["results"]
print(r[0]["mean"], r[0]["stddev"] or 0, r[1]["mean"], r[1]["stddev"] or 0)' "$out/h.json")
  tool="hyperfine $(hyperfine --version | awk '{print $2}'), $RUNS runs after 2 warm-ups"
else
  t() { local s e; s=$(date +%s.%N); for _ in $(seq 1 "$RUNS"); do $1 >/dev/null; done; e=$(date +%s.%N); echo "($e - $s) / $RUNS" | bc -l; }
  dp_mean=$(t "$dp_cmd"); kva_mean=$(t "$kva_cmd"); dp_sd=0; kva_sd=0
  tool="shell loop, $RUNS runs"
fi
ratio=$(python3 -c "print(f'{$dp_mean / $kva_mean:.2f}')")
kva_version=$($kva --version 2>/dev/null | awk '{print $NF}')
k8s_version=$(k version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cores=$(nproc)
now=$(date -u +%Y-%m-%dT%H:%MZ)
commit=$(git -C "$repo" rev-parse --short HEAD)

{
  [ -s "$repo/BENCHMARKS.md" ] || printf '# Benchmarks\n\nFigures from the scripts in bench/. Each entry records its environment.\n'
  cat <<EOF

## \`kubectl dp quota --by node -A\` vs. kubectl-view-allocations ($now)

| command | mean | stddev |
|---|---|---|
| \`kubectl-dp-quota --by node -A\` (release build, $commit) | $(printf '%.3f' "$dp_mean") s | $(printf '%.3f' "$dp_sd") s |
| \`kubectl-view-allocations -g resource -g node\` $kva_version (release build) | $(printf '%.3f' "$kva_mean") s | $(printf '%.3f' "$kva_sd") s |

Ratio kubectl-dp / kubectl-view-allocations: **$ratio** (below 1 = kubectl dp is faster).

Environment: $pods_all pods on $nodes_all kwok nodes (local control plane from
tests/cluster/up, Kubernetes $k8s_version, etcd and the API server on the same
machine); $cpu, $cores cores shared with other builds; $tool. Reproduce with
\`NODES=$NODES PODS=$PODS bench/quota.sh\`.
EOF
} >> "$repo/BENCHMARKS.md"
log "ratio $ratio; appended to BENCHMARKS.md"
