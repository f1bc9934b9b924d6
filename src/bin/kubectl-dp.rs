//! `kubectl dp`: the suite in one binary. It runs every command itself, and
//! answers to its other names (`kubectl-dp-status`, `kubectl_complete-dp-status`)
//! when linked under them.

fn main() -> std::process::ExitCode {
    kubectl_dp::suite::main(std::env::args_os().collect())
}
