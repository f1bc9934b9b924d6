use kubectl_dp::{cli, status};
use std::io::Write;

fn main() -> std::process::ExitCode {
    let args: status::Args = cli::parse();
    cli::execute(|mut out| async move {
        let exit = status::run(args, &mut out).await?;
        out.flush()?;
        Ok(exit)
    })
}
