//! The TLS settings a configuration carries: what the client trusts and what it presents.
//! Built by the configuration's builder from what the caller gave, used by `trust` to make
//! the rustls configuration.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A client certificate and its key (mutual TLS).
pub(crate) struct ClientAuth {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

/// Which certificates the client trusts, and what it presents.
#[derive(Clone, Default)]
pub(crate) struct TlsSettings {
    /// Added to the Mozilla roots.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// When non-empty, the only trust anchors.
    pub trust_only: Vec<CertificateDer<'static>>,
    /// SHA-256 hashes of accepted server public keys; when non-empty, the server's must be
    /// one of them (in addition to the certificate checks).
    pub public_key_pins: Vec<[u8; 32]>,
    pub client_auth: Option<Arc<ClientAuth>>,
    pub danger_accept_invalid_certs: bool,
    /// A ready rustls configuration, used as it is.
    pub custom: Option<Arc<rustls::ClientConfig>>,
}

impl TlsSettings {
    /// Nothing but the public roots.
    pub(crate) fn is_default(&self) -> bool {
        self.extra_roots.is_empty()
            && self.trust_only.is_empty()
            && self.public_key_pins.is_empty()
            && self.client_auth.is_none()
            && !self.danger_accept_invalid_certs
            && self.custom.is_none()
    }
}
