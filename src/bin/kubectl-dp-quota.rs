use kubectl_dp::{cli, quota};
use std::io::Write;

fn main() -> std::process::ExitCode {
    let args: quota::Args = cli::parse();
    cli::execute(|mut out| async move {
        let exit = quota::run(args, &mut out).await?;
        out.flush()?;
        Ok(exit)
    })
}
