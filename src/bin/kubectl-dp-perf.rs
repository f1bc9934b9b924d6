//! `kubectl-dp-perf`: what kubectl runs for `kubectl dp perf`; hands over to
//! `kubectl-dp perf` (see `launcher`).

#[path = "launcher/mod.rs"]
mod launcher;

fn main() -> std::process::ExitCode {
    launcher::hand_over("perf")
}
