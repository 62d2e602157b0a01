//! Which server a run talks to, so that the guard follows the server and not the name it
//! is reached by: a profile marked `protected` or `read_only` protects its server when it
//! is addressed with `--url`, `HAC_URL`, or another profile.
//!
//! Two addresses are the same server when their host names are equal (case-insensitive,
//! a trailing dot ignored). Neither the port nor the context path matters: HAC moves a
//! client from its HTTP port to its HTTPS port, whatever the ports are, and the client
//! follows (so a port of its own would be a way around the guard); one host serves one
//! HAC. Names are not resolved: an IP address and a host name are two servers to the
//! guard (resolving would send a query, and one address often serves many sites).

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

    /// Whether both name the same server, for the guard: the same host, any port.
    pub fn same_server(&self, other: &ServerId) -> bool {
        self.host == other.host
    }

    /// Whether both are the same endpoint, for secrets: the same host and port (or HAC's
    /// usual plain/TLS pair, 80/443 or 9001/9002). Stricter than [`ServerId::same_server`]:
    /// another port of the host may be another service, and a password goes nowhere it
    /// was not meant for.
    pub fn same_endpoint(&self, other: &ServerId) -> bool {
        let (low, high) = (self.port.min(other.port), self.port.max(other.port));
        self.host == other.host && (low == high || matches!((low, high), (80, 443) | (9001, 9002)))
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
            "https://prod.example.com:8443",
            "http://prod.example.com:45531/hac",
        ] {
            assert!(prod.same_server(&id(same)), "{same}");
        }
        assert!(id("https://localhost:9002").same_server(&id("http://localhost:9001/hac")));
        for other in [
            "https://staging.example.com",
            "https://10.0.0.5",
            "https://prod.example.com.evil.test",
        ] {
            assert!(!prod.same_server(&id(other)), "{other}");
        }
        assert!(id("https://localhost:9002").same_endpoint(&id("http://localhost:9001/hac")));
        assert!(id("https://h").same_endpoint(&id("http://h")));
        assert!(!id("https://h:9002").same_endpoint(&id("https://h:9443")));
        assert!(ServerId::new("ftp://x").is_none());
        assert!(ServerId::new("not a url").is_none());
    }
}
