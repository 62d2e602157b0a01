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

/// Checks `path` (which exists) and every directory above it, through links.
#[cfg(unix)]
pub fn check(path: &Path) -> Result<(), Untrusted> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let owner_ok = |uid: u32| uid == me || uid == 0;
    let meta = |p: &Path| {
        std::fs::symlink_metadata(p).map_err(|e| Untrusted(format!("{}: {e}", p.display())))
    };
    // The link itself and the directories it sits in: whoever can replace the link can
    // point it anywhere.
    let link = meta(path)?;
    if link.file_type().is_symlink() && !owner_ok(link.uid()) {
        return Err(Untrusted(format!(
            "{} is a symbolic link owned by another user (uid {}): refused; replace it with \
             a file of your own",
            path.display(),
            link.uid()
        )));
    }
    let absolute =
        std::path::absolute(path).map_err(|e| Untrusted(format!("{}: {e}", path.display())))?;
    if let Some(dir) = absolute.parent() {
        directories(dir, &absolute, me)?;
    }
    // The file it resolves to, and that file's directories.
    let real =
        std::fs::canonicalize(path).map_err(|e| Untrusted(format!("{}: {e}", path.display())))?;
    let file = meta(&real)?;
    let shown = if real == absolute {
        path.display().to_string()
    } else {
        format!("{} (the target of {})", real.display(), path.display())
    };
    if !owner_ok(file.uid()) {
        return Err(Untrusted(format!(
            "{shown} belongs to another user (uid {}), who could make hac run any command as \
             you: refused; use a file of your own (chown it, or copy it)",
            file.uid()
        )));
    }
    if file.mode() & 0o022 != 0 {
        return Err(Untrusted(format!(
            "{shown} is writable by {} (mode {:04o}), who could make hac run any command as \
             you: refused; fix with chmod go-w {}",
            who(file.mode()),
            file.mode() & 0o7777,
            real.display()
        )));
    }
    if let Some(dir) = real.parent() {
        directories(dir, &real, me)?;
    }
    Ok(())
}

/// Every directory from `dir` up to the root: owned by the user or root, and not
/// writable by others unless sticky and owned by root or the user.
#[cfg(unix)]
fn directories(dir: &Path, file: &Path, me: u32) -> Result<(), Untrusted> {
    use std::os::unix::fs::MetadataExt;
    // Directories are followed as the kernel follows them: canonical, links resolved.
    let dir =
        std::fs::canonicalize(dir).map_err(|e| Untrusted(format!("{}: {e}", dir.display())))?;
    for d in dir.ancestors() {
        let m = std::fs::metadata(d).map_err(|e| Untrusted(format!("{}: {e}", d.display())))?;
        let mode = m.mode();
        let owned = m.uid() == me || m.uid() == 0;
        let sticky = mode & 0o1000 != 0;
        let problem = if !owned {
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
        if let Some(problem) = problem {
            return Err(Untrusted(format!(
                "{} is in {}, which {problem}: whoever can write there could replace it and \
                 make hac run any command as you; refused (move the file to a directory \
                 only you can change, or fix the directory's owner and mode)",
                file.display(),
                d.display()
            )));
        }
    }
    Ok(())
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
pub fn check(_path: &Path) -> Result<(), Untrusted> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

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
}
