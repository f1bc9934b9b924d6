"""The BENCHMARKS.md section of bench/engine-ab.sh, from the files it kept.

    python3 bench/engine-report.py RESULTS SCALE FACTOR STARTED FINISHED COMMIT [RULE...]

Reads plan.json (what tune proposed), etc-*/scaled.txt (the local sizes), the
reports NAME.json, the comparisons NEW-vs-before-{elapsed,cpu}.json and the S3
request counts NAME-s3.json; prints markdown. Every number comes from those files.
"""

import json
import os
import sys

results, scale, factor, started, finished, commit = sys.argv[1:7]
rules = sys.argv[7:]


def load(name):
    path = os.path.join(results, name)
    return json.load(open(path)) if os.path.exists(path) else None


def pct(value):
    return "-" if value is None else f"{value:+.1f}%"


def interval(row):
    if row.get("changePercent") is None:
        return "-"
    low, high = row.get("changeLowPercent"), row.get("changeHighPercent")
    if low is None or high is None:
        return pct(row["changePercent"])
    return f"{row['changePercent']:+.1f}% [{low:+.1f}, {high:+.1f}]"


def ms(value):
    return "-" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def rows_by_name(comparison):
    return {r["name"]: r for r in (comparison or {}).get("rows", []) if r.get("suite") == "trino"}


def p(value):
    return "-" if value is None else (f"{value:.2g}" if value >= 0.001 else "<0.001")


def median(values):
    values = sorted(values)
    n = len(values)
    return None if n == 0 else (values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2)


plan = load("plan.json") or {"changes": []}
before, after = load("before.json"), load("after.json")
out = []
w = out.append
w(f"## On the real engine: `tune apply` then `perf compare`, Iceberg on the RGW ({started[:16]}Z–{finished[11:16]}Z, {commit})")
w("")
load_before = (before or {}).get("trino", {}).get("client", {}).get("load1Median")
rounds = (before or {}).get("settings", {})
w(
    f"`bench/engine-ab.sh` on this machine (2 cores, 24 GiB shared with other engineers; 1-minute load "
    f"{load_before:.1f} during the baseline). Trino 476, a coordinator and two workers on loopback, "
    f"reading TPC-H {scale} as Iceberg tables (Parquet, ZSTD) from the Ceph RGW through Trino's native S3 "
    f"file system; Iceberg's JDBC catalog on PostgreSQL. The node files are the cluster's ConfigMaps "
    f"(the untuned platform of tests/engine/platform, then what `kubectl dp tune apply` wrote), every "
    f"memory size times {factor}. Five TPC-H queries (1, 3, 5, 6, 10), {rounds.get('iterations')} measured "
    f"rounds after {rounds.get('warmup')} warm-up rounds, each side; `perf compare` (Mann-Whitney, Holm, "
    f"Hodges-Lehmann change with its 95% interval)."
    if load_before is not None else f"`bench/engine-ab.sh`, TPC-H {scale}, factor {factor}."
)
w("")
w("What `tune` changed (balanced profile), and what the local engine ran:")
w("")
w("| object | setting | untuned | tuned | rule |")
w("|---|---|---|---|---|")
for c in plan["changes"]:
    w(f"| {c['object']['kind'].lower()}/{c['object']['name']} | `{c['setting']}` | {c.get('current') or '-'} | {c.get('proposed') or '(removed)'} | {c['rule']} |")
w("")


def scaled(name):
    path = os.path.join(results, f"etc-{name}", "scaled.txt")
    return [l.strip() for l in open(path)] if os.path.exists(path) else []


changed = [(a, b) for a, b in zip(scaled("before"), scaled("after")) if a != b]
if changed:
    w("Scaled on this machine (" + "; ".join(f"{a.split(' -> ')[0]} -> {a.split(' -> ')[1]}, tuned {b.split(' -> ')[1]}" for a, b in changed) + ").")
    w("")

elapsed, cpu = load("after-vs-before-elapsed.json"), load("after-vs-before-cpu.json")
s3_before, s3_after = load("before-s3.json") or {}, load("after-s3.json") or {}
by_cpu = rows_by_name(cpu)


def engine(report, name):
    for q in (report or {}).get("trino", {}).get("queries", []):
        if q["name"] == name and q.get("summary") and q["summary"].get("engine"):
            return q["summary"]["engine"]
    return None


w("Per query, untuned -> tuned (elapsed is Trino's own; the CPU column is CPU time relative to the yardstick):")
w("")
w("| query | elapsed P50 ms | elapsed change [95% CI] | p (Holm) | verdict | CPU change [95% CI] | S3 requests/run | splits | input | CPU/wall |")
w("|---|---|---|---|---|---|---|---|---|---|")
changes = []
for name, row in rows_by_name(elapsed).items():
    c = by_cpu.get(name, {})
    e0, e1 = engine(before, name), engine(after, name)
    s0, s1 = s3_before.get(name, {}).get("total"), s3_after.get(name, {}).get("total")
    s3 = "-" if s0 is None or s1 is None else f"{s0:.0f} -> {s1:.0f}"
    splits = "-" if not (e0 and e1) else f"{e0['splits']:.0f} -> {e1['splits']:.0f}"
    size = "-" if not (e0 and e1) else f"{e0['physicalInputBytes'] / 2**20:.1f} -> {e1['physicalInputBytes'] / 2**20:.1f} MiB"
    share = "-" if not (e0 and e1 and e0.get('cpuPerWall') and e1.get('cpuPerWall')) else f"{e0['cpuPerWall']:.2f} -> {e1['cpuPerWall']:.2f}"
    if row.get("changePercent") is not None:
        changes.append(row["changePercent"])
    w(f"| {name} | {ms(row.get('oldMedian'))} -> {ms(row.get('newMedian'))} | {interval(row)} | {p(row.get('adjustedPValue'))} | {row['verdict']} | {interval(c) if c else '-'} | {s3} | {splits} | {size} | {share} |")
w("")
yard = (cpu or {}).get("yardstick")
if yard:
    w(f"Yardstick (how fast the machine was, CPU): {interval(yard)}, {yard['verdict']}. Load (1-minute median): {(elapsed or {}).get('oldLoad1') or 0:.1f} untuned, {(elapsed or {}).get('newLoad1') or 0:.1f} tuned.")
    w("")
again = rows_by_name(load("before-again-vs-before-elapsed.json"))
if again:
    drift = ", ".join(f"{n} {interval(r)} ({r['verdict']})" for n, r in again.items())
    w(f"Unchanged control (the untuned files again, after the tuned run), elapsed: {drift}.")
    w("")

if rules:
    w("Setting by setting: each of tune's ConfigMap proposals alone against the untuned baseline (elapsed change [95% CI], verdict):")
    w("")
    names = list(rows_by_name(elapsed).keys())
    def s3_total(name):
        counts = load(f"{name}-s3.json")
        return "-" if not counts else f"{sum(c['total'] for c in counts.values()):.0f}"

    w("| rule | " + " | ".join(names) + " | S3 requests, all five queries once |")
    w("|---|" + "---|" * (len(names) + 1))
    w("| (untuned) | " + " | ".join("" for _ in names) + f" | {s3_total('before')} |")
    for rule in rules:
        r = rows_by_name(load(f"only-{rule}-vs-before-elapsed.json"))
        w(f"| {rule} | " + " | ".join(f"{interval(r[n])} {r[n]['verdict']}" if n in r else "-" for n in names)
          + f" | {s3_total('only-' + rule)} |")
    w(f"| (all, tuned) | " + " | ".join(f"{interval(r)} {r['verdict']}" for r in rows_by_name(elapsed).values())
      + f" | {s3_total('after')} |")
    w("")

faster = [r for r in rows_by_name(elapsed).values() if r["verdict"] == "faster"]
slower = [r for r in rows_by_name(elapsed).values() if r["verdict"] in ("slower", "regression")]
typical = median(changes)
if not changes:
    w("**Verdict.** Nothing was compared (too few runs or failed runs): no result.")
    print("\n".join(out))
    sys.exit(0)
w("**Verdict.** " + (
    f"{len(faster)} of {len(changes)} queries significantly faster, {len(slower)} slower; the median change is {pct(typical)}. "
    + ("The claimed 20-30% does appear on this data." if typical is not None and typical <= -20 and len(faster) >= len(changes) / 2
       else "The claimed 20-30% faster queries do not appear on this data: " + (
           "no measurable change." if not faster and not slower else "see the rows above for what did change.")
       )
))
print("\n".join(out))
