//! `kubectl-dp-status`: what kubectl runs for `kubectl dp status`; hands over to
//! `kubectl-dp status` (see `launcher`).

#[path = "launcher/mod.rs"]
mod launcher;

fn main() -> std::process::ExitCode {
    launcher::hand_over("status")
}
