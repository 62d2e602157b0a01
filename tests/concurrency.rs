//! One client shared by many threads logs in once, and re-logs in once after expiry.

mod common;

use hac_fake::{ExpiryAnswer, FakeHac};

fn hammer(client: &hac_client::HacClient) {
    std::thread::scope(|s| {
        for t in 0..8 {
            s.spawn(move || {
                for i in 0..5 {
                    let r = client.execute_groovy(format!("return {t}{i}")).unwrap();
                    assert_eq!(r.result, format!("{t}{i}"));
                }
            });
        }
    });
}

#[test]
fn shared_client_logs_in_once() {
    for answer in [
        ExpiryAnswer::Realistic,
        ExpiryAnswer::Unauthorized,
        ExpiryAnswer::LoginPage,
    ] {
        let hac = FakeHac::builder().expiry_answer(answer).start();
        let client = common::client(&hac);
        hammer(&client);
        assert_eq!(hac.stats().logins, 1, "{answer:?}");
        hac.expire_sessions();
        hammer(&client);
        assert_eq!(
            hac.stats().logins,
            2,
            "{answer:?}: one re-login for all threads"
        );
        assert_eq!(hac.stats().csrf_rejections, 0, "{answer:?}");
    }
}

#[cfg(feature = "async")]
#[test]
fn shared_async_client_logs_in_once() {
    use futures_lite::future::block_on;
    let hac = FakeHac::start();
    let client =
        hac_client::nonblocking::HacClient::new(common::config(&hac).build().unwrap()).unwrap();
    std::thread::scope(|s| {
        for t in 0..6 {
            let client = &client;
            s.spawn(move || {
                block_on(async {
                    for i in 0..3 {
                        let r = client
                            .execute_groovy(format!("return {t}{i}"))
                            .await
                            .unwrap();
                        assert_eq!(r.result, format!("{t}{i}"));
                    }
                })
            });
        }
    });
    assert_eq!(hac.stats().logins, 1);
}
