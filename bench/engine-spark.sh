#!/usr/bin/env bash
# Benchmark (not a test): tune's Spark proposals (AQE with parallelismFirst=false,
# Kryo) on real Spark. The platform's SparkApplication tpch-report
# (tests/engine/platform/tpch-report.yaml, as first deployed: AQE off, Java
# serialisation) runs its report over the TPC-H Iceberg tables of bench/engine-ab.sh
# in Spark 3.5.6 local mode (pyspark from PyPI, tests/engine/spark-install);
# `kubectl dp perf run --suite spark` submits it to the local cluster and times it
# from its status, written by tests/engine/spark-operator in the operator's place.
#
#   bench/engine-spark.sh [--scale sf1] [--iterations 5] [--results DIR]
#
#   1. namespace engine-spark holds the untuned application; its manifest is saved;
#   2. perf run --suite spark --spark-app untuned.yaml --iterations N --save spark-before.json;
#   3. kubectl dp tune apply -n engine-spark --yes; the tuned manifest is saved;
#   4. perf run --spark-app tuned.yaml --save spark-after.json; perf compare.
# Needs what bench/engine-ab.sh leaves running (the cluster, the RGW, the catalog
# database with the tables loaded); prints its BENCHMARKS.md paragraph on stdout.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scale=sf1 iterations=5 results=$repo/target/engine/ab
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
say() { printf 'engine-spark: %s\n' "$*" >&2; }
ns=engine-spark
mkdir -p "$results"
cargo build --quiet --bins
eval "$(tests/cluster/up 2>/dev/null | tail -n 1)"
K=$repo/target/cluster/bin/kubectl
export KUBECTL=$K NO_COLOR=1
eval "$(tests/s3/up 2>/dev/null | grep '^export ')"
export KUBECTL_DP_TRINO_STATE=${KUBECTL_DP_TRINO_STATE:-$repo/target/engine/trino}
# shellcheck disable=SC1091
source "$KUBECTL_DP_TRINO_STATE/env"
schema=$(tests/engine/load "$scale")
eval "$(tests/engine/spark-install)"

$K delete namespace "$ns" --ignore-not-found --wait=true --timeout=120s >/dev/null
$K create namespace "$ns" >/dev/null
sed -e "s/namespace: data-platform/namespace: $ns/" \
  -e "s/\"engine\.tpch_sf1\"/\"${schema/iceberg./engine.}\"/" \
  tests/engine/platform/tpch-report.yaml | $K apply -f - >/dev/null
manifest() { $K get sparkapplication tpch-report -n "$ns" -o yaml >"$results/$1.yaml"; }

operator_pid=""
trap '[ -n "$operator_pid" ] && kill "$operator_pid" 2>/dev/null' EXIT
tests/engine/spark-operator -n "$ns" --log "$results/spark-logs" 2>>"$results/spark-operator.log" &
operator_pid=$!

measure() { # NAME
  say "perf run --suite spark --spark-app $1.yaml --iterations $iterations"
  target/debug/kubectl-dp-perf run -n "$ns" --suite spark --spark-app "$results/$1.yaml" \
    --iterations "$iterations" --timeout 15m --save "$results/spark-$1.json" >"$results/spark-$1.txt" 2>&1 \
    || { cat "$results/spark-$1.txt" >&2; exit 1; }
}
manifest untuned
measure untuned
say "kubectl dp tune apply -n $ns --yes --force-conflicts"
target/debug/kubectl-dp-tune apply -n "$ns" --yes --force-conflicts >"$results/spark-tune-apply.txt" 2>&1
manifest tuned
measure tuned
target/debug/kubectl-dp-perf compare "$results/spark-untuned.json" "$results/spark-tuned.json" -o json \
  >"$results/spark-compare.json" || true

python3 - "$results" "$scale" "$iterations" <<'PY'
import json, os, sys
results, scale, iterations = sys.argv[1:4]
c = json.load(open(os.path.join(results, "spark-compare.json")))
apply = open(os.path.join(results, "spark-tune-apply.txt")).read()
changed = [l[1:].strip() for l in apply.splitlines() if l.startswith("+spec.")]
print(f"### Spark: the SparkApplication tpch-report without and with tune's AQE and Kryo settings\n")
print(f"Spark 3.5.6 (pyspark from PyPI) in local mode with 2 cores, Java 17, reading the same TPC-H {scale} Iceberg "
      f"tables (Iceberg 1.9.1, JDBC catalog, S3FileIO on the RGW); TPC-H queries 3, 5, 10 and revenue per nation and year. "
      f"`perf run --suite spark` submitted the application {iterations} times a side to the local cluster and timed each run "
      f"from the status tests/engine/spark-operator wrote (terminationTime - lastSubmissionAttemptTime: a whole spark-submit, "
      f"JVM start included). tune changed: " + "; ".join(f"`{x}`" for x in changed) + ".\n")
print("| application | runs | untuned P50 s | tuned P50 s | change [95% CI] | p (Holm) | verdict |")
print("|---|---|---|---|---|---|---|")
for r in c.get("rows", []):
    if r.get("suite") != "spark":
        continue
    ci = "-" if r.get("changePercent") is None else f"{r['changePercent']:+.1f}% [{r['changeLowPercent']:+.1f}, {r['changeHighPercent']:+.1f}]"
    p = r.get("adjustedPValue")
    print(f"| {r['name']} | {r['oldN']}/{r['newN']} | {r['oldMedian']:.1f} | {r['newMedian']:.1f} | {ci} | {'-' if p is None else f'{p:.2g}'} | {r['verdict']} |")
print()
PY
