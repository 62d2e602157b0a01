//! Reading HAC's HTML with a real parser (html5ever): ImpEx result markers and HTML logs
//! turned into text (tree-based), and the page facts of `page_info` (tokenizer-based).
//!
//! The DOM is `Rc`-based and not `Send`, so every function parses and extracts in one go
//! and returns owned data.

use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, parse_document};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

pub(crate) use crate::page_info::PageInfo;

fn parse(html: &str) -> RcDom {
    parse_document(RcDom::default(), ParseOpts::default()).one(html)
}

/// Depth-first, document-order walk over every node. Iterative: a hostile page nested
/// thousands of levels deep must not overflow the stack.
fn walk(root: &Handle, f: &mut impl FnMut(&Handle)) {
    let mut stack = vec![root.clone()];
    while let Some(node) = stack.pop() {
        f(&node);
        stack.extend(node.children.borrow().iter().rev().cloned());
    }
}

fn attr(node: &Handle, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn text_content(node: &Handle, out: &mut String) {
    walk(node, &mut |n| {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
    });
}

/// Cheap pre-check: can this body be a login page at all? Avoids parsing JSON.
pub(crate) fn may_be_login_page(body: &str) -> bool {
    let start = body.trim_start();
    !(start.starts_with('{') || start.starts_with('['))
        && (body.contains("j_spring_security_check") || body.contains("j_username"))
}

/// A token in the sense of RFC 9110 field names; anything else is ignored.
pub(crate) fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The markers of an ImpEx result page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImpexMarkers {
    pub level: String,
    pub summary: String,
    pub details: String,
}

/// Finds `<span id="impexResult" data-level data-result>` and the text of
/// `<div class="impexResult"><pre>`.
pub(crate) fn impex_markers(html: &str) -> Option<ImpexMarkers> {
    let dom = parse(html);
    let mut found: Option<ImpexMarkers> = None;
    let mut details = String::new();
    walk(&dom.document, &mut |node| {
        if attr(node, "id").as_deref() == Some("impexResult") && found.is_none() {
            found = Some(ImpexMarkers {
                level: attr(node, "data-level").unwrap_or_default(),
                summary: attr(node, "data-result").unwrap_or_default(),
                details: String::new(),
            });
        } else if attr(node, "class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == "impexResult"))
        {
            text_content(node, &mut details);
        }
    });
    found.map(|mut m| {
        m.details = details;
        m
    })
}

/// Turns an HTML log into plain text: entities decoded, `<br>` and block ends as line
/// breaks, blank runs collapsed, trailing whitespace trimmed.
pub(crate) fn to_text(html: &str) -> String {
    enum Step {
        Enter(Handle),
        LeaveBlock,
    }
    let dom = parse(html);
    let mut raw = String::new();
    let mut stack = vec![Step::Enter(dom.document.clone())];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::LeaveBlock => {
                if !raw.ends_with('\n') {
                    raw.push('\n');
                }
                continue;
            }
            Step::Enter(node) => node,
        };
        match &node.data {
            NodeData::Text { contents } => raw.push_str(&contents.borrow()),
            NodeData::Element { name, .. } => {
                let tag: &str = &name.local;
                if matches!(tag, "script" | "style" | "head") {
                    continue;
                }
                if tag == "br" {
                    raw.push('\n');
                    continue;
                }
                let block = matches!(
                    tag,
                    "div" | "p" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "pre" | "table" | "ul"
                );
                if block {
                    if !raw.is_empty() && !raw.ends_with('\n') {
                        raw.push('\n');
                    }
                    stack.push(Step::LeaveBlock);
                }
            }
            _ => {}
        }
        let children = node.children.borrow();
        stack.extend(children.iter().rev().cloned().map(Step::Enter));
    }
    let mut out = String::new();
    let mut blank = false;
    for line in raw.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line.replace('\u{a0}', " ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_meta_and_input_tokens() {
        let p = PageInfo::parse(
            r#"<html><head><meta name="_csrf" content="T1"/><meta name="_csrf_header" content="X-CSRF-TOKEN"/></head>
            <body><form action="/hac/j_spring_security_check"><input type="hidden" name="_csrf" value="T2"/></form></body></html>"#,
        );
        assert_eq!(p.csrf.as_deref(), Some("T1"));
        assert_eq!(p.csrf_header.as_deref(), Some("X-CSRF-TOKEN"));
        assert!(p.is_login_page);
    }

    #[test]
    fn input_only_unquoted_and_ignores_comments_and_scripts() {
        let p = PageInfo::parse(
            "<!-- <meta name=_csrf content=commented> --><script>'<input name=\"_csrf\" value=\"s\">'</script><p><input value=tok-1 name=_csrf></p>",
        );
        assert_eq!(p.csrf.as_deref(), Some("tok-1"));
        assert!(!p.is_login_page);
    }

    #[test]
    fn entities_are_decoded_and_empty_tokens_ignored() {
        let p = PageInfo::parse(
            "<meta name='_csrf' content='a&amp;b'><meta name=_csrf_header content='bad header'>",
        );
        assert_eq!(p.csrf.as_deref(), Some("a&b"));
        assert_eq!(p.csrf_header, None);
        let p = PageInfo::parse("<meta name='_csrf' content=''><input name=_csrf value=' '>");
        assert_eq!(p.csrf, None);
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "",
            "<",
            "<<<>>>",
            "\u{0}\u{ffff}",
            "<meta name=_csrf",
            "{\"json\":1}",
            "<input name=_csrf value=\"unterminated",
        ] {
            let _ = PageInfo::parse(s);
            let _ = impex_markers(s);
            let _ = to_text(s);
        }
        let deep = "<div>".repeat(5000);
        let _ = PageInfo::parse(&deep);
    }

    #[test]
    fn debug_redacts_token() {
        let p = PageInfo::parse("<meta name=_csrf content=secret-token>");
        assert!(!format!("{p:?}").contains("secret-token"));
    }

    #[test]
    fn text_of_logs() {
        let t = to_text(
            "<div>Updating&hellip;</div><br/>line &amp; two<br/><br/><br/><b>Finished</b> ok<br/>",
        );
        assert_eq!(t, "Updating…\n\nline & two\n\nFinished ok\n");
    }

    #[test]
    fn login_page_precheck() {
        assert!(!may_be_login_page(" {\"j_username\": 1}"));
        assert!(may_be_login_page(
            "<form action=\"/j_spring_security_check\">"
        ));
        assert!(!may_be_login_page("<html>dashboard</html>"));
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    fn render(s: &str) -> String {
        s.replace("{{CSRF}}", "tok-123").replace("{{CTX}}", "/hac")
    }

    #[test]
    fn login_fixtures() {
        let p = PageInfo::parse(&render(include_str!("../fixtures/login.html")));
        assert_eq!(p.csrf.as_deref(), Some("tok-123"));
        assert!(p.is_login_page);
        assert_eq!(p.login_error, None);
        let p = PageInfo::parse(&render(include_str!("../fixtures/login_awkward.html")));
        assert_eq!(p.csrf.as_deref(), Some("tok-123"));
        assert_eq!(p.csrf_header.as_deref(), Some("X-XSRF-TOKEN"));
        assert!(p.is_login_page);
        let p = PageInfo::parse(&render(include_str!("../fixtures/login_error.html")));
        assert_eq!(
            p.login_error.as_deref(),
            Some("Login failed: Bad credentials")
        );
        let p = PageInfo::parse(&render(include_str!("../fixtures/login_no_csrf.html")));
        assert_eq!(p.csrf, None);
        assert!(p.is_login_page);
    }

    #[test]
    fn dashboards() {
        for page in [
            include_str!("../fixtures/dashboard.html"),
            include_str!("../fixtures/dashboard_large.html"),
            include_str!("../fixtures/update_page.html"),
        ] {
            let p = PageInfo::parse(&render(page));
            assert_eq!(p.csrf.as_deref(), Some("tok-123"));
            assert!(!p.is_login_page);
            assert!(!may_be_login_page(page));
        }
    }

    #[test]
    fn impex_fixtures() {
        let m = impex_markers(&render(include_str!(
            "../fixtures/impex_import_success.html"
        )))
        .unwrap();
        assert_eq!(
            (m.level.as_str(), m.summary.as_str()),
            ("success", "Import finished successfully")
        );
        let m = impex_markers(&render(include_str!(
            "../fixtures/impex_validate_success.html"
        )))
        .unwrap();
        assert_eq!(m.summary, "Import script is valid");
        let m =
            impex_markers(&render(include_str!("../fixtures/impex_import_error.html"))).unwrap();
        assert_eq!(m.level, "error");
        assert!(
            m.details
                .contains("cannot resolve value 'unknownCatalog:Staged'")
        );
        assert!(impex_markers(include_str!("../fixtures/dashboard.html")).is_none());
    }
}
