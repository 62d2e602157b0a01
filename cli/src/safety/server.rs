//! Which server a run talks to, so that the guard follows the server and not the name it
//! is reached by: a profile marked `protected` or `read_only` protects its server when it
//! is addressed with `--url`, `HAC_URL`, or another profile.
//!
//! Two addresses are the same server when their host names are equal (case-insensitive,
//! a trailing dot ignored). Neither the port nor the context path matters: HAC moves a
//! client from its HTTP port to its HTTPS port, whatever the ports are, and the client
//! follows (so a port of its own would be a way around the guard); one host serves one
//! HAC. Names are not resolved: an IP address and a host name are two servers to the
//! guard (resolving would send a query, and one address often serves many sites), with one
//! exception: every way to name this machine (`localhost`, any loopback address, the
//! unspecified addresses `0.0.0.0`/`::` that connect here too, and their IPv4-mapped IPv6
//! forms, the machine's host name, the names its hosts file gives loopback addresses, and
//! its own interface addresses) is one server, so that a port-forward to production on 127.0.0.1 stays guarded however it
//! is written. IPv6 forms of an IPv4 address are that address.

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
        let host = match parsed.host()? {
            url::Host::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if name == "localhost"
                    || name.ends_with(".localhost")
                    || this_machine_names().contains(&name)
                {
                    THIS_MACHINE.to_owned()
                } else {
                    name
                }
            }
            url::Host::Ipv4(ip) => canonical_ip(std::net::IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => canonical_ip(std::net::IpAddr::V6(ip)),
        };
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

/// The one name of every address of this machine.
const THIS_MACHINE: &str = "localhost";

/// The names this machine answers to without a DNS query: its host name (with and without
/// its domain) and every name the hosts file maps to a loopback address (`127.0.1.1 vm`),
/// read once. A port-forward to production reached as `http://vm:9002` is this machine.
fn this_machine_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = Vec::new();
        if let Some(host) = host_name() {
            let host = host.trim_end_matches('.').to_ascii_lowercase();
            if let Some((short, _)) = host.split_once('.') {
                names.push(short.to_owned());
            }
            names.push(host);
        }
        if let Ok(text) = std::fs::read_to_string(hosts_file()) {
            names.extend(loopback_names(&text));
        }
        names.retain(|n| !n.is_empty());
        names
    })
}

/// The names a hosts file gives loopback and unspecified addresses.
fn loopback_names(hosts: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in hosts.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut words = line.split_whitespace();
        let Some(ip) = words
            .next()
            .and_then(|w| w.parse::<std::net::IpAddr>().ok())
        else {
            continue;
        };
        if canonical_ip(ip) == THIS_MACHINE {
            names.extend(words.map(|n| n.trim_end_matches('.').to_ascii_lowercase()));
        }
    }
    names
}

#[cfg(unix)]
fn host_name() -> Option<String> {
    Some(
        rustix::system::uname()
            .nodename()
            .to_string_lossy()
            .into_owned(),
    )
}

#[cfg(not(unix))]
fn host_name() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

#[cfg(unix)]
fn hosts_file() -> std::path::PathBuf {
    "/etc/hosts".into()
}

#[cfg(not(unix))]
fn hosts_file() -> std::path::PathBuf {
    let root = std::env::var_os("SystemRoot").unwrap_or_else(|| r"C:\Windows".into());
    std::path::Path::new(&root).join(r"System32\drivers\etc\hosts")
}

/// An address as the guard compares it: IPv4-mapped IPv6 as IPv4, and every loopback or
/// unspecified address as this machine.
fn canonical_ip(ip: std::net::IpAddr) -> String {
    let ip = match ip {
        std::net::IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(std::net::IpAddr::V6(v6), std::net::IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() || ip.is_unspecified() || an_address_of_this_machine(ip) {
        THIS_MACHINE.to_owned()
    } else {
        ip.to_string()
    }
}

/// Whether `ip` is one of this machine's own interface addresses (a port-forward listening
/// on 0.0.0.0 is reached on it too): a socket can be bound to it. No packet is sent. Where
/// the system lets a socket bind any address (Linux's `ip_nonlocal_bind`), checked by an
/// address that is never local, the answer would mean nothing, and is no.
fn an_address_of_this_machine(ip: std::net::IpAddr) -> bool {
    use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
    static ANY_BINDS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let binds = |ip: IpAddr| UdpSocket::bind(SocketAddr::new(ip, 0)).is_ok();
    // The three documentation networks (TEST-NET-1 to 3): a machine may be given one such
    // address (sandboxes are), never all three; when all three bind, any address would.
    let any_binds = || {
        [[192, 0, 2, 1], [198, 51, 100, 1], [203, 0, 113, 1]]
            .iter()
            .all(|[a, b, c, d]| binds(IpAddr::V4(Ipv4Addr::new(*a, *b, *c, *d))))
    };
    !*ANY_BINDS.get_or_init(any_binds) && binds(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The address this machine would send from (a UDP "connection" sends nothing).
    fn own_address() -> Option<std::net::IpAddr> {
        let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
        s.connect("198.51.100.1:9").ok()?;
        let ip = s.local_addr().ok()?.ip();
        (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
    }

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
        // This machine, however it is written.
        let here = id("http://127.0.0.1:9001");
        for same in [
            "http://localhost:1",
            "http://LOCALHOST.:2",
            "http://0:35490",
            "http://0.0.0.0:9001",
            "http://127.1:9001",
            "http://127.0.0.2:9001",
            "http://2130706433:9001",
            "http://[::1]:9001",
            "http://[::]:9001",
            "http://[::ffff:127.0.0.1]:9001",
            "http://[0:0:0:0:0:0:0:1]:9001",
            "http://hac.localhost:9001",
        ] {
            assert!(here.same_server(&id(same)), "{same}");
        }
        assert!(id("http://10.0.0.5").same_server(&id("http://[::ffff:10.0.0.5]:9002")));
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
        // This machine's own names, from its host name and the hosts file.
        assert_eq!(
            loopback_names(
                "127.0.0.1 localhost\n127.0.1.1 vm.example.lan vm # mine\n::1 ip6-localhost\n10.0.0.5 db\n# 127.0.0.1 commented\n"
            ),
            ["localhost", "vm.example.lan", "vm", "ip6-localhost"]
        );
        if let Some(host) = host_name() {
            assert!(
                here.same_server(&id(&format!("http://{host}:9002"))),
                "{host}"
            );
        }
        // This machine's own network address (where it has one), and not another's.
        if let Some(own) = own_address() {
            assert!(
                here.same_server(&id(&format!("http://{own}:9002"))),
                "{own}"
            );
        }
        assert!(!here.same_server(&id("http://198.51.100.7:9002")));
        assert!(ServerId::new("not a url").is_none());
    }
}
