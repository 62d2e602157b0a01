//! Parsing cost on in-memory bodies, through the public readers of recorded answers:
//! FlexibleSearch JSON of 10,000 and 100,000 rows x 5 columns into the typed result
//! (throughput in bytes of JSON) and an ImpEx result page. The cost of reading the CSRF
//! token from HAC's 270 KB dashboard is measured by the `roundtrips` bench (a login landing
//! there beside one landing on the small home page).
//!
//! `cargo bench --bench parse`; peak memory is measured by `examples/parse_memory.rs`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hac_client::{FlexibleSearchResult, ImpexResult};

use hac_fake::pages::{self, ImpexOutcome};

/// A masked token as 2211.38 puts it on pages.
const TOKEN: &str = "x8KJm2b0QyY7cVdQ3nJrS1WpU9aZtE4fHg6LkXoN2iBqRvD5wCs8Tj0Ye7Mu1Pl3Fh9Gd4Ka6Zx2Nc5Vb8Qm0Rt3Wy7Ue1Io4";

fn bench_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.measurement_time(Duration::from_secs(3));
    for rows in [10_000usize, 100_000] {
        let body = hac_fake::flexsearch_body(rows);
        g.throughput(Throughput::Bytes(body.len() as u64));
        if rows >= 100_000 {
            g.sample_size(20);
        }
        g.bench_function(format!("flexsearch_{rows}_rows"), |b| {
            b.iter_batched(
                || body.clone(),
                |body| {
                    let r = FlexibleSearchResult::from_json(body).unwrap();
                    assert_eq!(r.len(), rows);
                    r
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.sample_size(100);
    for (name, success) in [
        ("impex_import_success", true),
        ("impex_import_error", false),
    ] {
        let outcome = ImpexOutcome::Import {
            success,
            text: if success {
                String::new()
            } else {
                "INSERT_UPDATE Product;code[unique=true]\n,,,,line 2 at main script: cannot resolve value 'x';x\n".into()
            },
        };
        let page = pages::impex_import(
            "/hac",
            TOKEN,
            "admin",
            "INSERT_UPDATE Product;code[unique=true]\n;x",
            "1",
            &outcome,
        );
        g.throughput(Throughput::Bytes(page.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| black_box(ImpexResult::from_html(page.clone(), false).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
