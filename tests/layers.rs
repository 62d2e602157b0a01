//! The layers stay layers: each folder of `src/` uses only the folders below it (see
//! ARCHITECTURE.md). A new `use crate::...` that points up, or a circle between folders,
//! fails here with the file and the line.

use std::path::Path;

/// What each folder may use (besides itself). Root files above the folders (`client`,
/// `core`, `lib`, `blocking_pages`) may use anything; references to the crate root's
/// re-exports (`crate::Error`) are not counted.
const ALLOWED: &[(&str, &[&str])] = &[
    ("tls", &["error"]),
    ("session", &["error", "json_out"]),
    ("config", &["error", "session", "tls"]),
    ("http", &["error", "config", "tls"]),
    ("page", &["error", "http"]),
    ("console", &["error", "http", "page", "json_out"]),
    ("ops", &["error", "http", "page", "console"]),
    ("error", &[]),
    ("json_out", &[]),
];

#[test]
fn every_folder_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let layer = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            let Some((_, allowed)) = ALLOWED.iter().find(|(l, _)| *l == layer) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            // A module's own tests may reach anywhere.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            for (n, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for used in line.split("crate::").skip(1) {
                    let module: String = used
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if module.is_empty() || module == layer || allowed.contains(&module.as_str()) {
                        continue;
                    }
                    wrong.push(format!(
                        "src/{}:{}: {layer} uses {module}",
                        rel.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports pointing up:\n{}",
        wrong.join("\n")
    );
}
