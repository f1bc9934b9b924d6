//! The last lines of a container's previous run (`kubectl logs --previous`), read
//! only for the few crash-looping or OOM-killed containers a status report explains.
//!
//! The API server is asked for the last lines (`tailLines`) and the answer is
//! streamed through a tail that keeps its **last** bytes: `limitBytes` would
//! keep the first bytes of the tail and cut the lines that explain the crash.
//! What was cut is marked, and no more than [`READ_BYTES`] is ever read.

use std::collections::{BTreeMap, VecDeque};

use futures::AsyncReadExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};

use super::Cluster;

/// A container of a pod: the key of a log excerpt.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContainerRef {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
    /// The container's name.
    pub container: String,
    /// Its previous run (`--previous`: it was restarted) rather than the current,
    /// terminated one.
    pub previous: bool,
}

/// The most bytes kept of one run: the end of its tail, a few screens of lines.
pub(crate) const KEEP_BYTES: usize = 16 * 1024;

/// The most bytes read of one run's tail: its last lines may be very long (a
/// JSON dump on one line); past this the rest is not read and the excerpt says so.
pub(crate) const READ_BYTES: usize = 8 << 20;

/// The end of a stream of bytes: the last `keep` of them, and how many came before.
#[derive(Debug)]
pub(crate) struct Tail {
    keep: usize,
    kept: VecDeque<u8>,
    cut: usize,
    read: usize,
}

impl Tail {
    /// A tail that keeps the last `keep` bytes.
    pub fn new(keep: usize) -> Self {
        Tail {
            keep,
            kept: VecDeque::with_capacity(keep.min(1 << 16)),
            cut: 0,
            read: 0,
        }
    }

    /// Adds the next bytes, dropping the oldest beyond `keep`.
    pub fn push(&mut self, bytes: &[u8]) {
        self.read = self.read.saturating_add(bytes.len());
        let bytes = if bytes.len() > self.keep {
            let skip = bytes.len() - self.keep;
            self.cut = self.cut.saturating_add(skip);
            &bytes[skip..]
        } else {
            bytes
        };
        self.kept.extend(bytes);
        let over = self.kept.len().saturating_sub(self.keep);
        if over > 0 {
            self.kept.drain(..over);
            self.cut = self.cut.saturating_add(over);
        }
    }

    /// How many bytes were read in all.
    pub fn read(&self) -> usize {
        self.read
    }

    /// The kept text. Bytes cut at the start are marked on the first line
    /// (`[… 123 bytes cut] `, from the next whole character), and `unfinished`
    /// (the stream was stopped at its read limit) adds a last line saying so.
    pub fn finish(self, unfinished: bool) -> String {
        let bytes: Vec<u8> = self.kept.into_iter().collect();
        let mut start = 0;
        if self.cut > 0 {
            // The first kept byte may be inside a character: start at the next one.
            while start < bytes.len() && (bytes[start] & 0xC0) == 0x80 {
                start += 1;
            }
        }
        let body = String::from_utf8_lossy(&bytes[start..]);
        let mut text = String::with_capacity(body.len() + 64);
        if self.cut > 0 {
            text.push_str(&format!("[… {} bytes cut] ", self.cut + start));
        }
        text.push_str(&body);
        if unfinished {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!(
                "[… the last lines are longer than {} in all; the rest was not read]\n",
                super::limits::describe(READ_BYTES)
            ));
        }
        text
    }
}

impl Cluster {
    /// The last `lines` lines of each container's ended run, concurrently, for
    /// those the API server (through the kubelet) has. A container whose log
    /// cannot be read (no previous run, forbidden, node unreachable) is left out:
    /// the finding's hint already says how to read it by hand.
    pub(crate) async fn previous_runs(
        &self,
        containers: &[ContainerRef],
        lines: i64,
    ) -> BTreeMap<ContainerRef, String> {
        let reads = containers.iter().map(|c| async move {
            match self.call(self.tail_of(c, lines)).await {
                Ok(Ok(text)) => Some((c.clone(), text)),
                Ok(Err(e)) => {
                    tracing::info!("logs of {}/{} --previous: {e}", c.pod, c.container);
                    None
                }
                Err(e) => {
                    tracing::info!("logs of {}/{} --previous: {e}", c.pod, c.container);
                    None
                }
            }
        });
        futures::future::join_all(reads)
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    /// Streams the last `lines` lines of one run through a [`Tail`].
    async fn tail_of(&self, c: &ContainerRef, lines: i64) -> kube::Result<String> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &c.namespace);
        let params = LogParams {
            container: Some(c.container.clone()),
            previous: c.previous,
            tail_lines: Some(lines),
            ..LogParams::default()
        };
        let mut stream = api.log_stream(&c.pod, &params).await?;
        let mut tail = Tail::new(KEEP_BYTES);
        let mut buffer = vec![0u8; 64 * 1024];
        let mut unfinished = false;
        loop {
            let n = stream
                .read(&mut buffer)
                .await
                .map_err(kube::Error::ReadEvents)?;
            if n == 0 {
                break;
            }
            tail.push(&buffer[..n]);
            if tail.read() >= READ_BYTES {
                unfinished = true;
                break;
            }
        }
        Ok(tail.finish(unfinished))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_last_bytes_and_marks_the_cut() {
        let mut tail = Tail::new(10);
        tail.push(b"first line\nsecond\n");
        tail.push(b"last\n");
        assert_eq!(tail.finish(false), "[… 13 bytes cut] cond\nlast\n");
        let mut whole = Tail::new(100);
        whole.push(b"a\nb\n");
        assert_eq!(whole.finish(false), "a\nb\n");
        let mut cut_char = Tail::new(2);
        cut_char.push("xxü!".as_bytes());
        // "ü" is two bytes: the kept half-character is skipped, and counted.
        assert_eq!(cut_char.finish(false), "[… 4 bytes cut] !");
        let mut unfinished = Tail::new(4);
        unfinished.push(b"abcdef");
        let text = unfinished.finish(true);
        assert!(
            text.starts_with("[… 2 bytes cut] cdef\n[… the last lines are longer than 8 MiB"),
            "{text}"
        );
    }
}
