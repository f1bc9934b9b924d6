-- The engine benchmark's queries: TPC-H queries 1, 3, 5, 6 and 10 as Trino's tpch
-- column names spell them, on the Iceberg tables tests/engine/load creates.
-- @SCHEMA@ is replaced with the loaded schema (iceberg.tpch_sf1, ...).

-- name: q01-pricing-summary
SELECT returnflag, linestatus, sum(quantity) AS sum_qty, sum(extendedprice) AS sum_base_price,
       sum(extendedprice * (1 - discount)) AS sum_disc_price,
       sum(extendedprice * (1 - discount) * (1 + tax)) AS sum_charge,
       avg(quantity) AS avg_qty, avg(extendedprice) AS avg_price, avg(discount) AS avg_disc,
       count(*) AS count_order
FROM @SCHEMA@.lineitem
WHERE shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
GROUP BY returnflag, linestatus
ORDER BY returnflag, linestatus;

-- name: q03-shipping-priority
SELECT l.orderkey, sum(l.extendedprice * (1 - l.discount)) AS revenue, o.orderdate, o.shippriority
FROM @SCHEMA@.customer c
JOIN @SCHEMA@.orders o ON c.custkey = o.custkey
JOIN @SCHEMA@.lineitem l ON l.orderkey = o.orderkey
WHERE c.mktsegment = 'BUILDING' AND o.orderdate < DATE '1995-03-15' AND l.shipdate > DATE '1995-03-15'
GROUP BY l.orderkey, o.orderdate, o.shippriority
ORDER BY revenue DESC, o.orderdate
LIMIT 10;

-- name: q05-local-supplier-volume
SELECT n.name, sum(l.extendedprice * (1 - l.discount)) AS revenue
FROM @SCHEMA@.customer c
JOIN @SCHEMA@.orders o ON c.custkey = o.custkey
JOIN @SCHEMA@.lineitem l ON l.orderkey = o.orderkey
JOIN @SCHEMA@.supplier s ON l.suppkey = s.suppkey AND c.nationkey = s.nationkey
JOIN @SCHEMA@.nation n ON s.nationkey = n.nationkey
JOIN @SCHEMA@.region r ON n.regionkey = r.regionkey
WHERE r.name = 'ASIA' AND o.orderdate >= DATE '1994-01-01' AND o.orderdate < DATE '1995-01-01'
GROUP BY n.name
ORDER BY revenue DESC;

-- name: q06-forecast-revenue
SELECT sum(extendedprice * discount) AS revenue
FROM @SCHEMA@.lineitem
WHERE shipdate >= DATE '1994-01-01' AND shipdate < DATE '1995-01-01'
  AND discount BETWEEN 0.05 AND 0.07 AND quantity < 24;

-- name: q10-returned-items
SELECT c.custkey, c.name, sum(l.extendedprice * (1 - l.discount)) AS revenue, c.acctbal, n.name AS nation
FROM @SCHEMA@.customer c
JOIN @SCHEMA@.orders o ON c.custkey = o.custkey
JOIN @SCHEMA@.lineitem l ON l.orderkey = o.orderkey
JOIN @SCHEMA@.nation n ON c.nationkey = n.nationkey
WHERE o.orderdate >= DATE '1993-10-01' AND o.orderdate < DATE '1994-01-01' AND l.returnflag = 'R'
GROUP BY c.custkey, c.name, c.acctbal, n.name
ORDER BY revenue DESC
LIMIT 20;
