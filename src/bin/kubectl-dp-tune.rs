//! `kubectl-dp-tune`: what kubectl runs for `kubectl dp tune`; hands over to
//! `kubectl-dp tune` (see `launcher`).

#[path = "launcher/mod.rs"]
mod launcher;

fn main() -> std::process::ExitCode {
    launcher::hand_over("tune")
}
