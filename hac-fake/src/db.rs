//! A stand-in for the database behind FlexibleSearch and SQL: three small tables (products
//! with text that exercises HAC's escaping, users, and a generated table of any size) and
//! just enough of a query language to select, filter by equality or comparison, order by
//! PK, and run SQL `UPDATE`/`DELETE`/`INSERT`.
//!
//! Not FlexibleSearch: a query it does not understand is an exception, as an invalid one
//! is on a real server.
//!
//! (Long, and one file on purpose: the tables, the tiny query reader and the statements
//! that change them share the row representation and are read together; a third of the
//! length is the module's own tests.)

/// One table. FlexibleSearch names its attributes (`{code}`), SQL its columns (`p_code`).
pub(crate) struct Table {
    pub type_code: &'static str,
    pub name: &'static str,
    /// `(attribute, column)`.
    pub columns: Vec<(&'static str, &'static str)>,
    pub rows: Vec<Vec<Option<String>>>,
}

const PK_BASE: u64 = 8_796_093_054_977;

fn pk(i: u64) -> String {
    (PK_BASE + i * 32_768).to_string()
}

/// The products every fake starts with; names chosen to need every kind of escaping.
fn products() -> Table {
    let row =
        |i: u64, code: &str, name: Option<&str>, name_de: Option<&str>, desc: Option<&str>| {
            vec![
                Some(pk(i)),
                Some(code.to_owned()),
                name.map(str::to_owned),
                name_de.map(str::to_owned),
                desc.map(str::to_owned),
                Some("Online".to_owned()),
            ]
        };
    Table {
        type_code: "Product",
        name: "products",
        columns: vec![
            ("pk", "PK"),
            ("code", "p_code"),
            ("name", "p_name"),
            ("name_de", "p_name_de"),
            ("description", "p_description"),
            ("catalogVersion", "p_catalogversion"),
        ],
        rows: vec![
            row(0, "0001", Some("Camera"), Some("Kamera"), None),
            row(1, "0002", None, None, Some("Tripod & bag")),
            row(2, "0003", Some("Lens \"50mm\" <pro>"), None, Some("")),
            row(
                3,
                "0004",
                Some("Café Müller & Co"),
                Some("Café Müller & Co"),
                Some("O'Brien’s € 9"),
            ),
            row(
                4,
                "0005",
                Some("中文名称"),
                None,
                Some("naïve — 😀 \u{2329}x\u{232a}"),
            ),
            row(5, "0006", Some("two\nlines"), None, Some("tab\there")),
        ],
    }
}

fn users(names: &[String]) -> Table {
    let mut rows = Vec::new();
    for (i, uid) in names.iter().enumerate() {
        rows.push(vec![
            Some(pk(1000 + i as u64)),
            Some(uid.clone()),
            Some(uid.clone()),
        ]);
    }
    Table {
        type_code: "User",
        name: "users",
        columns: vec![("pk", "PK"), ("uid", "p_uid"), ("name", "p_name")],
        rows,
    }
}

/// Row `i` of the generated table.
pub(crate) fn generated_row(i: u64) -> Vec<Option<String>> {
    let name = if i.is_multiple_of(7) {
        None
    } else {
        Some(format!("Product name {i}"))
    };
    vec![Some(pk(i)), Some(format!("code-{i:07}")), name]
}

/// A composed type of the fake's type system.
#[derive(Debug, Clone)]
pub(crate) struct TypeDef {
    pub code: String,
    pub super_type: Option<String>,
    /// `(qualifier, attribute type code, optional, unique)`.
    pub attributes: Vec<(String, String, bool, bool)>,
}

/// The type system every fake starts with: a few composed types of the platform, enough for
/// a type-system read and its comparison.
pub(crate) fn default_types() -> Vec<TypeDef> {
    let t = |code: &str, sup: Option<&str>, attrs: &[(&str, &str, bool, bool)]| TypeDef {
        code: code.into(),
        super_type: sup.map(str::to_owned),
        attributes: attrs
            .iter()
            .map(|(q, ty, o, u)| ((*q).into(), (*ty).into(), *o, *u))
            .collect(),
    };
    vec![
        t(
            "Item",
            None,
            &[
                ("pk", "de.hybris.platform.core.PK", false, true),
                ("creationtime", "java.util.Date", true, false),
            ],
        ),
        t(
            "Catalog",
            Some("Item"),
            &[
                ("id", "java.lang.String", false, true),
                ("name", "localized:java.lang.String", true, false),
            ],
        ),
        t(
            "CatalogVersion",
            Some("Item"),
            &[
                ("catalog", "Catalog", false, true),
                ("version", "java.lang.String", false, true),
            ],
        ),
        t(
            "Language",
            Some("Item"),
            &[
                ("isocode", "java.lang.String", false, true),
                ("active", "java.lang.Boolean", false, false),
            ],
        ),
        t(
            "Product",
            Some("Item"),
            &[
                ("catalogVersion", "CatalogVersion", false, true),
                ("code", "java.lang.String", false, true),
                ("name", "localized:java.lang.String", true, false),
                ("description", "localized:java.lang.String", true, false),
            ],
        ),
        t(
            "User",
            Some("Item"),
            &[
                ("name", "java.lang.String", true, false),
                ("uid", "java.lang.String", false, true),
            ],
        ),
    ]
}

/// The atomic types the default attributes use.
const ATOMIC_TYPES: [&str; 6] = [
    "de.hybris.platform.core.PK",
    "java.lang.Boolean",
    "java.lang.Integer",
    "java.lang.String",
    "java.util.Date",
    "localized:java.lang.String",
];

/// The PKs the type system's items get: composed types, atomic types, attributes apart.
const TYPE_PK: u64 = 8_796_093_022_290;
const ATOMIC_PK: u64 = 8_796_093_088_000;
const ATTRIBUTE_PK: u64 = 8_796_093_153_000;

/// The database of one fake.
pub(crate) struct Db {
    pub products: Table,
    pub generated_rows: u64,
    pub types: Vec<TypeDef>,
}

impl Db {
    pub fn new() -> Self {
        Db {
            products: products(),
            generated_rows: 1_000_000,
            types: default_types(),
        }
    }

    /// The PK of type `code` (composed or atomic), if there is one.
    fn type_pk(&self, code: &str) -> Option<String> {
        if let Some(i) = self.types.iter().position(|t| t.code == code) {
            return Some((TYPE_PK + i as u64).to_string());
        }
        let mut atomic: Vec<&str> = ATOMIC_TYPES.to_vec();
        for t in &self.types {
            for (_, ty, _, _) in &t.attributes {
                if !atomic.contains(&ty.as_str()) && !self.types.iter().any(|c| &c.code == ty) {
                    atomic.push(ty);
                }
            }
        }
        atomic
            .iter()
            .position(|a| *a == code)
            .map(|i| (ATOMIC_PK + i as u64).to_string())
    }

    /// `ComposedType` (pk, code, superType), `Type` (pk, code: composed and atomic) and
    /// `AttributeDescriptor` (pk, qualifier, enclosingType, attributeType, optional,
    /// unique), made from the type definitions when a query asks, in PK order.
    fn type_table(&self, which: &str) -> Table {
        let bool_text = |b: bool| Some(if b { "true" } else { "false" }.to_owned());
        match which {
            "composedtype" => Table {
                type_code: "ComposedType",
                name: "composedtypes",
                columns: vec![
                    ("pk", "PK"),
                    ("code", "InternalCode"),
                    ("superType", "SuperTypePK"),
                ],
                rows: self
                    .types
                    .iter()
                    .map(|t| {
                        vec![
                            self.type_pk(&t.code),
                            Some(t.code.clone()),
                            t.super_type.as_deref().and_then(|s| self.type_pk(s)),
                        ]
                    })
                    .collect(),
            },
            "type" => {
                let mut rows: Vec<Vec<Option<String>>> = self
                    .types
                    .iter()
                    .map(|t| vec![self.type_pk(&t.code), Some(t.code.clone())])
                    .collect();
                let mut atomic: Vec<String> = ATOMIC_TYPES.iter().map(|s| s.to_string()).collect();
                for t in &self.types {
                    for (_, ty, _, _) in &t.attributes {
                        if !atomic.contains(ty) && !self.types.iter().any(|c| &c.code == ty) {
                            atomic.push(ty.clone());
                        }
                    }
                }
                rows.extend(
                    atomic
                        .iter()
                        .map(|a| vec![self.type_pk(a), Some(a.clone())]),
                );
                Table {
                    type_code: "Type",
                    name: "types",
                    columns: vec![("pk", "PK"), ("code", "InternalCode")],
                    rows,
                }
            }
            _ => {
                let mut rows = Vec::new();
                for t in &self.types {
                    for (qualifier, ty, optional, unique) in &t.attributes {
                        rows.push(vec![
                            Some((ATTRIBUTE_PK + rows.len() as u64).to_string()),
                            Some(qualifier.clone()),
                            self.type_pk(&t.code),
                            self.type_pk(ty),
                            bool_text(*optional),
                            bool_text(*unique),
                        ]);
                    }
                }
                Table {
                    type_code: "AttributeDescriptor",
                    name: "attributedescriptors",
                    columns: vec![
                        ("pk", "PK"),
                        ("qualifier", "QualifierInternal"),
                        ("enclosingType", "EnclosingTypePK"),
                        ("attributeType", "AttributeTypePK"),
                        ("optional", "optional"),
                        ("unique", "uniqueAttr"),
                    ],
                    rows,
                }
            }
        }
    }
}

/// A failed query: the message HAC puts into `exception`.
pub(crate) struct QueryError(pub String);

/// What a query produced.
pub(crate) enum Outcome {
    Rows {
        headers: Vec<String>,
        rows: Vec<Vec<Option<String>>>,
        translated: String,
    },
    Affected(usize),
}

/// A query to run, with HAC's parameters.
pub(crate) struct Query<'a> {
    pub text: &'a str,
    pub sql: bool,
    /// `None`: no limit (`maxCount=-1`).
    pub max_count: Option<usize>,
    pub user: &'a str,
    pub locale: &'a str,
    pub commit: bool,
    pub known_users: &'a [String],
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.to_ascii_lowercase().find(&needle.to_ascii_lowercase())
}

/// Splits `s` at the first case-insensitive occurrence of the keyword `kw` (surrounded by
/// whitespace).
fn split_kw<'s>(s: &'s str, kw: &str) -> (&'s str, Option<&'s str>) {
    let lower = s.to_ascii_lowercase();
    let pat = format!(" {} ", kw.to_ascii_lowercase());
    match lower.find(&pat) {
        Some(i) => (&s[..i], Some(&s[i + pat.len()..])),
        None => (s, None),
    }
}

enum Source<'t> {
    Table(&'t Table),
    Users(Table),
    /// A table made for this query (the type system's).
    Made(Table),
    Generated,
}

impl Source<'_> {
    fn columns(&self) -> Vec<(&'static str, &'static str)> {
        match self {
            Source::Table(t) => t.columns.clone(),
            Source::Users(t) | Source::Made(t) => t.columns.clone(),
            Source::Generated => vec![("pk", "PK"), ("code", "p_code"), ("name", "p_name")],
        }
    }
    fn table_name(&self) -> &'static str {
        match self {
            Source::Table(t) => t.name,
            Source::Users(t) | Source::Made(t) => t.name,
            Source::Generated => "generated",
        }
    }
}

enum Value {
    Text(String),
    Number(f64),
}

struct Condition {
    column: usize,
    op: String,
    value: Value,
}

impl Condition {
    fn matches(&self, row: &[Option<String>]) -> bool {
        let Some(Some(cell)) = row.get(self.column) else {
            return false;
        };
        let ord = match &self.value {
            Value::Number(n) => match cell.parse::<f64>() {
                Ok(c) => c.partial_cmp(n),
                Err(_) => return false,
            },
            Value::Text(t) if self.op == "like" => {
                return like(cell, t);
            }
            Value::Text(t) => Some(cell.as_str().cmp(t.as_str())),
        };
        let Some(ord) = ord else { return false };
        match self.op.as_str() {
            "=" => ord.is_eq(),
            "<>" | "!=" => ord.is_ne(),
            ">" => ord.is_gt(),
            ">=" => ord.is_ge(),
            "<" => ord.is_lt(),
            "<=" => ord.is_le(),
            _ => false,
        }
    }
}

/// SQL `LIKE` with `%` only.
fn like(cell: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('%').collect();
    let mut rest = cell;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    rest.is_empty()
}

impl Db {
    fn source<'t>(&'t self, q: &Query, from: &str) -> Result<(Source<'t>, String), QueryError> {
        let from = from.trim();
        let (name, alias) = if q.sql {
            let mut words = from.split_whitespace();
            let name = words.next().unwrap_or("").to_ascii_lowercase();
            (name, words.last().map(str::to_owned))
        } else {
            let inner = from
                .strip_prefix('{')
                .and_then(|f| f.split('}').next())
                .ok_or_else(|| QueryError(format!("unable to parse FROM clause: {from}")))?;
            let mut words = inner
                .split_whitespace()
                .filter(|w| !w.eq_ignore_ascii_case("as"));
            let name = words.next().unwrap_or("").to_owned();
            (name, words.next().map(str::to_owned))
        };
        let alias = alias.unwrap_or_default();
        let source = match name.to_ascii_lowercase().as_str() {
            "product" if !q.sql => Source::Table(&self.products),
            "products" if q.sql => Source::Table(&self.products),
            "user" | "employee" if !q.sql => Source::Users(users(q.known_users)),
            "users" if q.sql => Source::Users(users(q.known_users)),
            "generated" => Source::Generated,
            "composedtype" | "type" | "attributedescriptor" if !q.sql => {
                Source::Made(self.type_table(&name.to_ascii_lowercase()))
            }
            _ if q.sql => {
                return Err(QueryError(format!(
                    "user lacks privilege or object not found: {}",
                    name.to_ascii_uppercase()
                )));
            }
            _ => return Err(QueryError(format!("type code '{name}' invalid"))),
        };
        Ok((source, alias))
    }

    /// Resolves `{code}`, `{p.code}`, `{p:code}` (FlexibleSearch) or `p_code` (SQL) to a
    /// column index.
    fn column(
        q: &Query,
        columns: &[(&'static str, &'static str)],
        type_code: &str,
        item: &str,
    ) -> Result<usize, QueryError> {
        let item = item.trim();
        let attr = if q.sql {
            item.rsplit('.').next().unwrap_or(item).to_owned()
        } else {
            let inner = item
                .strip_prefix('{')
                .and_then(|i| i.strip_suffix('}'))
                .ok_or_else(|| QueryError(format!("unable to parse '{item}'")))?;
            inner
                .rsplit(['.', ':'])
                .next()
                .unwrap_or(inner)
                .trim()
                .to_owned()
        };
        let localized = |a: &str| {
            if !q.sql && a.eq_ignore_ascii_case("name") && q.locale.eq_ignore_ascii_case("de") {
                "name_de".to_owned()
            } else {
                a.to_owned()
            }
        };
        let attr = localized(&attr);
        columns
            .iter()
            .position(|(a, c)| {
                if q.sql {
                    c.eq_ignore_ascii_case(&attr)
                } else {
                    a.eq_ignore_ascii_case(&attr)
                }
            })
            .ok_or_else(|| {
                QueryError(format!(
                    "cannot find attribute '{attr}' for type '{type_code}'"
                ))
            })
    }

    fn conditions(
        q: &Query,
        columns: &[(&'static str, &'static str)],
        type_code: &str,
        text: &str,
    ) -> Result<Vec<Condition>, QueryError> {
        let mut out = Vec::new();
        let mut rest = text.trim();
        loop {
            let (one, more) = split_kw(rest, "and");
            // Grouping parentheses (`(a AND b) AND c`): the fake only knows AND, so they
            // change nothing and are dropped.
            let one = one
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim();
            let ops = ["<>", "!=", ">=", "<=", "=", ">", "<"];
            let (lhs, op, rhs) = if let Some(i) = find_ci(one, " like ") {
                (&one[..i], "like".to_owned(), &one[i + 6..])
            } else {
                let (i, op) = ops
                    .iter()
                    .filter_map(|op| one.find(op).map(|i| (i, *op)))
                    .min_by_key(|(i, op)| (*i, usize::MAX - op.len()))
                    .ok_or_else(|| QueryError(format!("unable to parse condition '{one}'")))?;
                (&one[..i], op.to_owned(), &one[i + op.len()..])
            };
            let column = Self::column(q, columns, type_code, lhs)?;
            let rhs = rhs.trim();
            let value = if let Some(s) = rhs.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
                Value::Text(s.replace("''", "'"))
            } else if rhs.eq_ignore_ascii_case("?session.user.uid") {
                Value::Text(q.user.to_owned())
            } else if let Some(name) = rhs.strip_prefix('?') {
                return Err(QueryError(format!(
                    "missing value for query parameter '{name}'"
                )));
            } else {
                Value::Number(
                    rhs.parse()
                        .map_err(|_| QueryError(format!("unexpected token: {rhs}")))?,
                )
            };
            out.push(Condition { column, op, value });
            match more {
                Some(m) => rest = m,
                None => return Ok(out),
            }
        }
    }

    pub fn run(&mut self, q: &Query) -> Result<Outcome, QueryError> {
        let text = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let first = text.split(' ').next().unwrap_or("").to_ascii_lowercase();
        match first.as_str() {
            "select" => self.select(q, &text),
            "update" | "delete" | "insert" if q.sql => self.dml(q, &text, &first),
            "update" | "delete" | "insert" => Err(QueryError(
                "FlexibleSearch queries must start with SELECT".into(),
            )),
            _ if q.sql => Err(QueryError(format!(
                "unexpected token: {}",
                first.to_uppercase()
            ))),
            _ => Err(QueryError(format!("unable to parse query: {text}"))),
        }
    }

    fn select(&self, q: &Query, text: &str) -> Result<Outcome, QueryError> {
        let body = &text["select ".len()..];
        let (cols, rest) = split_kw(body, "from");
        let rest = rest.ok_or_else(|| QueryError("missing FROM clause".into()))?;
        let (rest, order) = split_kw(rest, "order by");
        let (from, cond) = split_kw(rest, "where");
        let (source, alias) = self.source(q, from)?;
        let columns = source.columns();
        let type_code = match &source {
            Source::Table(t) => t.type_code,
            Source::Users(t) | Source::Made(t) => t.type_code,
            Source::Generated => "Generated",
        };
        let mut picked: Vec<usize> = Vec::new();
        let mut headers = Vec::new();
        for item in cols.split(',') {
            let item = item.trim();
            if item == "*" {
                for (i, (_, c)) in columns.iter().enumerate() {
                    picked.push(i);
                    headers.push((*c).to_owned());
                }
                continue;
            }
            let (expr, label) = match find_ci(item, " as ") {
                Some(i) => (&item[..i], Some(item[i + 4..].trim())),
                None => (item, None),
            };
            let i = Self::column(q, &columns, type_code, expr)?;
            picked.push(i);
            headers.push(label.map_or_else(|| columns[i].1.to_owned(), str::to_owned));
        }
        let conditions = match cond {
            Some(c) => Self::conditions(q, &columns, type_code, c)?,
            None => Vec::new(),
        };
        let descending = order.is_some_and(|o| o.to_ascii_lowercase().ends_with(" desc"));
        // ORDER BY an attribute other than the PK: its text, as a binary collation orders.
        let order_column = match order {
            Some(o) => {
                let expr = o
                    .trim()
                    .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .trim();
                let expr = if expr.is_empty() { o.trim() } else { expr };
                Some(Self::column(q, &columns, type_code, expr)?).filter(|&i| i != 0)
            }
            None => None,
        };
        let limit = q.max_count.unwrap_or(usize::MAX);
        let project = |row: &[Option<String>]| picked.iter().map(|&i| row[i].clone()).collect();
        let sorted = |t: &Table| -> Vec<Vec<Option<String>>> {
            let mut rows = t.rows.clone();
            if let Some(c) = order_column {
                rows.sort_by(|a, b| a[c].cmp(&b[c]));
            }
            rows
        };
        let rows: Vec<Vec<Option<String>>> = match &source {
            Source::Table(_) | Source::Users(_) | Source::Made(_) => {
                let t: &Table = match &source {
                    Source::Table(t) => t,
                    Source::Users(t) | Source::Made(t) => t,
                    Source::Generated => unreachable!("matched above"),
                };
                let rows = sorted(t);
                select_rows(
                    rows.iter().map(|r| r.as_slice()),
                    &conditions,
                    descending,
                    limit,
                    project,
                )
            }
            Source::Generated => {
                let mut out = Vec::new();
                // Rows are in PK order: a `{pk} > n` condition starts the scan at n, so that
                // paging by PK costs each page its own rows only.
                let start = conditions
                    .iter()
                    .filter(|c| c.column == 0 && matches!(c.op.as_str(), ">" | ">="))
                    .filter_map(|c| match c.value {
                        Value::Number(n) if n >= PK_BASE as f64 => {
                            Some(((n as u64 - PK_BASE) / 32_768).min(self.generated_rows))
                        }
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                for i in start..self.generated_rows {
                    if out.len() >= limit {
                        break;
                    }
                    let row = generated_row(i);
                    if conditions.iter().all(|c| c.matches(&row)) {
                        out.push(project(&row));
                    }
                }
                out
            }
        };
        let alias = if alias.is_empty() {
            "item_t0".to_owned()
        } else {
            alias
        };
        let translated = if q.sql {
            text.to_owned()
        } else {
            let cols: Vec<String> = picked
                .iter()
                .map(|&i| format!("{alias}.{}", columns[i].1))
                .collect();
            let mut t = format!(
                "SELECT {} FROM {} {alias}",
                cols.join(" , "),
                source.table_name()
            );
            if let Some(c) = cond {
                t.push_str(&format!(" WHERE {c}"));
            }
            t
        };
        Ok(Outcome::Rows {
            headers,
            rows,
            translated,
        })
    }

    fn dml(&mut self, q: &Query, text: &str, verb: &str) -> Result<Outcome, QueryError> {
        if verb == "insert" {
            let into = split_kw(text, "into").1.unwrap_or("");
            self.source(q, into)?;
            return Ok(Outcome::Affected(1));
        }
        let rest = if verb == "delete" {
            split_kw(text, "from")
                .1
                .ok_or_else(|| QueryError("missing FROM clause".into()))?
        } else {
            &text["update ".len()..]
        };
        let (target, cond) = split_kw(rest, "where");
        let (table, sets) = match split_kw(target, "set") {
            (t, Some(s)) => (t, Some(s)),
            (t, None) => (t, None),
        };
        let (source, _) = self.source(q, table)?;
        let columns = source.columns();
        let conditions = match cond {
            Some(c) => Self::conditions(q, &columns, "", c)?,
            None => Vec::new(),
        };
        let Source::Table(_) = source else {
            return Err(QueryError(format!(
                "user lacks privilege or object not found: {}",
                source.table_name().to_ascii_uppercase()
            )));
        };
        let mut assignments = Vec::new();
        if let Some(sets) = sets {
            for a in sets.split(',') {
                let (c, v) = a
                    .split_once('=')
                    .ok_or_else(|| QueryError(format!("unexpected token: {a}")))?;
                let i = Self::column(q, &columns, "", c)?;
                let v = v.trim();
                let v = v
                    .strip_prefix('\'')
                    .and_then(|v| v.strip_suffix('\''))
                    .map(|v| Some(v.replace("''", "'")))
                    .unwrap_or_else(|| (!v.eq_ignore_ascii_case("null")).then(|| v.to_owned()));
                assignments.push((i, v));
            }
        }
        let matching: Vec<usize> = self
            .products
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| conditions.iter().all(|c| c.matches(r)))
            .map(|(i, _)| i)
            .collect();
        let n = matching.len();
        if q.commit {
            if verb == "delete" {
                for i in matching.into_iter().rev() {
                    self.products.rows.remove(i);
                }
            } else {
                for i in matching {
                    for (c, v) in &assignments {
                        self.products.rows[i][*c] = v.clone();
                    }
                }
            }
        }
        Ok(Outcome::Affected(n))
    }
}

fn select_rows<'r>(
    rows: impl DoubleEndedIterator<Item = &'r [Option<String>]>,
    conditions: &[Condition],
    descending: bool,
    limit: usize,
    project: impl Fn(&[Option<String>]) -> Vec<Option<String>>,
) -> Vec<Vec<Option<String>>> {
    let keep = |r: &&[Option<String>]| conditions.iter().all(|c| c.matches(r));
    if descending {
        rows.rev().filter(keep).take(limit).map(project).collect()
    } else {
        rows.filter(keep).take(limit).map(project).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q<'a>(text: &'a str, sql: bool, users: &'a [String]) -> Query<'a> {
        Query {
            text,
            sql,
            max_count: Some(200),
            user: "admin",
            locale: "en",
            commit: false,
            known_users: users,
        }
    }

    fn rows(o: Outcome) -> (Vec<String>, Vec<Vec<Option<String>>>) {
        match o {
            Outcome::Rows { headers, rows, .. } => (headers, rows),
            Outcome::Affected(_) => panic!("rows expected"),
        }
    }

    #[test]
    fn flexible_search_and_sql() {
        let users = vec!["admin".to_owned(), "anonymous".to_owned()];
        let mut db = Db::new();
        let (h, r) = rows(
            db.run(&q(
                "SELECT {pk}, {code} FROM {Product} WHERE {code} = '0002'",
                false,
                &users,
            ))
            .ok()
            .unwrap(),
        );
        assert_eq!(h, ["PK", "p_code"]);
        assert_eq!(r, vec![vec![Some(pk(1)), Some("0002".into())]]);
        let (_, r) = rows(
            db.run(&q(
                "select p_code from products where PK > 8796093087745 order by PK desc",
                true,
                &users,
            ))
            .ok()
            .unwrap(),
        );
        assert_eq!(r.len(), 4);
        assert_eq!(r[0][0].as_deref(), Some("0006"));
        let (_, r) = rows(
            db.run(&q(
                "SELECT {uid} FROM {User} WHERE {uid} = ?session.user.uid",
                false,
                &users,
            ))
            .ok()
            .unwrap(),
        );
        assert_eq!(r, vec![vec![Some("admin".into())]]);
        assert!(
            db.run(&q("SELECT {pk} FROM {Prodcut}", false, &users))
                .is_err()
        );
        assert!(
            db.run(&q("SELECT {colour} FROM {Product}", false, &users))
                .is_err()
        );
        let mut commit = q(
            "UPDATE products SET p_name = 'x' WHERE p_code = '0001'",
            true,
            &users,
        );
        match db.run(&commit).ok().unwrap() {
            Outcome::Affected(n) => assert_eq!(n, 1),
            _ => panic!(),
        }
        assert_eq!(
            db.products.rows[0][2].as_deref(),
            Some("Camera"),
            "rolled back"
        );
        commit.commit = true;
        db.run(&commit).ok().unwrap();
        assert_eq!(db.products.rows[0][2].as_deref(), Some("x"));
        let mut generated = q(
            "SELECT {pk},{code} FROM {Generated} WHERE {pk} > 8796093054977",
            false,
            &users,
        );
        generated.max_count = Some(3);
        let (_, r) = rows(db.run(&generated).ok().unwrap());
        assert_eq!(r[0][1].as_deref(), Some("code-0000001"));
        assert!(like("abcdef", "a%d%f") && !like("abc", "b%"));
    }
}
