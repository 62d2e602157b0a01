//! Which redirects the client follows by hand.
//!
//! * Same origin (scheme, host, port): followed.
//! * From `http://host` to `https://host` (any port): HAC's `requires-channel="https"`
//!   sends every plain-HTTP request to its HTTPS port (9001 → 9002). The client moves to
//!   HTTPS for good and says so once. Before a redirect like that nothing was processed,
//!   so the same request can be sent again there; and because the login page is always
//!   fetched first, the password never goes to the plain-HTTP port.
//! * Anything else (another host, a downgrade to HTTP): refused. Cookies and credentials
//!   never leave for another origin.

use url::Url;

/// Where a redirect may take the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Hop {
    /// Same origin: follow.
    Follow(Url),
    /// The same host over HTTPS: move there, then follow.
    Upgrade(Url),
    /// Another origin: do not follow. `target` is its origin only (no path or query).
    Refuse { target: String },
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

/// The hop for a `Location` answered to a request for `current`.
pub(crate) fn next_hop(current: &Url, location: &str) -> Result<Hop, url::ParseError> {
    let target = current.join(location)?;
    if same_origin(current, &target) {
        return Ok(Hop::Follow(target));
    }
    let same_host = current
        .host_str()
        .zip(target.host_str())
        .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
    if same_host && current.scheme() == "http" && target.scheme() == "https" {
        return Ok(Hop::Upgrade(target));
    }
    Ok(Hop::Refuse {
        target: target.origin().ascii_serialization(),
    })
}

/// `true` for a plain-HTTP request answered with a redirect to HTTPS on the same host: the
/// channel redirect, whatever the path.
pub(crate) fn is_channel_upgrade(current: &Url, status: u16, location: Option<&str>) -> bool {
    is_redirect(status)
        && location
            .and_then(|l| next_hop(current, l).ok())
            .is_some_and(|h| matches!(h, Hop::Upgrade(_)))
}

/// A redirect status (301, 302, 303, 307, 308).
pub(crate) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn hops() {
        let here = url("http://Host:9001/hac/console");
        assert_eq!(
            next_hop(&here, "/hac/login").unwrap(),
            Hop::Follow(url("http://host:9001/hac/login"))
        );
        assert_eq!(
            next_hop(&here, "https://host:9002/hac/login").unwrap(),
            Hop::Upgrade(url("https://host:9002/hac/login"))
        );
        assert_eq!(
            next_hop(&here, "https://evil.example/x?token=1").unwrap(),
            Hop::Refuse {
                target: "https://evil.example".into()
            }
        );
        let secure = url("https://host:9002/");
        assert_eq!(
            next_hop(&secure, "http://host:9001/login").unwrap(),
            Hop::Refuse {
                target: "http://host:9001".into()
            },
            "never a downgrade"
        );
        assert!(is_channel_upgrade(&here, 302, Some("https://host:9002/x")));
        assert!(!is_channel_upgrade(&here, 200, Some("https://host:9002/x")));
        assert!(!is_channel_upgrade(
            &secure,
            302,
            Some("https://host:9003/x")
        ));
    }
}
