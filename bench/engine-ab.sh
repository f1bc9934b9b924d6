#!/usr/bin/env bash
# Benchmark (not a test): does `kubectl dp tune` make queries faster on the real
# engine? The A/B loop of docs/perf.md ("On the real engine"), end to end, on this
# machine: Trino 476 as a coordinator and two workers reading TPC-H Iceberg tables
# from the Ceph RGW through its native S3 file system, catalogued by Iceberg's JDBC
# catalog on PostgreSQL.
#
#   bench/engine-ab.sh [--scale sf1] [--iterations 10] [--warmup 3] [--factor 1/16]
#                      [--per-setting] [--spark] [--results DIR] [--no-write]
#
#   1. The untuned platform (tests/engine/platform) is applied to the local cluster
#      (tests/cluster/up) in namespace engine-ab, its operators played by set-status.
#   2. The local Trino starts with the files the cluster's ConfigMaps hold, every
#      memory size times --factor (tests/engine/etc.rs: 1/16 turns a 16Gi worker into
#      1 GiB of this machine), the catalog pointed at the local catalog database and
#      RGW (tests/trino/up). The TPC-H tables are loaded once (tests/engine/load).
#   3. `kubectl dp perf run -n engine-ab --suite trino --save before.json`: perf finds
#      the coordinator in the cluster and port-forwards to it; kwok connects the
#      forward to the local coordinator (tests/cluster/forward).
#   4. `kubectl dp tune apply -n engine-ab --yes --force-conflicts --restart` (kubectl apply owns the fields); the local Trino restarts
#      with the ConfigMaps' new files (step 2 again).
#   5. `perf run --save after.json`, then `perf compare` by Trino's elapsed time and by
#      CPU time relative to the yardstick.
#   --per-setting: each of tune's ConfigMap proposals alone (one rule at a time, from
#      `tune plan -o json` on the untuned platform), measured against before.json.
#   --spark: bench/engine-spark.sh after the Trino loop (the SparkApplication with and
#      without tune's AQE and Kryo settings).
# The S3 requests per query come from the RGW's own usage log (radosgw-admin usage
# show): each query runs 3 times alone between two readings.
#
# Every report and file is kept in --results (default target/engine/ab). The result
# is written into BENCHMARKS.md between its engine-ab markers (--no-write: only
# printed). Trino, PostgreSQL, the RGW and the cluster stay up for another run; stop
# them with tests/trino/down (KUBECTL_DP_TRINO_STATE=target/engine/trino),
# tests/s3/down and tests/cluster/down.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scale=sf1 iterations=10 warmup=3 factor=1/16 per_setting=0 spark=0 write=1
results=$repo/target/engine/ab
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --factor) factor=$2; shift 2 ;;
    --per-setting) per_setting=1; shift ;;
    --spark) spark=1; shift ;;
    --results) results=$2; shift 2 ;;
    --no-write) write=0; shift ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
say() { printf 'engine-ab: %s\n' "$*" >&2; }
ns=engine-ab
mkdir -p "$results"

cargo build --quiet --bins --example engine-etc
bin=$results/bin
mkdir -p "$bin"
for b in kubectl-dp kubectl-dp-perf kubectl-dp-tune; do cp "target/debug/$b" "$bin/"; done
cp target/debug/examples/engine-etc "$bin/"

eval "$(tests/cluster/up | tail -n 1)"
K=$repo/target/cluster/bin/kubectl
eval "$(tests/s3/up | grep '^export ')"
export KUBECTL_DP_TRINO_STATE=$repo/target/engine/trino KUBECTL_DP_TRINO_WORKERS=2 KUBECTL_DP_TRINO_ICEBERG=1
export NO_COLOR=1

# --- 1. the untuned platform ---
say "applying the untuned platform to namespace $ns"
$K delete namespace "$ns" --ignore-not-found --wait=true --timeout=120s >/dev/null
$K kustomize tests/engine/platform \
  | sed -e "s/namespace: data-platform/namespace: $ns/" -e "s/\.data-platform\.svc/.$ns.svc/g" \
    -e "s/^  name: data-platform\$/  name: $ns/" \
  | $K apply -f - >/dev/null
KUBECTL=$K examples/platform/set-status -n "$ns" >/dev/null 2>&1
$K wait --for=condition=Available deployment --all -n "$ns" --timeout=120s >/dev/null
"$bin/kubectl-dp-tune" plan -n "$ns" -o json >"$results/plan.json" || true

# restart_engine NAME [FROM [engine-etc args]]: the local Trino from the cluster's
# files now (or those saved as FROM-cluster.json), scaled.
restart_engine() {
  local name=$1 from=${2:-}
  shift $(($# < 2 ? $# : 2))
  if [ -z "$from" ]; then
    from=$name
    $K get deployments,statefulsets,configmaps -n "$ns" -o json >"$results/$name-cluster.json"
  fi
  rm -rf "$results/etc-$name"
  "$bin/engine-etc" --cluster "$results/$from-cluster.json" --factor "$factor" --out "$results/etc-$name" "$@"
  tests/trino/down 2>/dev/null || true
  say "starting the local Trino with the files of '$name'"
  # A start on a loaded machine can fail once; up then stops what it started.
  KUBECTL_DP_TRINO_ETC=$results/etc-$name tests/trino/up >/dev/null \
    || KUBECTL_DP_TRINO_ETC=$results/etc-$name tests/trino/up >/dev/null
  # shellcheck disable=SC1091
  source "$KUBECTL_DP_TRINO_STATE/env"
  # Every pod of the namespace, now and after a rollout, forwards to the local coordinator.
  tests/cluster/forward "$ns" --all 8080 "${KUBECTL_DP_TEST_TRINO_URL#http://}" >/dev/null
}

# measure NAME: perf through the cluster, saved as NAME.json.
measure() {
  local name=$1
  say "measuring '$name' ($iterations rounds after $warmup warm-up rounds)"
  "$bin/kubectl-dp-perf" run -n "$ns" --suite trino --sql-file "$results/queries.sql" \
    --iterations "$iterations" --warmup "$warmup" --save "$results/$name.json" \
    >"$results/$name.txt" 2>&1 || { cat "$results/$name.txt" >&2; return 1; }
  s3_requests "$name"
}

# s3_requests NAME: each query 3 times alone, the RGW's request counts around them.
s3_requests() {
  python3 - "$results/queries.sql" "$results/$1-s3.json" <<'PY'
import json, os, subprocess, sys, time, urllib.request
queries, out = sys.argv[1], sys.argv[2]
url = os.environ["KUBECTL_DP_TEST_TRINO_URL"]
def usage():
    time.sleep(2.5)  # the gateway flushes its usage log every second
    text = subprocess.run(["radosgw-admin", "-c", os.environ["KUBECTL_DP_TEST_S3_CONF"], "usage", "show",
                           "--uid=kubectl-dp-admin", "--show-log-entries=false"],
                          check=True, capture_output=True, text=True).stdout
    counts = {}
    for summary in json.loads(text).get("summary", []):
        for c in summary.get("categories", []):
            counts[c["category"]] = counts.get(c["category"], 0) + c["ops"]
    return counts
def run(sql):
    req = urllib.request.Request(url + "/v1/statement", data=sql.encode(), headers={"X-Trino-User": "engine-ab-s3"})
    page = json.load(urllib.request.urlopen(req))
    while "nextUri" in page:
        page = json.load(urllib.request.urlopen(urllib.request.Request(page["nextUri"], headers={"X-Trino-User": "engine-ab-s3"})))
    if "error" in page:
        raise SystemExit(page["error"]["message"])
name, sqls, current = None, {}, []
for line in open(queries):
    if line.startswith("-- name:"):
        name = line.split(":", 1)[1].strip()
    elif not line.startswith("--"):
        current.append(line)
        if line.rstrip().endswith(";"):
            sqls[name] = "".join(current).strip().rstrip(";")
            current = []
result = {}
for name, sql in sqls.items():
    before = usage()
    for _ in range(3):
        run(sql)
    after = usage()
    delta = {k: (after.get(k, 0) - before.get(k, 0)) / 3 for k in after if after.get(k, 0) != before.get(k, 0)}
    result[name] = {"total": sum(delta.values()), "byCategory": delta}
json.dump(result, open(out, "w"), indent=1)
PY
}

# compare OLD NEW: both metrics' comparisons as JSON.
compare() {
  "$bin/kubectl-dp-perf" compare "$results/$1.json" "$results/$2.json" --metric elapsed -o json \
    >"$results/$2-vs-$1-elapsed.json" || true
  "$bin/kubectl-dp-perf" compare "$results/$1.json" "$results/$2.json" -o json \
    >"$results/$2-vs-$1-cpu.json" || true
  "$bin/kubectl-dp-perf" compare "$results/$1.json" "$results/$2.json" --metric elapsed \
    >"$results/$2-vs-$1.txt" 2>&1 || true
}

restart_engine before
say "loading TPC-H $scale (cached after the first time)"
schema=$(tests/engine/load "$scale")
sed "s/@SCHEMA@/$schema/g" tests/engine/queries.sql >"$results/queries.sql"
started=$(date -u +%FT%TZ)
measure before

# --- 4. tune apply, the rollout, the engine restarted with the new files ---
say "kubectl dp tune apply -n $ns --yes --force-conflicts --restart"
"$bin/kubectl-dp-tune" apply -n "$ns" --yes --force-conflicts --restart >"$results/tune-apply.txt" 2>&1
restart_engine after
measure after
compare before after

rules=()
if [ "$per_setting" = 1 ]; then
  mapfile -t rules < <(python3 -c '
import json, sys
seen = []
for c in json.load(open(sys.argv[1]))["changes"]:
    if c["object"]["kind"] == "ConfigMap" and c["rule"] not in seen:
        seen.append(c["rule"])
print("\n".join(seen))' "$results/plan.json")
  for rule in "${rules[@]}"; do
    restart_engine "only-$rule" before --plan "$results/plan.json" --rule "$rule"
    measure "only-$rule"
    compare before "only-$rule"
  done
fi
# The same untuned files once more: how far two unchanged runs drift apart here.
restart_engine before-again before
measure before-again
compare before before-again
finished=$(date -u +%FT%TZ)

python3 bench/engine-report.py "$results" "$scale" "$factor" "$started" "$finished" \
  "$(git rev-parse --short HEAD)" "${rules[@]}" >"$results/engine-ab.md"
if [ "$spark" = 1 ]; then
  bench/engine-spark.sh --scale "$scale" --results "$results" >>"$results/engine-ab.md"
fi
cat "$results/engine-ab.md"
if [ "$write" = 1 ]; then
  python3 - "$results/engine-ab.md" <<'PY'
import re, sys
section = open(sys.argv[1]).read().strip()
text = open("BENCHMARKS.md").read()
start, end = "<!-- bench/engine-ab.sh -->", "<!-- /bench/engine-ab.sh -->"
block = f"{start}\n{section}\n{end}"
if start in text:
    text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + block + "\n"
open("BENCHMARKS.md", "w").write(text)
PY
  say "written into BENCHMARKS.md"
fi
