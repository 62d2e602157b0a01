//! The audit log of `hac mcp`: one JSON line per tool call, refused and malformed ones
//! included (time in ISO 8601, profile, tool, a preview of the arguments with a hash of
//! the whole script or query, outcome, duration), in a file only its owner can read. It
//! holds no password, cookie or token: arguments are the agent's own text, shortened.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;

use crate::failure::usage;
use serde_json::{Value, json};

pub struct Audit {
    file: Mutex<File>,
    pub path: PathBuf,
    profile: Option<String>,
    url: String,
}

/// Where the log goes by default: the platform's state directory (data directory where
/// there is none), `hac/mcp-audit.jsonl`.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "hac")?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_owned();
    Some(dir.join("mcp-audit.jsonl"))
}

impl Audit {
    /// Opens (creates) the log for appending: the directory 0700 when it is created, the
    /// file 0600; a symbolic link is refused rather than followed.
    pub fn open(path: &Path, profile: Option<String>, url: String) -> Result<Audit> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(dir)
                .map_err(|e| usage(format!("audit log directory {}: {e}", dir.display())))?;
        }
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if meta.file_type().is_symlink() {
                return Err(usage(format!(
                    "audit log {} is a symbolic link: refused (give a real file with --audit-log)",
                    path.display()
                )));
            }
            if !meta.is_file() {
                return Err(usage(format!(
                    "audit log {} is not a regular file (a FIFO, device or directory): refused \
                     (give a real file with --audit-log)",
                    path.display()
                )));
            }
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        // Never blocks (a FIFO swapped in after the check would hang the open) and never
        // follows a link swapped in after it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(
                (rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW).bits() as i32,
            );
        }
        let file = options
            .open(path)
            .map_err(|e| usage(format!("audit log {}: {e}", path.display())))?;
        if !file.metadata()?.is_file() {
            return Err(usage(format!(
                "audit log {} is not a regular file: refused (give a real file with --audit-log)",
                path.display()
            )));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            let meta = file.metadata()?;
            // An existing file of ours that others can read is narrowed; one of another
            // user is refused (we do not change what is not ours).
            if meta.uid() != rustix::process::geteuid().as_raw() {
                return Err(usage(format!(
                    "audit log {} belongs to another user: refused",
                    path.display()
                )));
            }
            if meta.mode() & 0o077 != 0 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
        }
        Ok(Audit {
            file: Mutex::new(file),
            path: path.to_owned(),
            profile,
            url,
        })
    }

    /// Appends one line. A log that cannot be written is reported on stderr, and the call
    /// it describes has already run: the line is lost, never the answer.
    pub fn record(&self, l: Line<'_>) {
        let now = SystemTime::now();
        let line = json!({
            "time": humantime::format_rfc3339_millis(now).to_string(),
            "time_ms": now.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0),
            "profile": self.profile,
            "url": self.url,
            "tool": l.tool,
            "args": preview(l.args),
            "script_blake3": l.script_hash,
            "outcome": l.outcome,
            "message": l.message.map(|m| shorten(m, 300)),
            "duration_ms": l.took.as_millis() as u64,
        });
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = writeln!(file, "{line}") {
            crate::output::stderr_line(format_args!(
                "hac mcp: cannot write the audit log {}: {e}",
                self.path.display()
            ));
        }
    }
}

/// One audited call.
pub struct Line<'a> {
    pub tool: &'a str,
    pub args: &'a Value,
    /// See [`script_hash`].
    pub script_hash: Option<&'a str>,
    /// `ok`, `failed`, `error`, `refused`, `malformed` or `unknown_tool`.
    pub outcome: &'a str,
    pub message: Option<&'a str>,
    pub took: Duration,
}

/// The BLAKE3 hash (hex) of the call's whole script or query, beside its shortened
/// preview: what ran can be matched to a file even when the preview is cut.
pub fn script_hash(args: &Value) -> Option<String> {
    ["script", "query"]
        .iter()
        .find_map(|k| args.get(k).and_then(Value::as_str))
        .map(|text| blake3::hash(text.as_bytes()).to_hex().to_string())
}

/// The arguments with every string shortened to its first 200 characters.
fn preview(args: &Value) -> Value {
    match args {
        Value::String(s) => Value::String(shorten(s, 200)),
        Value::Array(a) => Value::Array(a.iter().map(preview).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), preview(v))).collect()),
        other => other.clone(),
    }
}

fn shorten(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        return s.to_owned();
    }
    let head: String = s.chars().take(max).collect();
    format!("{head}… ({count} characters)")
}

#[cfg(test)]
mod tests {
    #[test]
    fn scripts_are_hashed_whole() {
        let v = serde_json::json!({"script": "println 1"});
        assert_eq!(
            super::script_hash(&v).unwrap(),
            blake3::hash(b"println 1").to_hex().to_string()
        );
        assert_eq!(
            super::script_hash(&serde_json::json!({"type": "Product"})),
            None
        );
    }

    #[test]
    fn previews_are_short() {
        let v = super::preview(&serde_json::json!({"script": "x".repeat(1000), "commit": true}));
        assert!(v["script"].as_str().unwrap().ends_with("(1000 characters)"));
        assert_eq!(v["commit"], true);
    }
}
