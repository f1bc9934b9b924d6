//! The query sets of the trino suite: a built-in set in the spirit of TPC-H on
//! Trino's `tpch` catalog (data generated on the fly, so it runs on any Trino
//! with the tpch connector), or statements read from `--sql-file`.
//!
//! The built-in statements are written for Trino's tpch connector with its
//! default column naming (`orderkey`, not `l_orderkey`).

/// One named statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    /// Its name in reports (`-- name:` in a file).
    pub name: String,
    /// The statement, without the trailing `;`.
    pub sql: String,
}

/// The built-in set for a tpch schema (`tiny`, `sf1`, …).
pub(crate) fn builtin(schema: &str) -> Vec<Query> {
    let t = |table: &str| format!("tpch.{schema}.{table}");
    let q = |name: &str, sql: String| Query {
        name: name.into(),
        sql,
    };
    vec![
        q(
            "pricing-summary",
            format!(
                "SELECT returnflag, linestatus, sum(quantity) AS qty, sum(extendedprice) AS price, \
                 sum(extendedprice * (1 - discount)) AS disc_price, avg(discount) AS avg_disc, count(*) AS n \
                 FROM {} WHERE shipdate <= DATE '1998-09-02' \
                 GROUP BY returnflag, linestatus ORDER BY returnflag, linestatus",
                t("lineitem")
            ),
        ),
        q(
            "shipping-priority",
            format!(
                "SELECT l.orderkey, sum(l.extendedprice * (1 - l.discount)) AS revenue, o.orderdate, o.shippriority \
                 FROM {} c JOIN {} o ON c.custkey = o.custkey JOIN {} l ON l.orderkey = o.orderkey \
                 WHERE c.mktsegment = 'BUILDING' AND o.orderdate < DATE '1995-03-15' AND l.shipdate > DATE '1995-03-15' \
                 GROUP BY l.orderkey, o.orderdate, o.shippriority ORDER BY revenue DESC, o.orderdate LIMIT 10",
                t("customer"),
                t("orders"),
                t("lineitem")
            ),
        ),
        q(
            "local-supplier-volume",
            format!(
                "SELECT n.name, sum(l.extendedprice * (1 - l.discount)) AS revenue \
                 FROM {} c JOIN {} o ON c.custkey = o.custkey JOIN {} l ON l.orderkey = o.orderkey \
                 JOIN {} s ON l.suppkey = s.suppkey AND c.nationkey = s.nationkey \
                 JOIN {} n ON s.nationkey = n.nationkey JOIN {} r ON n.regionkey = r.regionkey \
                 WHERE r.name = 'ASIA' AND o.orderdate >= DATE '1994-01-01' AND o.orderdate < DATE '1995-01-01' \
                 GROUP BY n.name ORDER BY revenue DESC",
                t("customer"),
                t("orders"),
                t("lineitem"),
                t("supplier"),
                t("nation"),
                t("region")
            ),
        ),
        q(
            "forecast-revenue",
            format!(
                "SELECT sum(extendedprice * discount) AS revenue FROM {} \
                 WHERE shipdate >= DATE '1994-01-01' AND shipdate < DATE '1995-01-01' \
                 AND discount BETWEEN 0.05 AND 0.07 AND quantity < 24",
                t("lineitem")
            ),
        ),
        q(
            "returned-items",
            format!(
                "SELECT c.custkey, c.name, sum(l.extendedprice * (1 - l.discount)) AS revenue, n.name AS nation \
                 FROM {} c JOIN {} o ON c.custkey = o.custkey JOIN {} l ON l.orderkey = o.orderkey \
                 JOIN {} n ON c.nationkey = n.nationkey \
                 WHERE o.orderdate >= DATE '1993-10-01' AND o.orderdate < DATE '1994-01-01' AND l.returnflag = 'R' \
                 GROUP BY c.custkey, c.name, n.name ORDER BY revenue DESC LIMIT 20",
                t("customer"),
                t("orders"),
                t("lineitem"),
                t("nation")
            ),
        ),
    ]
}

/// `--scale tiny|sf1|sf10|…` → the tpch schema name; rejects anything else.
pub(crate) fn schema_for_scale(scale: &str) -> Result<String, String> {
    let ok = scale == "tiny"
        || scale
            .strip_prefix("sf")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    if ok {
        Ok(scale.to_string())
    } else {
        Err(format!(
            "--scale '{scale}' is not a tpch schema; use tiny, sf1, sf10, sf100, …"
        ))
    }
}

/// Statements from a file, separated by `;`. A `-- name: NAME` line names the
/// statement after it; unnamed statements are `query-1`, `query-2`, … in file order.
/// `;` inside single-quoted strings does not split.
pub(crate) fn parse_sql_file(text: &str) -> Result<Vec<Query>, String> {
    let mut queries = Vec::new();
    let mut name: Option<String> = None;
    let mut current = String::new();
    let mut in_string = false;
    let finish = |current: &mut String, name: &mut Option<String>, queries: &mut Vec<Query>| {
        let sql = current.trim().to_string();
        current.clear();
        if sql.is_empty() {
            return;
        }
        let n = name
            .take()
            .unwrap_or_else(|| format!("query-{}", queries.len() + 1));
        queries.push(Query { name: n, sql });
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if !in_string && let Some(rest) = trimmed.strip_prefix("--") {
            if let Some(n) = rest.trim().strip_prefix("name:") {
                name = Some(n.trim().to_string());
            }
            continue;
        }
        for c in line.chars() {
            match c {
                '\'' => {
                    in_string = !in_string;
                    current.push(c);
                }
                ';' if !in_string => finish(&mut current, &mut name, &mut queries),
                _ => current.push(c),
            }
        }
        current.push('\n');
    }
    finish(&mut current, &mut name, &mut queries);
    if queries.is_empty() {
        return Err("holds no SQL statement".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for q in &queries {
        if !seen.insert(q.name.as_str()) {
            return Err(format!(
                "names two statements '{}'; names must be unique",
                q.name
            ));
        }
    }
    Ok(queries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_set_uses_the_schema() {
        let set = builtin("sf1");
        assert_eq!(set.len(), 5);
        assert!(set.iter().all(|q| q.sql.contains("tpch.sf1.")));
        assert!(!set.iter().any(|q| q.sql.contains("tpch.tiny.")));
    }

    #[test]
    fn scales() {
        assert_eq!(schema_for_scale("tiny").unwrap(), "tiny");
        assert_eq!(schema_for_scale("sf100").unwrap(), "sf100");
        assert!(schema_for_scale("huge").is_err());
        assert!(schema_for_scale("sf").is_err());
        assert!(schema_for_scale("sf1; drop").is_err());
    }

    #[test]
    fn sql_files_split_and_name() {
        let text = "-- name: count\nSELECT count(*) FROM tpch.tiny.nation;\n\n-- a comment\nSELECT ';' AS x\n;\nSELECT 1";
        let q = parse_sql_file(text).unwrap();
        assert_eq!(q.len(), 3);
        assert_eq!(q[0].name, "count");
        assert_eq!(q[0].sql, "SELECT count(*) FROM tpch.tiny.nation");
        assert_eq!(q[1].name, "query-2");
        assert_eq!(q[1].sql, "SELECT ';' AS x");
        assert_eq!(q[2].name, "query-3");
        assert!(parse_sql_file("-- nothing\n;\n").is_err());
        assert!(parse_sql_file("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;").is_err());
    }
}
