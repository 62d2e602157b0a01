//! Whether an ImpEx script runs code on the server: BeanShell or Groovy in `#%` lines
//! (`#% impex.exportItems(...)`, `#%groovy% ...`) or in `"#%..."` cells. An export runs
//! them as it reads the script, so an export script with any of them is code execution,
//! not a read.

/// Where the first code marker is: `Some(line number)` (1-based), or `None` for a script
/// without one. Any `#%` counts, wherever it is: a marker in an unusual place is still
/// code, and a false alarm only costs a confirmation. The script is looked at as typed and
/// as HAC's XSS filter leaves it (`#eval()%` becomes `#%` on the way in).
pub fn first_code_marker(script: &str) -> Option<usize> {
    let marker = |text: &str| {
        text.lines()
            .position(|line| line.contains("#%"))
            .map(|i| i + 1)
    };
    marker(script).or_else(|| marker(&hac_client::xss_filtered(script)))
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
        // Made by HAC's XSS filter on the way in.
        assert_eq!(
            first_code_marker("INSERT Product;code\n#eval()% new java.io.File(\"/tmp/x\")\n"),
            Some(2)
        );
        assert_eq!(
            first_code_marker("\"#<script>% impex.exportItems()\"\n"),
            Some(1)
        );
    }
}
