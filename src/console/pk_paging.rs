//! Reading a FlexibleSearch past `maxCount`, page by page, ordered by PK (keyset paging):
//! each page is the query with `{pk} > last` added and `ORDER BY {pk}`, so a million rows
//! never sit in memory at once and no page depends on an offset that shifts when rows
//! are added meanwhile.
//!
//! Which queries can be paged this way (anything else is refused with
//! [`Error::InvalidArgument`] before a request is sent):
//! * FlexibleSearch, not raw SQL;
//! * a single `SELECT` whose select list has the PK of the type, `{pk}` or `{alias.pk}`
//!   (its values must be the numeric PKs);
//! * no top-level `ORDER BY` (the pages are ordered by PK), `GROUP BY`, `HAVING` or
//!   `UNION`; sub-queries (`{{ ... }}`) inside the `WHERE` are fine.
//!
//! Rows inserted with a PK below the last one read are not seen; rows deleted before their
//! page is read are not returned: the pages are not one snapshot.

use crate::console::flexsearch::{FlexibleSearch, FlexibleSearchResult, RowLimit};
use crate::error::{Error, Result};

/// A FlexibleSearch read in pages by PK. Get one from [`PkPager::new`], then let the client
/// fetch pages (`HacClient::flexible_search_page`, or the blocking client's
/// `flexible_search_pages` iterator).
///
/// ```
/// use hac_client::{FlexibleSearch, PkPager};
/// let pager = PkPager::new(
///     FlexibleSearch::new("SELECT {pk}, {code} FROM {Product} WHERE {code} LIKE 'A%'"),
///     5_000,
/// )?;
/// assert_eq!(
///     pager.next_query().unwrap().query(),
///     "SELECT {pk}, {code} FROM {Product} WHERE ({code} LIKE 'A%') ORDER BY {pk} ASC"
/// );
/// assert!(PkPager::new(FlexibleSearch::new("SELECT {code} FROM {Product}"), 100).is_err());
/// # Ok::<(), hac_client::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PkPager {
    template: FlexibleSearch,
    /// `SELECT ... FROM ...`: the query up to its `WHERE`.
    head: String,
    /// The original condition, if any.
    condition: Option<String>,
    /// The PK expression as written (`{pk}`, `{p.pk}`).
    pk: String,
    pk_column: usize,
    page_size: u32,
    last: Option<u64>,
    done: bool,
    rows: u64,
}

impl PkPager {
    /// Checks that `query` can be paged by PK and prepares its pages of `page_size` rows
    /// (its own row limit is ignored).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming why the query cannot be paged (SQL, no `{pk}` in the
    /// select list, `ORDER BY`, `GROUP BY`, `HAVING`, `UNION`, a page size of 0).
    pub fn new(query: FlexibleSearch, page_size: u32) -> Result<PkPager> {
        let refuse = |why: &str| Error::InvalidArgument {
            message: format!("this query cannot be read in pages by PK: {why}"),
        };
        if query.is_sql() {
            return Err(refuse(
                "it is SQL; paging works with FlexibleSearch queries",
            ));
        }
        if page_size == 0 {
            return Err(refuse("the page size must be at least 1"));
        }
        let text = query.query().trim().trim_end_matches(';').trim().to_owned();
        let words = top_level_words(&text);
        let find = |kw: &str| words.iter().find(|(w, _)| w == kw).map(|(_, at)| *at);
        // SELECT first, at the very start: the select list is sliced from right after it.
        if words.first().map(|(w, at)| (w.as_str(), *at)) != Some(("select", 0)) {
            return Err(refuse("it does not start with SELECT"));
        }
        for kw in ["order", "group", "having", "union", "limit"] {
            if find(kw).is_some() {
                let shown = match kw {
                    "order" => "ORDER BY (the pages are ordered by PK; drop it)",
                    "group" => "GROUP BY",
                    "having" => "HAVING",
                    "union" => "UNION",
                    _ => "LIMIT",
                };
                return Err(refuse(&format!("it has {shown}")));
            }
        }
        let from = find("from").ok_or_else(|| refuse("it has no FROM"))?;
        let select_list = &text["select".len()..from];
        let (pk, pk_column) = pk_item(select_list).ok_or_else(|| {
            refuse("its select list has no {pk} (add it, e.g. SELECT {pk}, {code} FROM ...)")
        })?;
        let (head, condition) = match find("where") {
            Some(at) => (
                text[..at].trim_end().to_owned(),
                Some(text[at + "where".len()..].trim().to_owned()),
            ),
            None => (text.clone(), None),
        };
        Ok(PkPager {
            template: query,
            head,
            condition,
            pk,
            pk_column,
            page_size,
            last: None,
            done: false,
            rows: 0,
        })
    }

    /// The query of the next page, or `None` when the last page has been read.
    pub fn next_query(&self) -> Option<FlexibleSearch> {
        if self.done {
            return None;
        }
        let mut conditions = Vec::new();
        if let Some(c) = &self.condition {
            conditions.push(format!("({c})"));
        }
        if let Some(last) = self.last {
            conditions.push(format!("{} > {last}", self.pk));
        }
        let mut q = self.head.clone();
        if !conditions.is_empty() {
            q.push_str(" WHERE ");
            q.push_str(&conditions.join(" AND "));
        }
        q.push_str(&format!(" ORDER BY {} ASC", self.pk));
        Some(
            self.template
                .clone()
                .with_query(q)
                .max_rows(RowLimit::Rows(self.page_size)),
        )
    }

    /// Takes note of a page: where the next one starts, and whether it was the last.
    pub fn record(&mut self, page: &FlexibleSearchResult) -> Result<()> {
        self.rows += page.len() as u64;
        if page.len() < self.page_size as usize {
            self.done = true;
        }
        let Some(row) = page.rows().last() else {
            self.done = true;
            return Ok(());
        };
        let cell = row.get_index(self.pk_column).unwrap_or_default();
        // The server's answer, not the caller's query, is at fault here.
        let pk: u64 = cell.trim().parse().map_err(|_| Error::InvalidResponse {
            path: crate::console::flexsearch::PATH.into(),
            expected: "a PK in the paging column".into(),
            detail: format!(
                "cannot page by PK: column {} holds {cell:?}, not a PK",
                self.pk_column + 1
            ),
        })?;
        if self.last.is_some_and(|last| pk <= last) {
            return Err(Error::InvalidResponse {
                path: crate::console::flexsearch::PATH.into(),
                expected: "rows ordered by PK".into(),
                detail: "cannot page by PK: the server did not return the rows ordered by PK"
                    .into(),
            });
        }
        self.last = Some(pk);
        Ok(())
    }

    /// Stops the paging (no further page is asked for).
    pub fn finish(&mut self) {
        self.done = true;
    }

    /// Rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// The index of the PK column in each page.
    pub fn pk_column(&self) -> usize {
        self.pk_column
    }
}

/// The keywords of `text` outside quotes and `{{ }}` sub-queries, lower-cased, with their
/// byte offsets (hand-written: FlexibleSearch has no parser crate, and only the top level
/// matters here).
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
            b'(' | b')' => {}
            _ if b.is_ascii_alphabetic() && depth == 0 && braces == 0 => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let boundary = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
                if boundary {
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

/// The `{pk}` / `{alias.pk}` / `{alias:pk}` item of a select list and its position.
fn pk_item(list: &str) -> Option<(String, usize)> {
    let mut depth = 0usize;
    let mut items = Vec::new();
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&list[start..]);
    items.iter().enumerate().find_map(|(index, item)| {
        let expr = item.trim();
        let expr = match expr.to_ascii_lowercase().find(" as ") {
            Some(at) => expr[..at].trim(),
            None => expr,
        };
        let inner = expr.strip_prefix('{')?.strip_suffix('}')?;
        let attr = inner.rsplit(['.', ':']).next()?.trim();
        attr.eq_ignore_ascii_case("pk")
            .then(|| (expr.to_owned(), index))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(q: &str) -> Result<PkPager> {
        PkPager::new(FlexibleSearch::new(q), 2)
    }

    #[test]
    fn rewrites_with_the_last_pk() {
        let mut p = pages("SELECT {p.code}, {p.pk} AS id FROM {Product AS p};").unwrap();
        assert_eq!(p.pk_column(), 1);
        assert_eq!(
            p.next_query().unwrap().query(),
            "SELECT {p.code}, {p.pk} AS id FROM {Product AS p} ORDER BY {p.pk} ASC"
        );
        let page = FlexibleSearchResult::from_rows(
            vec!["code".into(), "id".into()],
            vec![
                vec![Some("a".into()), Some("10".into())],
                vec![Some("b".into()), Some("12".into())],
            ],
        )
        .unwrap();
        p.record(&page).unwrap();
        assert_eq!(
            p.next_query().unwrap().query(),
            "SELECT {p.code}, {p.pk} AS id FROM {Product AS p} WHERE {p.pk} > 12 ORDER BY {p.pk} ASC"
        );
        // Not ordered: refused rather than looping.
        assert!(p.record(&page).is_err());
        // A short page is the last one.
        let mut p = pages("SELECT {pk}, {code} FROM {Product} WHERE {code} = 'x'").unwrap();
        let short = FlexibleSearchResult::from_rows(
            vec!["PK".into(), "code".into()],
            vec![vec![Some("20".into()), Some("x".into())]],
        )
        .unwrap();
        p.record(&short).unwrap();
        assert!(p.next_query().is_none());
        assert_eq!(p.rows_read(), 1);
        // A PK column that holds no PK.
        let mut p = pages("SELECT {code}, {pk} FROM {Product}").unwrap();
        let odd = FlexibleSearchResult::from_rows(
            vec!["code".into(), "PK".into()],
            vec![vec![Some("x".into()), Some("n/a".into())]],
        )
        .unwrap();
        assert!(p.record(&odd).is_err());
    }

    #[test]
    fn refuses_what_cannot_be_paged() {
        for q in [
            "SELECT {code} FROM {Product}",
            "SELECT {pk} FROM {Product} ORDER BY {code}",
            "SELECT {pk}, COUNT(*) FROM {Product} GROUP BY {pk}",
            "SELECT {pk} FROM {Product} UNION SELECT {pk} FROM {Category}",
            "UPDATE x SET y = 1",
            "SELECT {pk}",
        ] {
            assert!(pages(q).is_err(), "{q}");
        }
        assert!(PkPager::new(FlexibleSearch::sql("SELECT PK FROM products"), 10).is_err());
        // Keywords inside quotes or sub-queries do not count.
        let p = pages(
            "SELECT {pk} FROM {Product} WHERE {code} = 'order by' AND {pk} IN ({{ SELECT {pk} FROM {Product} ORDER BY {code} }})",
        )
        .unwrap();
        let q = p.next_query().unwrap();
        assert!(
            q.query().ends_with("}})) ORDER BY {pk} ASC"),
            "{}",
            q.query()
        );
    }
}
