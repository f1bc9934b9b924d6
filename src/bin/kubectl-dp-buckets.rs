//! `kubectl-dp-buckets`: what kubectl runs for `kubectl dp buckets`; hands over to
//! `kubectl-dp buckets` (see `launcher`).

#[path = "launcher/mod.rs"]
mod launcher;

fn main() -> std::process::ExitCode {
    launcher::hand_over("buckets")
}
