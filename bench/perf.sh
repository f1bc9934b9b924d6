#!/usr/bin/env bash
# Benchmark (not a test): the trino suite's own client overhead per query, against
# Trino's reported elapsed time and against the Trino CLI (io.trino:trino-cli:476,
# the executable jar tests/trino/up caches) running the same queries on the same
# server in the same run. The figures that matter are ratios: the machine is shared.
#
#   bench/perf.sh [ITERATIONS] [PROFILE]   # default 20, debug; PROFILE=release builds one
#
# Needs Trino: `eval "$(tests/trino/up)"` (or KUBECTL_DP_TEST_TRINO_URL set).
#
# The CLI is a JVM: starting it costs about a second, which would swamp a query.
# So its per-query time is the difference between one CLI run executing the query
# N+1 times and one executing it once (medians of three runs each), divided by N: start-up cancels out and what
# remains is the CLI's protocol handling plus Trino's work, as for kubectl-dp.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
profile=${2:-debug}
if [ -z "${KUBECTL_DP_TEST_TRINO_URL:-}" ] && [ -f "$repo/target/trino/env" ]; then
  # shellcheck disable=SC1091
  source "$repo/target/trino/env"
fi
url=${KUBECTL_DP_TEST_TRINO_URL:?start Trino first: eval "\$(tests/trino/up)"}
cli=${KUBECTL_DP_TEST_TRINO_CLI:-$HOME/.cache/kubectl-dp/trino-476/trino-cli-476-executable.jar}
java=${KUBECTL_DP_TEST_TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
if [ "$profile" = release ]; then
  cargo build --release --quiet --bin kubectl-dp-perf --manifest-path "$repo/Cargo.toml"
else
  cargo build --quiet --bin kubectl-dp-perf --manifest-path "$repo/Cargo.toml"
fi
perf="${CARGO_TARGET_DIR:-$repo/target}/$profile/kubectl-dp-perf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The query set: the built-in tiny set, as kubectl-dp-perf itself reports its SQL.
"$perf" run --suite trino --trino-url "$url" --iterations 1 --warmup 0 -o json >"$work/set.json"
python3 - "$work/set.json" "$work" <<'PY'
import json, sys, os
report = json.load(open(sys.argv[1]))
for i, q in enumerate(report["trino"]["queries"]):
    open(os.path.join(sys.argv[2], f"q{i}.name"), "w").write(q["name"])
    open(os.path.join(sys.argv[2], f"q{i}.sql"), "w").write(q["sql"])
PY

cli_run() { # file -> microseconds
  local start end
  start=$(date +%s%N)
  "$java" -jar "$cli" --server "$url" --user bench --output-format NULL --file "$1" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
}

# Query by query, kubectl-dp and the CLI back to back, so both see the same load.
for sql in "$work"/q*.sql; do
  base=${sql%.sql}
  name=$(cat "$base.name")
  { echo "-- name: $name"; cat "$sql"; echo ";"; } >"$base.named"
  echo "kubectl-dp-perf ($profile build): $name, $n iterations after 2 warm-up runs" >&2
  "$perf" run --suite trino --trino-url "$url" --sql-file "$base.named" --iterations "$n" --warmup 2 -o json >"$base.json"
  { cat "$sql"; echo ";"; } >"$base.once"
  for ((i = 0; i <= n; i++)); do cat "$sql"; echo ";"; done >"$base.many"
  echo "trino-cli: $name" >&2
  cli_run "$base.once" >/dev/null # the CLI's own warm-up
  # Interleaved, three of each: the medians damp the JVM's start-up jitter.
  onces=() manys=()
  for _ in 1 2 3; do
    onces+=("$(cli_run "$base.once")")
    manys+=("$(cli_run "$base.many")")
  done
  once=$(printf '%s\n' "${onces[@]}" | sort -n | sed -n 2p)
  many=$(printf '%s\n' "${manys[@]}" | sort -n | sed -n 2p)
  echo "$once $many" >"$base.cli"
done

python3 - "$work" "$n" <<'PY'
import json, sys, os, statistics, glob
work, n = sys.argv[1], int(sys.argv[2])
print("| query | Trino elapsed p50 (ms) | kubectl-dp wall mean (ms) | kubectl-dp overhead p50 (ms) | Trino CLI per query (ms) | kubectl-dp / CLI |")
print("|---|---|---|---|---|---|")
ratios, overheads = [], []
for i in range(len(glob.glob(os.path.join(work, "q*.sql")))):
    q = json.load(open(os.path.join(work, f"q{i}.json")))["trino"]["queries"][0]
    s = q["summary"]
    once, many = map(int, open(os.path.join(work, f"q{i}.cli")).read().split())
    cli_ms = (many - once) / n / 1000.0
    dp_ms = s["wall"]["mean"]
    ratios.append(dp_ms / cli_ms)
    overheads.append(s["clientOverhead"]["p50"])
    print(f"| {q['name']} | {s['elapsed']['p50']:.0f} | {dp_ms:.0f} | {s['clientOverhead']['p50']:.1f} | {cli_ms:.0f} | {dp_ms / cli_ms:.2f} |")
print()
print(f"median client overhead {statistics.median(overheads):.1f} ms per query (n = {n} per query); "
      f"kubectl-dp / trino-cli wall per query: median ratio {statistics.median(ratios):.2f}")
PY
