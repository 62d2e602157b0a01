//! What the client needs from any HAC page (CSRF token and header name, whether it is the
//! login page and where its form posts to, the login error), read with html5ever's
//! tokenizer.
//!
//! No tree is built: every fact sits in a start tag's attributes, and building an `RcDom`
//! costs more than the facts are worth (about half the client's own cost of a login). The
//! tokenizer is still the HTML5 one, so attribute order, quoting, entities and comments are
//! handled as a browser would; the raw-text elements (`script`, `style`, `textarea`...) are
//! switched into their raw states exactly as the tree builder would, so a token inside a
//! script string is not mistaken for a tag. And it can stop early: on a page that cannot be
//! a login page, reading ends as soon as the token and header are known, which on a large
//! dashboard is within the first few kilobytes.

use std::cell::{Cell, RefCell};

use html5ever::local_name;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::page::html::{REDIRECT_DETECTION, collapse, is_header_name, may_be_login_page};

/// Input is fed in pieces of this size, and the scan checks between pieces whether it has
/// what it needs.
const CHUNK: usize = 8 * 1024;

/// What the client needs to know about any HAC page.
#[derive(Default, Clone, PartialEq, Eq)]
pub(crate) struct PageInfo {
    /// `<meta name="_csrf" content>` or, failing that, `<input name="_csrf" value>`.
    pub csrf: Option<String>,
    /// `<meta name="_csrf_header" content>`.
    pub csrf_header: Option<String>,
    /// The page is the login page: it carries the login form or HAC's
    /// `redirect_detection` marker comment.
    pub is_login_page: bool,
    /// The `action` of the login form, as written (relative to the page).
    pub login_action: Option<String>,
    /// Text of `#loginErrors`, when not empty.
    pub login_error: Option<String>,
}

impl std::fmt::Debug for PageInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageInfo")
            .field("csrf", &self.csrf.as_ref().map(|_| "<redacted>"))
            .field("csrf_header", &self.csrf_header)
            .field("is_login_page", &self.is_login_page)
            .field("login_action", &self.login_action)
            .field("login_error", &self.login_error)
            .finish()
    }
}

impl PageInfo {
    /// Reads a page.
    pub fn parse(html: &str) -> PageInfo {
        // Without these strings anywhere the page cannot be the login page, and then only
        // the token and header matter.
        let may_be_login = may_be_login_page(html);
        let tokenizer = Tokenizer::new(Scan::default(), TokenizerOpts::default());
        let input = BufferQueue::default();
        let mut rest = html;
        while !rest.is_empty() {
            let mut cut = rest.len().min(CHUNK);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            input.push_back(StrTendril::from_slice(&rest[..cut]));
            // Never suspends: the sink never returns `Script`.
            let _ = tokenizer.feed(&input);
            rest = &rest[cut..];
            if !may_be_login && tokenizer.sink.has_token_and_header() {
                break;
            }
        }
        if rest.is_empty() {
            tokenizer.end();
        }
        tokenizer.sink.into_info()
    }
}

#[derive(Default)]
struct Scan {
    meta_csrf: RefCell<Option<String>>,
    input_csrf: RefCell<Option<String>>,
    header: RefCell<Option<String>>,
    login_form: Cell<bool>,
    /// The `action` of the form being read, and of the login form once known.
    form_action: RefCell<Option<String>>,
    login_action: RefCell<Option<String>>,
    login_error: RefCell<Option<String>>,
    /// Text collected inside `#loginErrors`, and how many elements deep we are in it.
    error_text: RefCell<String>,
    error_depth: Cell<usize>,
}

fn attr(tag: &Tag, name: &str) -> Option<String> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.to_string())
}

fn is_void(tag: &Tag) -> bool {
    tag.self_closing
        || matches!(
            &*tag.name,
            "area"
                | "base"
                | "br"
                | "col"
                | "embed"
                | "hr"
                | "img"
                | "input"
                | "keygen"
                | "link"
                | "meta"
                | "param"
                | "source"
                | "track"
                | "wbr"
        )
}

impl Scan {
    fn has_token_and_header(&self) -> bool {
        self.meta_csrf.borrow().is_some() && self.header.borrow().is_some()
    }

    fn start_tag(&self, tag: &Tag) {
        if self.error_depth.get() > 0 && !is_void(tag) {
            self.error_depth.set(self.error_depth.get() + 1);
        }
        if tag.name == local_name!("meta") {
            match attr(tag, "name").as_deref() {
                Some("_csrf") if self.meta_csrf.borrow().is_none() => {
                    *self.meta_csrf.borrow_mut() = attr(tag, "content");
                }
                Some("_csrf_header") => *self.header.borrow_mut() = attr(tag, "content"),
                _ => {}
            }
        } else if tag.name == local_name!("input") {
            match attr(tag, "name").as_deref() {
                Some("_csrf") if self.input_csrf.borrow().is_none() => {
                    *self.input_csrf.borrow_mut() = attr(tag, "value");
                }
                Some("j_username") => {
                    self.login_form.set(true);
                    let mut action = self.login_action.borrow_mut();
                    if action.is_none() {
                        *action = self.form_action.borrow().clone();
                    }
                }
                _ => {}
            }
        } else if tag.name == local_name!("form") {
            let action = attr(tag, "action");
            if action
                .as_deref()
                .is_some_and(|a| a.contains("j_spring_security_check"))
            {
                self.login_form.set(true);
                *self.login_action.borrow_mut() = action.clone();
            }
            *self.form_action.borrow_mut() = action;
        } else if self.error_depth.get() == 0
            && attr(tag, "id").as_deref() == Some("loginErrors")
            && !is_void(tag)
        {
            self.error_text.borrow_mut().clear();
            self.error_depth.set(1);
        }
    }

    fn end_tag(&self, tag: &Tag) {
        let depth = self.error_depth.get();
        if depth == 0 || is_void(tag) {
            return;
        }
        self.error_depth.set(depth - 1);
        if depth == 1 {
            let text = collapse(&self.error_text.borrow());
            if !text.is_empty() {
                *self.login_error.borrow_mut() = Some(text);
            }
        }
    }

    fn into_info(self) -> PageInfo {
        let mut csrf = self.meta_csrf.into_inner();
        if csrf.as_deref().is_none_or(str::is_empty) {
            csrf = self.input_csrf.into_inner();
        }
        PageInfo {
            csrf: csrf.filter(|t| !t.trim().is_empty()),
            csrf_header: self.header.into_inner().filter(|h| is_header_name(h)),
            is_login_page: self.login_form.get(),
            login_action: self
                .login_action
                .into_inner()
                .filter(|a| !a.trim().is_empty()),
            login_error: self.login_error.into_inner(),
        }
    }
}

impl TokenSink for Scan {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::EndTag => self.end_tag(&tag),
            Token::TagToken(tag) => {
                self.start_tag(&tag);
                // What the tree builder would tell the tokenizer (scripting enabled, as
                // html5ever's default): the content of these is text, not markup.
                return match &*tag.name {
                    _ if tag.self_closing => TokenSinkResult::Continue,
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                };
            }
            Token::CharacterTokens(text) if self.error_depth.get() > 0 => {
                self.error_text.borrow_mut().push_str(&text);
            }
            // HAC's own script recognizes its login page by this comment.
            Token::CommentToken(text) if text.contains(REDIRECT_DETECTION) => {
                self.login_form.set(true);
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_text_elements_hide_their_content() {
        let page = r#"<html><head>
            <script>var s = '<meta name="_csrf" content="from-script">';</script>
            <style>/* <input name="_csrf" value="from-style"> */</style>
            <title><meta name="_csrf" content="from-title"></title>
            <textarea><input name="_csrf" value="from-textarea"></textarea>
            <noscript><meta name="_csrf" content="from-noscript"></noscript>
            </head><body><input type="hidden" name="_csrf" value="real"/></body></html>"#;
        assert_eq!(PageInfo::parse(page).csrf.as_deref(), Some("real"));
    }

    #[test]
    fn stops_early_only_when_it_cannot_be_a_login_page() {
        let padding = "<p>x</p>".repeat(10_000);
        // Token and header up front, a login error far behind: not a login page, so the
        // scan may stop before it; the token is right either way.
        let page = format!(
            r#"<meta name="_csrf" content="t1"><meta name="_csrf_header" content="X-CSRF-TOKEN">{padding}<div id="loginErrors">late</div>"#
        );
        let info = PageInfo::parse(&page);
        assert_eq!(info.csrf.as_deref(), Some("t1"));
        assert_eq!(info.csrf_header.as_deref(), Some("X-CSRF-TOKEN"));
        // A login form far behind the token: read to the end.
        let page = format!(
            r#"<meta name="_csrf" content="t2"><meta name="_csrf_header" content="X-CSRF-TOKEN">{padding}<form action="/hac/j_spring_security_check"><input name="j_username"></form><div id="loginErrors"> Bad <b>credentials</b> </div>"#
        );
        let info = PageInfo::parse(&page);
        assert!(info.is_login_page);
        assert_eq!(info.login_error.as_deref(), Some("Bad credentials"));
    }

    #[test]
    fn multibyte_text_across_chunk_boundaries() {
        let page = format!(
            r#"{}<meta name="_csrf" content="ü-tøken">"#,
            "<p>äöü€</p>".repeat(3000)
        );
        assert_eq!(PageInfo::parse(&page).csrf.as_deref(), Some("ü-tøken"));
    }
}
