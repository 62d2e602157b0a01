//! Parsing cost on in-memory bodies: the CSRF token from a 1 KB login page and a 270 KB
//! dashboard, FlexibleSearch JSON of 10,000 and 100,000 rows x 5 columns into the typed
//! result (throughput in bytes of JSON), and an ImpEx result page.
//!
//! `cargo bench --bench parse`; peak memory is measured by `examples/parse_memory.rs`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hac_client::bench_support;

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .replace("{{CSRF}}", "6a1c1b0e-4a7e-4a0f-9f0e-1f2b3c4d5e6f")
        .replace("{{CTX}}", "/hac")
}

fn bench_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.measurement_time(Duration::from_secs(3));
    for (name, file) in [
        ("csrf_login_page", "login.html"),
        ("csrf_dashboard_270k", "dashboard_large.html"),
    ] {
        let page = fixture(file);
        g.throughput(Throughput::Bytes(page.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| black_box(bench_support::csrf_token(black_box(&page)).expect("token")))
        });
    }
    for rows in [10_000usize, 100_000] {
        let body = fake_hac::flexsearch_body(rows);
        g.throughput(Throughput::Bytes(body.len() as u64));
        if rows >= 100_000 {
            g.sample_size(20);
        }
        g.bench_function(format!("flexsearch_{rows}_rows"), |b| {
            b.iter_batched(
                || body.clone(),
                |body| {
                    let r = bench_support::flexsearch(body).unwrap();
                    assert_eq!(r.len(), rows);
                    r
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.sample_size(100);
    for file in ["impex_import_success.html", "impex_import_error.html"] {
        let page = fixture(file);
        g.throughput(Throughput::Bytes(page.len() as u64));
        g.bench_function(file.trim_end_matches(".html"), |b| {
            b.iter(|| black_box(bench_support::impex(page.clone()).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
