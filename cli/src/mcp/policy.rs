//! What an agent may do through `hac mcp`, decided in the server from the operation table
//! (`crate::safety`): reads always; writes only when the profile allows them; code
//! execution (Groovy) only on a profile that is neither protected nor read-only, unless
//! the profile turns it off. Rows and result bytes are capped. Plain functions, tested here.
//!
//! A refusal states the policy and that the profile's owner sets it. It never describes a
//! way around it: an agent has a shell and can edit files, so "unless ..." is a recipe.

use serde_json::Value;

use crate::config::settings::Settings;
use crate::safety::{Class, Intent};

/// Rows a query returns when the agent does not ask for a number: enough to see what the
/// data looks like, small enough for an agent's context.
pub const DEFAULT_ROWS: u32 = 50;

/// The guard of one MCP server.
#[derive(Debug, Clone)]
pub struct Policy {
    /// "the profile agent", for messages.
    who: String,
    /// Why writes are refused (`None`: allowed).
    no_writes: Option<&'static str>,
    /// Why code execution is refused (`None`: allowed).
    no_code: Option<&'static str>,
    pub max_rows: u32,
    pub max_bytes: usize,
}

impl Policy {
    pub fn from_settings(settings: &Settings) -> Policy {
        let who = match (&settings.guarded_by, settings.profile_name()) {
            (Some(by), _) => format!("the server of the profile {by}"),
            (None, Some(p)) => format!("the profile {p}"),
            (None, None) => "this server".to_owned(),
        };
        let guarded = if settings.read_only.value {
            Some("reads only (the profile is read-only)")
        } else if settings.protected.value {
            Some("reads only (the profile is protected)")
        } else {
            None
        };
        Policy {
            who,
            no_writes: guarded
                .or((!settings.mcp_allow_writes.value).then_some("no writes over MCP")),
            no_code: guarded
                .or((!settings.mcp_allow_groovy.value).then_some("no code execution over MCP")),
            max_rows: settings.mcp_max_rows.value.max(1),
            max_bytes: settings.mcp_max_result_bytes.value.max(1_000),
        }
    }

    /// Whether the intent may run; the refusal says why and whose policy it is.
    pub fn allow(&self, intent: &Intent) -> Result<(), String> {
        self.allow_class(intent.class(), &intent.describe())
    }

    /// Whether something of `class`, described by `what`, may run.
    pub fn allow_class(&self, class: Class, what: &str) -> Result<(), String> {
        let why = match class {
            Class::Read => None,
            Class::Write => self.no_writes,
            Class::CodeExecution => self.no_code,
        };
        match why {
            None => Ok(()),
            Some(policy) => Err(format!(
                "refused, nothing was sent: {what}. The policy of this MCP server for {} is \
                 {policy}; the profile's owner sets it.",
                self.who
            )),
        }
    }

    pub fn writes_allowed(&self) -> bool {
        self.no_writes.is_none()
    }

    pub fn code_allowed(&self) -> bool {
        self.no_code.is_none()
    }

    /// The row limit for a query asking for `asked` (none: [`DEFAULT_ROWS`]), and whether
    /// the request was lowered to the cap.
    pub fn rows(&self, asked: Option<u32>) -> (u32, bool) {
        match asked {
            Some(n) if n > self.max_rows => (self.max_rows, true),
            Some(n) => (n.max(1), false),
            None => (DEFAULT_ROWS.min(self.max_rows), false),
        }
    }
}

fn size(value: &Value) -> usize {
    value.to_string().len()
}

/// Makes `value`'s JSON fit `budget` bytes, its notes included. A value that fits is left
/// as it is. Otherwise the largest array or string is shortened by what is over (an array
/// loses items from its end, a string its tail) until the whole fits, and the object gets
/// `cut_to_fit: true` and a `cut_here` note saying what was kept and how to ask for less.
/// A cut `rows` array keeps `row_count` equal to its length, with `truncated: true`.
/// Returns whether anything was cut.
pub fn fit(value: &mut Value, budget: usize, limit: &str) -> bool {
    if size(value) <= budget {
        return false;
    }
    // What was cut, as notes, and each cut field's original size.
    let mut cuts: Vec<(String, String)> = Vec::new();
    let mut original: std::collections::HashMap<String, usize> = Default::default();
    for _ in 0..64 {
        annotate(value, &cuts, limit);
        let over = size(value).saturating_sub(budget);
        if over == 0 {
            break;
        }
        let Some(path) = largest(value, String::new()).map(|(p, _)| p) else {
            break;
        };
        let Some(target) = value.pointer_mut(&path) else {
            break;
        };
        let name = path.trim_start_matches('/').replace('/', ".");
        match target {
            Value::Array(items) => {
                let before = original.entry(name.clone()).or_insert(items.len());
                let mut freed = 0;
                while freed < over && !items.is_empty() {
                    freed += items.pop().map_or(0, |v| size(&v) + 1);
                }
                note(
                    &mut cuts,
                    &name,
                    format!("{} of {before} items kept", items.len()),
                );
            }
            Value::String(text) => {
                const MARK: &str = "\n[cut here]";
                let shown = text.strip_suffix(MARK).unwrap_or(text).len();
                let before = *original.entry(name.clone()).or_insert(shown);
                let mut keep = text.len().saturating_sub(over + MARK.len() + 8).min(shown);
                while !text.is_char_boundary(keep) {
                    keep -= 1;
                }
                text.truncate(keep);
                text.push_str(MARK);
                note(
                    &mut cuts,
                    &name,
                    format!("first {keep} of {before} bytes kept"),
                );
            }
            _ => break,
        }
        if name == "rows"
            && let Value::Object(o) = value
        {
            let kept = o.get("rows").and_then(Value::as_array).map_or(0, Vec::len);
            o.insert("row_count".into(), kept.into());
            o.insert("truncated".into(), true.into());
        }
    }
    true
}

/// The cut notes on the object (replacing earlier ones).
fn annotate(value: &mut Value, cuts: &[(String, String)], limit: &str) {
    let Value::Object(o) = value else {
        return;
    };
    if cuts.is_empty() {
        return;
    }
    let what: Vec<String> = cuts.iter().map(|(n, w)| format!("{n}: {w}")).collect();
    o.insert("cut_to_fit".into(), Value::Bool(true));
    o.insert(
        "cut_here".into(),
        Value::String(format!(
            "this result was cut to fit {limit}: {}; ask for less (fewer rows, a narrower query)",
            what.join("; ")
        )),
    );
}

/// Records what was cut from `name`, keeping the latest count for a field cut again.
fn note(cuts: &mut Vec<(String, String)>, name: &str, what: String) {
    match cuts.iter_mut().find(|(n, _)| n == name) {
        Some(c) => c.1 = what,
        None => cuts.push((name.to_owned(), what)),
    }
}

/// The JSON pointer and serialized length of the largest array or string in `value`
/// (never the cut note itself).
fn largest(value: &Value, path: String) -> Option<(String, usize)> {
    let own = match value {
        Value::Array(a) if !a.is_empty() => Some((path.clone(), size(value))),
        Value::String(s) if s.len() > 64 => Some((path.clone(), s.len())),
        _ => None,
    };
    let children = match value {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .filter_map(|(i, v)| largest(v, format!("{path}/{i}")))
            .max_by_key(|(_, l)| *l),
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| !(path.is_empty() && *k == "cut_here"))
            .filter_map(|(k, v)| {
                largest(
                    v,
                    format!("{path}/{}", k.replace('~', "~0").replace('/', "~1")),
                )
            })
            .max_by_key(|(_, l)| *l),
        _ => None,
    };
    match (own, children) {
        // An array is cut as a whole unless one of its elements is most of it.
        (Some(o), Some(c)) if c.1 * 2 > o.1 => Some(c),
        (Some(o), _) => Some(o),
        (None, c) => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_are_cut_to_size_with_a_note_that_counts_what_was_kept() {
        let rows: Vec<Value> = (0..1000)
            .map(|i| json!({"PK": i, "name": "x".repeat(50)}))
            .collect();
        let mut v = json!({"rows": rows, "row_count": 1000, "truncated": false});
        assert!(fit(&mut v, 10_000, "10000 bytes"));
        assert!(size(&v) <= 10_000, "{}", size(&v));
        let kept = v["rows"].as_array().unwrap().len();
        assert!(kept > 100, "as many rows as fit are kept: {kept}");
        assert_eq!(v["row_count"], kept);
        assert_eq!(v["truncated"], true);
        assert_eq!(v["cut_to_fit"], true);
        let note = v["cut_here"].as_str().unwrap();
        assert!(
            note.contains(&format!("rows: {kept} of 1000 items kept")),
            "{note}"
        );

        let mut v = json!({"output": "é".repeat(100_000), "result": "7"});
        assert!(fit(&mut v, 5_000, "5000 bytes"));
        assert!(size(&v) <= 5_000);
        assert!(v["output"].as_str().unwrap().ends_with("[cut here]"));
        assert_eq!(v["result"], "7");
    }

    #[test]
    fn nothing_is_cut_under_the_cap() {
        let rows: Vec<Value> = (0..50).map(|i| json!({"PK": i})).collect();
        let mut v = json!({"rows": rows, "row_count": 50});
        let before = v.clone();
        let exact = size(&v);
        assert!(!fit(&mut v, exact, "x"));
        assert_eq!(v, before);
    }
}
