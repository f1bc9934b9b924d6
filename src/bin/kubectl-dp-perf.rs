use kubectl_dp::{cli, perf};
use std::io::Write;

fn main() -> std::process::ExitCode {
    let args: perf::Args = cli::parse();
    cli::execute(|mut out| async move {
        let exit = perf::run(args, &mut out).await?;
        out.flush()?;
        Ok(exit)
    })
}
