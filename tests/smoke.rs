mod common;
use fake_hac::FakeHac;

#[test]
fn smoke() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c.execute_groovy("println 'hi'\nreturn 42", false).unwrap();
    assert_eq!(r.output, "hi\n");
    assert_eq!(r.result, "42");
    assert_eq!(hac.stats().logins, 1);
    assert_eq!(c.context_path().as_deref(), Some("/hac"));
}
