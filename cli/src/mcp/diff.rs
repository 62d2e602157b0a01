//! `diff`: what differs between this server and another profile's (configuration, type
//! system, extensions, update data), in one call. Read-only: it reads with operations
//! classed as reads on both sides, through the blocking client on a worker thread.

use std::collections::BTreeMap;

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use super::outputs::{Cut, DiffOutput};
use super::{Answer, HacMcp, object};
use crate::commands::diff::What;
use crate::commands::diff::compare;

/// Arguments of `diff`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DiffArgs {
    /// Another profile of the configuration file (for example `staging`); this server is compared with it.
    pub other: String,
    /// What to compare: `config` (properties; secret-looking values are compared, never shown), `types` (composed types and their attributes), `extensions`, or `patches` (project data and pending patches).
    pub what: String,
    /// With `config` or `types`: only keys or type codes starting with this.
    pub prefix: Option<String>,
}

/// This server's blocking client, and the options to resolve another profile with.
pub struct Others {
    pub here: hac_client::blocking::HacClient,
    pub global: crate::global::Global,
}

impl HacMcp {
    /// This server's client and the other profile's, the other resolved from the
    /// configuration file and guarded (a diff reads only).
    fn diff_clients(
        &self,
        other: &str,
    ) -> anyhow::Result<(
        hac_client::blocking::HacClient,
        hac_client::blocking::HacClient,
    )> {
        use crate::config::settings::{Settings, Targets};
        let others = self
            .diff
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("diff is not available on this server"))?;
        let file = crate::config::file::ConfigFile::load()?;
        if !file.profiles.contains_key(other) {
            return Err(crate::failure::usage(format!(
                "{other:?} is not a profile of the configuration file"
            )));
        }
        // The options as `hac` parses them (environment variables included), for the
        // settings' sources; no command-line arguments of its own.
        let matches = crate::cli::command()
            .try_get_matches_from(["hac", "help"])
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let settings = Settings::resolve_for(
            &others.global,
            &matches,
            &file,
            Some(other),
            Targets::Several,
        )?;
        crate::connect::server_url(&settings)?;
        crate::safety::guard::check(
            &settings,
            &crate::safety::Intent::new(crate::safety::Operation::Diff),
            false,
        )?;
        let client = crate::connect::client_with(
            &settings,
            &others.global,
            None,
            &crate::connect::Overrides::default(),
            None,
        )?;
        Ok((others.here.clone(), client))
    }
}

#[tool_router(router = diff_router, vis = "pub(super)")]
impl HacMcp {
    /// What differs between this server and another profile's.
    #[tool(
        description = "Compare this SAP Commerce server with another environment (a profile of the configuration file, e.g. staging): configuration properties, the type system, extensions or pending patches. Returns only_here (keys only this server has), only_other, and changed (with both values). Read-only on both servers."
    )]
    async fn diff(
        &self,
        Parameters(args): Parameters<DiffArgs>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("diff", &args, async {
            let prefix = args.prefix.clone().unwrap_or_default();
            let what = match args.what.as_str() {
                "config" => What::Config(prefix),
                "types" => What::Types(prefix),
                "extensions" => What::Extensions,
                "patches" => What::Patches,
                other => {
                    return Answer::Error(format!(
                        "what {other:?} is not compared: use config, types, extensions or patches"
                    ));
                }
            };
            let (here, other) = match self.diff_clients(&args.other) {
                Ok(pair) => pair,
                Err(e) => return Answer::Error(crate::failure::one_line(&e)),
            };
            let name = what.name().to_owned();
            let read = tokio::task::spawn_blocking(move || {
                let a = crate::commands::diff::read::read_map(&here, &what)?;
                let b = crate::commands::diff::read::read_map(&other, &what)?;
                Ok::<(BTreeMap<String, String>, BTreeMap<String, String>), anyhow::Error>((a, b))
            })
            .await;
            let (a, b) = match read {
                Ok(Ok(pair)) => pair,
                Ok(Err(e)) => return Answer::Error(crate::failure::one_line(&e)),
                Err(_) => return Answer::Error("the comparison stopped".into()),
            };
            let secret = name == "config";
            let section = compare::maps(&a, &b, |k| secret && compare::secret_key(k));
            let output = object(&DiffOutput {
                what: name,
                other: args.other.clone(),
                equal: section.is_equal(),
                only_here: section.only_a.into_iter().map(Into::into).collect(),
                only_other: section.only_b.into_iter().map(Into::into).collect(),
                changed: section.changed.into_iter().map(Into::into).collect(),
                cut: Cut::default(),
            });
            output.map_or_else(Answer::Error, Answer::Ok)
        })
        .await
    }
}
