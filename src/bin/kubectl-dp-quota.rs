//! `kubectl-dp-quota`: what kubectl runs for `kubectl dp quota`; hands over to
//! `kubectl-dp quota` (see `launcher`).

#[path = "launcher/mod.rs"]
mod launcher;

fn main() -> std::process::ExitCode {
    launcher::hand_over("quota")
}
