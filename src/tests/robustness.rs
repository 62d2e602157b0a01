//! Every parser on thousands of mangled fixtures: none may panic, whatever the server
//! sends. (Deterministic: a fixed-seed generator, so a failure reproduces.)

use std::time::Duration;

use crate::http::transport::HttpResponse;

fn fixtures() -> Vec<String> {
    use hac_fake::pages::{self, ImpexOutcome, LoginPageVariant};
    let mut v = vec![
        pages::login(
            LoginPageVariant::Standard,
            "/hac",
            "tok",
            Some("Login failed: x"),
        ),
        pages::login(LoginPageVariant::Awkward, "", "tok", None),
        pages::home("", "tok", "admin"),
        pages::impex_import(
            "",
            "tok",
            "admin",
            "INSERT Language;isocode\n;de",
            "1",
            &ImpexOutcome::Import {
                success: false,
                text: "line 2: cannot resolve".into(),
            },
        ),
        pages::impex_import(
            "",
            "tok",
            "admin",
            "",
            "1",
            &ImpexOutcome::FormErrors {
                script: vec!["Script content should not be empty".into()],
                options: vec![],
            },
        ),
    ];
    for json in [
        pages::GROOVY_STACKTRACE,
        pages::GROOVY_SUCCESS,
        pages::FLEXSEARCH_ESCAPED,
        pages::FLEXSEARCH_EXCEPTION,
        pages::FLEXSEARCH_DML,
        pages::UPDATE_DATA,
        pages::PENDING_PATCHES,
        pages::UPDATE_LOG_ERRORS,
        pages::UPDATE_EXECUTE,
    ] {
        v.push(json.to_owned());
    }
    v
}

/// xorshift64*: small, deterministic, good enough to scatter mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    const NASTY: &[&[u8]] = &[
        b"<",
        b">",
        b"\"",
        b"'",
        b"{",
        b"}",
        b"[",
        b"]",
        b"null",
        b"&amp;",
        b"&#0;",
        b"\\",
        b"<!--",
        b"<script>",
        b"\xff\xfe",
        b"\x00",
        b"-1",
        b"1e999",
        b"<input name=_csrf>",
    ];
    let mut out = input.to_vec();
    for _ in 0..=rng.below(8) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] = rng.next() as u8;
            }
            1 => {
                let piece = NASTY[rng.below(NASTY.len())];
                out.splice(at..at, piece.iter().copied());
            }
            2 => out.truncate(at),
            _ => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
        }
    }
    out
}

fn response(body: String) -> HttpResponse {
    HttpResponse::ok(body)
}

#[test]
fn parsers_never_panic_on_mangled_input() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let script = crate::GroovyScript::new("return 1");
    for fixture in fixtures() {
        for _ in 0..300 {
            let body = String::from_utf8_lossy(&mutate(&mut rng, fixture.as_bytes())).into_owned();
            let _ = crate::page::html::PageInfo::parse(&body);
            let _ = crate::page::html::impex_page(&body, "impexResult");
            let _ = crate::page::html::to_text(&body);
            let resp = response(body);
            let _ = crate::page::dead_session::classify(&resp);
            let _ = crate::page::dead_session::login_answer(&resp);
            let _ = crate::console::groovy::parse(&resp, &script, Duration::ZERO);
            if let Ok(r) = crate::console::flexsearch::parse(&resp, crate::RowLimit::Unlimited) {
                for row in r.rows() {
                    let _ = row.get("code");
                }
                let _ = r.deserialize::<(Option<u64>, Option<String>)>();
            }
            let _ = crate::console::impex::parse(&resp, false);
            let _ = crate::console::impex::parse(&resp, true);
            let _ = crate::console::update::parse_data(&resp);
            let _ = crate::console::update::parse_patches(&resp);
            let _ = crate::console::update::parse_outcome(&resp);
            let _ = crate::console::update::parse_log(&resp);
        }
    }
}

#[test]
fn flexsearch_odd_but_valid_shapes() {
    let odd = r#"{"headers":["a"],"resultList":[[1, true, {"x":1}, null]],"resultCount":"7","executionTime":-5,"exception":{"cause":"deep"}}"#;
    let r = crate::console::flexsearch::parse(&response(odd.into()), crate::RowLimit::Unlimited)
        .unwrap();
    let cells: Vec<Option<&str>> = r.row(0).unwrap().cells().collect();
    assert_eq!(cells, [Some("1"), Some("true"), Some("{\"x\":1}"), None]);
    assert_eq!(r.count, 7);
    assert_eq!(r.execution_time, Duration::ZERO);
    assert_eq!(r.exception.as_deref(), Some("deep"));
    let huge = r#"{"resultList": [], "resultCount": 1e300, "executionTime": 1e300}"#;
    let r = crate::console::flexsearch::parse(&response(huge.into()), crate::RowLimit::Unlimited)
        .unwrap();
    assert!(r.execution_time > Duration::ZERO);
    // An object with none of HAC's keys is not a result.
    assert!(
        crate::console::flexsearch::parse(&response("{}".into()), crate::RowLimit::Unlimited)
            .is_err()
    );
    let nulls = r#"{"headers":null,"resultList":null,"exception":{"message":"bad"}}"#;
    let r = crate::console::flexsearch::parse(&response(nulls.into()), crate::RowLimit::Unlimited)
        .unwrap();
    assert!(!r.is_success() && r.is_empty() && r.headers.is_empty());
}
