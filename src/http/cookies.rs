//! The client's own cookie jar.
//!
//! ureq's cookie feature stays off: we record every `Set-Cookie` ourselves, including the
//! one on the login 302 that carries the post-fixation JSESSIONID, and send exactly one
//! `Cookie` header. Host-only cookies work on bare host names (`localhost`,
//! `commerce-server`) because no public-suffix list is loaded.

use std::fmt;

use cookie_store::{Cookie, CookieStore, RawCookie};
use url::Url;

pub(crate) use crate::config::cookie_names::{JSESSIONID, is_cookie_name};

/// The name and value of a `Set-Cookie` line (what precedes its first attribute), trimmed.
pub(crate) fn set_cookie_pair(raw: &str) -> Option<(&str, &str)> {
    let (name, value) = raw.split(';').next()?.split_once('=')?;
    Some((name.trim(), value.trim()))
}

#[derive(Default, Clone)]
pub(crate) struct CookieJar {
    store: CookieStore,
}

impl fmt::Debug for CookieJar {
    // cookie_store's own Debug prints values; we print names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.store.iter_any().map(|c| c.name().to_owned()))
            .finish()
    }
}

impl CookieJar {
    /// Records the `Set-Cookie` header values of a response to `url`.
    /// Unparseable values are skipped, as a browser would.
    ///
    /// `insert_raw` rather than `store_response_cookies`: the latter logs the whole
    /// `Set-Cookie` of non-`Secure` cookies at debug level, which on plain-http HAC would
    /// put the session id into the logs.
    pub fn store(&mut self, set_cookies: &[String], url: &Url) {
        for raw in set_cookies {
            match RawCookie::parse(raw.clone()) {
                Ok(cookie) => {
                    if self.store.insert_raw(&cookie, url).is_err() {
                        log::debug!(
                            "cookie {:?} rejected for {}",
                            cookie.name(),
                            crate::http::transport::safe_path(url)
                        );
                    }
                }
                Err(_) => log::debug!("unparseable Set-Cookie ignored"),
            }
        }
    }

    /// A jar holding the cookies of a `Cookie` request header as a browser sent them to
    /// `url` (`JSESSIONID=...; ROUTE=...`, optionally with the `Cookie:` name in front), as
    /// host cookies for the whole site. `Err`: what is wrong with the text (never a value).
    pub fn from_cookie_header(text: &str, url: &Url) -> Result<CookieJar, String> {
        let text = text.trim();
        if text.chars().any(char::is_control) {
            return Err(
                "it holds a line break or another control character (copy one header's value)"
                    .into(),
            );
        }
        let text = match text.split_once(':') {
            Some((name, rest)) if name.trim().eq_ignore_ascii_case("cookie") => rest,
            _ => text,
        };
        let mut jar = CookieJar::default();
        let mut names = Vec::new();
        for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, value)) = pair.split_once('=') else {
                return Err("expected name=value pairs separated by \"; \"".into());
            };
            let name = name.trim();
            if !is_cookie_name(name) {
                return Err(format!("{name:?} is not a cookie name"));
            }
            jar.store(&[format!("{name}={}; Path=/", value.trim())], url);
            names.push(name.to_owned());
        }
        if names.is_empty() {
            return Err("no cookies".into());
        }
        if !names.iter().any(|n| n == JSESSIONID) {
            return Err(format!(
                "no {JSESSIONID} among the cookies ({}): copy the Cookie header of a request \
                 to HAC",
                names.join(", ")
            ));
        }
        Ok(jar)
    }

    /// The value for a single `Cookie` request header, if any cookie applies.
    pub fn header_for(&self, url: &Url) -> Option<String> {
        let mut out = String::new();
        for (name, value) in self.store.get_request_values(url) {
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
        (!out.is_empty()).then_some(out)
    }

    /// Drops every cookie with this name (any domain or path).
    pub fn remove_named(&mut self, name: &str) {
        let doomed: Vec<(String, String)> = self
            .store
            .iter_any()
            .filter(|c| c.name() == name)
            .map(|c| (String::from(&c.domain), String::from(&c.path)))
            .collect();
        for (domain, path) in doomed {
            self.store.remove(&domain, &path, name);
        }
    }

    /// True when a cookie of this name is stored and unexpired.
    #[cfg(test)]
    pub fn has(&self, name: &str) -> bool {
        self.store.iter_unexpired().any(|c| c.name() == name)
    }

    /// Every cookie value (for masking them in error messages).
    pub fn values(&self) -> Vec<String> {
        self.store
            .iter_unexpired()
            .map(|c| c.value().to_owned())
            .collect()
    }

    /// The value of the unexpired cookie `name`, if there is one.
    pub fn value_of(&self, name: &str) -> Option<String> {
        self.store
            .iter_unexpired()
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned())
    }

    /// Every unexpired cookie, session cookies included (cookie_store's own serializer
    /// drops those, and JSESSIONID is one).
    pub fn to_vec(&self) -> Vec<Cookie<'static>> {
        self.store.iter_unexpired().cloned().collect()
    }

    /// Rebuilds a jar from [`CookieJar::to_vec`]'s output; expired ones are dropped.
    pub fn from_vec(cookies: Vec<Cookie<'static>>) -> CookieJar {
        let store = CookieStore::from_cookies(
            cookies.into_iter().map(Ok::<_, std::convert::Infallible>),
            false,
        )
        .unwrap_or_default();
        CookieJar { store }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_headers_from_a_browser() {
        let url = Url::parse("https://hac.example.com/hac/").unwrap();
        let jar =
            CookieJar::from_cookie_header("Cookie: JSESSIONID=ABC123.node1; ROUTE=.rt2", &url)
                .unwrap();
        let header = jar.header_for(&url).unwrap();
        let mut pairs: Vec<&str> = header.split("; ").collect();
        pairs.sort_unstable();
        assert_eq!(pairs, ["JSESSIONID=ABC123.node1", "ROUTE=.rt2"]);
        for bad in ["", "JSESSIONID", "ROUTE=x", "bad name=1; JSESSIONID=2"] {
            let e = CookieJar::from_cookie_header(bad, &url).unwrap_err();
            assert!(!e.contains("x;"), "{e}");
        }
        assert!(
            CookieJar::from_cookie_header("ROUTE=secret-route", &url)
                .unwrap_err()
                .contains("ROUTE")
        );
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn host_only_cookies_on_bare_hosts() {
        for base in [
            "http://localhost:9001/hac/",
            "http://commerce-server:9001/hac/",
            "http://127.0.0.1:9001/hac/",
        ] {
            let mut jar = CookieJar::default();
            jar.store(
                &[
                    "JSESSIONID=abc; Path=/hac; HttpOnly".into(),
                    "ROUTE=.node-a; Path=/".into(),
                ],
                &url(base),
            );
            let h = jar.header_for(&url(&format!("{base}console/x"))).unwrap();
            assert!(h.contains("JSESSIONID=abc"), "{base}: {h}");
            assert!(h.contains("ROUTE=.node-a"), "{base}: {h}");
        }
    }

    #[test]
    fn path_scoping_and_replacement() {
        let mut jar = CookieJar::default();
        let u = url("http://localhost:9001/hac/login");
        jar.store(&["JSESSIONID=one; Path=/hac".into()], &u);
        jar.store(&["JSESSIONID=two; Path=/hac".into()], &u);
        assert_eq!(jar.header_for(&u).unwrap(), "JSESSIONID=two");
        assert!(
            jar.header_for(&url("http://localhost:9001/other"))
                .is_none()
        );
    }

    #[test]
    fn remove_and_round_trip_keep_session_cookies() {
        let mut jar = CookieJar::default();
        let u = url("https://localhost:9002/");
        jar.store(
            &[
                "JSESSIONID=s1; Path=/; Secure; HttpOnly".into(),
                "ROUTE=.a; Path=/".into(),
                "garbage-without-equals".into(),
            ],
            &u,
        );
        let again = CookieJar::from_vec(jar.to_vec());
        let sorted = |j: &CookieJar| {
            let h = j.header_for(&u).unwrap();
            let mut parts: Vec<String> = h.split("; ").map(str::to_owned).collect();
            parts.sort();
            parts
        };
        assert_eq!(sorted(&again), ["JSESSIONID=s1", "ROUTE=.a"]);
        assert_eq!(sorted(&again), sorted(&jar));
        assert!(again.has(JSESSIONID));
        jar.remove_named(JSESSIONID);
        assert_eq!(jar.header_for(&u).unwrap(), "ROUTE=.a");
        assert_eq!(format!("{jar:?}"), "[\"ROUTE\"]");
    }
}
