//! Whether an ImpEx script runs code on the server: BeanShell or Groovy in `#%` lines
//! (`#% impex.exportItems(...)`, `#%groovy% ...`) or in `"#%..."` cells. An export runs
//! them as it reads the script, so an export script with any of them is code execution,
//! not a read.

/// Where the first code marker is: `Some(line number)` (1-based), or `None` for a script
/// without one. Any `#%` counts, wherever it is: a marker in an unusual place is still
/// code, and a false alarm only costs a confirmation.
pub fn first_code_marker(script: &str) -> Option<usize> {
    script
        .lines()
        .position(|line| line.contains("#%"))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_wherever_they_are() {
        assert_eq!(
            first_code_marker("INSERT_UPDATE Language;isocode[unique=true]\n;de\n"),
            None
        );
        assert_eq!(
            first_code_marker(
                "# a comment\n#% impex.exportItems(\"SELECT {pk} FROM {Product}\", true);\n"
            ),
            Some(2)
        );
        assert_eq!(
            first_code_marker("INSERT Product;code\n\"#% impex.info(\"\"x\"\")\";\n"),
            Some(2)
        );
        assert_eq!(first_code_marker("  #%groovy% println 1\n"), Some(1));
        assert_eq!(first_code_marker("INSERT Product;code\n;a#%b\n"), Some(2));
    }
}
