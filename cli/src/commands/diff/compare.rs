//! The comparison itself, plain data in and out, no I/O: two keyed maps become a section
//! (only in A, only in B, changed), and two key-ordered row streams are merged without
//! holding either. Self-contained (nothing from the rest of the crate), so that the bench
//! (`cli/benches/diff.rs`) compiles this very file.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// What differs in one section (configuration, types, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Section {
    /// Keys only the first target has, with its value.
    pub only_a: Vec<Item>,
    /// Keys only the second target has, with its value.
    pub only_b: Vec<Item>,
    /// Keys both have with different values.
    pub changed: Vec<Change>,
    /// Keys whose value HAC shows masked (`*****`) on both sides: the real values cannot
    /// be compared, so "the same" does not cover them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub masked_by_hac: Vec<String>,
}

/// A key and its value on one side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub key: String,
    pub value: Value,
}

/// A key whose value differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub key: String,
    pub a: Value,
    pub b: Value,
}

impl Section {
    /// Nothing differs.
    pub fn is_equal(&self) -> bool {
        self.only_a.is_empty() && self.only_b.is_empty() && self.changed.is_empty()
    }
}

/// What is shown for a value that must not be printed.
pub const HIDDEN: &str = "(hidden: differs)";

/// Compares two maps; a key `secret` says yes to is compared but its values are never put
/// into the section (`HIDDEN` instead).
pub fn maps(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
    secret: impl Fn(&str) -> bool,
) -> Section {
    let mut s = Section::default();
    let shown = |key: &str, v: &str| {
        if secret(key) {
            Value::String(HIDDEN.into())
        } else {
            Value::String(v.to_owned())
        }
    };
    let (mut ia, mut ib) = (a.iter().peekable(), b.iter().peekable());
    loop {
        match (ia.peek(), ib.peek()) {
            (None, None) => break,
            (Some((ka, va)), None) => {
                s.only_a.push(Item {
                    key: (*ka).clone(),
                    value: shown(ka, va),
                });
                ia.next();
            }
            (None, Some((kb, vb))) => {
                s.only_b.push(Item {
                    key: (*kb).clone(),
                    value: shown(kb, vb),
                });
                ib.next();
            }
            (Some((ka, va)), Some((kb, vb))) => match ka.cmp(kb) {
                std::cmp::Ordering::Less => {
                    s.only_a.push(Item {
                        key: (*ka).clone(),
                        value: shown(ka, va),
                    });
                    ia.next();
                }
                std::cmp::Ordering::Greater => {
                    s.only_b.push(Item {
                        key: (*kb).clone(),
                        value: shown(kb, vb),
                    });
                    ib.next();
                }
                std::cmp::Ordering::Equal => {
                    if va == vb && masked(va) {
                        s.masked_by_hac.push((*ka).clone());
                    } else if va != vb {
                        s.changed.push(Change {
                            key: (*ka).clone(),
                            a: shown(ka, va),
                            b: shown(kb, vb),
                        });
                    }
                    ia.next();
                    ib.next();
                }
            },
        }
    }
    s
}

/// Whether HAC masked a value (its configuration page shows some as `*****`).
fn masked(v: &str) -> bool {
    v.len() >= 3 && v.bytes().all(|b| b == b'*')
}

/// Whether a configuration key looks like it holds a secret: its value is compared, never
/// shown.
pub fn secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "credential",
        "apikey",
        "api.key",
        "api_key",
        "private",
        "salt",
        "signature",
    ]
    .iter()
    .any(|w| k.contains(w))
        || k.ends_with(".key")
        || k.ends_with("_key")
        || k.ends_with("-key")
}

/// The cells of `row` at `indices` as a JSON object by column name (`column N` where the
/// answer named none), NULL as `null`.
pub fn cells_value(
    columns: &[String],
    row: &[Option<String>],
    indices: impl Iterator<Item = usize>,
) -> Value {
    let mut m = serde_json::Map::new();
    for i in indices {
        let name = columns
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("column {}", i + 1));
        m.insert(
            name,
            row.get(i)
                .cloned()
                .flatten()
                .map_or(Value::Null, Value::String),
        );
    }
    Value::Object(m)
}

/// One row of a keyed query: its key and its cells by column.
pub type Row = (String, Vec<Option<String>>);

/// Merges two streams of rows in strictly ascending key order (byte order), calling
/// `found` for each difference; memory holds one row of each side. A stream that is not in
/// that order (a database collation that orders otherwise, or a key that repeats) ends the
/// merge with an error naming the side, since a merge of it would report rows that are on
/// both sides as missing on one.
pub fn merge<E: From<String>>(
    a: impl Iterator<Item = Result<Row, E>>,
    b: impl Iterator<Item = Result<Row, E>>,
    columns: &[String],
    mut found: impl FnMut(Diff),
) -> Result<(), E> {
    let mut a = Ordered::new(a, "A");
    let mut b = Ordered::new(b, "B");
    let (mut ra, mut rb) = (a.next()?, b.next()?);
    loop {
        match (ra.take(), rb.take()) {
            (None, None) => return Ok(()),
            (Some(x), None) => {
                found(Diff::OnlyA(x));
                ra = a.next()?;
            }
            (None, Some(y)) => {
                found(Diff::OnlyB(y));
                rb = b.next()?;
            }
            (Some(x), Some(y)) => match x.0.cmp(&y.0) {
                std::cmp::Ordering::Less => {
                    found(Diff::OnlyA(x));
                    ra = a.next()?;
                    rb = Some(y);
                }
                std::cmp::Ordering::Greater => {
                    found(Diff::OnlyB(y));
                    ra = Some(x);
                    rb = b.next()?;
                }
                std::cmp::Ordering::Equal => {
                    let cells: Vec<usize> = (0..x.1.len().max(y.1.len()))
                        .filter(|&i| x.1.get(i) != y.1.get(i))
                        .collect();
                    if !cells.is_empty() {
                        found(Diff::Changed(Change {
                            key: x.0.clone(),
                            a: cells_value(columns, &x.1, cells.iter().copied()),
                            b: cells_value(columns, &y.1, cells.iter().copied()),
                        }));
                    }
                    ra = a.next()?;
                    rb = b.next()?;
                }
            },
        }
    }
}

/// One difference a merge found.
#[derive(Debug, Clone, PartialEq)]
pub enum Diff {
    OnlyA(Row),
    OnlyB(Row),
    Changed(Change),
}

/// A stream whose keys are checked to ascend strictly.
struct Ordered<I> {
    inner: I,
    side: &'static str,
    last: Option<String>,
}

impl<E: From<String>, I: Iterator<Item = Result<Row, E>>> Ordered<I> {
    fn new(inner: I, side: &'static str) -> Self {
        Ordered {
            inner,
            side,
            last: None,
        }
    }

    fn next(&mut self) -> Result<Option<Row>, E> {
        let Some(row) = self.inner.next().transpose()? else {
            return Ok(None);
        };
        if let Some(last) = &self.last
            && row.0.as_str() <= last.as_str()
        {
            return Err(E::from(format!(
                "the rows of {} are not in ascending key order ({:?} after {:?}): the key repeats, or the database orders it otherwise (a case-insensitive collation); use a key that is unique and plain ASCII",
                self.side, row.0, last
            )));
        }
        self.last = Some(row.0.clone());
        Ok(Some(row))
    }
}

/// Rows of a small table keyed in memory (several key columns, or an unordered source):
/// the same differences as [`merge`].
pub fn keyed_rows(
    a: BTreeMap<String, Vec<Option<String>>>,
    b: BTreeMap<String, Vec<Option<String>>>,
    columns: &[String],
    found: impl FnMut(Diff),
) -> Result<(), String> {
    merge(
        a.into_iter().map(Ok::<Row, String>),
        b.into_iter().map(Ok::<Row, String>),
        columns,
        found,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn maps_differ_by_key_and_value_and_secrets_stay_hidden() {
        let a = map(&[("a", "1"), ("db.password", "x"), ("same", "s"), ("x", "1")]);
        let b = map(&[("b", "2"), ("db.password", "y"), ("same", "s"), ("x", "2")]);
        let s = maps(&a, &b, secret_key);
        assert_eq!(
            s.only_a.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(),
            ["a"]
        );
        assert_eq!(
            s.only_b.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(),
            ["b"]
        );
        assert_eq!(s.changed.len(), 2);
        assert_eq!(s.changed[0].a, Value::String(HIDDEN.into()));
        assert_eq!(s.changed[1].b, Value::String("2".into()));
        assert!(maps(&a, &a, secret_key).is_equal());
        // Masked by HAC on both sides: equal as far as can be seen, and said.
        let m: BTreeMap<String, String> = [("db.password".to_owned(), "*****".to_owned())].into();
        let s = maps(&m, &m, secret_key);
        assert!(s.is_equal());
        assert_eq!(s.masked_by_hac, ["db.password"]);
        for k in [
            "mail.smtp.password",
            "oauth.client.secret",
            "api.token",
            "signing.key",
        ] {
            assert!(secret_key(k), "{k}");
        }
        assert!(!secret_key("build.version") && !secret_key("keyboard.layout"));
    }

    #[test]
    fn a_merge_finds_each_difference_and_refuses_disorder() {
        let rows = |v: &[(&str, &str)]| -> Vec<Result<Row, String>> {
            v.iter()
                .map(|(k, c)| Ok(((*k).to_owned(), vec![Some((*c).to_owned())])))
                .collect()
        };
        let mut found = Vec::new();
        merge(
            rows(&[("a", "1"), ("b", "2"), ("d", "4")]).into_iter(),
            rows(&[("b", "2"), ("c", "3"), ("d", "5")]).into_iter(),
            &["v".to_owned()],
            |d| found.push(d),
        )
        .unwrap();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(matches!(&found[0], Diff::OnlyA((k, _)) if k == "a"));
        assert!(matches!(&found[1], Diff::OnlyB((k, _)) if k == "c"));
        assert!(matches!(&found[2], Diff::Changed(c) if c.key == "d"));
        let e = merge(
            rows(&[("b", "1"), ("a", "2")]).into_iter(),
            rows(&[]).into_iter(),
            &[],
            |_| {},
        )
        .unwrap_err();
        assert!(e.contains("ascending"), "{e}");
        let e = merge(
            rows(&[("a", "1"), ("a", "2")]).into_iter(),
            rows(&[]).into_iter(),
            &[],
            |_| {},
        )
        .unwrap_err();
        assert!(e.contains("repeats"), "{e}");
    }
}
