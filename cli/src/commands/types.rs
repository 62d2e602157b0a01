//! `hac type`, `hac types` (HAC's ImpEx editor lookups) and `hac pk` (the PK analyzer).

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use hac_client::HacClient;

use super::TextOutput;
use crate::failure::{Exit, usage};
use crate::output::Out;
use crate::output::format::TextFormat;
use crate::safety::{Intent, Operation};

/// `hac type CODE`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac type Product
  hac type Order -o json")]
pub struct TypeArgs {
    /// The type's code, e.g. Product (case-insensitive)
    pub code: String,
    #[command(flatten)]
    pub output: TextOutput,
}

impl TypeArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::TypeInfo)
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        type_info(hac, out, &self.code, self.output.format)
    }
}

/// `hac types [PREFIX]`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac types Prod
  hac types -o json | jq length")]
pub struct TypesArgs {
    /// Case-insensitive prefix of the type codes
    pub prefix: Option<String>,
    #[command(flatten)]
    pub output: TextOutput,
}

impl TypesArgs {
    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        types(
            hac,
            out,
            self.prefix.as_deref().unwrap_or(""),
            self.output.format,
        )
    }
}

/// `hac pk PK`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac pk 8796093054977
  hac pk 8796093054977 -o json")]
pub struct PkArgs {
    /// The PK, e.g. 8796093054977
    pub pk: String,
    #[command(flatten)]
    pub output: TextOutput,
}

impl PkArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::PkInfo)
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        pk(hac, out, &self.pk, self.output.format)
    }
}

fn type_info(hac: &HacClient, out: &mut Out, code: &str, format: TextFormat) -> Result<Exit> {
    if code.contains(['%', '_']) {
        return Err(usage(format!(
            "{code:?}: give the type's code without wildcards (HAC would match it with LIKE)"
        )));
    }
    let Some(attributes) = hac
        .type_attributes(code)
        .context("reading the type's attributes")?
    else {
        return Err(usage(format!(
            "there is no type {code} (list them with hac types {})",
            code.chars().take(3).collect::<String>()
        )));
    };
    if format == TextFormat::Json {
        out.json(&serde_json::json!({"type": code, "attributes": attributes}))?;
        return Ok(Exit::Success);
    }
    let w = out.stdout();
    for a in &attributes {
        writeln!(w, "{a}")?;
    }
    Ok(Exit::Success)
}

fn types(hac: &HacClient, out: &mut Out, prefix: &str, format: TextFormat) -> Result<Exit> {
    let list = hac.types(prefix).context("reading the types")?;
    if format == TextFormat::Json {
        out.json(&list)?;
        return Ok(Exit::Success);
    }
    if list.is_empty() {
        out.note(format_args!("hac: no type starts with {prefix:?}"));
    }
    let w = out.stdout();
    for t in &list {
        writeln!(w, "{t}")?;
    }
    Ok(Exit::Success)
}

fn pk(hac: &HacClient, out: &mut Out, pk: &str, format: TextFormat) -> Result<Exit> {
    let info = hac.analyze_pk(pk.trim()).context("analyzing the PK")?;
    if format == TextFormat::Json {
        out.json(&info)?;
        return Ok(Exit::Success);
    }
    let w = out.stdout();
    writeln!(w, "pk          {}", info.pk_string)?;
    writeln!(
        w,
        "type        {} (type code {})",
        info.pk_composed_type_code.as_deref().unwrap_or("?"),
        info.pk_type_code
    )?;
    writeln!(
        w,
        "created     {}",
        info.pk_creation_date.as_deref().unwrap_or("")
    )?;
    writeln!(w, "cluster id  {}", info.pk_cluster_id)?;
    Ok(Exit::Success)
}
