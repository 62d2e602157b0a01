//! Name resolution for the client's agent.
//!
//! ureq resolves the host before every request, pooled connection or not, and when a
//! timeout is set (ours always is) it does so on a newly spawned thread. For a client that
//! talks to one host that is a thread and a DNS query per request: on loopback a third of a
//! login's cost, on a real network possibly an extra round trip per call. This resolver
//! answers IP literals directly and reuses a host name's addresses for a short while; the
//! first lookup still goes through ureq's resolver, timeout and all.
//!
//! It plugs into ureq's `unversioned` resolver API, which is exempt from semver (see the
//! ureq requirement in Cargo.toml for how that is handled).

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long looked-up addresses are reused. Short, so that a DNS change (a fail-over, a
/// CCv2 node move) is seen within seconds by long-running clients.
const REUSE_FOR: Duration = Duration::from_secs(30);

#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    inner: DefaultResolver,
    last: Mutex<Option<Lookup>>,
}

#[derive(Debug)]
struct Lookup {
    host: String,
    port: u16,
    at: Instant,
    addrs: ResolvedSocketAddrs,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some((host, port)) = host_port(uri) else {
            // Let ureq produce its own error for a malformed URI.
            return self.inner.resolve(uri, config, timeout);
        };
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        {
            let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(l) = last.as_ref()
                && l.host == host
                && l.port == port
                && l.at.elapsed() < REUSE_FOR
            {
                return Ok(l.addrs.clone());
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(Lookup {
            host: host.to_owned(),
            port,
            at: Instant::now(),
            addrs: addrs.clone(),
        });
        Ok(addrs)
    }
}

fn host_port(uri: &Uri) -> Option<(&str, u16)> {
    let authority = uri.authority()?;
    let port = authority.port_u16().or(match uri.scheme_str()? {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    })?;
    Some((authority.host(), port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::Timeout;
    use ureq::unversioned::transport::time::Duration as UreqDuration;

    fn resolve(r: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: Uri = url.parse().unwrap();
        let config = Config::default();
        let timeout = NextTimeout {
            after: UreqDuration::from_secs(5),
            reason: Timeout::Resolve,
            ..NextTimeout::default()
        };
        r.resolve(&uri, &config, timeout)
            .unwrap()
            .iter()
            .copied()
            .collect()
    }

    #[test]
    fn ip_literals_need_no_lookup() {
        let r = CachingResolver::default();
        assert_eq!(
            resolve(&r, "http://127.0.0.1:9001/hac"),
            ["127.0.0.1:9001".parse().unwrap()]
        );
        assert_eq!(
            resolve(&r, "https://[::1]/"),
            ["[::1]:443".parse().unwrap()]
        );
        assert!(r.last.lock().unwrap().is_none());
    }

    #[test]
    fn names_are_looked_up_once_and_reused() {
        let r = CachingResolver::default();
        let first = resolve(&r, "http://localhost:9001/");
        assert!(!first.is_empty());
        assert!(first.iter().all(|a| a.port() == 9001));
        let at = r.last.lock().unwrap().as_ref().unwrap().at;
        assert_eq!(resolve(&r, "http://localhost:9001/x"), first);
        assert_eq!(r.last.lock().unwrap().as_ref().unwrap().at, at, "reused");
        // Another port is another lookup.
        let other = resolve(&r, "http://localhost:9002/");
        assert!(other.iter().all(|a| a.port() == 9002));
    }
}
