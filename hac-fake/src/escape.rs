//! HTML escaping as HAC applies it to every FlexibleSearch cell: Apache commons-lang 2
//! `StringEscapeUtils.escapeHtml`. Its rules, which a client has to undo:
//!
//! * the HTML 4.0 entity names (`&amp;`, `&lt;`, `&gt;`, `&quot;`, the Latin-1 names such
//!   as `&uuml;` and `&nbsp;`, the symbol and special names such as `&euro;`, `&alpha;`,
//!   `&lang;`) for the characters that have one;
//! * every other character above U+007F as a decimal reference of its **UTF-16 code unit**,
//!   so a character outside the Basic Multilingual Plane (an emoji) becomes two references,
//!   one per surrogate: `&#55357;&#56832;`;
//! * ASCII without a name, `'` included, unchanged.
//!
//! Written here because the fake must reproduce exactly this (old, HTML 4.0) behaviour;
//! current crates escape by the HTML5 rules.

/// The HTML 4.0 names for U+00A0..=U+00FF, in code point order (`HTMLlat1`).
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// The remaining HTML 4.0 names (`HTMLspecial` and `HTMLsymbol`), by code point.
const OTHERS: &[(u16, &str)] = &[
    (34, "quot"),
    (38, "amp"),
    (60, "lt"),
    (62, "gt"),
    (338, "OElig"),
    (339, "oelig"),
    (352, "Scaron"),
    (353, "scaron"),
    (376, "Yuml"),
    (402, "fnof"),
    (710, "circ"),
    (732, "tilde"),
    (913, "Alpha"),
    (914, "Beta"),
    (915, "Gamma"),
    (916, "Delta"),
    (917, "Epsilon"),
    (918, "Zeta"),
    (919, "Eta"),
    (920, "Theta"),
    (921, "Iota"),
    (922, "Kappa"),
    (923, "Lambda"),
    (924, "Mu"),
    (925, "Nu"),
    (926, "Xi"),
    (927, "Omicron"),
    (928, "Pi"),
    (929, "Rho"),
    (931, "Sigma"),
    (932, "Tau"),
    (933, "Upsilon"),
    (934, "Phi"),
    (935, "Chi"),
    (936, "Psi"),
    (937, "Omega"),
    (945, "alpha"),
    (946, "beta"),
    (947, "gamma"),
    (948, "delta"),
    (949, "epsilon"),
    (950, "zeta"),
    (951, "eta"),
    (952, "theta"),
    (953, "iota"),
    (954, "kappa"),
    (955, "lambda"),
    (956, "mu"),
    (957, "nu"),
    (958, "xi"),
    (959, "omicron"),
    (960, "pi"),
    (961, "rho"),
    (962, "sigmaf"),
    (963, "sigma"),
    (964, "tau"),
    (965, "upsilon"),
    (966, "phi"),
    (967, "chi"),
    (968, "psi"),
    (969, "omega"),
    (977, "thetasym"),
    (978, "upsih"),
    (982, "piv"),
    (8194, "ensp"),
    (8195, "emsp"),
    (8201, "thinsp"),
    (8204, "zwnj"),
    (8205, "zwj"),
    (8206, "lrm"),
    (8207, "rlm"),
    (8211, "ndash"),
    (8212, "mdash"),
    (8216, "lsquo"),
    (8217, "rsquo"),
    (8218, "sbquo"),
    (8220, "ldquo"),
    (8221, "rdquo"),
    (8222, "bdquo"),
    (8224, "dagger"),
    (8225, "Dagger"),
    (8226, "bull"),
    (8230, "hellip"),
    (8240, "permil"),
    (8242, "prime"),
    (8243, "Prime"),
    (8249, "lsaquo"),
    (8250, "rsaquo"),
    (8254, "oline"),
    (8260, "frasl"),
    (8364, "euro"),
    (8465, "image"),
    (8472, "weierp"),
    (8476, "real"),
    (8482, "trade"),
    (8501, "alefsym"),
    (8592, "larr"),
    (8593, "uarr"),
    (8594, "rarr"),
    (8595, "darr"),
    (8596, "harr"),
    (8629, "crarr"),
    (8656, "lArr"),
    (8657, "uArr"),
    (8658, "rArr"),
    (8659, "dArr"),
    (8660, "hArr"),
    (8704, "forall"),
    (8706, "part"),
    (8707, "exist"),
    (8709, "empty"),
    (8711, "nabla"),
    (8712, "isin"),
    (8713, "notin"),
    (8715, "ni"),
    (8719, "prod"),
    (8721, "sum"),
    (8722, "minus"),
    (8727, "lowast"),
    (8730, "radic"),
    (8733, "prop"),
    (8734, "infin"),
    (8736, "ang"),
    (8743, "and"),
    (8744, "or"),
    (8745, "cap"),
    (8746, "cup"),
    (8747, "int"),
    (8756, "there4"),
    (8764, "sim"),
    (8773, "cong"),
    (8776, "asymp"),
    (8800, "ne"),
    (8801, "equiv"),
    (8804, "le"),
    (8805, "ge"),
    (8834, "sub"),
    (8835, "sup"),
    (8836, "nsub"),
    (8838, "sube"),
    (8839, "supe"),
    (8853, "oplus"),
    (8855, "otimes"),
    (8869, "perp"),
    (8901, "sdot"),
    (8968, "lceil"),
    (8969, "rceil"),
    (8970, "lfloor"),
    (8971, "rfloor"),
    (9001, "lang"),
    (9002, "rang"),
    (9674, "loz"),
    (9824, "spades"),
    (9827, "clubs"),
    (9829, "hearts"),
    (9830, "diams"),
];

fn name_of(unit: u16) -> Option<&'static str> {
    if (0xA0..=0xFF).contains(&unit) {
        return Some(LATIN1[(unit - 0xA0) as usize]);
    }
    OTHERS
        .binary_search_by_key(&unit, |(c, _)| *c)
        .ok()
        .map(|i| OTHERS[i].1)
}

/// `StringEscapeUtils.escapeHtml(text)` of commons-lang 2.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut units = [0u16; 2];
    for c in text.chars() {
        for &unit in c.encode_utf16(&mut units).iter() {
            match name_of(unit) {
                Some(name) => {
                    out.push('&');
                    out.push_str(name);
                    out.push(';');
                }
                None if unit > 0x7F => {
                    out.push_str("&#");
                    out.push_str(&unit.to_string());
                    out.push(';');
                }
                // ASCII without a name: the unit is the character itself.
                None => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_commons_lang_2_does() {
        assert_eq!(
            escape_html("Café Müller & Co"),
            "Caf&eacute; M&uuml;ller &amp; Co"
        );
        assert_eq!(escape_html("中文"), "&#20013;&#25991;");
        assert_eq!(
            escape_html("<a href=\"x\">O'Brien</a>"),
            "&lt;a href=&quot;x&quot;&gt;O'Brien&lt;/a&gt;"
        );
        assert_eq!(escape_html("😀"), "&#55357;&#56832;");
        assert_eq!(escape_html("€ — α ⟨"), "&euro; &mdash; &alpha; &#10216;");
        assert_eq!(escape_html("\u{2329}\u{a0}"), "&lang;&nbsp;");
        assert_eq!(escape_html("plain ascii 1+1=2"), "plain ascii 1+1=2");
    }

    #[test]
    fn the_table_is_sorted_and_complete() {
        assert!(OTHERS.windows(2).all(|w| w[0].0 < w[1].0));
        // HTML 4.0 defines 252 character entity references.
        assert_eq!(LATIN1.len() + OTHERS.len(), 252);
    }
}
