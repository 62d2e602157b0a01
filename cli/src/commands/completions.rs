//! `hac completions SHELL` and `hac man`: generated from the command definitions, so they
//! never drift from the real options.

use anyhow::Result;
use clap::{Args, CommandFactory};

use crate::cli::Cli;
use crate::failure::Exit;
use crate::output::Out;

/// `hac completions SHELL`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac completions bash > /etc/bash_completion.d/hac
  hac completions zsh > \"${fpath[1]}/_hac\"")]
pub struct CompletionsArgs {
    /// The shell
    pub shell: clap_complete::Shell,
}

impl CompletionsArgs {
    pub fn run(&self, out: &mut Out) -> Result<Exit> {
        let mut cmd = Cli::command();
        // Into memory first: clap_complete panics on a closed pipe (`| head`), we do not.
        let mut script = Vec::new();
        clap_complete::generate(self.shell, &mut cmd, "hac", &mut script);
        std::io::Write::write_all(out.stdout(), &script)?;
        Ok(Exit::Success)
    }
}

pub fn man(out: &mut Out) -> Result<Exit> {
    clap_mangen::Man::new(Cli::command()).render(out.stdout())?;
    Ok(Exit::Success)
}
