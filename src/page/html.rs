//! Reading HAC's HTML with a real parser (html5ever): ImpEx result markers and HTML logs
//! turned into text (tree-based), and the page facts of `page_info` (tokenizer-based).
//!
//! The DOM is `Rc`-based and not `Send`, so every function parses and extracts in one go
//! and returns owned data.

use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, parse_document};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

pub(crate) use crate::page::facts::PageInfo;

pub(crate) fn parse(html: &str) -> RcDom {
    parse_document(RcDom::default(), ParseOpts::default()).one(html)
}

/// Depth-first, document-order walk over every node. Iterative: a hostile page nested
/// thousands of levels deep must not overflow the stack.
pub(crate) fn walk(root: &Handle, f: &mut impl FnMut(&Handle)) {
    let mut stack = vec![root.clone()];
    while let Some(node) = stack.pop() {
        f(&node);
        stack.extend(node.children.borrow().iter().rev().cloned());
    }
}

pub(crate) fn attr(node: &Handle, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

pub(crate) fn text_content(node: &Handle, out: &mut String) {
    walk(node, &mut |n| {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
    });
}

/// The comment on HAC's login page that its own JavaScript looks for to recognize "this
/// answer is the login page" (`<!-- redirect_detection - do not remove! -->`).
pub(crate) const REDIRECT_DETECTION: &str = "redirect_detection";

/// Cheap pre-check: can this body be a login page at all? Avoids parsing JSON.
pub(crate) fn may_be_login_page(body: &str) -> bool {
    let start = body.trim_start();
    !(start.starts_with('{') || start.starts_with('['))
        && (body.contains("j_spring_security_check")
            || body.contains("j_username")
            || body.contains(REDIRECT_DETECTION))
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

/// What an ImpEx console page says: the result marker (`span#impexResult` after an import,
/// `span#validationResultMsg` after a validation), the text of the result box, and the
/// form's error messages (HAC shows those instead of any marker).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ImpexPage {
    /// `data-level` and `data-result` of the marker.
    pub marker: Option<(String, String)>,
    /// Text of the `div.impexResult` that follows the marker.
    pub details: String,
    /// Text of every `span.error`.
    pub form_errors: Vec<String>,
}

pub(crate) fn has_class(node: &Handle, class: &str) -> bool {
    attr(node, "class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
}

/// Reads an ImpEx page for the marker with id `marker_id`. The *last* marker counts: HAC
/// echoes the script unescaped into a textarea before the result, so a script that
/// contains `</textarea>` and markup of its own can put elements ahead of the real one.
pub(crate) fn impex_page(html: &str, marker_id: &str) -> ImpexPage {
    let dom = parse(html);
    let mut page = ImpexPage::default();
    let mut marker_at = None;
    let mut boxes: Vec<(usize, Handle)> = Vec::new();
    let mut position = 0usize;
    walk(&dom.document, &mut |node| {
        position += 1;
        if attr(node, "id").as_deref() == Some(marker_id) {
            page.marker = Some((
                attr(node, "data-level").unwrap_or_default(),
                attr(node, "data-result").unwrap_or_default(),
            ));
            marker_at = Some(position);
        } else if has_class(node, "impexResult") {
            boxes.push((position, node.clone()));
        } else if has_class(node, "error") {
            let mut text = String::new();
            text_content(node, &mut text);
            let text = collapse(&text);
            if !text.is_empty() {
                page.form_errors.push(text);
            }
        }
    });
    if let Some(at) = marker_at
        && let Some((_, node)) = boxes.iter().find(|(p, _)| *p > at)
    {
        text_content(node, &mut page.details);
    }
    page
}

/// Turns an HTML log into plain text: entities decoded, `<br>` and block ends as line
/// breaks, blank runs collapsed, trailing whitespace trimmed.
pub(crate) fn to_text(html: &str) -> String {
    dom_text(&parse(html))
}

/// The `<title>` of a page (if it has a non-empty one) and its visible text.
pub(crate) fn title_and_text(html: &str) -> (Option<String>, String) {
    let dom = parse(html);
    let mut title = None;
    walk(&dom.document, &mut |node| {
        if title.is_none()
            && let NodeData::Element { name, .. } = &node.data
            && &*name.local == "title"
        {
            let mut text = String::new();
            text_content(node, &mut text);
            title = Some(collapse(&text)).filter(|t| !t.is_empty());
        }
    });
    (title, dom_text(&dom))
}

fn dom_text(dom: &RcDom) -> String {
    enum Step {
        Enter(Handle),
        LeaveBlock,
    }
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
            let _ = impex_page(s, "impexResult");
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
    use hac_fake::pages::{self, ImpexOutcome, LoginPageVariant};

    #[test]
    fn login_pages() {
        let p = PageInfo::parse(&pages::login(
            LoginPageVariant::Standard,
            "/hac",
            "tok-123",
            None,
        ));
        assert_eq!(p.csrf.as_deref(), Some("tok-123"));
        assert_eq!(p.csrf_header.as_deref(), Some("X-CSRF-TOKEN"));
        assert!(p.is_login_page);
        assert_eq!(
            p.login_action.as_deref(),
            Some("/hac/j_spring_security_check")
        );
        assert_eq!(p.login_error, None, "a bare &nbsp; is no error");
        let p = PageInfo::parse(&pages::login(
            LoginPageVariant::Awkward,
            "",
            "tok-123",
            None,
        ));
        assert_eq!(p.csrf.as_deref(), Some("tok-123"));
        assert_eq!(p.csrf_header.as_deref(), Some("X-XSRF-TOKEN"));
        assert!(p.is_login_page);
        let p = PageInfo::parse(&pages::login(
            LoginPageVariant::Standard,
            "",
            "t",
            Some("Login failed: Bad credentials"),
        ));
        assert_eq!(
            p.login_error.as_deref(),
            Some("Login failed: Bad credentials")
        );
        let p = PageInfo::parse(&pages::login(LoginPageVariant::NoCsrf, "", "t", None));
        assert_eq!(p.csrf, None);
        assert!(p.is_login_page);
        // The marker alone makes a login page (HAC's own JavaScript relies on it).
        let p = PageInfo::parse(
            "<html><head><!-- redirect_detection - do not remove! --></head></html>",
        );
        assert!(p.is_login_page);
    }

    #[test]
    fn console_pages() {
        for page in [
            pages::home("/hac", "tok-123", "admin"),
            pages::home_large("/hac", "tok-123"),
            pages::update("", "tok-123", "admin"),
            pages::error_404(""),
        ] {
            let p = PageInfo::parse(&page);
            assert!(!p.is_login_page);
            if !page.contains("404") {
                assert_eq!(p.csrf.as_deref(), Some("tok-123"));
                assert!(!may_be_login_page(&page));
            }
        }
    }

    fn impex(outcome: &ImpexOutcome, script: &str) -> String {
        pages::impex_import("", "t", "admin", script, "1", outcome)
    }

    #[test]
    fn impex_pages() {
        let ok = impex_page(
            &impex(
                &ImpexOutcome::Import {
                    success: true,
                    text: String::new(),
                },
                "x",
            ),
            "impexResult",
        );
        assert_eq!(
            ok.marker,
            Some(("notice".into(), "Import finished successfully".into()))
        );
        let failed = impex_page(
            &impex(
                &ImpexOutcome::Import {
                    success: false,
                    text: "HEADER\n,,,,line 2: cannot resolve 'x' & <y>\n".into(),
                },
                "x",
            ),
            "impexResult",
        );
        assert_eq!(failed.marker.as_ref().unwrap().0, "error");
        assert!(
            failed.details.contains("cannot resolve 'x' & <y>"),
            "{failed:?}"
        );
        let valid = impex_page(
            &impex(&ImpexOutcome::Validation { problem: None }, "x"),
            "validationResultMsg",
        );
        assert_eq!(
            valid.marker,
            Some(("notice".into(), "Import script is valid".into()))
        );
        let form = impex_page(
            &impex(
                &ImpexOutcome::FormErrors {
                    script: vec!["Script content should not be empty".into()],
                    options: vec!["Encoding is required".into()],
                },
                "",
            ),
            "impexResult",
        );
        assert_eq!(form.marker, None);
        assert_eq!(
            form.form_errors,
            ["Script content should not be empty", "Encoding is required"]
        );
        // A script that breaks out of the textarea cannot fake the result.
        let hostile = "</textarea><span id=\"impexResult\" data-level=\"notice\" data-result=\"fake\"></span><div class=\"impexResult\">fake</div>";
        let page = impex_page(
            &impex(
                &ImpexOutcome::Import {
                    success: false,
                    text: "real".into(),
                },
                hostile,
            ),
            "impexResult",
        );
        assert_eq!(page.marker.unwrap().0, "error");
        assert_eq!(page.details.trim(), "real");
        assert!(
            impex_page(&pages::home("", "t", "a"), "impexResult")
                .marker
                .is_none()
        );
    }
}

/// The element name of a node (`""` for non-elements).
pub(crate) fn tag(node: &Handle) -> String {
    match &node.data {
        NodeData::Element { name, .. } => name.local.to_string(),
        _ => String::new(),
    }
}

/// Every element of `html` for which `keep` says yes, in document order, with its
/// attributes and collapsed text (for pages read by table rows and form fields).
pub(crate) fn elements(
    html: &str,
    keep: impl Fn(&str, &dyn Fn(&str) -> Option<String>) -> bool,
) -> Vec<Element> {
    let dom = parse(html);
    let mut out = Vec::new();
    walk(&dom.document, &mut |node| {
        let name = tag(node);
        if name.is_empty() || !keep(&name, &|a| attr(node, a)) {
            return;
        }
        let mut text = String::new();
        text_content(node, &mut text);
        let attrs = attributes(node);
        out.push(Element {
            name,
            attrs,
            text: collapse(&text),
        });
    });
    out
}

/// Every attribute of an element, as `(name, value)`.
fn attributes(node: &Handle) -> Vec<(String, String)> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .map(|a| (a.name.local.to_string(), a.value.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// An element as [`elements`] returns it.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The rows of the table with id `table_id`: for each `tr`, its cells (`td`, `th`) as
/// elements, plus the `selected` option of a `select` in the cell as the cell's
/// `selected` attribute.
pub(crate) fn table_rows(html: &str, table_id: &str) -> Vec<Vec<Element>> {
    let dom = parse(html);
    let mut table = None;
    walk(&dom.document, &mut |node| {
        if table.is_none() && tag(node) == "table" && attr(node, "id").as_deref() == Some(table_id)
        {
            table = Some(node.clone());
        }
    });
    let Some(table) = table else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    walk(&table, &mut |node| {
        if tag(node) != "tr" {
            return;
        }
        let mut cells = Vec::new();
        for cell in node.children.borrow().iter() {
            let name = tag(cell);
            if name != "td" && name != "th" {
                continue;
            }
            let mut text = String::new();
            text_content(cell, &mut text);
            let mut attrs = attributes(cell);
            let mut selected = None;
            walk(cell, &mut |n| {
                if tag(n) == "option" && attr(n, "selected").is_some() && selected.is_none() {
                    selected = attr(n, "value");
                }
                if tag(n) == "select" {
                    for a in ["data-loggername", "data-loggerName"] {
                        if let Some(v) = attr(n, a) {
                            attrs.push(("data-loggername".into(), v));
                        }
                    }
                }
            });
            if let Some(s) = selected {
                attrs.push(("selected".into(), s));
            }
            cells.push(Element {
                name,
                attrs,
                text: collapse(&text),
            });
        }
        if !cells.is_empty() {
            rows.push(cells);
        }
    });
    rows
}
