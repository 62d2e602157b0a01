//! Which server a run talks to, so that the guard follows the server and not the name it
//! is reached by: a profile marked `protected` or `read_only` protects its server when it
//! is addressed with `--url`, `HAC_URL`, or another profile.
//!
//! Two addresses are the same server when their host names are equal (case-insensitive,
//! a trailing dot ignored) and their ports are equal or are HAC's plain/TLS pair (80/443,
//! 9001/9002: HAC redirects one to the other). The context path does not matter: one
//! SAP Commerce server has one HAC. Names are not resolved: an IP address and a host name
//! are two servers to the guard (resolving would send a query, and one address often
//! serves many sites).

/// A server as the guard compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerId {
    host: String,
    port: u16,
}

impl ServerId {
    /// The server of `url`; `None` for text that is no http(s) URL with a host.
    pub fn new(url: &str) -> Option<ServerId> {
        let parsed = url::Url::parse(url.trim()).ok()?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return None;
        }
        let host = parsed
            .host_str()?
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        Some(ServerId {
            host,
            port: parsed.port_or_known_default()?,
        })
    }

    /// Whether both name the same server.
    pub fn same_server(&self, other: &ServerId) -> bool {
        let (low, high) = (self.port.min(other.port), self.port.max(other.port));
        self.host == other.host && (low == high || matches!((low, high), (80, 443) | (9001, 9002)))
    }
}

impl std::fmt::Display for ServerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(url: &str) -> ServerId {
        ServerId::new(url).unwrap()
    }

    #[test]
    fn the_same_server_however_it_is_written() {
        let prod = id("https://prod.example.com");
        for same in [
            "https://PROD.example.com/",
            "https://prod.example.com:443",
            "http://prod.example.com",
            "https://prod.example.com.",
            "https://prod.example.com/hac",
        ] {
            assert!(prod.same_server(&id(same)), "{same}");
        }
        assert!(id("https://localhost:9002").same_server(&id("http://localhost:9001/hac")));
        for other in [
            "https://staging.example.com",
            "https://prod.example.com:8443",
            "https://10.0.0.5",
            "https://prod.example.com.evil.test",
        ] {
            assert!(!prod.same_server(&id(other)), "{other}");
        }
        assert!(ServerId::new("ftp://x").is_none());
        assert!(ServerId::new("not a url").is_none());
    }
}
