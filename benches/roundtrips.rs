//! Login and session-cache round-trips against the fake HAC on loopback.
//!
//! `cargo bench` prints absolute times; compare within one run: a resumed session
//! (one request) against a fresh login (five requests plus three HTML parses), and the
//! file store's save/load against the HTTP round-trips it saves.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, criterion_group, criterion_main};
use fake_hac::{ADMIN, FakeHac};
use hac_client::{
    BasicCredentials, FileStore, HacClient, HacConfig, MemoryStore, SessionKey, SessionStore,
    StoredSession,
};

fn config(hac: &FakeHac) -> hac_client::HacConfigBuilder {
    HacConfig::builder(hac.url())
        .credentials(BasicCredentials::new(ADMIN.0, ADMIN.1))
        .context_path("/hac")
}

fn bench_login(c: &mut Criterion) {
    let hac = FakeHac::start();
    let mut g = c.benchmark_group("login");
    g.sample_size(30).measurement_time(Duration::from_secs(3));
    g.bench_function("fresh_login_then_groovy", |b| {
        b.iter(|| {
            let client =
                HacClient::new(config(&hac).session_persistence(false).build().unwrap()).unwrap();
            black_box(client.execute_groovy("return 1", false).unwrap());
        })
    });
    let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::new());
    HacClient::new(
        config(&hac)
            .session_store_arc(store.clone())
            .build()
            .unwrap(),
    )
    .unwrap()
    .login()
    .unwrap();
    g.bench_function("resumed_session_then_groovy", |b| {
        b.iter(|| {
            let client = HacClient::new(
                config(&hac)
                    .session_store_arc(store.clone())
                    .build()
                    .unwrap(),
            )
            .unwrap();
            black_box(client.execute_groovy("return 1", false).unwrap());
        })
    });
    g.finish();
}

fn bench_cache(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("hac-bench-{}", std::process::id()));
    let store = FileStore::new(&dir).unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let session = StoredSession {
        version: hac_client::SESSION_FORMAT_VERSION,
        base_url: "https://localhost:9002".into(),
        context_path: "/hac".into(),
        username: "admin".into(),
        environment: "local".into(),
        created_ms: now,
        last_used_ms: now,
        csrf_token: "6a1c1b0e-4a7e-4a0f-9f0e-1f2b3c4d5e6f".into(),
        csrf_header: "X-CSRF-TOKEN".into(),
        cookies: Vec::new(),
    };
    let key = SessionKey::new("https://localhost:9002", "admin", "local");
    let mut g = c.benchmark_group("cache");
    g.sample_size(50).measurement_time(Duration::from_secs(3));
    g.bench_function("file_store_save", |b| {
        b.iter(|| store.save(black_box(&session)).unwrap())
    });
    g.bench_function("file_store_load", |b| {
        b.iter(|| black_box(store.load(&key).unwrap().unwrap()))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench_login, bench_cache);
criterion_main!(benches);
