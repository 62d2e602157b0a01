//! HAC's XSS filter (`de.hybris.platform.servicelayer.web.XSSFilter`, mapped to `/*` in
//! HAC's `web.xml`): with the platform defaults (`xss.filter.enabled=true`,
//! `xss.filter.action=STRIP`) it removes every match of these rules from every request
//! parameter and header value, silently, before any controller sees it. Multipart file
//! content is not a parameter and passes untouched.

use std::sync::OnceLock;

use regex_lite::Regex;

/// The default rules of `bin/platform/project.properties` (2211), in file order.
pub const RULES: [(&str, &str); 9] = [
    ("script_fragments", r"(?i)<script>(.*?)</script>"),
    ("src", r"(?ims)[\s\r\n]+src[\s\r\n]*=[\s\r\n]*'(.*?)'"),
    ("lonely_script_tags", r"(?i)</script>"),
    ("lonely_script_tags2", r"(?ims)<script(.*?)>"),
    ("eval", r"(?ims)eval\((.*?)\)"),
    ("expression", r"(?ims)expression\((.*?)\)"),
    ("javascript", r"(?i)javascript:"),
    ("vbscript", r"(?i)vbscript:"),
    ("onload", r"(?ims)onload(.*?)="),
];

fn compiled() -> &'static [Regex] {
    static RULES_RE: OnceLock<Vec<Regex>> = OnceLock::new();
    RULES_RE.get_or_init(|| {
        RULES
            .iter()
            .map(|(_, r)| Regex::new(r).expect("the rules are valid"))
            .collect()
    })
}

/// The value as the application sees it after the filter.
pub fn strip(value: &str) -> String {
    let mut out = value.to_owned();
    for re in compiled() {
        if re.is_match(&out) {
            out = re.replace_all(&out, "").into_owned();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_what_hac_strips() {
        assert_eq!(strip("def src = 'x'\nprintln src"), "def\nprintln src");
        assert_eq!(strip("a <script>alert(1)</script> b"), "a  b");
        assert_eq!(strip("Eval(1+1) ok"), " ok");
        assert_eq!(strip("go javascript:void"), "go void");
        assert_eq!(strip("<body onload=\"x\">"), "<body \"x\">");
        assert_eq!(
            strip("nothing to see; src='' at start"),
            "nothing to see; at start"
        );
        assert_eq!(strip("plain text"), "plain text");
    }
}
