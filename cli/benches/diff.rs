//! `hac diff`'s comparison on its own (no server): 10,000 configuration properties,
//! 3,000 composed types of 15 attributes each (as `hac diff ... types` flattens them), and a
//! merge of 100,000 keyed rows. The target is "well under a second" for each; criterion
//! reports the times.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

// The comparison is compiled from the tool's own source: it is self-contained for that.
#[allow(dead_code)]
#[path = "../src/commands/diff/compare.rs"]
mod compare;

/// `n` keys with values; every 20th value differs between the sides, and every 50th key
/// is on one side only.
fn sides(
    n: usize,
    key: impl Fn(usize) -> String,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut a = BTreeMap::new();
    let mut b = BTreeMap::new();
    for i in 0..n {
        let k = key(i);
        let v = format!("value-{i}-{}", "x".repeat(20));
        if i % 50 != 1 {
            a.insert(k.clone(), v.clone());
        }
        if i % 50 != 2 {
            b.insert(
                k,
                if i % 20 == 0 {
                    format!("{v}-changed")
                } else {
                    v
                },
            );
        }
    }
    (a, b)
}

fn bench(c: &mut Criterion) {
    let (a, b) = sides(10_000, |i| format!("project.module{}.property.{i}", i % 97));
    c.bench_function("config_10k_properties", |bench| {
        bench.iter(|| black_box(compare::maps(&a, &b, compare::secret_key)))
    });
    let (ta, tb) = sides(3_000 * 15, |i| {
        format!("Type{}.attribute{}", i / 15, i % 15)
    });
    c.bench_function("types_3k_of_15_attributes", |bench| {
        bench.iter(|| black_box(compare::maps(&ta, &tb, |_| false)))
    });
    let rows = |side: u8| -> Vec<Result<compare::Row, String>> {
        (0..100_000usize)
            .filter(|i| {
                let dropped = (side == 0 && i % 50 == 1) || (side == 1 && i % 50 == 2);
                !dropped
            })
            .map(|i| {
                let name = if side == 1 && i % 20 == 0 {
                    format!("changed {i}")
                } else {
                    format!("name {i}")
                };
                Ok((
                    format!("code-{i:07}"),
                    vec![Some(format!("code-{i:07}")), Some(name)],
                ))
            })
            .collect()
    };
    let (ra, rb) = (rows(0), rows(1));
    let columns = vec!["p_code".to_owned(), "p_name".to_owned()];
    c.bench_function("query_merge_100k_rows", |bench| {
        bench.iter(|| {
            let mut n = 0usize;
            compare::merge(ra.iter().cloned(), rb.iter().cloned(), &columns, |_| n += 1).unwrap();
            black_box(n)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
