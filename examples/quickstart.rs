//! Logs in to HAC and runs Groovy, FlexibleSearch, ImpEx and the update-data read.
//!
//! Without configuration it starts the bundled fake HAC on loopback, so it runs on any
//! machine. To talk to a real server set `HAC_URL`, `HAC_USER` and `HAC_PASSWORD`
//! (optionally `HAC_CONTEXT_PATH`, `HAC_ENV`, and `HAC_CA_CERT` with the path of the
//! server's certificate or CA to trust: the variables `hac` reads). A second run resumes the first one's session
//! without logging in.
//!
//! ```text
//! cargo run --example quickstart
//! HAC_URL=https://localhost:9002 HAC_USER=admin HAC_PASSWORD=... cargo run --example quickstart
//! ```

use anyhow::{Context, Result};
use hac_client::{
    EnvCredentials, FileStore, FlexibleSearch, HacClient, ImpexImport, ValidationMode,
};

fn main() -> Result<()> {
    // Kept alive until the end of main: dropping it stops the fake server.
    let mut _fake = None;
    let mut _scratch = None;
    let hac = match std::env::var("HAC_URL") {
        Ok(url) => {
            let mut b = HacClient::builder(url)
                .credentials(EnvCredentials::default())
                .environment(std::env::var("HAC_ENV").unwrap_or_else(|_| "local".into()))
                .session_persistence(true);
            if let Ok(ctx) = std::env::var("HAC_CONTEXT_PATH") {
                b = b.context_path(ctx);
            }
            if let Ok(path) = std::env::var("HAC_CA_CERT") {
                b = b.add_root_certificate(std::fs::read(&path).with_context(|| path.clone())?);
            }
            b.build()?
        }
        Err(_) => {
            let hac = hac_fake::FakeHac::start();
            println!(
                "started the fake HAC (SAP Commerce {}) at {}",
                hac.profile(),
                hac.url()
            );
            // A private session directory so that demo runs do not fill the user's cache.
            let dir = std::env::temp_dir().join(format!("hac-quickstart-{}", std::process::id()));
            let client = HacClient::builder(hac.url())
                .credentials(hac_client::BasicCredentials::new(
                    hac_fake::ADMIN.0,
                    hac_fake::ADMIN.1,
                ))
                .session_store(FileStore::new(&dir)?)
                .build()?;
            _fake = Some(hac);
            _scratch = Some(Scratch(dir));
            client
        }
    };

    // Resumes a stored session without a request, or logs in.
    let resumed = hac.is_logged_in();
    hac.connect().context("connect")?;
    println!(
        "{} (context path {:?})",
        if resumed {
            "resumed the stored session"
        } else {
            "logged in"
        },
        hac.context_path().unwrap_or_default()
    );

    let groovy = hac
        .execute_groovy("println 'hello from groovy'\nreturn 42")?
        .into_result()?;
    println!(
        "groovy: output {:?}, result {:?}",
        groovy.output, groovy.result
    );

    let result = hac
        .flexible_search(
            FlexibleSearch::new("SELECT {pk}, {code}, {name} FROM {Product}").max_rows(5),
        )?
        .into_result()?;
    println!("flexsearch: {} of {} rows", result.len(), result.count);
    for row in result.rows() {
        println!(
            "  {:<16} {:<8} {}",
            row.get_index(0).unwrap_or("NULL"),
            row.get("code").unwrap_or("NULL"),
            row.get("name").unwrap_or("NULL")
        );
    }

    let script = "INSERT_UPDATE Language;isocode[unique=true];active\n;de;true";
    let check = hac
        .validate_impex(ImpexImport::new(script).validation_mode(ValidationMode::Strict))?
        .into_result()?;
    println!("impex validate: {} ({})", check.summary, check.level);
    let import = hac.import_impex(script)?.into_result()?;
    println!("impex import: {} ({})", import.summary, import.level);

    let data = hac.update_data()?;
    println!(
        "update data: {} extensions with project data, initializing: {}",
        data.project_data.len(),
        data.is_initializing
    );
    let patches = hac.pending_patches()?;
    println!("pending patches: {}", patches.len());
    println!("done");
    Ok(())
}

/// Removes the demo's session directory.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
