#!/usr/bin/env bash
# Benchmark (not a test): `kubectl dp status -f DIR -R` on a GitOps repository of
# COUNT manifests (bench/lint-repo.py: copies of examples/broken, one namespace
# each, one object per file), offline, release build, in the same run as its
# peers on the same files:
#   - kubeconform (schema validation of every manifest), built from the Go module
#     proxy and cached in ~/.cache/kubectl-dp/kubeconform-VERSION; its schemas are
#     made from the test control plane's OpenAPI document (with the real CRDs:
#     bench/kubeconform-schemas.py), so nothing is downloaded. It needs a running
#     control plane for that once (tests/cluster/up; LINT_BENCH_KUBECONFIG, default
#     target/cluster/kubeconfig); the schemas are cached by server version. Without
#     one the kubeconform row is left out and says why.
#   - PyYAML (with libyaml) only parsing the files: the floor of any linter
#     written on a YAML parser.
# kube-linter is not served by the Go module proxy here. Ratios, as the
# machines are shared and noisy.
#
#   bench/lint.sh [COUNT] [RUNS]      # default 5000 manifests, 5 runs
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

# median wall time (ms), max RSS (KB) and median CPU time, user + system (ms),
# over $runs runs of a command: CPU time is what a loaded shared machine
# distorts least (kubeconform validates on 4 goroutines, status on one thread)
measure() {
  local times=() cpus=() rss=0 t r u s out
  out=$(mktemp)
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$out" -f "%e %M %U %S" "$@" >/dev/null 2>&1 || true
    read -r t r u s < <(tail -n 1 "$out")
    times+=("$t")
    cpus+=("$(awk "BEGIN { print $u + $s }")")
    ((r > rss)) && rss=$r
  done
  rm -f "$out"
  local cpu
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] * 1000 }')
  printf '%s\n' "${times[@]}" | sort -n | awk -v rss="$rss" -v cpu="$cpu" '{ a[NR] = $1 } END { printf "%.0f %d %d\n", a[int((NR + 1) / 2)] * 1000, rss, cpu }'
}

# kubeconform and its schemas (see the header).
kubeconform_version=${KUBECONFORM_VERSION:-v0.7.0}
kubeconform_dir="$HOME/.cache/kubectl-dp/kubeconform-$kubeconform_version"
kubeconform="$kubeconform_dir/bin/kubeconform"
if [ ! -x "$kubeconform" ]; then
  GOBIN="$kubeconform_dir/bin" GOFLAGS=-mod=mod go install "github.com/yannh/kubeconform/cmd/kubeconform@$kubeconform_version" >&2
fi
peer_kubeconfig=${LINT_BENCH_KUBECONFIG:-$repo/target/cluster/kubeconfig}
schemas=""
if server=$("$kubectl_bin" --kubeconfig "$peer_kubeconfig" version -o json 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])' 2>/dev/null); then
  schemas="$HOME/.cache/kubectl-dp/kubeconform-schemas-$server"
  if [ ! -d "$schemas" ]; then
    "$kubectl_bin" --kubeconfig "$peer_kubeconfig" get --raw /openapi/v2 | python3 bench/kubeconform-schemas.py "$schemas.tmp" && mv "$schemas.tmp" "$schemas"
  fi
else
  echo "no control plane at $peer_kubeconfig (tests/cluster/up): kubeconform's schemas cannot be made, its row is left out" >&2
fi

# Exit 1 is expected: the copies of the broken platform have critical findings.
KUBECONFIG=/nonexistent "$bin" status -f "$work/repo" -R -o json >"$work/report.json" || true
findings=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/report.json")
read -r dp_ms dp_kb dp_cpu < <(measure env KUBECONFIG=/nonexistent "$bin" status -f "$work/repo" -R -o json)
read -r sarif_ms sarif_kb sarif_cpu < <(measure env KUBECONFIG=/nonexistent "$bin" status -f "$work/repo" -R -o sarif)
read -r py_ms py_kb py_cpu < <(measure python3 -c '
import glob, sys, yaml
n = 0
for path in glob.glob(sys.argv[1] + "/**/*.yaml", recursive=True):
    with open(path) as f:
        n += sum(1 for d in yaml.load_all(f, Loader=yaml.CSafeLoader) if d)
' "$work/repo")

kubeconform_row=""
if [ -n "$schemas" ]; then
  location="$schemas/{{ .Group }}/{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json"
  verdict=$("$kubeconform" -summary -schema-location "$location" "$work/repo" 2>&1 | tail -n 1 || true)
  read -r kc_ms kc_kb kc_cpu < <(measure "$kubeconform" -schema-location "$location" "$work/repo")
  kubeconform_row="| kubeconform $kubeconform_version (${verdict#Summary: }) | $kc_ms | $kc_cpu | $(awk "BEGIN { printf \"%.1f\", $kc_kb / 1024 }") | $(awk "BEGIN { printf \"%.2f\", $kc_cpu / ($dp_cpu > 0 ? $dp_cpu : 1) }") |"
fi

commit=${LINT_BENCH_COMMIT:-$(git -C "$repo" rev-parse --short HEAD)}
cat <<EOF
## \`kubectl dp status -f DIR -R\` on $count manifests vs. kubeconform and PyYAML on them ($(date -u +%Y-%m-%dT%H:%MZ), $commit, release build)

| command | median wall (ms) | median CPU (ms) | max RSS (MiB) | CPU / status -o json |
|---|---|---|---|---|
| kubectl dp status -f repo -R -o json ($findings findings) | $dp_ms | $dp_cpu | $(awk "BEGIN { printf \"%.1f\", $dp_kb / 1024 }") | 1.00 |
| kubectl dp status -f repo -R -o sarif | $sarif_ms | $sarif_cpu | $(awk "BEGIN { printf \"%.1f\", $sarif_kb / 1024 }") | $(awk "BEGIN { printf \"%.2f\", $sarif_cpu / ($dp_cpu > 0 ? $dp_cpu : 1) }") |
$kubeconform_row
| python3 PyYAML CSafeLoader, parse only | $py_ms | $py_cpu | $(awk "BEGIN { printf \"%.1f\", $py_kb / 1024 }") | $(awk "BEGIN { printf \"%.2f\", $py_cpu / ($dp_cpu > 0 ? $dp_cpu : 1) }") |
EOF
