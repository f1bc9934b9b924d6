#!/usr/bin/env bash
# Benchmark (not a test): how far `kubectl dp perf compare` can be trusted as a CI
# gate, on the real Trino 476 of tests/trino/up, with the default settings
# (built-in tiny query set, --iterations 10, --warmup auto, --threshold 10%,
# Trino CPU time, alpha 0.05 with Holm over the five queries).
#
#   bench/perf-gate.sh [PAIRS] [RESULTS_DIR]   # default 20 pairs, a temporary directory
#
# Needs Trino: `eval "$(tests/trino/up)"` (or KUBECTL_DP_TEST_TRINO_URL set).
#
# A/A: 2 x PAIRS runs of the unchanged query set; each pair is compared
#   (old = first) by CPU time relative to the yardstick (the default), by
#   absolute CPU time and by elapsed time. The false-regression rate is the
#   share of pairs that exit 1.
# A/B: between the A/A pairs, runs in which one query (forecast-revenue) does
#   more real work: the same query over tpch.tiny.lineitem UNION ALL over a
#   smaller lineitem (sf0.0005 .. sf0.004, 5% .. 40% more rows to generate and
#   filter). Each B run is compared with the A run just before it, so both see
#   the same machine. The slowdown each level really caused is measured from
#   the data (the median Hodges-Lehmann change of that query over the level's
#   pairs), and the detection rate is the share of pairs that exit 1 with a
#   regression of forecast-revenue.
# The runs alternate A, A, B so that the load of the shared machine falls on
# both sides alike. Every report is kept in RESULTS_DIR; the summary (markdown
# for BENCHMARKS.md) goes to stdout.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pairs=${1:-20}
results=${2:-$(mktemp -d)}
mkdir -p "$results"
if [ -z "${KUBECTL_DP_TEST_TRINO_URL:-}" ] && [ -f "$repo/target/trino/env" ]; then
  # shellcheck disable=SC1091
  source "$repo/target/trino/env"
fi
url=${KUBECTL_DP_TEST_TRINO_URL:?start Trino first: eval "\$(tests/trino/up)"}
cargo build --quiet --bin kubectl-dp --bin kubectl-dp-perf --manifest-path "$repo/Cargo.toml"
# Copies (kubectl-dp-perf runs its sibling kubectl-dp): a build during the
# benchmark must not change the binaries under it.
for bin in kubectl-dp kubectl-dp-perf; do
  cp "${CARGO_TARGET_DIR:-$repo/target}/debug/$bin" "$results/$bin"
done
perf=$results/kubectl-dp-perf
export KUBECONFIG=/nonexistent NO_COLOR=1
levels=(0.0005 0.001 0.002 0.004)

# The built-in set as SQL files: unchanged (A) and with forecast-revenue heavier (B).
"$perf" run --suite trino --trino-url "$url" --iterations 1 --warmup 0 -o json >"$results/set.json"
python3 - "$results" "${levels[@]}" <<'PY'
import json, os, sys
results, levels = sys.argv[1], sys.argv[2:]
queries = json.load(open(os.path.join(results, "set.json")))["trino"]["queries"]
def write(path, heavier=None):
    with open(path, "w") as f:
        for q in queries:
            sql = q["sql"]
            if heavier and q["name"] == "forecast-revenue":
                extra = sql.replace("tpch.tiny.lineitem", f'tpch."sf{heavier}".lineitem')
                sql = f"SELECT sum(revenue) FROM ({sql} UNION ALL {extra})"
            f.write(f"-- name: {q['name']}\n{sql};\n")
write(os.path.join(results, "a.sql"))
for level in levels:
    write(os.path.join(results, f"b-{level}.sql"), level)
PY

run() { # sql-file report (a failed query exits 1 and is in the report; go on)
  "$perf" run --suite trino --trino-url "$url" --sql-file "$1" --save "$2" -o json >/dev/null \
    || echo "perf run $2 exited $?" >&2
}
compare() { # old new metric -> exit code, comparison JSON in new.metric.json
  local code=0
  "$perf" compare "$1" "$2" --metric "$3" -o json >"${2%.json}.$3.json" || code=$?
  echo "$code"
}

started=$(date -u +%Y-%m-%dT%H:%MZ)
b=0
for ((i = 1; i <= pairs; i++)); do
  echo "A/A pair $i/$pairs" >&2
  run "$results/a.sql" "$results/a$i-old.json"
  run "$results/a.sql" "$results/a$i-new.json"
  for metric in cpu cpu-absolute elapsed; do
    echo "$(compare "$results/a$i-old.json" "$results/a$i-new.json" "$metric")" >"$results/a$i.$metric.exit"
  done
  level=${levels[$(((i - 1) % ${#levels[@]}))]}
  b=$((b + 1))
  echo "A/B run $b at sf$level" >&2
  run "$results/b-$level.sql" "$results/b$b-$level.json"
  for metric in cpu cpu-absolute elapsed; do
    echo "$(compare "$results/a$i-new.json" "$results/b$b-$level.json" "$metric")" >"$results/b$b-$level.$metric.exit"
  done
done
finished=$(date -u +%Y-%m-%dT%H:%MZ)

python3 - "$results" "$pairs" "$started" "$finished" "$url" "${levels[@]}" <<'PY'
import glob, json, os, statistics, sys
results, pairs, started, finished, url = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
levels = sys.argv[6:]
def exit_of(path):
    return int(open(path).read().strip())
def comparison(path):
    return json.load(open(path))
print(f"Run {started} to {finished} against Trino 476 at {url} (tests/trino/up: one node, 1.5 GiB heap);")
loads = []
for path in glob.glob(os.path.join(results, "a*-old.json")) + glob.glob(os.path.join(results, "a*-new.json")):
    client = json.load(open(path))["trino"].get("client") or {}
    if client.get("load1Median") is not None:
        loads.append(client["load1Median"])
if loads:
    print(f"client machine load (1-minute average) during the runs: median {statistics.median(loads):.1f}, "
          f"range {min(loads):.1f} to {max(loads):.1f} on {json.load(open(os.path.join(results, 'a1-old.json')))['trino']['client']['cpus']} CPUs.")
print()
print("A/A (unchanged runs, compared pairwise):")
print()
print("| compared statistic | pairs | exit 1 (false regression) | rate | rows significant in either direction | widest 95% interval (median over pairs) |")
print("|---|---|---|---|---|---|")
for metric in ["cpu", "cpu-absolute", "elapsed"]:
    exits = [exit_of(os.path.join(results, f"a{i}.{metric}.exit")) for i in range(1, pairs + 1)]
    significant, rows, widths = 0, 0, []
    for i in range(1, pairs + 1):
        c = comparison(os.path.join(results, f"a{i}-new.{metric}.json"))
        width = 0
        for r in c["rows"]:
            rows += 1
            significant += r["significant"]
            if r["changeLowPercent"] is not None:
                width = max(width, r["changeHighPercent"] - r["changeLowPercent"])
        widths.append(width)
    false = sum(1 for e in exits if e == 1)
    other = sorted(set(e for e in exits if e not in (0, 1)))
    note = f" (exit {other} too)" if other else ""
    print(f"| {metric} | {pairs} | {false}{note} | {false / pairs:.0%} | {significant} of {rows} | {statistics.median(widths):.0f} points |")
print()
print("A/B (forecast-revenue made heavier, compared with the A run just before):")
print()
print("| extra lineitem scan | extra rows | measured slowdown of forecast-revenue (CPU, relative to the yardstick; median HL over pairs) | pairs | caught by the default gate (exit 1, regression) | caught by `cpu-absolute` | caught by `elapsed` |")
print("|---|---|---|---|---|---|---|")
smallest = None
for level in levels:
    paths = sorted(glob.glob(os.path.join(results, f"b*-{level}.cpu.json")))
    changes, detected, caught = [], 0, {"cpu-absolute": 0, "elapsed": 0}
    for path in paths:
        row = next(r for r in comparison(path)["rows"] if r["name"] == "forecast-revenue")
        if row["changePercent"] is not None:
            changes.append(row["changePercent"])
        detected += exit_of(path.replace(".cpu.json", ".cpu.exit")) == 1 and row["verdict"] == "regression"
        for metric in caught:
            other = path.replace(".cpu.json", f".{metric}.json")
            row = next(r for r in comparison(other)["rows"] if r["name"] == "forecast-revenue")
            caught[metric] += row["verdict"] == "regression"
    if not paths:
        continue
    rows_percent = float(level) / 0.01 * 100
    change = statistics.median(changes) if changes else float("nan")
    print(f"| tpch.\"sf{level}\".lineitem | +{rows_percent:.0f}% | {change:+.1f}% | {len(paths)} | {detected} | {caught['cpu-absolute']} | {caught['elapsed']} |")
    if smallest is None and detected == len(paths):
        smallest = (level, change)
print()
if smallest:
    print(f"Smallest slowdown detected in every pair at the default run count: {smallest[1]:+.0f}% CPU "
          f"(the sf{smallest[0]} level).")
else:
    print("No level was detected in every pair.")
PY
echo "reports kept in $results" >&2
