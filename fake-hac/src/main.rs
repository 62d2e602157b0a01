//! Runs the fake HAC on its own, to try the `hac` tool or the library by hand:
//!
//! ```text
//! cargo run -p fake-hac              # http://127.0.0.1:PORT, context path /hac
//! cargo run -p fake-hac -- --root    # context path "/"
//! cargo run -p fake-hac -- --tls     # HTTPS with a throwaway CA, written to fake-hac-ca.pem
//! ```
//!
//! The URL is the first line on stdout; the server stops when stdin closes or on Ctrl-C.

use std::io::Read;

use fake_hac::{ADMIN, FakeHac, TlsMode};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut builder = FakeHac::builder();
    for a in &args {
        match a.as_str() {
            "--root" => builder = builder.context_path(""),
            "--tls" => builder = builder.tls(TlsMode::CaSigned),
            other => {
                eprintln!("fake-hac: unknown option {other:?} (known: --root, --tls)");
                std::process::exit(2);
            }
        }
    }
    let hac = builder.start();
    println!("{}", hac.url());
    if let Some(certs) = hac.certs() {
        let path = "fake-hac-ca.pem";
        if let Err(e) = std::fs::write(path, &certs.ca_pem) {
            eprintln!("fake-hac: cannot write {path}: {e}");
            std::process::exit(1);
        }
        eprintln!("fake-hac: CA certificate in {path} (use --ca-cert {path})");
    }
    eprintln!(
        "fake-hac: listening on {} (context path {:?}); user {:?}, password {:?}; close stdin to stop",
        hac.url(),
        hac.context_path(),
        ADMIN.0,
        ADMIN.1
    );
    // Blocks until stdin reaches EOF (Ctrl-D) or the process is killed.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
