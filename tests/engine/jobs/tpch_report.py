"""The engine benchmark's Spark job (SparkApplication tpch-report): a report over
the TPC-H Iceberg tables that joins, aggregates and so shuffles. TPC-H queries 3,
5 and 10 and revenue per nation and year, each collected to the driver (the
results are small). Run by tests/engine/spark-operator as the spark-operator would
run mainApplicationFile local:///opt/spark/jobs/tpch_report.py.

    tpch_report.py --schema engine.tpch_sf1
"""

import argparse

from pyspark.sql import SparkSession

QUERIES = {
    "q03-shipping-priority": """
        SELECT l.orderkey, sum(l.extendedprice * (1 - l.discount)) AS revenue, o.orderdate, o.shippriority
        FROM {s}.customer c JOIN {s}.orders o ON c.custkey = o.custkey
        JOIN {s}.lineitem l ON l.orderkey = o.orderkey
        WHERE c.mktsegment = 'BUILDING' AND o.orderdate < DATE '1995-03-15' AND l.shipdate > DATE '1995-03-15'
        GROUP BY l.orderkey, o.orderdate, o.shippriority ORDER BY revenue DESC, o.orderdate LIMIT 10""",
    "q05-local-supplier-volume": """
        SELECT n.name, sum(l.extendedprice * (1 - l.discount)) AS revenue
        FROM {s}.customer c JOIN {s}.orders o ON c.custkey = o.custkey
        JOIN {s}.lineitem l ON l.orderkey = o.orderkey
        JOIN {s}.supplier su ON l.suppkey = su.suppkey AND c.nationkey = su.nationkey
        JOIN {s}.nation n ON su.nationkey = n.nationkey JOIN {s}.region r ON n.regionkey = r.regionkey
        WHERE r.name = 'ASIA' AND o.orderdate >= DATE '1994-01-01' AND o.orderdate < DATE '1995-01-01'
        GROUP BY n.name ORDER BY revenue DESC""",
    "q10-returned-items": """
        SELECT c.custkey, c.name, sum(l.extendedprice * (1 - l.discount)) AS revenue, c.acctbal, n.name
        FROM {s}.customer c JOIN {s}.orders o ON c.custkey = o.custkey
        JOIN {s}.lineitem l ON l.orderkey = o.orderkey JOIN {s}.nation n ON c.nationkey = n.nationkey
        WHERE o.orderdate >= DATE '1993-10-01' AND o.orderdate < DATE '1994-01-01' AND l.returnflag = 'R'
        GROUP BY c.custkey, c.name, c.acctbal, n.name ORDER BY revenue DESC LIMIT 20""",
    "revenue-by-nation-and-year": """
        SELECT n.name, year(o.orderdate) AS year, sum(l.extendedprice * (1 - l.discount)) AS revenue
        FROM {s}.lineitem l JOIN {s}.orders o ON l.orderkey = o.orderkey
        JOIN {s}.customer c ON o.custkey = c.custkey JOIN {s}.nation n ON c.nationkey = n.nationkey
        GROUP BY n.name, year(o.orderdate) ORDER BY n.name, year""",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True, help="catalog.schema of the TPC-H tables")
    args = parser.parse_args()
    spark = SparkSession.builder.appName("tpch-report").getOrCreate()
    for name, sql in QUERIES.items():
        rows = spark.sql(sql.format(s=args.schema)).collect()
        if not rows:
            raise SystemExit(f"{name}: no rows from {args.schema}")
        print(f"{name}: {len(rows)} rows")
    spark.stop()


if __name__ == "__main__":
    main()
