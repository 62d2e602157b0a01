//! Measures, in one run against the fake HAC on loopback, what session reuse saves:
//! requests and time of a fresh login + call against a resumed session + call, and the
//! cost of the file store itself. Prints ratios, which are comparable across machines.
//!
//! ```text
//! cargo run --release --example benchmark [iterations]
//! ```

use std::time::{Duration, Instant};

use anyhow::Result;
use hac_client::{
    BasicCredentials, FileStore, FlexibleSearch, HacClient, HacConfig, SessionKey, SessionStore,
};
use hac_fake::{ADMIN, FakeHac};

fn main() -> Result<()> {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let hac = FakeHac::builder()
        .context_path("/hac")
        .route_cookie(true)
        .start();
    let dir = std::env::temp_dir().join(format!("hac-benchmark-{}", std::process::id()));
    let config = |persist: bool| -> Result<HacConfig> {
        let b = HacConfig::builder(hac.url())
            .credentials(BasicCredentials::new(ADMIN.0, ADMIN.1))
            .context_path("/hac");
        Ok(if persist {
            b.session_store(FileStore::new(&dir)?).build()?
        } else {
            b.session_persistence(false).build()?
        })
    };

    // 1. A new process-like client each time, no persistence: login + call.
    hac.reset_stats();
    let fresh = time(n, || {
        HacClient::new(config(false)?)?
            .execute_groovy("return 1")?
            .error_for_failure_ref()?;
        Ok(())
    })?;
    let fresh_requests = hac.stats().requests as f64 / n as f64;

    // 2. A new client each time that resumes the stored session: call only.
    HacClient::new(config(true)?)?.login()?;
    hac.reset_stats();
    let resumed = time(n, || {
        HacClient::new(config(true)?)?
            .execute_groovy("return 1")?
            .error_for_failure_ref()?;
        Ok(())
    })?;
    let resumed_requests = hac.stats().requests as f64 / n as f64;
    let logins = hac.stats().logins;

    // 3. One long-lived client: call only, nothing read from disk.
    let client = HacClient::new(config(false)?)?;
    client.login()?;
    let warm = time(n, || {
        client.execute_groovy("return 1")?.error_for_failure_ref()?;
        Ok(())
    })?;

    // 4. The file store alone.
    let store = FileStore::new(&dir)?;
    let key = SessionKey::new(hac.url(), ADMIN.0, "local");
    let session = store.load(&key)?.expect("stored session");
    let save = time(n, || Ok(store.save(&session)?))?;
    let load = time(n, || {
        store.load(&key)?;
        Ok(())
    })?;

    // 5. A large FlexibleSearch result (50 000 rows).
    let big = time(5, || {
        let r = client
            .flexible_search(FlexibleSearch::new("SELECT * FROM {Generated}").max_rows(50_000))?;
        assert_eq!(r.len(), 50_000);
        Ok(())
    })?;

    println!("iterations: {n}");
    println!(
        "fresh login + call : {:>9.1} µs, {fresh_requests:.1} requests",
        us(fresh)
    );
    println!(
        "resumed + call     : {:>9.1} µs, {resumed_requests:.1} requests, {logins} logins",
        us(resumed)
    );
    println!("warm client call   : {:>9.1} µs, 1.0 requests", us(warm));
    println!("file store save    : {:>9.1} µs", us(save));
    println!("file store load    : {:>9.1} µs", us(load));
    println!("flexsearch 50k rows: {:>9.1} µs", us(big));
    println!();
    println!(
        "ratio fresh / resumed time     : {:.2}",
        us(fresh) / us(resumed)
    );
    println!(
        "ratio fresh / resumed requests : {:.2}",
        fresh_requests / resumed_requests
    );
    println!(
        "ratio resumed / warm time      : {:.2}",
        us(resumed) / us(warm)
    );
    println!(
        "ratio (save + load) / fresh    : {:.3}",
        (us(save) + us(load)) / us(fresh)
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn time(n: u32, mut f: impl FnMut() -> Result<()>) -> Result<Duration> {
    f()?; // warm-up
    let start = Instant::now();
    for _ in 0..n {
        f()?;
    }
    Ok(start.elapsed() / n)
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
