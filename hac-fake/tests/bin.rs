//! `hac-fake` run on its own: options, the URL on stdout, a profile that shows.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

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
    let mut child = Command::new(env!("CARGO_BIN_EXE_hac-fake"))
        .args(["--profile", "1811", "--context-path", "/hac"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    out.read_line(&mut url).unwrap();
    let url = url.trim();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let page = get(url, "/hac/login.jsp");
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
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_hac-fake"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("hac-fake:") && err.contains("--profile"),
            "{err}"
        );
    }
}
