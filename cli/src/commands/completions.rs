//! `hac completions SHELL` and `hac man`: generated from the command definitions, so they
//! never drift from the real options.

use anyhow::Result;
use clap::CommandFactory;

use crate::args::Cli;
use crate::failure::Exit;
use crate::output::Out;

pub fn completions(out: &mut Out, shell: clap_complete::Shell) -> Result<Exit> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "hac", out.stdout());
    Ok(Exit::Success)
}

pub fn man(out: &mut Out) -> Result<Exit> {
    clap_mangen::Man::new(Cli::command()).render(out.stdout())?;
    Ok(Exit::Success)
}
