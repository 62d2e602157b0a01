//! Helpers shared by the integration tests.
#![allow(dead_code)]

use hac_client::{BasicCredentials, HacClient, HacConfig, HacConfigBuilder};
use hac_fake::{ADMIN, FakeHac};

/// A config for any URL as the fake's admin, without persistence.
pub fn config_for(url: impl Into<String>) -> HacConfigBuilder {
    HacConfig::builder(url)
        .credentials(BasicCredentials::new(ADMIN.0, ADMIN.1))
        .session_persistence(false)
}

/// A config for the fake with the default admin, no persistence.
pub fn config(hac: &FakeHac) -> HacConfigBuilder {
    config_for(hac.url())
}

/// A client built from a config.
pub fn build(config: HacConfigBuilder) -> HacClient {
    HacClient::new(config.build().expect("config")).expect("client")
}

/// A client for the fake.
pub fn client(hac: &FakeHac) -> HacClient {
    build(config(hac))
}

/// A client for the fake as another user.
pub fn client_as(hac: &FakeHac, user: &str, password: &str) -> HacClient {
    build(config(hac).credentials(BasicCredentials::new(user, password)))
}
