//! HAC's XSS filter, predicted: the platform's default rules (`xss.filter.rule.*` in
//! `bin/platform/project.properties`, filter `de.hybris.platform.servicelayer.web.XSSFilter`
//! mapped to `/*` in HAC's `web.xml`, action `STRIP`) silently remove every match from
//! every request *parameter* (and header) before HAC sees it. So a Groovy line such as
//! `def src = 'x'` or an ImpEx comment with `eval(...)` arrives changed, and nothing says
//! so.
//!
//! The filter wraps `getParameter*` and `getHeader*` of the request. The content of a
//! multipart *file* part is not a parameter: Spring reads it through the multipart
//! resolver, past the wrapper. That is why ImpEx scripts that match a rule are sent
//! through `/console/impex/import/upload` (derived from the filter's wrapper and HAC's
//! `web.xml`, where `MultipartFilter` runs after it; confirmed against the fake, not a live
//! server). Groovy has no upload endpoint: the client can only warn.
//!
//! Projects can change the rules (`hac.xss.filter.rule.*`) or turn the filter off; these
//! are the defaults of SAP Commerce 1811 to 2211.

use std::sync::OnceLock;

use regex_lite::Regex;

/// The default rules, by name, as regular expressions (Java syntax, which these few
/// patterns share with `regex_lite`; both treat `(?i)` and `\s` as ASCII-only).
const RULES: [(&str, &str); 9] = [
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

/// Text every match of a rule contains (lower case): a cheap test that skips the regular
/// expressions for the usual script, which has none of them.
const NEEDLES: [&str; 7] = [
    "<script",
    "src",
    "</script",
    "eval(",
    "expression(",
    "script:",
    "onload",
];

fn rules() -> &'static [(&'static str, Regex)] {
    static COMPILED: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        RULES
            .iter()
            .map(|(name, re)| (*name, Regex::new(re).expect("the rules are valid")))
            .collect()
    })
}

fn may_match(text: &str) -> bool {
    // Lower-cased a piece at a time, with an overlap, so a large script is not copied.
    const PIECE: usize = 64 * 1024;
    const OVERLAP: usize = 16;
    let bytes = text.as_bytes();
    let mut buf = Vec::with_capacity(PIECE + OVERLAP);
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + PIECE + OVERLAP).min(bytes.len());
        buf.clear();
        buf.extend(bytes[at..end].iter().map(u8::to_ascii_lowercase));
        if NEEDLES
            .iter()
            .any(|n| memchr::memmem::find(&buf, n.as_bytes()).is_some())
        {
            return true;
        }
        at += PIECE;
    }
    false
}

/// The first place where HAC's XSS filter would change `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XssMatch {
    /// The rule's name (`src`, `eval`, ...).
    pub rule: &'static str,
    /// 1-based line of the match's start.
    pub line: usize,
}

/// The first match of any rule, by position in the text.
pub(crate) fn first_match(text: &str) -> Option<XssMatch> {
    if !may_match(text) {
        return None;
    }
    let (rule, start) = rules()
        .iter()
        .filter_map(|(name, re)| re.find(text).map(|m| (*name, m.start())))
        .min_by_key(|(_, start)| *start)?;
    // The `src` rule starts at the whitespace before `src`, maybe the previous newline.
    let start = text[start..]
        .find(|c: char| !c.is_whitespace())
        .map_or(start, |i| start + i);
    let line = text[..start].bytes().filter(|b| *b == b'\n').count() + 1;
    Some(XssMatch { rule, line })
}

/// `text` as HAC's default XSS filter leaves a request parameter: every match of each
/// rule removed, rule after rule, as the filter's `STRIP` action does (borrowed when
/// nothing matches). What a form field holds when HAC reads it, so that a tool can judge
/// what will run rather than what was typed: a removal can unbalance a quote or a comment
/// and leave other text than it took away.
///
/// ```
/// use hac_client::xss_filtered;
/// assert_eq!(xss_filtered("SELECT 1"), "SELECT 1");
/// assert_eq!(xss_filtered("SELECT '<script>' AS a"), "SELECT '' AS a");
/// assert_eq!(xss_filtered("#eval()% code"), "#% code");
/// ```
pub fn xss_filtered(text: &str) -> std::borrow::Cow<'_, str> {
    if !may_match(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = std::borrow::Cow::Borrowed(text);
    for (_, re) in rules() {
        if re.is_match(&out) {
            out = std::borrow::Cow::Owned(re.replace_all(&out, "").into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_hac_strips() {
        assert_eq!(
            first_match("println 'a'\ndef src = 'x'\nprintln src"),
            Some(XssMatch {
                rule: "src",
                line: 2
            })
        );
        assert_eq!(
            first_match("INSERT Language;isocode\n# retrieval(x)\n;de").map(|m| (m.rule, m.line)),
            Some(("eval", 2))
        );
        assert_eq!(
            first_match("a <SCRIPT>x</script>").unwrap().rule,
            "script_fragments"
        );
        assert_eq!(first_match("<body onload\n=x>").unwrap().rule, "onload");
        assert_eq!(
            first_match("go JavaScript:void(0)").unwrap().rule,
            "javascript"
        );
        for clean in [
            "println 'hello'\nreturn 42",
            "resource = 'x'",
            "the source code",
            "",
        ] {
            assert_eq!(first_match(clean), None, "{clean}");
        }
        // A needle across the piece boundary of the fast check.
        let long = format!("{}eval(1)", "x".repeat(64 * 1024 - 3));
        assert_eq!(first_match(&long).unwrap().rule, "eval");
    }
}
