//! With every crate logging at trace level (a catch-all logger), ureq's protocol layer
//! hex-dumps request heads and answers. The password must still never appear (request
//! bodies are not dumped), and the client says once that the dump holds session secrets.
//! (Its own binary: the logger and its level are process-wide.)

mod common;

use common::Capture;

use hac_fake::FakeHac;

static LOGGER: Capture = Capture::new();

#[test]
fn wire_tracing_is_warned_about_and_never_shows_the_password() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let hac = FakeHac::builder().user("tracer", "Pw-trace-9d1e").start();
    let c = common::build(
        common::config_for(hac.url())
            .credentials(hac_client::BasicCredentials::new("tracer", "Pw-trace-9d1e")),
    );
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    c.execute_groovy("return 2")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let lines = LOGGER.lines.lock().unwrap();
    // The dump's printable column, rows joined: what a reader of the log can piece together.
    let dumped: String = lines
        .iter()
        .filter(|l| l.starts_with("TRACE ureq_proto"))
        .filter_map(|l| l.rsplit("  ").next())
        .collect();
    assert!(dumped.contains("JSESSIONID"), "the dump is there");
    assert!(!dumped.contains("Pw-trace-9d1e"), "password in the trace");
    assert!(!dumped.contains("j_password="), "login body in the trace");
    let all = lines.join("\n");
    assert!(!all.contains("Pw-trace-9d1e"), "password in the log");
    let warnings: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("WARN ") && l.contains("trace logging of ureq_proto"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}
