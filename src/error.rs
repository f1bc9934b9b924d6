//! The suite's one error type and exit-code policy.
//!
//! Exit codes (README "Exit codes"): 0 all good, 1 the command ran and found
//! problems at or above the threshold, 2 it could not run.

use std::path::PathBuf;
use std::time::Duration;

/// How a `kubectl dp` command ended, as the shell sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Ran, and found nothing at or above the threshold.
    Ok,
    /// Ran, and found problems at or above the threshold (or a check did not pass).
    Problems,
    /// Could not run: bad flag, no cluster, timeout, forbidden for everything.
    Failed,
}

impl Exit {
    /// The worse of two outcomes (Failed over Problems over Ok).
    pub fn worst(self, other: Exit) -> Exit {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }

    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Problems => 1,
            Exit::Failed => 2,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

/// Everything that stops a command from running. Each message is one line that
/// names the object and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The kubeconfig file could not be read or parsed.
    #[error("could not read kubeconfig {path}: {reason}; pass --kubeconfig or set KUBECONFIG")]
    Kubeconfig {
        /// The file.
        path: String,
        /// Why, in one line.
        reason: String,
    },

    /// No kubeconfig and not in a pod.
    #[error(
        "no cluster configured: no kubeconfig found and not running in a pod; pass --kubeconfig or set KUBECONFIG"
    )]
    NoConfig,

    /// The kubeconfig or a flag names something unusable (context, certificates).
    #[error("{0}")]
    Config(String),

    /// The API server could not be reached.
    #[error(
        "could not reach the API server at {server}: {reason}; check --context/--kubeconfig and that the cluster is up"
    )]
    Unreachable {
        /// The API server's URL.
        server: String,
        /// The innermost cause (`connection refused`).
        reason: String,
    },

    /// The API server did not answer within `--request-timeout`.
    #[error(
        "the API server at {server} did not answer within {timeout:?}; raise --request-timeout or check the cluster"
    )]
    Timeout {
        /// The API server's URL.
        server: String,
        /// The limit that passed.
        timeout: Duration,
    },

    /// A response was larger than the suite reads (see SECURITY.md, "Limits").
    #[error("{what} was larger than {limit}, the most kubectl-dp reads; {hint}")]
    TooLarge {
        /// Which response.
        what: String,
        /// The cap, in words (`256 MiB`).
        limit: String,
        /// What to do about it.
        hint: String,
    },

    /// The server answered 404 for a path every Kubernetes API server serves.
    #[error(
        "{server} answered 404 Not Found for {path}, which every Kubernetes API server serves: it is not a Kubernetes API server, or the server URL has a wrong path; check --server/--context and the kubeconfig's clusters[].cluster.server"
    )]
    NotKubernetes {
        /// The server's URL.
        server: String,
        /// The path that was not found (`/api/v1/pods`).
        path: String,
    },

    /// The credentials were rejected (401).
    #[error(
        "the API server at {server} rejected our credentials (401 Unauthorized); refresh them (e.g. log in again) or pick another --context"
    )]
    Unauthorized {
        /// The API server's URL.
        server: String,
    },

    /// RBAC forbade a request the command cannot do without (403).
    #[error(
        "forbidden: {user} cannot {verb} {resource}{scope}; {}",
        rbac_hint(verb)
    )]
    Forbidden {
        /// Who asked.
        user: String,
        /// The verb (`list`, `get`, `patch`).
        verb: String,
        /// What (`configmaps`, `configmap/x`).
        resource: String,
        /// ` in namespace x`, or empty.
        scope: String,
    },

    /// A named object does not exist.
    #[error("{kind} {name} not found{scope}; list them with `{hint}`")]
    NotFound {
        /// Its kind.
        kind: String,
        /// Its name.
        name: String,
        /// ` in namespace x`, or empty.
        scope: String,
        /// The command that lists what exists.
        hint: String,
    },

    /// A namespace that does not exist (often a typo).
    #[error("namespace {name} not found; {}", did_you_mean(suggestion.as_deref(), "`kubectl get namespaces` lists them"))]
    NoNamespace {
        /// What was typed (or the context's namespace).
        name: String,
        /// The closest existing namespace, when one is close.
        suggestion: Option<String>,
    },

    /// A named object does not exist, with the closest existing name when one is close.
    #[error("{kind} {name} not found in namespace {namespace}; {}", did_you_mean(suggestion.as_deref(), list))]
    NoSuchObject {
        /// Its kind (`ObjectBucketClaim`).
        kind: String,
        /// What was typed.
        name: String,
        /// Where it was looked for.
        namespace: String,
        /// The closest existing name, when one is close.
        suggestion: Option<String>,
        /// How to list what exists (`` `kubectl dp buckets list -n x` lists them ``).
        list: String,
    },

    /// The namespace exists but holds none of what the command works on.
    #[error("namespace {namespace} holds no {what}; {hint}")]
    NothingHere {
        /// The namespace.
        namespace: String,
        /// What the command works on (`ObjectBucketClaims`).
        what: String,
        /// What to do, naming the namespace that holds it when one is known.
        hint: String,
    },

    /// The API server refused or failed one request.
    #[error("{what} failed: {reason}")]
    Api {
        /// The request (`patch configmap/x`).
        what: String,
        /// The API server's message.
        reason: String,
    },

    /// A list the command cannot do without could not be read
    /// ([`crate::kube::Listing::require`]).
    #[error("could not list {what} in {scope}: {reason}; {hint}")]
    Unreadable {
        /// What was listed (`configmaps`).
        what: String,
        /// Where (`namespace data-platform`, `all namespaces`).
        scope: String,
        /// Why, in one line.
        reason: String,
        /// What to do about it.
        hint: String,
    },

    /// An input file (manifests, kustomization) is unreadable or invalid.
    #[error("{path}: {reason}")]
    Input {
        /// The file.
        path: PathBuf,
        /// What is wrong, in one line.
        reason: String,
    },

    /// Flags that cannot work together, or a value clap could not check.
    #[error("{0}")]
    Usage(String),

    /// A server-side apply would take fields another field manager owns (409).
    #[error(
        "{object} not applied: {fields} managed by {managers}; pass --force-conflicts to take ownership (or change the value where {managers} sets it)"
    )]
    Conflict {
        /// The object (`ConfigMap ns/name`).
        object: String,
        /// The other field managers, quoted and joined (`"flux"`).
        managers: String,
        /// The contested fields, joined (`.data.config.properties`).
        fields: String,
    },

    /// A create met an object of the same name: nothing was replaced.
    #[error("{object} exists already: {hint}")]
    Exists {
        /// The object (`ObjectBucketClaim ns/name`).
        object: String,
        /// What happened and what to do.
        hint: String,
    },

    /// A write carried the resourceVersion it was decided on, and the object
    /// changed since: nothing was written.
    #[error("{object} changed since it was read: {hint}")]
    Changed {
        /// The object (`ConfigMap ns/name`).
        object: String,
        /// What happened and what to do.
        hint: String,
    },

    /// One write of several failed; the ones before it were taken back.
    #[error("{cause}{undone}")]
    Undone {
        /// The write that failed.
        cause: Box<Error>,
        /// `; undone: …` (and what could not be), from [`crate::kube::Undone::describe`].
        undone: String,
    },

    /// Writing the output failed (a closed pipe is not reported).
    #[error("could not write output: {0}")]
    Output(#[from] std::io::Error),
}

/// `did you mean x? (how to list them)`, or just how to list them.
fn did_you_mean(suggestion: Option<&str>, list: &str) -> String {
    match suggestion {
        Some(name) => format!("did you mean {name}? ({list})"),
        None => list.to_string(),
    }
}

/// The ClusterRole that grants `verb` (deploy/rbac/), as the end of a forbidden error.
pub(crate) fn rbac_hint(verb: &str) -> String {
    if matches!(verb, "get" | "list" | "watch") {
        "needs deploy/rbac/kubectl-dp-read.yaml (the read-only role), or narrow the scope with -n"
            .into()
    } else {
        "needs deploy/rbac/kubectl-dp-write.yaml (the role of the mutating commands)".into()
    }
}

/// The suite's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A broken pipe (`| head`) is not an error worth a message.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
