//! docs/flags.md is the contract: this test reads its command × flag tables and
//! checks every cell against each binary's real clap definition and the
//! command's own flag check (`check_flags`, which runs before any request).
//! `yes`: parses and is accepted; `refused`: parses, then one line (exit 2);
//! `—`: clap rejects it. Every command the binaries define must have a row.

use std::ffi::OsString;

use kubectl_dp::cli::normalize_args;

/// How a command line fared.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// Parsed and accepted by the command's flag check.
    Accepted,
    /// Parsed, then refused by the flag check with this one-line message.
    Refused(String),
    /// clap rejected it.
    NotAFlag(String),
}

/// Parses `words` (the command word first, as after `kubectl dp`) with the
/// command's clap definition and runs its flag check.
fn outcome(words: &[String]) -> Outcome {
    fn run<A: clap::Parser>(
        bin: &str,
        words: &[String],
        check: fn(&A) -> kubectl_dp::Result<()>,
    ) -> Outcome {
        let argv: Vec<OsString> = std::iter::once(OsString::from(bin))
            .chain(words.iter().skip(1).map(OsString::from))
            .collect();
        let matches = match A::command().try_get_matches_from(normalize_args(argv)) {
            Ok(m) => m,
            Err(e) => return Outcome::NotAFlag(e.to_string()),
        };
        let args = match A::from_arg_matches(&matches) {
            Ok(a) => a,
            Err(e) => return Outcome::NotAFlag(e.to_string()),
        };
        match check(&args) {
            Ok(()) => Outcome::Accepted,
            Err(e) => Outcome::Refused(e.to_string()),
        }
    }
    match words[0].as_str() {
        "status" => run("kubectl-dp-status", words, kubectl_dp::status::check_flags),
        "quota" => run("kubectl-dp-quota", words, kubectl_dp::quota::check_flags),
        "buckets" => run(
            "kubectl-dp-buckets",
            words,
            kubectl_dp::buckets::check_flags,
        ),
        "tune" => run("kubectl-dp-tune", words, kubectl_dp::tune::check_flags),
        "perf" => run("kubectl-dp-perf", words, kubectl_dp::perf::check_flags),
        other => panic!("docs/flags.md names an unknown command {other}"),
    }
}

/// What a row's command needs to parse at all (its positional arguments).
fn base(command: &str) -> Vec<String> {
    let words: &[&str] = match command {
        "quota check" => &["quota", "check", "-f", "manifests.yaml"],
        "buckets create" => &["buckets", "create", "scratch", "--storage-class", "c"],
        "buckets describe" => &["buckets", "describe", "scratch"],
        "buckets check" => &["buckets", "check", "--all"],
        "buckets delete" => &["buckets", "delete", "scratch"],
        "tune export" => &["tune", "export", "--dir", "out"],
        "perf compare" => &["perf", "compare", "old.json", "new.json"],
        _ => return command.split(' ').map(str::to_string).collect(),
    };
    words.iter().map(|w| w.to_string()).collect()
}

/// The words a column's flag is written with.
fn flag(column: &str) -> Vec<String> {
    let words: &[&str] = match column {
        "-n" => &["-n", "data-platform"],
        "-A" => &["-A"],
        "-l" => &["-l", "team=data"],
        "--node-selector" => &["--node-selector", "pool=trino"],
        "--namespace-selector" => &["--namespace-selector", "team=data"],
        "--watch" => &["--watch"],
        "--fail-on" => &["--fail-on", "info"],
        "--yes" => &["--yes"],
        "--dry-run" => &["--dry-run=server"],
        "--force-conflicts" => &["--force-conflicts"],
        "jsonpath" => &["-o", "jsonpath={.kind}"],
        format => return vec!["-o".into(), format.into()],
    };
    words.iter().map(|w| w.to_string()).collect()
}

/// The rows of the table under `heading`: (command, [(column, cell)]).
fn table(doc: &str, heading: &str) -> Vec<(String, Vec<(String, String)>)> {
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("docs/flags.md has no section {heading}"));
    let strip = |cell: &str| cell.trim().trim_matches('`').to_string();
    let mut lines = section.lines().filter(|l| l.starts_with('|'));
    let header: Vec<String> = lines
        .next()
        .expect("a table")
        .split('|')
        .map(strip)
        .filter(|c| !c.is_empty())
        .collect();
    lines
        .skip(1)
        .map(|line| {
            let cells: Vec<String> = line
                .split('|')
                .map(strip)
                .filter(|c| !c.is_empty())
                .collect();
            assert_eq!(cells.len(), header.len(), "{line}");
            let columns = header[1..]
                .iter()
                .cloned()
                .zip(cells[1..].iter().cloned())
                .collect();
            (cells[0].clone(), columns)
        })
        .collect()
}

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/flags.md"))
        .expect("docs/flags.md")
}

fn check_table(heading: &str) -> usize {
    let mut checked = 0;
    for (command, columns) in table(&doc(), heading) {
        let base = base(&command);
        assert_eq!(outcome(&base), Outcome::Accepted, "{command} alone");
        for (column, cell) in columns {
            let mut words = base.clone();
            words.extend(flag(&column));
            let got = outcome(&words);
            let what = format!("docs/flags.md says `{command}` {column}: {cell}; got {got:?}");
            match cell.as_str() {
                "yes" => assert_eq!(got, Outcome::Accepted, "{what}"),
                "refused" => match &got {
                    Outcome::Refused(line) => {
                        assert_eq!(line.lines().count(), 1, "{what}");
                        assert!(line.contains("kubectl dp"), "{what}");
                    }
                    _ => panic!("{what}"),
                },
                "—" => assert!(matches!(got, Outcome::NotAFlag(_)), "{what}"),
                other => panic!("docs/flags.md: unknown cell {other:?} ({command} {column})"),
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn scope_and_behaviour_flags_match_the_table() {
    assert_eq!(check_table("Scope and behaviour"), 15 * 10);
}

#[test]
fn output_formats_match_the_table() {
    assert_eq!(check_table("Output: `-o`"), 15 * 10);
}

#[test]
fn display_flags_work_in_every_command() {
    for (command, _) in table(&doc(), "Scope and behaviour") {
        for extra in [
            vec!["--no-headers"],
            vec!["--color", "always"],
            vec!["-v=6"],
            vec!["-vv"],
        ] {
            let mut words = base(&command);
            words.extend(extra.iter().map(|w| w.to_string()));
            // perf compare never talks to the cluster, but still prints and logs.
            assert_eq!(outcome(&words), Outcome::Accepted, "{command} {extra:?}");
        }
    }
}

#[test]
fn every_command_the_binaries_define_has_a_row() {
    let rows: Vec<String> = table(&doc(), "Scope and behaviour")
        .into_iter()
        .map(|(command, _)| command)
        .collect();
    let output_rows: Vec<String> = table(&doc(), "Output: `-o`")
        .into_iter()
        .map(|(command, _)| command)
        .collect();
    assert_eq!(rows, output_rows);
    for (name, command) in kubectl_dp::suite::command_definitions() {
        let leaves: Vec<String> = if command.get_subcommands().next().is_none() || name == "quota" {
            // quota alone is the usage view; its subcommands are rows of their own.
            std::iter::once(name.to_string())
                .chain(
                    command
                        .get_subcommands()
                        .map(|s| format!("{name} {}", s.get_name())),
                )
                .collect()
        } else {
            command
                .get_subcommands()
                .map(|s| format!("{name} {}", s.get_name()))
                .collect()
        };
        for leaf in leaves {
            assert!(
                rows.contains(&leaf),
                "docs/flags.md has no row for `{leaf}`"
            );
        }
    }
}

#[test]
fn refusals_say_why_in_one_line() {
    let line =
        |words: &[&str]| match outcome(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>()) {
            Outcome::Refused(line) => line,
            other => panic!("{words:?}: {other:?}"),
        };
    assert_eq!(
        line(&["perf", "run", "-A"]),
        "`kubectl dp perf run` cannot take -A: it measures the platform of one namespace; pass -n NAME"
    );
    assert_eq!(
        line(&["tune", "plan", "-o", "csv"]),
        "`kubectl dp tune plan` cannot write -o csv; use one of: table, wide, json, yaml, name, jsonpath=EXPR, diff"
    );
    assert_eq!(
        line(&["perf", "compare", "a", "b", "--context", "prod"]),
        "`kubectl dp perf compare` cannot take --context: it compares two saved files and never reads the cluster"
    );
    assert_eq!(
        line(&["tune", "apply", "--fail-on", "info"]),
        "`kubectl dp tune apply` cannot take --fail-on: it writes, and grades nothing (tune plan does)"
    );
}
