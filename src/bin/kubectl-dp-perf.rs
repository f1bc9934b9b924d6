//! Placeholder until its issue lands: says so plainly and exits 2.

fn main() -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!("kubectl-dp-perf {}", env!("CARGO_PKG_VERSION"));
        return std::process::ExitCode::SUCCESS;
    }
    eprintln!(
        "error: {}",
        kubectl_dp::Error::NotBuilt {
            command: "perf".into()
        }
    );
    kubectl_dp::Exit::Failed.into()
}
