//! `hac about` and `hac extensions`.

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use hac_client::HacClient;

use super::TextOutput;
use crate::failure::Exit;
use crate::output::Out;
use crate::output::format::TextFormat;
use crate::safety::{Intent, Operation};

/// `hac about`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac about
  hac --profiles dev,staging,prod about -o json")]
pub struct AboutArgs {
    #[command(flatten)]
    pub output: TextOutput,
}

impl AboutArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::About)
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        about(hac, out, self.output.format)
    }
}

/// `hac extensions`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac extensions
  hac extensions -o json | jq -r '.[].name'")]
pub struct ExtensionsArgs {
    #[command(flatten)]
    pub output: TextOutput,
}

impl ExtensionsArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::Extensions)
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        extensions(hac, out, self.output.format)
    }
}

fn about(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
    let a = hac.about().context("reading the platform version")?;
    if format == TextFormat::Json {
        out.json(&a)?;
        return Ok(Exit::Success);
    }
    let w = out.stdout();
    writeln!(w, "platform     {}", a.platform)?;
    writeln!(w, "server       {}", a.server)?;
    writeln!(w, "os           {}", a.os)?;
    writeln!(w, "cpus         {}", a.num_cpu)?;
    if let Some(env) = &a.environment {
        writeln!(w, "environment  {env}")?;
    }
    Ok(Exit::Success)
}

fn extensions(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
    let list = hac.extensions().context("reading the extensions")?;
    if format == TextFormat::Json {
        out.json(&list)?;
        return Ok(Exit::Success);
    }
    let width = list.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let w = out.stdout();
    for e in &list {
        let kind = if e.core { "core" } else { "custom" };
        let web = e.web_root.as_deref().unwrap_or("");
        writeln!(w, "{:width$}  {:10}  {kind:6}  {web}", e.name, e.version)?;
    }
    Ok(Exit::Success)
}
