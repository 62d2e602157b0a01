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

use crate::page::html;

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

/// The shortest secret masked wherever it appears: shorter values (`1`, `on`) would mask
/// ordinary words. SAP's default password `nimda` has five characters and is masked.
const MIN_SECRET: usize = 4;

/// Every form a secret can take in a body that echoes it, but URL encoding: as it is,
/// HTML-escaped and JSON-escaped. Basic credentials (`base64(user:password)`) are secrets
/// of their own: the client adds the header's value.
fn forms(secret: &str) -> Vec<String> {
    let html: String = secret
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"').to_owned();
    let mut all = vec![
        secret.to_owned(),
        html.replace("&#39;", "&#x27;"),
        html,
        json,
    ];
    all.sort_by_key(|f| std::cmp::Reverse(f.len()));
    all.dedup();
    all
}

/// The secret as a URL-encoded form may carry it: each byte as it is or as `%XX` in either
/// hex case, a space also as `+` (a form sends `Pa%24%24w0rd`, a server may echo it
/// decoded, re-encoded or half and half).
fn url_encoded(secret: &str) -> Option<Regex> {
    let mut pattern = String::new();
    for c in secret.chars() {
        if c.is_ascii_alphanumeric() {
            pattern.push(c);
            continue;
        }
        let mut utf8 = [0u8; 4];
        let encoded: String = c
            .encode_utf8(&mut utf8)
            .bytes()
            .map(|b| {
                let hex = |n: u8| {
                    let d = char::from_digit(u32::from(n), 16).unwrap_or('0');
                    if d.is_ascii_digit() {
                        d.to_string()
                    } else {
                        format!("[{}{}]", d, d.to_ascii_uppercase())
                    }
                };
                format!("%{}{}", hex(b >> 4), hex(b & 15))
            })
            .collect();
        let raw = regex_lite::escape(&c.to_string());
        if c == ' ' {
            pattern.push_str(&format!("(?:{encoded}|\\+|{raw})"));
        } else {
            pattern.push_str(&format!("(?:{encoded}|{raw})"));
        }
    }
    Regex::new(&pattern).ok()
}

/// The `_csrf` values a page carries in `<meta name="_csrf" content>` and `<input
/// name="_csrf" value>`: on 2211.38 each page has a masked token of its own, one the
/// client has never seen, so the page's own tokens are secrets too.
fn page_tokens(body: &str) -> Vec<String> {
    static TAG: OnceLock<Regex> = OnceLock::new();
    static ATTR: OnceLock<Regex> = OnceLock::new();
    let tag =
        TAG.get_or_init(|| Regex::new(r"(?is)<\s*(?:meta|input)\b[^>]*>").expect("valid pattern"));
    let attr = ATTR.get_or_init(|| {
        Regex::new(r#"(?is)\b([a-z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#)
            .expect("valid pattern")
    });
    let mut tokens = Vec::new();
    for t in tag.find_iter(body) {
        let mut name = None;
        let mut value = None;
        for c in attr.captures_iter(t.as_str()) {
            let v = c
                .get(2)
                .or_else(|| c.get(3))
                .or_else(|| c.get(4))
                .map_or("", |m| m.as_str());
            match c[1].to_ascii_lowercase().as_str() {
                "name" => name = Some(v.to_owned()),
                "content" | "value" => value = Some(v.to_owned()),
                _ => {}
            }
        }
        if let (Some(n), Some(v)) = (name, value)
            && n.eq_ignore_ascii_case("_csrf")
            && !v.is_empty()
        {
            tokens.push(v);
        }
    }
    tokens
}

/// Masks every occurrence of the `secrets` (in every form, see [`forms`] and
/// [`url_encoded`]), then every sensitive pair.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets {
        if s.chars().count() < MIN_SECRET {
            continue;
        }
        for form in forms(s) {
            if out.contains(&form) {
                out = out.replace(&form, MASK);
            }
        }
        if let Some(re) = url_encoded(s)
            && re.is_match(&out)
        {
            out = re.replace_all(&out, MASK).into_owned();
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
    let tokens = page_tokens(head);
    let secrets: Vec<&str> = secrets
        .iter()
        .copied()
        .chain(tokens.iter().map(String::as_str))
        .collect();
    let secrets = secrets.as_slice();
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

// Here rather than in `http/`: reading server text is this layer's job, and the
// transport hands bodies up without looking into them.
impl crate::http::transport::HttpResponse {
    /// A short excerpt of the body for an error message, without secrets (see `redact`).
    pub(crate) fn excerpt(&self) -> String {
        let cookie_values = self
            .set_cookies
            .iter()
            .filter_map(|c| crate::http::cookies::set_cookie_pair(c).map(|(_, v)| v));
        let secrets: Vec<&str> = self
            .secrets
            .iter()
            .map(String::as_str)
            .chain(cookie_values)
            .collect();
        excerpt(&self.body, &secrets)
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
    fn a_page_s_own_masked_token_and_every_form_of_the_password_are_masked() {
        // Not HTML by its first bytes, so the whole text is quoted: the page's own token
        // (never seen by the client) must still go.
        let page = "Error 500 <meta name=\"_csrf\" content=\"Zm9yZWlnbi1tYXNrZWQtdG9rZW4=\"/> \
                    <input type='hidden' value='c2Vjb25kLXRva2Vu' name='_csrf'> echo: \
                    nimda Pa%24%2Fw0rd.x Pa%24%2fw0rd%2Ex pa&amp;ss&lt;1 YWRtaW46bmltZGE=";
        let e = scrub(
            page,
            &["nimda", "Pa$/w0rd.x", "pa&ss<1", "YWRtaW46bmltZGE="],
        );
        let e = scrub(
            &e,
            &page_tokens(page)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        for secret in [
            "Zm9yZWlnbi1tYXNrZWQtdG9rZW4",
            "c2Vjb25kLXRva2Vu",
            "nimda",
            "Pa%24",
            "pa&amp;ss",
            "YWRtaW46bmltZGE",
        ] {
            assert!(!e.contains(secret), "{secret} in {e}");
        }
        assert!(e.starts_with("Error 500"), "{e}");
        // Three characters stay: they would mask ordinary words.
        assert_eq!(scrub("a cat", &["cat"]), "a cat");
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
