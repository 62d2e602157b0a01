//! The client's own cost, each beside the floor it is judged against, measured in one run
//! against the fake HAC on loopback (plain HTTP):
//!
//! * `login`: a full fresh login (login page, POST, redirect GET) against the same three
//!   exchanges done with a bare ureq agent: no HTML parsing, no cookie jar.
//! * `cache`: a session save + load through the file store (with and without the MAC) and
//!   the memory store, against `std::fs` write + rename + read of the same session with
//!   `serde_json`.
//! * `resume`: a FlexibleSearch call from a new client resuming a cached session (load +
//!   one POST) against the same POST sent by a new bare agent.
//!
//! `cargo bench --bench roundtrips`; the README has the targets and the latest ratios.

use std::hint::black_box;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use hac_client::{
    BasicCredentials, FileStore, FlexibleSearch, HacClient, HacConfig, MemoryStore, SessionKey,
    SessionStore, StoredSession,
};
use hac_fake::{ADMIN, FakeHac};
use ureq::Agent;

const QUERY: &str = "SELECT {pk}, {code}, {name}, {description} FROM {Product}";

fn config(hac: &FakeHac) -> hac_client::HacConfigBuilder {
    HacConfig::builder(hac.url())
        .credentials(BasicCredentials::new(ADMIN.0, ADMIN.1))
        .context_path("/hac")
}

/// A bare agent as a script would use it: no redirects, statuses are not errors.
fn bare_agent() -> Agent {
    Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .new_agent()
}

fn read_body(resp: &mut ureq::http::Response<ureq::Body>) -> String {
    let mut s = String::new();
    resp.body_mut()
        .as_reader()
        .read_to_string(&mut s)
        .expect("body");
    s
}

/// `name=value` of the first Set-Cookie, as a script would carry it by hand.
fn first_cookie(resp: &ureq::http::Response<ureq::Body>) -> String {
    let v = resp.headers()["set-cookie"].to_str().expect("ascii");
    v.split(';').next().expect("pair").to_owned()
}

/// The three login exchanges with the least work a script can get away with: the token
/// by substring search, the cookie carried by hand.
fn raw_login(agent: &Agent, base: &str) -> String {
    let mut page = agent
        .get(format!("{base}/hac/login"))
        .call()
        .expect("login page");
    let cookie = first_cookie(&page);
    let body = read_body(&mut page);
    let marker = "name=\"_csrf\" value=\"";
    let at = body.find(marker).expect("token") + marker.len();
    let token = &body[at..at + body[at..].find('"').expect("end")];
    let form = format!(
        "j_username={}&j_password={}&_csrf={token}",
        ADMIN.0, ADMIN.1
    );
    let posted = agent
        .post(format!("{base}/hac/j_spring_security_check"))
        .header("Cookie", &cookie)
        .content_type("application/x-www-form-urlencoded")
        .send(form.as_bytes())
        .expect("login post");
    assert_eq!(posted.status(), 302);
    let session = first_cookie(&posted);
    let location = posted.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let target = if location.starts_with("http") {
        location
    } else {
        format!("{base}{location}")
    };
    let mut landing = agent
        .get(target)
        .header("Cookie", &session)
        .call()
        .expect("landing");
    black_box(read_body(&mut landing));
    session
}

fn bench_login(c: &mut Criterion) {
    let hac = FakeHac::builder().context_path("/hac").start();
    let base = hac.url();
    let mut g = c.benchmark_group("login");
    g.sample_size(100).measurement_time(Duration::from_secs(4));
    g.bench_function("client", |b| {
        b.iter(|| {
            let client =
                HacClient::new(config(&hac).session_persistence(false).build().unwrap()).unwrap();
            client.login().unwrap();
            black_box(client);
        })
    });
    g.bench_function("raw_floor", |b| {
        b.iter(|| black_box(raw_login(&bare_agent(), &base)))
    });
    // The login lands on HAC's home page, where the client reads the fresh token: the
    // 270 KB dashboard of a big installation against the small one above.
    let large = FakeHac::builder()
        .context_path("/hac")
        .large_dashboard(true)
        .start();
    g.bench_function("client_large_dashboard", |b| {
        b.iter(|| {
            let client =
                HacClient::new(config(&large).session_persistence(false).build().unwrap()).unwrap();
            client.login().unwrap();
            black_box(client);
        })
    });
    g.finish();
}

/// A real session (JSESSIONID and ROUTE cookies, token) taken from a login.
fn real_session(hac: &FakeHac) -> (StoredSession, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let client = HacClient::new(
        config(hac)
            .environment("bench")
            .session_store(store.clone())
            .build()
            .unwrap(),
    )
    .unwrap();
    client.login().unwrap();
    let key = SessionKey::new(hac.url(), ADMIN.0, "bench");
    let session = store.load(&key).unwrap().expect("stored");
    (session, store)
}

fn fs_floor(dir: &Path, session: &StoredSession) -> StoredSession {
    let bytes = serde_json::to_vec(session).unwrap();
    let tmp = dir.join("floor.tmp");
    let path = dir.join("floor.json");
    std::fs::write(&tmp, &bytes).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

fn bench_cache(c: &mut Criterion) {
    let hac = FakeHac::builder()
        .context_path("/hac")
        .route_cookie(true)
        .start();
    let (session, _) = real_session(&hac);
    let key = session.key();
    let dir = tempfile::tempdir().unwrap();
    let with_mac = FileStore::new(dir.path().join("mac")).unwrap();
    let memory = MemoryStore::new();
    let floor_dir = dir.path().join("floor");
    std::fs::create_dir_all(&floor_dir).unwrap();

    let mut g = c.benchmark_group("cache");
    g.sample_size(100).measurement_time(Duration::from_secs(3));
    // What the MAC and the checks cost: file_store against fs_serde_floor (the same
    // file written and read back with serde, nothing else).
    let stores: [(&str, &dyn SessionStore); 2] =
        [("file_store", &with_mac), ("memory_store", &memory)];
    for (name, store) in stores {
        g.bench_function(name, |b| {
            b.iter(|| {
                store.save(black_box(&session)).unwrap();
                black_box(store.load(&key).unwrap().expect("loaded"))
            })
        });
    }
    g.bench_function("fs_serde_floor", |b| {
        b.iter(|| black_box(fs_floor(&floor_dir, black_box(&session))))
    });
    g.finish();
}

fn bench_resume(c: &mut Criterion) {
    let hac = FakeHac::builder()
        .context_path("/hac")
        .route_cookie(true)
        .start();
    let (session, store) = real_session(&hac);
    let store: Arc<dyn SessionStore> = store;
    let url = format!("{}/hac/console/flexsearch/execute", hac.url());
    // The session's cookies and token, from its serialized form (as a store sees them).
    let stored = serde_json::to_value(&session).unwrap();
    let cookies = stored["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let raw = c["raw_cookie"].as_str().unwrap();
            raw.split(';').next().unwrap().to_owned()
        })
        .collect::<Vec<_>>()
        .join("; ");
    let csrf_token = stored["csrf_token"].as_str().unwrap().to_owned();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("flexibleSearchQuery", QUERY)
        .append_pair("sqlQuery", "")
        .append_pair("maxCount", "200")
        .append_pair("locale", "en")
        .append_pair("commit", "false")
        .finish();

    let mut g = c.benchmark_group("resume");
    g.sample_size(100).measurement_time(Duration::from_secs(4));
    g.bench_function("client", |b| {
        b.iter(|| {
            let client = HacClient::new(
                config(&hac)
                    .environment("bench")
                    .session_store(store.clone())
                    .build()
                    .unwrap(),
            )
            .unwrap();
            let r = client.flexible_search(FlexibleSearch::new(QUERY)).unwrap();
            assert_eq!(r.len(), 6);
            black_box(r)
        })
    });
    g.bench_function("raw_post_floor", |b| {
        b.iter(|| {
            let mut resp = bare_agent()
                .post(&url)
                .header("Cookie", &cookies)
                .header("X-CSRF-TOKEN", &csrf_token)
                .header("Accept", "application/json")
                .content_type("application/x-www-form-urlencoded; charset=UTF-8")
                .send(form.as_bytes())
                .unwrap();
            assert_eq!(resp.status(), 200);
            black_box(read_body(&mut resp))
        })
    });
    g.finish();
}

criterion_group!(benches, bench_login, bench_cache, bench_resume);
criterion_main!(benches);
