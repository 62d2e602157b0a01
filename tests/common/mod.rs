//! Helpers shared by the integration tests.
#![allow(dead_code)]

use fake_hac::{ADMIN, FakeHac};
use hac_client::{BasicCredentials, HacClient, HacConfig, HacConfigBuilder};

/// A config for the fake with the default admin, no persistence.
pub fn config(hac: &FakeHac) -> HacConfigBuilder {
    HacConfig::builder(hac.url())
        .credentials(BasicCredentials::new(ADMIN.0, ADMIN.1))
        .session_persistence(false)
}

/// A client for the fake.
pub fn client(hac: &FakeHac) -> HacClient {
    HacClient::new(config(hac).build().expect("config")).expect("client")
}
