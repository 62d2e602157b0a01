//! What an agent may do through `hac mcp`, decided in the server: writes only when the
//! profile allows them, rows and result bytes capped. Plain functions, tested here.

use serde_json::Value;

use crate::settings::Settings;

/// The guard of one MCP server.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `Err(why)` when writes are refused.
    writes: Result<(), String>,
    pub max_rows: u32,
    pub max_bytes: usize,
}

impl Policy {
    pub fn from_settings(settings: &Settings) -> Policy {
        let profile = settings
            .profile_name()
            .map_or_else(|| "no profile".to_owned(), |p| format!("profile {p}"));
        let writes = if settings.read_only.value {
            Err(format!(
                "the {profile} is read-only: writes are refused over MCP whatever mcp_allow_writes says"
            ))
        } else if settings.protected.value {
            Err(format!(
                "the {profile} is protected: writes are refused over MCP whatever mcp_allow_writes says (run them with hac on a terminal)"
            ))
        } else if !settings.mcp_allow_writes.value {
            Err(format!(
                "writes are off: the MCP server is read-only unless the profile sets mcp_allow_writes = true ({profile})"
            ))
        } else {
            Ok(())
        };
        Policy {
            writes,
            max_rows: settings.mcp_max_rows.value.max(1),
            max_bytes: settings.mcp_max_result_bytes.value.max(1_000),
        }
    }

    /// Whether `what` (a write) may run; the refusal says why.
    pub fn allow_write(&self, what: &str) -> Result<(), String> {
        self.writes
            .as_ref()
            .map(|_| ())
            .map_err(|why| format!("refused: {what} is a write; {why}"))
    }

    pub fn writes_allowed(&self) -> bool {
        self.writes.is_ok()
    }

    /// The row limit for a query asking for `asked` (none: the cap).
    pub fn rows(&self, asked: Option<u32>) -> (u32, bool) {
        match asked {
            Some(n) if n > self.max_rows => (self.max_rows, true),
            Some(n) => (n.max(1), false),
            None => (self.max_rows, false),
        }
    }
}

/// Whether SQL changes data (anything but a query).
pub fn is_dml(sql: &str) -> bool {
    let first = sql
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    !matches!(
        first.as_str(),
        "select" | "with" | "values" | "show" | "explain" | "describe"
    )
}

/// Shrinks `value` until its JSON fits `max` bytes: the longest array or string is halved
/// each round. Returns what was cut, for the "cut here" note.
pub fn cap(value: &mut Value, max: usize) -> Vec<String> {
    let mut cuts: Vec<String> = Vec::new();
    for _ in 0..64 {
        let size = value.to_string().len();
        if size <= max {
            break;
        }
        let Some((path, _)) = largest(value, String::new()) else {
            break;
        };
        let Some(target) = value.pointer_mut(&path) else {
            break;
        };
        let name = path.trim_start_matches('/').replace('/', ".");
        match target {
            Value::Array(items) => {
                let before = items.len();
                let keep = before / 2;
                items.truncate(keep);
                note(&mut cuts, &name, format!("{keep} of {before} items kept"));
            }
            Value::String(text) => {
                let mut keep = text.len() / 2;
                while !text.is_char_boundary(keep) {
                    keep -= 1;
                }
                let original = text.len();
                text.truncate(keep);
                text.push_str("\n[cut here]");
                note(
                    &mut cuts,
                    &name,
                    format!("first {keep} of {original} bytes kept"),
                );
            }
            _ => break,
        }
    }
    cuts
}

fn note(cuts: &mut Vec<String>, name: &str, what: String) {
    let entry = format!("{name}: {what}");
    match cuts
        .iter_mut()
        .find(|c| c.starts_with(&format!("{name}: ")))
    {
        // Keep the latest count for a field cut several times.
        Some(c) => *c = entry,
        None => cuts.push(entry),
    }
}

/// The JSON pointer and serialized length of the largest array or string in `value`.
fn largest(value: &Value, path: String) -> Option<(String, usize)> {
    let own = match value {
        Value::Array(a) if !a.is_empty() => Some((path.clone(), value.to_string().len())),
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
    fn dml_is_told_from_queries() {
        for q in [
            "SELECT 1",
            "  with x as (select 1) select * from x",
            "(SELECT 1)",
        ] {
            assert!(!is_dml(q), "{q}");
        }
        for q in [
            "UPDATE products SET x=1",
            "delete from x",
            "INSERT INTO x VALUES (1)",
            "drop table x",
            "merge into x",
        ] {
            assert!(is_dml(q), "{q}");
        }
    }

    #[test]
    fn results_are_cut_to_size_with_a_note() {
        let rows: Vec<Value> = (0..1000)
            .map(|i| json!({"PK": i, "name": "x".repeat(50)}))
            .collect();
        let mut v = json!({"rows": rows, "row_count": 1000});
        let cuts = cap(&mut v, 10_000);
        assert!(v.to_string().len() <= 10_000);
        assert!(cuts[0].starts_with("rows: "), "{cuts:?}");
        let mut v = json!({"output": "é".repeat(100_000), "result": "7"});
        let cuts = cap(&mut v, 5_000);
        assert!(v.to_string().len() <= 5_000);
        assert!(v["output"].as_str().unwrap().ends_with("[cut here]"));
        assert_eq!(v["result"], "7");
        assert!(cuts[0].starts_with("output: first "), "{cuts:?}");
    }
}
