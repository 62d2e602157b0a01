//! `hac diff A B query ... --key COL`: rows compared by a business key, in bounded memory.
//! With one key column both sides are read in pages ordered by that key (the query with
//! `ORDER BY {key}` and, from the second page, `{key} >= last`), each by its own thread a
//! page ahead, and merged as they come: memory holds about two pages per side, whatever
//! the table's size. With several key columns one side is held in memory, up to
//! `--max-rows`, or refused with the reason.

use std::sync::mpsc;

use anyhow::{Result, anyhow};
use hac_client::{FlexibleSearch, HacClient};

use super::DiffArgs;
use super::compare::{self, Row, Section};
use crate::failure::usage;

/// The differences between the two sides' rows of `query`, keyed by `keys`.
pub fn query_diff(
    a: &HacClient,
    b: &HacClient,
    query: &str,
    keys: &[String],
    args: &DiffArgs,
) -> Result<Section> {
    if keys.len() != 1 {
        let ((columns, rows_a), (_, rows_b)) = std::thread::scope(|s| {
            let ta = s.spawn(|| super::read::keyed_in_memory(a, query, keys, args.max_rows));
            let tb = s.spawn(|| super::read::keyed_in_memory(b, query, keys, args.max_rows));
            let ra = ta
                .join()
                .unwrap_or_else(|_| Err(anyhow!("a reader stopped")));
            let rb = tb
                .join()
                .unwrap_or_else(|_| Err(anyhow!("a reader stopped")));
            Ok::<_, anyhow::Error>((ra?, rb?))
        })?;
        let mut found = Vec::new();
        compare::keyed_rows(rows_a, rows_b, &columns, |d| found.push(d)).map_err(|e| anyhow!(e))?;
        return Ok(super::read::section_of(found, &columns));
    }
    if args.page_size < 2 {
        return Err(usage("--page-size: at least 2 rows"));
    }
    let plan = Plan::new(query, &keys[0])?;
    std::thread::scope(|s| {
        let (tx_a, rx_a) = mpsc::sync_channel(1);
        let (tx_b, rx_b) = mpsc::sync_channel(1);
        let plan_a = plan.clone();
        let plan_b = plan.clone();
        s.spawn(move || read_pages(a, &plan_a, args.page_size, tx_a));
        s.spawn(move || read_pages(b, &plan_b, args.page_size, tx_b));
        let (columns_a, rows_a) = first_page(&rx_a)?;
        let (_, rows_b) = first_page(&rx_b)?;
        let a_rows = Rows::new(rows_a, &rx_a);
        let b_rows = Rows::new(rows_b, &rx_b);
        let mut found = Vec::new();
        let merged = compare::merge(a_rows, b_rows, &columns_a, |d| found.push(d));
        merged.map_err(|e: RowError| anyhow!(e.0))?;
        Ok(super::read::section_of(found, &columns_a))
    })
}

/// An error while reading rows (a message for the user).
struct RowError(String);

impl From<String> for RowError {
    fn from(s: String) -> Self {
        RowError(s)
    }
}

/// What a reader sends: the columns with a page of keyed rows, or why it stopped.
type Page = Result<(Vec<String>, Vec<Row>), String>;

fn first_page(rx: &mpsc::Receiver<Page>) -> Result<(Vec<String>, Vec<Row>)> {
    match rx.recv() {
        Ok(Ok(page)) => Ok(page),
        Ok(Err(e)) => Err(anyhow!(e)),
        Err(_) => Ok((Vec::new(), Vec::new())),
    }
}

/// The rows of one side, page after page, with the row a page repeats from the one
/// before (`>= last`) dropped.
struct Rows<'r> {
    page: std::vec::IntoIter<Row>,
    rx: &'r mpsc::Receiver<Page>,
    last: Option<String>,
    skip_repeat: bool,
}

impl<'r> Rows<'r> {
    fn new(first: Vec<Row>, rx: &'r mpsc::Receiver<Page>) -> Self {
        Rows {
            page: first.into_iter(),
            rx,
            last: None,
            skip_repeat: false,
        }
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(row) = self.page.next() {
                if std::mem::take(&mut self.skip_repeat)
                    && self.last.as_deref() == Some(row.0.as_str())
                {
                    continue;
                }
                self.last = Some(row.0.clone());
                return Some(Ok(row));
            }
            match self.rx.recv() {
                Ok(Ok((_, rows))) => {
                    self.page = rows.into_iter();
                    self.skip_repeat = true;
                }
                Ok(Err(e)) => return Some(Err(RowError(e))),
                Err(_) => return None,
            }
        }
    }
}

/// Reads `plan`'s pages in key order and sends them; stops at the last page, an error, or
/// when the merge has stopped listening.
fn read_pages(hac: &HacClient, plan: &Plan, page_size: u32, tx: mpsc::SyncSender<Page>) {
    let mut last: Option<String> = None;
    loop {
        let query = plan.page(last.as_deref());
        // The next page's query holds a key value from the server's data: checked again, as
        // the first was, so that stored text can never turn a read into something else.
        if let Err(why) = crate::safety::sql::classify_flexible_search(&query) {
            let _ = tx.send(Err(format!(
                "--key {}: the key value {:?} cannot be put in the next page's query ({why}); compare by a key of plain values",
                plan.key,
                last.as_deref().unwrap_or_default()
            )));
            return;
        }
        let page = hac
            .flexible_search(FlexibleSearch::new(query).max_rows(page_size))
            .and_then(|r| r.into_result());
        let r = match page {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        let Some(key_col) = r.column(&plan.key) else {
            let _ = tx.send(Err(format!(
                "--key {}: the answer has no such column (it has {})",
                plan.key,
                r.headers.join(", ")
            )));
            return;
        };
        let mut rows = Vec::with_capacity(r.len());
        for row in r.rows() {
            let cells: Vec<Option<String>> = row.cells().map(|c| c.map(str::to_owned)).collect();
            let Some(key) = cells.get(key_col).cloned().flatten() else {
                let _ = tx.send(Err(format!(
                    "--key {}: a row has no value in it (NULL): a key must identify every row",
                    plan.key
                )));
                return;
            };
            rows.push((key, cells));
        }
        let full = r.len() >= page_size as usize;
        last = rows.last().map(|(k, _)| k.clone());
        if tx.send(Ok((r.headers.clone(), rows))).is_err() || !full || last.is_none() {
            return;
        }
    }
}

/// How the pages of a query are asked for.
#[derive(Debug, Clone)]
struct Plan {
    /// `SELECT ... FROM ...`, up to the `WHERE`.
    head: String,
    condition: Option<String>,
    /// The key's expression as the select list writes it (`{code}`, `{p.code}`).
    expr: String,
    /// The key's name as given.
    key: String,
}

impl Plan {
    fn new(query: &str, key: &str) -> Result<Plan> {
        let refuse = |why: &str| {
            usage(format!(
                "hac diff query --key {key}: this query cannot be read in key order: {why}"
            ))
        };
        let text = query.trim().trim_end_matches(';').trim();
        let words = top_level_words(text);
        let find = |kw: &str| words.iter().find(|(w, _)| w == kw).map(|(_, at)| *at);
        if words.first().map(|(w, at)| (w.as_str(), *at)) != Some(("select", 0)) {
            return Err(refuse("it does not start with SELECT"));
        }
        for kw in ["order", "group", "having", "union", "limit"] {
            if find(kw).is_some() {
                return Err(refuse(&format!(
                    "it has {} (the pages are ordered by the key)",
                    kw.to_uppercase()
                )));
            }
        }
        let from = find("from").ok_or_else(|| refuse("it has no FROM"))?;
        let list = &text["select".len()..from];
        let expr = list
            .split(',')
            .map(str::trim)
            .find(|item| {
                item.strip_prefix('{')
                    .and_then(|i| i.strip_suffix('}'))
                    .and_then(|inner| inner.rsplit(['.', ':']).next())
                    .is_some_and(|name| name.trim().eq_ignore_ascii_case(key))
            })
            .ok_or_else(|| refuse(&format!("its select list has no {{{key}}}")))?
            .to_owned();
        let (head, condition) = match find("where") {
            Some(at) => (
                text[..at].trim_end().to_owned(),
                Some(text[at + "where".len()..].trim().to_owned()),
            ),
            None => (text.to_owned(), None),
        };
        Ok(Plan {
            head,
            condition,
            expr,
            key: key.to_owned(),
        })
    }

    /// The query of the page after the key `last` (the first page for `None`).
    fn page(&self, last: Option<&str>) -> String {
        let mut conditions = Vec::new();
        if let Some(c) = &self.condition {
            conditions.push(format!("({c})"));
        }
        if let Some(last) = last {
            conditions.push(format!("{} >= '{}'", self.expr, last.replace('\'', "''")));
        }
        let mut q = self.head.clone();
        if !conditions.is_empty() {
            q.push_str(" WHERE ");
            q.push_str(&conditions.join(" AND "));
        }
        q.push_str(&format!(" ORDER BY {} ASC", self.expr));
        q
    }
}

/// The keywords of `text` outside quotes and `{{ }}` sub-queries, lower-cased, with their
/// byte offsets (FlexibleSearch has no parser crate; only its top level matters here).
fn top_level_words(text: &str) -> Vec<(String, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut braces, mut quote) = (0usize, 0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quote {
            quote = b != b'\'';
            i += 1;
            continue;
        }
        match b {
            b'\'' => quote = true,
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') && depth > 0 && braces == 0 => {
                depth -= 1;
                i += 2;
                continue;
            }
            b'{' => braces += 1,
            b'}' => braces = braces.saturating_sub(1),
            _ if b.is_ascii_alphabetic() && depth == 0 && braces == 0 => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                if start == 0 || !bytes[start - 1].is_ascii_alphanumeric() {
                    out.push((text[start..i].to_ascii_lowercase(), start));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_asked_for_in_key_order() {
        let plan = Plan::new(
            "SELECT {p.code}, {p.name} FROM {Product AS p} WHERE {p.name} LIKE 'A%'",
            "code",
        )
        .unwrap();
        assert_eq!(
            plan.page(None),
            "SELECT {p.code}, {p.name} FROM {Product AS p} WHERE ({p.name} LIKE 'A%') ORDER BY {p.code} ASC"
        );
        assert_eq!(
            plan.page(Some("O'B")),
            "SELECT {p.code}, {p.name} FROM {Product AS p} WHERE ({p.name} LIKE 'A%') AND {p.code} >= 'O''B' ORDER BY {p.code} ASC"
        );
        for (q, why) in [
            ("SELECT {name} FROM {Product}", "no {code}"),
            ("SELECT {code} FROM {Product} ORDER BY {code}", "ORDER"),
            ("DELETE FROM products", "SELECT"),
        ] {
            let e = Plan::new(q, "code").unwrap_err().to_string();
            assert!(e.contains(why), "{q}: {e}");
        }
    }
}
