//! The last lines of crashed containers, under their findings. `status` reads
//! them in a second step, only for what a first analysis explains as a crash
//! loop or an OOM kill: a healthy platform costs no log request, a broken one a
//! handful (one per not-ready workload at most).

use crate::findings::Finding;
use crate::kube::logs::ContainerRef;
use crate::platform::credentials::mask_in_log;

/// The longest line shown; the rest of a line is cut with `…`.
const MAX_LINE_CHARS: usize = 300;

/// The containers whose ended runs the findings would show, once each.
pub fn sources(findings: &[Finding]) -> Vec<ContainerRef> {
    let mut sources: Vec<ContainerRef> = findings
        .iter()
        .filter_map(|f| {
            let run = f.previous_run.as_ref()?;
            let namespace = f.object.namespace.clone()?;
            Some((namespace, run))
        })
        .map(|(namespace, run)| ContainerRef {
            namespace,
            pod: run.pod.clone(),
            container: run.container.clone(),
            previous: run.previous,
        })
        .collect();
    sources.sort();
    sources.dedup();
    sources
}

/// A log's last `max_lines` non-empty lines, each cut at [`MAX_LINE_CHARS`] and
/// with credential values masked. Control characters stay: every renderer
/// escapes cluster data for the terminal.
pub(crate) fn excerpt(text: &str, max_lines: usize) -> Vec<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .collect();
    let skip = lines.len().saturating_sub(max_lines);
    lines[skip..]
        .iter()
        .map(|line| {
            let masked = mask_in_log(line);
            match masked.char_indices().nth(MAX_LINE_CHARS) {
                Some((cut, _)) => format!("{}…", &masked[..cut]),
                None => masked,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Component, ObjectRef, PreviousRun, Severity};

    #[test]
    fn excerpt_keeps_the_last_lines_cut_and_masked() {
        let long = "x".repeat(400);
        let text = format!("first\n\nsecond password=hunter2\r\n{long}\nlast\n");
        let lines = excerpt(&text, 3);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "second password=****");
        assert_eq!(lines[1].chars().count(), MAX_LINE_CHARS + 1);
        assert!(lines[1].ends_with('…'));
        assert_eq!(lines[2], "last");
        assert!(excerpt("", 5).is_empty());
    }

    #[test]
    fn sources_are_the_crashed_containers_once() {
        let crashed = |pod: &str| {
            let mut f = Finding::new(
                "trino.not-ready",
                Severity::Critical,
                Component::Trino,
                ObjectRef::namespaced("Deployment", "dp", "trino-worker"),
                "",
                "",
            );
            f.previous_run = Some(PreviousRun {
                pod: pod.into(),
                container: "trino".into(),
                previous: true,
                lines: Vec::new(),
            });
            f
        };
        let plain = Finding::new(
            "trino.heap-near-limit",
            Severity::Warning,
            Component::Trino,
            ObjectRef::namespaced("Pod", "dp", "p"),
            "",
            "",
        );
        let found = sources(&[crashed("w-1"), plain, crashed("w-1"), crashed("w-0")]);
        let pods: Vec<&str> = found.iter().map(|c| c.pod.as_str()).collect();
        assert_eq!(pods, ["w-0", "w-1"]);
        assert!(found.iter().all(|c| c.previous && c.namespace == "dp"));
    }
}
