//! Trusting a file we run commands from, as OpenSSH trusts its own configuration: the
//! configuration file names `password_command`s that `hac` runs as the current user (often
//! root in CI), so whoever can change the file can run commands as that user. The file is
//! refused when it, or a directory on the way to it, could be changed by someone else:
//!
//! * owned by another user (root excepted);
//! * writable by group or others; a directory writable by others is fine when it is
//!   sticky and owned by root or the user (as `/tmp`): its entries cannot be replaced by
//!   anyone else;
//! * the same for the target of a symbolic link and the directories on its way.
//!
//! On Windows there are no such modes: the check passes (access control lists are the
//! platform's business), as OpenSSH for Windows checks ACLs it can read and nothing else.

use std::path::Path;

/// Why a file cannot be trusted, with the fix: one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted(pub String);

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks the file opened from `path`: the file itself (through the open handle), every
/// directory on the way to it and every symbolic link followed, component by component;
/// and that the path still leads to the file that was opened, so that nothing swapped in
/// between the check and the read is trusted.
#[cfg(unix)]
pub fn check_opened(path: &Path, opened: &std::fs::File) -> Result<(), Untrusted> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let owner_ok = |uid: u32| uid == me || uid == 0;
    let file = opened
        .metadata()
        .map_err(|e| Untrusted(format!("{}: {e}", path.display())))?;
    if !owner_ok(file.uid()) {
        return Err(Untrusted(format!(
            "{} belongs to another user (uid {}), who could make hac run any command as \
             you: refused; use a file of your own (chown it, or copy it)",
            path.display(),
            file.uid()
        )));
    }
    if file.mode() & 0o022 != 0 {
        return Err(Untrusted(format!(
            "{} is writable by {} (mode {:04o}), who could make hac run any command as \
             you: refused; fix with chmod go-w {}",
            path.display(),
            who(file.mode()),
            file.mode() & 0o7777,
            path.display()
        )));
    }
    let reached = walk(path, me)?;
    if (reached.dev(), reached.ino()) != (file.dev(), file.ino()) {
        return Err(Untrusted(format!(
            "{} changed while it was being checked: refused",
            path.display()
        )));
    }
    Ok(())
}

/// Follows `path` as the kernel would, one component at a time, checking each directory
/// entered and each link followed; returns what the path leads to.
#[cfg(unix)]
fn walk(path: &Path, me: u32) -> Result<std::fs::Metadata, Untrusted> {
    use std::os::unix::fs::MetadataExt;
    use std::path::{Component, PathBuf};
    let err = |p: &Path, e: std::io::Error| Untrusted(format!("{}: {e}", p.display()));
    let start = if path.is_absolute() {
        PathBuf::from("/")
    } else {
        std::env::current_dir().map_err(|e| err(path, e))?
    };
    // The directories of the starting point are entered too.
    let mut current = PathBuf::from("/");
    let mut pending: Vec<std::ffi::OsString> = start
        .components()
        .chain(path.components())
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_owned()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .rev()
        .collect();
    directory(&current, path, me)?;
    let mut links = 0;
    while let Some(name) = pending.pop() {
        if name == ".." {
            current.pop();
            continue;
        }
        let next = current.join(&name);
        let meta = std::fs::symlink_metadata(&next).map_err(|e| err(&next, e))?;
        if meta.file_type().is_symlink() {
            links += 1;
            if links > 40 {
                return Err(Untrusted(format!("{}: too many links", path.display())));
            }
            if meta.uid() != me && meta.uid() != 0 {
                return Err(Untrusted(format!(
                    "{} is reached through {}, a link owned by another user (uid {}), who \
                     could point it anywhere: refused",
                    path.display(),
                    next.display(),
                    meta.uid()
                )));
            }
            let target = std::fs::read_link(&next).map_err(|e| err(&next, e))?;
            if target.is_absolute() {
                current = PathBuf::from("/");
            }
            for c in target.components().rev() {
                match c {
                    Component::Normal(n) => pending.push(n.to_owned()),
                    Component::ParentDir => pending.push("..".into()),
                    _ => {}
                }
            }
            continue;
        }
        if pending.is_empty() {
            return Ok(meta);
        }
        if !meta.is_dir() {
            return Err(Untrusted(format!("{}: not a directory", next.display())));
        }
        directory(&next, path, me)?;
        current = next;
    }
    std::fs::metadata(&current).map_err(|e| err(&current, e))
}

/// A directory on the way: owned by the user or root, and not writable by others unless
/// sticky (its entries cannot then be replaced by anyone else).
#[cfg(unix)]
fn directory(dir: &Path, file: &Path, me: u32) -> Result<(), Untrusted> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(dir).map_err(|e| Untrusted(format!("{}: {e}", dir.display())))?;
    let mode = m.mode();
    let sticky = mode & 0o1000 != 0;
    let problem = if m.uid() != me && m.uid() != 0 {
        Some(format!("belongs to another user (uid {})", m.uid()))
    } else if mode & 0o022 != 0 && !sticky {
        Some(format!(
            "is writable by {} (mode {:04o}) and not sticky",
            who(mode),
            mode & 0o7777
        ))
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Untrusted(format!(
            "{} is in {}, which {problem}: whoever can write there could replace it and \
             make hac run any command as you; refused (move the file to a directory only \
             you can change, or fix the directory's owner and mode)",
            file.display(),
            dir.display()
        ))),
    }
}

#[cfg(unix)]
fn who(mode: u32) -> &'static str {
    match (mode & 0o020 != 0, mode & 0o002 != 0) {
        (true, true) => "group and others",
        (true, false) => "its group",
        _ => "others",
    }
}

/// Windows: nothing to check (see the module documentation).
#[cfg(not(unix))]
pub fn check_opened(_path: &Path, _opened: &std::fs::File) -> Result<(), Untrusted> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn check(p: &Path) -> Result<(), Untrusted> {
        check_opened(p, &std::fs::File::open(p).unwrap())
    }

    fn mode(p: &Path, m: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    }

    #[test]
    fn modes_links_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("private");
        std::fs::create_dir(&private).unwrap();
        mode(&private, 0o700);
        let file = private.join("config.toml");
        std::fs::write(&file, "").unwrap();
        mode(&file, 0o600);
        // Under /tmp (root-owned, sticky, writable by all): trusted.
        assert_eq!(check(&file), Ok(()));
        mode(&file, 0o644);
        assert_eq!(check(&file), Ok(()));
        mode(&file, 0o666);
        let e = check(&file).unwrap_err().0;
        assert!(
            e.contains("writable by group and others") && e.contains("chmod go-w"),
            "{e}"
        );
        mode(&file, 0o620);
        assert!(check(&file).unwrap_err().0.contains("its group"));
        mode(&file, 0o600);

        // A directory anyone can write to, not sticky.
        mode(&private, 0o777);
        let e = check(&file).unwrap_err().0;
        assert!(e.contains("not sticky"), "{e}");
        // Sticky and ours: entries cannot be replaced by others.
        mode(&private, 0o1777);
        assert_eq!(check(&file), Ok(()));
        mode(&private, 0o700);

        // A link to an unsafe file, and a link in an unsafe directory.
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        mode(&open, 0o777);
        let target = open.join("real.toml");
        std::fs::write(&target, "").unwrap();
        mode(&target, 0o600);
        let link = private.join("link.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = check(&link).unwrap_err().0;
        assert!(e.contains("open") && e.contains("not sticky"), "{e}");
        let link2 = open.join("link.toml");
        std::os::unix::fs::symlink(&file, &link2).unwrap();
        assert!(check(&link2).is_err());
        mode(&open, 0o700);
        assert_eq!(check(&link), Ok(()));
    }

    #[test]
    fn a_file_swapped_in_after_the_open_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "a").unwrap();
        mode(&path, 0o600);
        let opened = std::fs::File::open(&path).unwrap();
        let other = dir.path().join("other.toml");
        std::fs::write(&other, "b").unwrap();
        mode(&other, 0o600);
        std::fs::rename(&other, &path).unwrap();
        let e = check_opened(&path, &opened).unwrap_err().0;
        assert!(e.contains("changed while it was being checked"), "{e}");
    }
}
