//! Set-up shared by tests/rbac_roles.rs and tests/api_connection.rs: users bound
//! to the shipped Roles, commands run as them, and small servers and
//! kubeconfigs for connection edge cases.

use std::process::Output;

use super::*;

pub const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

pub const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");

pub const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

pub fn user(role: &str) -> String {
    format!(
        "dp-{role}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

pub fn show(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    )
}
