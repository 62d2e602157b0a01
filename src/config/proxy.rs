//! An explicit proxy from its URL, with `NO_PROXY`-style exceptions, as ureq's `Proxy`.

use ureq::{Proxy, ProxyProtocol};

use crate::error::{Error, Result};

/// The proxy at `url` (`http://` or `https://`, optionally `user:password@`), bypassed for
/// the hosts in `no_proxy` (comma-separated lists). Error messages never repeat the URL:
/// it may hold a password.
pub(crate) fn explicit(url: &str, no_proxy: &[String]) -> Result<Proxy> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| Error::config(format!("proxy URL: {e} (expected http://host:port)")))?;
    let protocol = match parsed.scheme() {
        "http" => ProxyProtocol::Http,
        "https" => ProxyProtocol::Https,
        other => {
            return Err(Error::config(format!(
                "proxy URL: unsupported scheme {other:?}; use an http:// or https:// proxy"
            )));
        }
    };
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| Error::config("proxy URL: no host"))?;
    let mut builder = Proxy::builder(protocol).host(host.trim_matches(['[', ']']));
    if let Some(port) = parsed.port() {
        builder = builder.port(port);
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| Error::config("proxy URL: the user name or password is not UTF-8"))
    };
    if !parsed.username().is_empty() {
        builder = builder.username(&decode(parsed.username())?);
        if let Some(password) = parsed.password() {
            builder = builder.password(&zeroize::Zeroizing::new(decode(password)?));
        }
    }
    for list in no_proxy {
        for host in list.split(',').map(str::trim).filter(|h| !h.is_empty()) {
            builder = builder.no_proxy(host);
        }
    }
    builder
        .build()
        .map_err(|e| Error::config(format!("proxy URL: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let p = explicit("http://user:p%40ss@proxy.example:3128", &[]).unwrap();
        assert_eq!((p.host(), p.port()), ("proxy.example", 3128));
        assert_eq!((p.username(), p.password()), (Some("user"), Some("p@ss")));
        let p = explicit("https://proxy.example", &["localhost, .internal".into()]).unwrap();
        assert_eq!(p.protocol(), ProxyProtocol::Https);
        assert!(p.is_no_proxy(&"https://localhost:9002/".parse().unwrap()));
        assert!(p.is_no_proxy(&"https://hac.internal/".parse().unwrap()));
        assert!(!p.is_no_proxy(&"https://hac.example/".parse().unwrap()));
        for bad in ["socks5://h:1", "not a url", "http://"] {
            let e = explicit(bad, &[]).unwrap_err();
            assert!(matches!(e, Error::Config { .. }), "{bad}: {e}");
        }
        let e = explicit("ftp://user:secret-pw@h", &[]).unwrap_err();
        assert!(!e.to_string().contains("secret-pw"), "{e}");
    }
}
