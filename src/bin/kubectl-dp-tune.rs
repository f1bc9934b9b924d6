use kubectl_dp::{cli, tune};
use std::io::Write;

fn main() -> std::process::ExitCode {
    let args: tune::Args = cli::parse();
    cli::execute(|mut out| async move {
        let exit = tune::run(args, &mut out).await?;
        out.flush()?;
        Ok(exit)
    })
}
