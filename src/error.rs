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
    #[error("could not read kubeconfig {path}: {reason}; pass --kubeconfig or set KUBECONFIG")]
    Kubeconfig { path: String, reason: String },

    #[error(
        "no cluster configured: no kubeconfig found and not running in a pod; pass --kubeconfig or set KUBECONFIG"
    )]
    NoConfig,

    #[error("{0}")]
    Config(String),

    #[error(
        "could not reach the API server at {server}: {reason}; check --context/--kubeconfig and that the cluster is up"
    )]
    Unreachable { server: String, reason: String },

    #[error(
        "the API server at {server} did not answer within {timeout:?}; raise --request-timeout or check the cluster"
    )]
    Timeout { server: String, timeout: Duration },

    #[error(
        "the API server at {server} rejected our credentials (401 Unauthorized); refresh them (e.g. log in again) or pick another --context"
    )]
    Unauthorized { server: String },

    #[error(
        "forbidden: {user} cannot {verb} {resource}{scope}; ask for read access (RBAC) or narrow the scope with -n"
    )]
    Forbidden {
        user: String,
        verb: String,
        resource: String,
        scope: String,
    },

    #[error("{kind} {name} not found{scope}; list them with `{hint}`")]
    NotFound {
        kind: String,
        name: String,
        scope: String,
        hint: String,
    },

    #[error("{what} failed: {reason}")]
    Api { what: String, reason: String },

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

    #[error("{path}: {reason}")]
    Input { path: PathBuf, reason: String },

    #[error("{0}")]
    Usage(String),

    #[error("could not write output: {0}")]
    Output(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A broken pipe (`| head`) is not an error worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
