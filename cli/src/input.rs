//! Scripts, queries and ImpEx from a file or standard input, checked before anything is
//! sent: an unreadable or empty input is a usage error, not a server round trip; and
//! whether a person can be asked (a password, a confirmation).

use std::io::{IsTerminal, Read};

use anyhow::Result;

use crate::failure::usage;

/// Whether a person is there to answer a question: standard input and standard error are
/// both a terminal (the question goes to stderr, the answer comes from stdin).
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Reads a script: from FILE, or from standard input for `-` or no FILE. An empty script
/// is a usage error; HAC would only answer it with an unhelpful message.
pub fn read_input(file: Option<&str>, what: &str, stdin_taken: bool) -> Result<String> {
    let (text, source) = match file {
        None | Some("-") => {
            if stdin_taken {
                return Err(usage(format!(
                    "the {what} and --password-stdin cannot both come from standard input"
                )));
            }
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| usage(format!("reading the {what} from standard input: {e}")))?;
            (text, "standard input".to_owned())
        }
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| usage(format!("cannot read {what} file {path}: {e}")))?;
            (text, path.to_owned())
        }
    };
    if text.trim().is_empty() {
        return Err(usage(format!("the {what} from {source} is empty")));
    }
    Ok(text)
}

/// Checks that `path` is a readable, non-empty regular file (read later, streamed).
pub fn check_file(path: &str, what: &str) -> Result<()> {
    let meta = std::fs::metadata(path)
        .and_then(|m| std::fs::File::open(path).map(|_| m))
        .map_err(|e| usage(format!("cannot read {what} file {path}: {e}")))?;
    if !meta.is_file() {
        return Err(usage(format!("{what} file {path} is not a file")));
    }
    if meta.len() == 0 {
        return Err(usage(format!("the {what} from {path} is empty")));
    }
    Ok(())
}
