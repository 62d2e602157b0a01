//! Undoing the HTML escaping HAC applies to every FlexibleSearch cell (commons-lang 2
//! `StringEscapeUtils.escapeHtml` of the value): `&amp;`, `&lt;`, `&uuml;`, `&euro;`,
//! `&#20013;`, ...
//!
//! Named entities are decoded by `htmlize`, which knows the whole HTML entity set. The
//! loop around it is written here, for three reasons:
//!
//! * speed: a result can have millions of cells, and decoding straight into the result's
//!   text buffer, with the five entities and the numeric references that make up nearly
//!   every escaped cell handled inline, costs a fraction of a call that allocates a
//!   string per cell;
//! * commons-lang 2 escapes UTF-16 code units, so a character outside the Basic
//!   Multilingual Plane (an emoji) arrives as two references, one per surrogate
//!   (`&#55357;&#56832;`). HTML decoders turn each into U+FFFD; here the pair becomes the
//!   character again, and only a lone surrogate becomes U+FFFD;
//! * `&lang;` and `&rang;` are U+2329/U+232A in HTML 4 (what the server used) but
//!   U+27E8/U+27E9 in HTML 5.

use std::borrow::Cow;

/// `&#NNN;` or `&#xHH;` at the start of `s`: the value and the length.
fn numeric_ref(s: &str) -> Option<(u32, usize)> {
    let rest = s.strip_prefix("&#")?;
    let (digits, radix, skip) = match rest.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16, 3),
        None => (rest, 10, 2),
    };
    let end = digits.bytes().take(9).position(|b| b == b';')?;
    if end == 0 {
        return None;
    }
    let value = u32::from_str_radix(&digits[..end], radix).ok()?;
    Some((value, skip + end + 1))
}

/// Decodes the reference at the start of `s` (which starts with `&`) into `out`; returns
/// how many bytes of `s` it used, 0 when it is not a reference (the `&` is text).
fn decode_one(s: &str, out: &mut String) -> usize {
    const SIMPLE: [(&str, char); 7] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&nbsp;", '\u{a0}'),
        ("&lang;", '\u{2329}'),
        ("&rang;", '\u{232a}'),
    ];
    for (name, c) in SIMPLE {
        if s.starts_with(name) {
            out.push(c);
            return name.len();
        }
    }
    if let Some((value, n)) = numeric_ref(s) {
        let c = match value {
            0xD800..=0xDBFF => match numeric_ref(&s[n..]) {
                Some((low @ 0xDC00..=0xDFFF, m)) => {
                    let c = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                    return n + m;
                }
                _ => '\u{fffd}',
            },
            // NUL and out-of-range values, as HTML decoders treat them.
            0 | 0xDC00..=0xDFFF | 0x110000.. => '\u{fffd}',
            v => char::from_u32(v).unwrap_or('\u{fffd}'),
        };
        out.push(c);
        return n;
    }
    // A named entity: `&name;` with an ASCII alphanumeric name (the longest HTML name is
    // 31 characters), looked up in htmlize's table.
    let name_len = s[1..]
        .bytes()
        .take(32)
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(0);
    if name_len > 0 && s.as_bytes().get(name_len + 1) == Some(&b';') {
        let entity = &s[..name_len + 2];
        if let Cow::Owned(decoded) = htmlize::unescape(entity) {
            out.push_str(&decoded);
            return entity.len();
        }
    }
    0
}

/// Appends `s`, unescaped, to `out`.
pub(crate) fn unescape_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(at) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match decode_one(rest, out) {
            0 => {
                out.push('&');
                rest = &rest[1..];
            }
            n => rest = &rest[n..],
        }
    }
    out.push_str(rest);
}

/// A cell as the server had it before escaping. Text without `&` is returned as is.
#[cfg(test)]
fn unescape_cell(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    unescape_into(s, &mut out);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undoes_commons_lang_2() {
        let cases = [
            ("Caf&eacute; M&uuml;ller &amp; Co", "Café Müller & Co"),
            ("&#20013;&#25991;", "中文"),
            ("&#x4e2d;&#X6587;", "中文"),
            (
                "&lt;a href=&quot;x&quot;&gt;O'Brien&lt;/a&gt;",
                "<a href=\"x\">O'Brien</a>",
            ),
            ("&#55357;&#56832; ok", "😀 ok"),
            (
                "lone &#55357; high, &#56832; low",
                "lone \u{fffd} high, \u{fffd} low",
            ),
            (
                "&lang;x&rang; &thetasym;&hArr;&nbsp;",
                "\u{2329}x\u{232a} ϑ⇔\u{a0}",
            ),
            ("&euro;&mdash;&hellip;", "€—…"),
            ("no entities", "no entities"),
            ("a & b", "a & b"),
            ("&bogus; &#; &#xZZ;", "&bogus; &#; &#xZZ;"),
        ];
        for (escaped, clear) in cases {
            assert_eq!(unescape_cell(escaped), clear, "{escaped}");
        }
        assert!(matches!(unescape_cell("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn round_trips_the_fakes_escaper() {
        for text in [
            "Café Müller & Co",
            "中文名称",
            "😀👍🏽",
            "⟨x⟩ 〈y〉",
            "O'Brien’s € 9",
            "tab\tand\nline",
        ] {
            assert_eq!(unescape_cell(&hac_fake::escape_html(text)), text);
        }
    }
}
