//! `hac-fake` run on its own: options, the URL on stdout, a profile that shows, how it
//! stops.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn hac_fake(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hac-fake"));
    c.args(args);
    c
}

/// Starts the fake as a script's background job would (stdin `/dev/null`); the child and
/// the URL it printed.
fn start_in_background(args: &[&str]) -> (Child, String) {
    let mut child = hac_fake(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = first_line(&mut child);
    (child, url)
}

fn first_line(child: &mut Child) -> String {
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    out.read_line(&mut url).unwrap();
    url.trim().to_owned()
}

fn get(url: &str, path: &str) -> String {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serves_the_profile_asked_for() {
    let mut child = hac_fake(&[
        "--profile",
        "1811",
        "--context-path",
        "/hac",
        "--stop-on-eof",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let url = first_line(&mut child);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let page = get(&url, "/hac/login.jsp");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("redirect_detection"));
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("SAP Commerce 1811"), "{err}");
}

#[test]
fn bad_options_exit_2() {
    for args in [
        &["--profile", "2205"][..],
        &["--profile"][..],
        &["--nope"][..],
        &["--port"][..],
        &["--port", "http"][..],
        &["--port", "70000"][..],
    ] {
        let out = hac_fake(args).stdin(Stdio::null()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("hac-fake:") && err.contains("hac-fake --help"),
            "{err}"
        );
    }
}

#[test]
fn help_lists_every_option() {
    for flag in ["--help", "-h"] {
        let out = hac_fake(&[flag]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        for option in [
            "--profile",
            "--context-path",
            "--root",
            "--port",
            "--tls",
            "--http-redirect",
            "--nodes",
            "--stop-on-eof",
        ] {
            assert!(text.contains(option), "{option} missing from {text}");
        }
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serves_a_fixed_port_until_killed_even_with_stdin_closed() {
    let port = free_port();
    let (mut child, url) = start_in_background(&["--port", &port.to_string()]);
    assert_eq!(url, format!("http://127.0.0.1:{port}"));
    std::thread::sleep(Duration::from_millis(200));
    assert!(child.try_wait().unwrap().is_none(), "stopped on stdin EOF");
    assert!(get(&url, "/login").starts_with("HTTP/1.1 200"));

    // A second one on the same port says so and exits 1.
    let out = hac_fake(&["--port", &port.to_string()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot listen") && err.contains("--port"),
        "{err}"
    );

    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn stop_on_eof_stops_when_stdin_closes() {
    let (mut child, _) = start_in_background(&["--stop-on-eof"]);
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(10), "still running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `--dead-session empty-ok`: a console POST without a live session is answered 200 with
/// an empty body (as behind the CCv2 gateway); an unknown answer is a usage error.
#[test]
fn a_dead_session_can_be_answered_as_the_gateway_does() {
    let (mut child, url) =
        start_in_background(&["--dead-session", "empty-ok", "--session-idle", "30"]);
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /console/scripting/execute HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\nConnection: close\r\n\r\nscript=1%2B1"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    assert!(body.trim().is_empty(), "{answer}");
    let o = hac_fake(&["--dead-session", "sometimes"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--dead-session"));
}
