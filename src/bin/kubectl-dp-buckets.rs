use kubectl_dp::{buckets, cli};
use std::io::Write;

fn main() -> std::process::ExitCode {
    let args: buckets::Args = cli::parse();
    cli::execute(|mut out| async move {
        let exit = buckets::run(args, &mut out).await?;
        out.flush()?;
        Ok(exit)
    })
}
