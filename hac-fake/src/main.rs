//! Runs the fake HAC on its own, to try the `hac` tool or the library by hand:
//!
//! ```text
//! cargo run -p hac-fake                          # http://127.0.0.1:PORT, root context, 2211.38
//! cargo run -p hac-fake -- --profile 1811        # login.jsp, raw tokens, 403 for dead POSTs
//! cargo run -p hac-fake -- --context-path /hac   # HAC under /hac
//! cargo run -p hac-fake -- --tls                 # HTTPS with a throwaway CA, written to hac-fake-ca.pem
//! cargo run -p hac-fake -- --tls --http-redirect # plus a plain-HTTP port redirecting to it
//! cargo run -p hac-fake -- --nodes a,b,c          # three cluster nodes behind a ROUTE balancer
//! ```
//!
//! The URL is the first line on stdout; the server stops when stdin closes or on Ctrl-C.

use std::io::Read;

use hac_fake::{ADMIN, FakeHac, Profile, TlsMode};

const USAGE: &str = "options: --profile 1811|2211.1|2211.38, --context-path PATH, --root, --tls, --http-redirect, --nodes A,B,..";

fn fail(message: &str) -> ! {
    eprintln!("hac-fake: {message} ({USAGE})");
    std::process::exit(2);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut builder = FakeHac::builder();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--profile" => {
                let value = args
                    .next()
                    .unwrap_or_else(|| fail("--profile needs a value"));
                let profile: Profile = value.parse().unwrap_or_else(|e: String| fail(&e));
                builder = builder.profile(profile);
            }
            "--context-path" => {
                let value = args
                    .next()
                    .unwrap_or_else(|| fail("--context-path needs a value"));
                builder = builder.context_path(&value);
            }
            "--root" => builder = builder.context_path(""),
            "--nodes" => {
                let value = args
                    .next()
                    .unwrap_or_else(|| fail("--nodes needs a value, e.g. node-a,node-b"));
                let names: Vec<&str> = value.split(',').map(str::trim).collect();
                builder = builder.nodes(&names);
            }
            "--tls" => builder = builder.tls(TlsMode::CaSigned),
            "--http-redirect" => builder = builder.http_redirect(true),
            other => fail(&format!("unknown option {other:?}")),
        }
    }
    let hac = builder.start();
    println!("{}", hac.url());
    if let Some(certs) = hac.certs() {
        let path = "hac-fake-ca.pem";
        if let Err(e) = std::fs::write(path, &certs.ca_pem) {
            eprintln!("hac-fake: cannot write {path}: {e}");
            std::process::exit(1);
        }
        eprintln!("hac-fake: CA certificate in {path} (use --ca-cert {path})");
    }
    if let Some(http) = hac.http_url() {
        eprintln!("hac-fake: plain HTTP on {http} redirects to HTTPS");
    }
    eprintln!(
        "hac-fake: SAP Commerce {} on {} (context path {:?}); user {:?}, password {:?}; close stdin to stop",
        hac.profile(),
        hac.url(),
        hac.context_path(),
        ADMIN.0,
        ADMIN.1
    );
    // Blocks until stdin reaches EOF (Ctrl-D) or the process is killed.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
