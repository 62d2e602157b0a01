//! Short excerpts of server bodies for error messages, without secrets in them.
//!
//! An error page can echo what the client sent or holds: HAC's own pages carry the live
//! CSRF token in `<meta name="_csrf">` and a hidden `_csrf` input, debug and WAF pages
//! echo `JSESSIONID=...` or `j_password=...`. So an excerpt is built from what a person
//! would read (an HTML page's title and visible text, never attributes), every
//! `name=value` of a sensitive name is masked, and every secret the client knows (its
//! token, its cookie values, the password while it is in hand) is masked wherever it
//! appears.

use std::sync::OnceLock;

use regex_lite::Regex;

use crate::html;

/// How long an excerpt gets.
const MAX_EXCERPT: usize = 160;
/// How much of a body is read for an excerpt (an error page can be large).
const MAX_READ: usize = 64 * 1024;
/// What a masked value reads as.
pub(crate) const MASK: &str = "[redacted]";

/// `name=value`, `name: value`, `"name":"value"` for names that carry secrets.
fn sensitive_pairs() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?i)((?:jsessionid|j_password|password|passwd|_csrf|x-csrf-token|x-xsrf-token|csrf[_-]?token|route|authorization|cookie|set-cookie)["']?\s*(?:=|:)\s*["']?)(?:basic\s+|bearer\s+)?[^\s"'&;<>,]+"#,
        )
        .expect("valid pattern")
    })
}

fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Masks every occurrence of the non-trivial `secrets`, then every sensitive pair.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets {
        // Very short values (`1`, `on`) would mask ordinary words; no secret is that short.
        if s.len() >= 6 && out.contains(s) {
            out = out.replace(s, MASK);
        }
    }
    sensitive_pairs()
        .replace_all(&out, |c: &regex_lite::Captures| format!("{}{MASK}", &c[1]))
        .into_owned()
}

fn looks_like_html(body: &str) -> bool {
    let start = body.trim_start();
    start.starts_with('<')
        && (start.len() > 1 && !start[1..].starts_with(['?', '{']))
        && !start.starts_with("<?xml")
}

/// What a person reads of `body`, masked, on one line, at most 160 characters.
pub(crate) fn excerpt(body: &str, secrets: &[&str]) -> String {
    let head = cut(body, MAX_READ);
    let text = if looks_like_html(head) {
        let (title, visible) = html::title_and_text(head);
        match title {
            Some(t) if !visible.contains(&t) => format!("{t}: {visible}"),
            _ => visible,
        }
    } else {
        head.to_owned()
    };
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let clean = scrub(&one_line, secrets);
    if clean.len() > MAX_EXCERPT {
        format!("{}…", cut(&clean, MAX_EXCERPT))
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_read_as_text_without_its_token() {
        let page = hac_fake::pages::home("", "Tok3n-in-the-meta-and-input", "admin");
        let e = excerpt(&page, &[]);
        assert!(!e.contains("Tok3n"), "{e}");
        assert!(e.starts_with("hybris administration console | Home"), "{e}");
        let error = "<html><head><title>HTTP Status 500</title></head><body><h1>HTTP Status 500</h1><p>java.lang.NullPointerException</p><input type=hidden name=_csrf value=abcdef123456></body></html>";
        assert_eq!(
            excerpt(error, &[]),
            "HTTP Status 500 java.lang.NullPointerException"
        );
    }

    #[test]
    fn echoed_secrets_are_masked() {
        let waf = "Request blocked: Cookie: JSESSIONID=9F1E2D3C4B5A; ROUTE=.node-a; body j_password=hunter2&_csrf=c5f3-token&x=1";
        let e = excerpt(waf, &[]);
        for secret in ["9F1E2D3C4B5A", "node-a", "hunter2", "c5f3-token"] {
            assert!(!e.contains(secret), "{e}");
        }
        assert!(e.contains("x=1"), "{e}");
        let json = r#"{"error":"bad","X-CSRF-TOKEN":"tok-123456","password" : "p4ss"}"#;
        let e = excerpt(json, &[]);
        assert!(!e.contains("tok-123456") && !e.contains("p4ss"), "{e}");
        // Known values anywhere, whatever surrounds them.
        let e = excerpt(
            "oops 7d1f0a55-known-token here",
            &["7d1f0a55-known-token", "on"],
        );
        assert_eq!(e, "oops [redacted] here");
    }

    #[test]
    fn long_bodies_are_cut() {
        let e = excerpt(&"é".repeat(100_000), &[]);
        assert!(
            e.ends_with('…') && e.len() <= MAX_EXCERPT + 3,
            "{}",
            e.len()
        );
        assert_eq!(excerpt("  a\n\n b\tc ", &[]), "a b c");
    }
}
