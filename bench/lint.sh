#!/usr/bin/env bash
# Benchmark (not a test): `kubectl dp status -f DIR -R` on a GitOps repository of
# COUNT manifests (bench/lint-repo.py: copies of examples/broken, one namespace
# each, one object per file), offline, release build, against PyYAML (with
# libyaml) only parsing the same files in the same run: the floor of any linter
# written on a YAML parser. kube-linter and kubeconform are not built here (their
# Go module trees would not fit the shared disk; kubeconform also needs its
# schemas from the network), so the peer is the parser. Ratios, as the machines
# are shared and noisy.
#
#   bench/lint.sh [COUNT] [RUNS]      # default 5000 manifests, 5 runs; no cluster needed
#   LINT_BENCH_BIN=target/release/kubectl-dp bench/lint.sh   # an already built binary
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-5000}
runs=${2:-5}
cd "$repo"
if [ -n "${LINT_BENCH_BIN:-}" ]; then
  bin=$LINT_BENCH_BIN
else
  cargo build --release --quiet --bin kubectl-dp
  bin="$repo/target/release/kubectl-dp"
fi
kubectl_bin=${KUBECTL:-kubectl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kubectl_bin" kustomize examples/broken >"$work/broken.yaml"
python3 bench/lint-repo.py "$work/broken.yaml" "$work/repo" "$count" >&2

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

# Exit 1 is expected: the copies of the broken platform have critical findings.
KUBECONFIG=/nonexistent "$bin" status -f "$work/repo" -R -o json >"$work/report.json" || true
findings=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/report.json")
read -r dp_ms dp_kb < <(measure env KUBECONFIG=/nonexistent "$bin" status -f "$work/repo" -R -o json)
read -r sarif_ms sarif_kb < <(measure env KUBECONFIG=/nonexistent "$bin" status -f "$work/repo" -R -o sarif)
read -r py_ms py_kb < <(measure python3 -c '
import glob, sys, yaml
n = 0
for path in glob.glob(sys.argv[1] + "/**/*.yaml", recursive=True):
    with open(path) as f:
        n += sum(1 for d in yaml.load_all(f, Loader=yaml.CSafeLoader) if d)
' "$work/repo")

commit=${LINT_BENCH_COMMIT:-$(git -C "$repo" rev-parse --short HEAD)}
cat <<EOF
## \`kubectl dp status -f DIR -R\` on $count manifests vs. PyYAML parsing them ($(date -u +%Y-%m-%dT%H:%MZ), $commit, release build)

| command | median wall (ms) | max RSS (MiB) | / PyYAML |
|---|---|---|---|
| kubectl dp status -f repo -R -o json ($findings findings) | $dp_ms | $(awk "BEGIN { printf \"%.1f\", $dp_kb / 1024 }") | $(awk "BEGIN { printf \"%.2f\", $dp_ms / ($py_ms > 0 ? $py_ms : 1) }") |
| kubectl dp status -f repo -R -o sarif | $sarif_ms | $(awk "BEGIN { printf \"%.1f\", $sarif_kb / 1024 }") | $(awk "BEGIN { printf \"%.2f\", $sarif_ms / ($py_ms > 0 ? $py_ms : 1) }") |
| python3 PyYAML CSafeLoader, parse only | $py_ms | $(awk "BEGIN { printf \"%.1f\", $py_kb / 1024 }") | 1.00 |
EOF
