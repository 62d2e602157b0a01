//! A console call described without doing any I/O: what to send, and how to read what
//! comes back. The client turns it into an HTTP request with cookies and CSRF.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::http::transport::{HttpResponse, Method};

/// Tomcat's `maxPostSize` as SAP Commerce configures it: a form body larger than this is
/// not parsed at all, so HAC sees none of its parameters (Groovy answers 400, ImpEx
/// "Script content should not be empty").
pub(crate) const MAX_FORM_BYTES: u64 = 6 * 1024 * 1024;

/// A form value: owned, or shared with the caller's request (a script is never copied
/// just to be sent).
#[derive(Debug, Clone)]
pub(crate) enum Text {
    Owned(String),
    Shared(Arc<String>),
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Text::Owned(s) => s,
            Text::Shared(s) => s,
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::Owned(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Owned(s.to_owned())
    }
}

impl From<&Arc<String>> for Text {
    fn from(s: &Arc<String>) -> Self {
        Text::Shared(s.clone())
    }
}

/// The content of a multipart file part.
#[derive(Debug, Clone)]
pub(crate) enum FileContent {
    /// Text in memory, shared with the caller's request.
    Text(Arc<String>),
    /// A file, streamed from disk; `len` is its size when the call was built.
    File { path: PathBuf, len: u64 },
}

impl FileContent {
    pub fn len(&self) -> u64 {
        match self {
            FileContent::Text(t) => t.len() as u64,
            FileContent::File { len, .. } => *len,
        }
    }
}

/// What a call sends.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Form(Vec<(&'static str, Text)>),
    Json(String),
    /// `multipart/form-data`: text fields, then one file part.
    Multipart {
        fields: Vec<(&'static str, Text)>,
        file_field: &'static str,
        file_name: String,
        content: FileContent,
    },
}

/// Whether a call may go out without a logged-in session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Session {
    /// Log in first when there is no session (every console).
    Required,
    /// Send with whatever session there is: the endpoint needs none (`/initlog/log`).
    Optional,
}

/// One console request, relative to the context path.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub method: Method,
    /// Path below the context path, starting with `/`.
    pub path: &'static str,
    pub query: Option<String>,
    pub body: Body,
    /// JSON endpoint: send `X-Requested-With` and `Accept: application/json`.
    pub json: bool,
    /// Use the long timeout (imports, updates).
    pub long: bool,
    /// Explicit timeout for this call.
    pub timeout: Option<Duration>,
    pub session: Session,
    /// The answer echoes the request's text in a `textarea`: drop it while reading.
    pub drop_textareas: bool,
    /// The answer may be binary (a zip download).
    pub binary: bool,
}

impl Call {
    /// What the call's answer should be, for an error about one that is not.
    pub fn expects(&self) -> &'static str {
        match (self.json, self.binary) {
            (true, _) => "a JSON answer",
            (false, true) => "a file",
            (false, false) => "an HTML page",
        }
    }

    pub fn get_json(path: &'static str) -> Call {
        Call {
            method: Method::Get,
            path,
            query: None,
            body: Body::None,
            json: true,
            long: false,
            timeout: None,
            session: Session::Required,
            drop_textareas: false,
            binary: false,
        }
    }

    /// A GET of an HTML page (or, with `binary`, of a download).
    pub fn get_page(path: &'static str) -> Call {
        Call {
            json: false,
            ..Call::get_json(path)
        }
    }

    pub fn post_form(path: &'static str, fields: Vec<(&'static str, Text)>, json: bool) -> Call {
        Call {
            method: Method::Post,
            path,
            query: None,
            body: Body::Form(fields),
            json,
            long: false,
            timeout: None,
            session: Session::Required,
            drop_textareas: false,
            binary: false,
        }
    }
}

/// Bytes that `application/x-www-form-urlencoded` turns `s` into: unreserved characters
/// and the space (`+`) stay one byte, every other byte becomes `%XX`.
pub(crate) fn encoded_len(s: &str) -> u64 {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' | b' ' => 1,
            _ => 3,
        })
        .sum()
}

/// The length of the form body of `fields`, plus room for the `_csrf` field added later.
pub(crate) fn form_len(fields: &[(&'static str, Text)]) -> u64 {
    const CSRF_FIELD: u64 = "&_csrf=".len() as u64 + 3 * 128;
    fields
        .iter()
        .map(|(k, v)| encoded_len(k) + 1 + encoded_len(v) + 1)
        .sum::<u64>()
        + CSRF_FIELD
}

/// Checks for 200.
pub(crate) fn expect_ok(resp: &HttpResponse) -> Result<()> {
    if resp.status == 200 {
        Ok(())
    } else {
        Err(Error::HttpStatus {
            status: resp.status,
            path: resp.path.clone(),
            excerpt: resp.excerpt(),
        })
    }
}

/// Parses a JSON body into `T`, with a typed error naming what was expected.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    expected: &str,
    resp: &HttpResponse,
) -> Result<T> {
    expect_ok(resp)?;
    let parsed = serde_json::from_str(&resp.body).or_else(|e| {
        // Jackson writes a lone surrogate escape when it cuts a string inside an emoji;
        // serde_json refuses the whole document for it.
        match without_lone_surrogates(&resp.body) {
            Some(fixed) => serde_json::from_str(&fixed),
            None => Err(e),
        }
    });
    parsed.map_err(|e| {
        Error::invalid(
            &resp.path,
            expected,
            format!("{e} (body starts: {})", excerpt_short(resp)),
        )
    })
}

/// JSON text with every `\uD800`–`\uDFFF` escape that is not half of a valid pair replaced by
/// `\uFFFD`; `None` when there is none.
pub(crate) fn without_lone_surrogates(json: &str) -> Option<String> {
    fn escape_at(b: &[u8], i: usize) -> Option<u16> {
        if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(b.get(i + 2..i + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    }
    let b = json.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = escape_at(b, i) else {
            i += 2; // any other escape, `\\` included
            continue;
        };
        let paired = match unit {
            0xD800..=0xDBFF => escape_at(b, i + 6).is_some_and(|u| (0xDC00..=0xDFFF).contains(&u)),
            0xDC00..=0xDFFF => false,
            _ => {
                i += 6;
                continue;
            }
        };
        if paired {
            i += 12;
            continue;
        }
        let o = out.get_or_insert_with(|| String::with_capacity(json.len()));
        o.push_str(&json[copied..i]);
        o.push_str("\\uFFFD");
        i += 6;
        copied = i;
    }
    out.map(|mut o| {
        o.push_str(&json[copied..]);
        o
    })
}

fn excerpt_short(resp: &HttpResponse) -> String {
    let e = resp.excerpt();
    match e.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &e[..i]),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let cut = r#"{"a":"smile \ud83d","b":"\ud83d\ude00","c":"\\ud83d","d":"\udc00x"}"#;
        let fixed = without_lone_surrogates(cut).unwrap();
        let v: serde_json::Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(v["a"], "smile \u{fffd}");
        assert_eq!(v["b"], "😀");
        assert_eq!(v["c"], "\\ud83d");
        assert_eq!(v["d"], "\u{fffd}x");
        assert_eq!(
            without_lone_surrogates(r#"{"ok":"\ud83d\ude00 \\ \n"}"#),
            None
        );
    }

    #[test]
    fn encoded_length_matches_the_encoder() {
        for s in ["", "plain", "a b+c&d=e", "ümlaut €", "x\n;y", "*-._~"] {
            let real = url::form_urlencoded::byte_serialize(s.as_bytes())
                .map(str::len)
                .sum::<usize>() as u64;
            assert_eq!(encoded_len(s), real, "{s:?}");
        }
    }
}
