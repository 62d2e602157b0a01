//! Runs the fake HAC on its own, to try the `hac` tool or the library by hand:
//!
//! ```text
//! cargo run -p hac-fake                          # http://127.0.0.1:PORT, root context, 2211.38
//! cargo run -p hac-fake -- --profile 1811        # login.jsp, raw tokens, 403 for dead POSTs
//! cargo run -p hac-fake -- --context-path /hac   # HAC under /hac
//! cargo run -p hac-fake -- --tls                 # HTTPS with a throwaway CA, written to hac-fake-ca.pem
//! cargo run -p hac-fake -- --tls --http-redirect # plus a plain-HTTP port redirecting to it
//! cargo run -p hac-fake -- --nodes a,b,c         # three cluster nodes behind a ROUTE balancer
//! cargo run -p hac-fake -- --port 9002           # a fixed port instead of a free one
//! cargo run -p hac-fake -- --session-idle 30 --dead-session empty-ok
//!                                                # sessions die after 30 s idle, and a dead
//!                                                # session's console POST answers an empty 200
//!                                                # (as seen behind the CCv2 gateway)
//! ```
//!
//! The URL is the first line on stdout. The server runs until it is stopped (Ctrl-C or a
//! signal), so it can be started in the background of a script (`hac-fake > url &`), where
//! stdin is often `/dev/null`; with `--stop-on-eof` it also stops when stdin closes, which
//! ties it to a parent process that holds a pipe to it.

use std::io::Read;

use hac_fake::{ADMIN, ExpiryAnswer, FakeHac, Profile, TlsMode};

const USAGE: &str = "\
usage: hac-fake [OPTIONS]

A fake SAP Commerce Administration Console on 127.0.0.1, for trying hac and hac-client.
Prints its URL on the first line of stdout and serves until stopped (Ctrl-C).

options:
  --profile 1811|2211.1|2211.38   SAP Commerce version to behave like (default 2211.38)
  --context-path PATH             serve HAC under PATH, e.g. /hac (default: root)
  --root                          serve HAC at the root (the default)
  --port PORT                     listen on PORT (default: a free port)
  --tls                           HTTPS, with a throwaway CA written to hac-fake-ca.pem
  --http-redirect                 with --tls: a plain-HTTP port redirecting to HTTPS
  --nodes A,B,..                  cluster nodes behind a balancer routing by the ROUTE cookie
  --session-idle SECONDS          a session dies after SECONDS without a request
  --dead-session ANSWER           how a dead session is answered: realistic (HAC's redirect,
                                  403 or 405; the default), empty-ok (an empty 200 to a
                                  POST, as the CCv2 gateway), login-page (200 with the login
                                  page), unauthorized (401), forbidden (403),
                                  method-not-allowed (405), relative-redirect
  --stop-on-eof                   also stop when stdin closes
  -h, --help                      this text";

fn fail(message: &str) -> ! {
    eprintln!("hac-fake: {message} (see hac-fake --help)");
    std::process::exit(2);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut builder = FakeHac::builder();
    let mut stop_on_eof = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            "--port" => {
                let value = args.next().unwrap_or_else(|| fail("--port needs a value"));
                let port = value
                    .parse()
                    .unwrap_or_else(|_| fail(&format!("--port {value:?} is not a port number")));
                builder = builder.port(port);
            }
            "--stop-on-eof" => stop_on_eof = true,
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
            "--session-idle" => {
                let value = args
                    .next()
                    .unwrap_or_else(|| fail("--session-idle needs a number of seconds"));
                let secs: u64 = value.parse().unwrap_or_else(|_| {
                    fail(&format!(
                        "--session-idle {value:?} is not a number of seconds"
                    ))
                });
                builder = builder.idle_timeout(std::time::Duration::from_secs(secs));
            }
            "--dead-session" => {
                let value = args
                    .next()
                    .unwrap_or_else(|| fail("--dead-session needs a value, e.g. empty-ok"));
                let answer = match value.as_str() {
                    "realistic" => ExpiryAnswer::Realistic,
                    "empty-ok" => ExpiryAnswer::EmptyOk,
                    "login-page" => ExpiryAnswer::LoginPage,
                    "unauthorized" => ExpiryAnswer::Unauthorized,
                    "forbidden" => ExpiryAnswer::Forbidden,
                    "method-not-allowed" => ExpiryAnswer::MethodNotAllowed,
                    "relative-redirect" => ExpiryAnswer::RelativeRedirect,
                    other => fail(&format!(
                        "--dead-session {other:?} is not one of the answers"
                    )),
                };
                builder = builder.expiry_answer(answer);
            }
            "--tls" => builder = builder.tls(TlsMode::CaSigned),
            "--http-redirect" => builder = builder.http_redirect(true),
            other => fail(&format!("unknown option {other:?}")),
        }
    }
    let hac = builder.try_start().unwrap_or_else(|e| {
        eprintln!("hac-fake: cannot listen: {e} (choose another --port, or leave it out)");
        std::process::exit(1);
    });
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
        "hac-fake: SAP Commerce {} on {} (context path {:?}); user {:?}, password {:?}; {}",
        hac.profile(),
        hac.url(),
        hac.context_path(),
        ADMIN.0,
        ADMIN.1,
        if stop_on_eof {
            "close stdin or press Ctrl-C to stop"
        } else {
            "Ctrl-C to stop"
        }
    );
    if stop_on_eof {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
    } else {
        // The accept threads serve; this one only keeps the process alive.
        loop {
            std::thread::park();
        }
    }
}
