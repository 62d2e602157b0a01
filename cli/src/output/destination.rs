//! Files and directories a command writes to, checked before anything is sent: a run that
//! changed the server, or took its time, must not end in "cannot write" with its answer
//! lost. A missing parent directory is created; one that cannot be written is a usage
//! error (exit 2) before the first request.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::failure::usage;

/// Checks that `path` (named by `flag` in the message, e.g. `--report junit=r.xml`) can be
/// written: not a directory, its directory created if missing and writable.
pub fn prepare_file(path: &Path, flag: &str) -> Result<()> {
    let fail = |why: String| usage(format!("{flag}: {why}"));
    if path.is_dir() {
        return Err(fail("is a directory".into()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    prepare_dir(&dir, flag)
}

/// Checks that files can be created in `dir` (created if missing).
pub fn prepare_dir(dir: &Path, flag: &str) -> Result<()> {
    let fail = |why: String| usage(format!("{flag}: {why}"));
    std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create its directory: {e}")))?;
    let probe = dir.join(format!(".hac-write-probe-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| fail(format!("cannot write there: {e}")))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
