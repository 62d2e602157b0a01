//! Certificates for the fake's HTTPS modes, made fresh per server with rcgen.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, date_time_ymd};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// How the fake serves HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain HTTP.
    Off,
    /// A self-signed leaf for `localhost` / `127.0.0.1` (what a local HAC on :9002 has).
    SelfSigned,
    /// A leaf signed by a throwaway CA (what a company-internal CA looks like).
    CaSigned,
    /// A self-signed certificate that says it is a CA (`basicConstraints CA:TRUE`), as
    /// `openssl req -x509` makes by default: what a local HAC's keystore typically holds.
    SelfSignedCa,
}

/// What the server's own certificate says (see the builder's `cert_*` methods).
#[derive(Debug, Clone)]
pub(crate) struct CertSpec {
    /// Subject alternative names; none: no extension at all (the name only in the CN).
    pub names: Vec<String>,
    pub common_name: String,
    /// Valid in 2020 only.
    pub expired: bool,
    /// Require a client certificate (mutual TLS) issued by a CA of the fake's.
    pub client_auth: bool,
}

impl Default for CertSpec {
    fn default() -> Self {
        CertSpec {
            names: vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
            common_name: "hac-fake localhost".to_owned(),
            expired: false,
            client_auth: false,
        }
    }
}

/// The PEM material a test needs to trust the server.
#[derive(Debug, Clone)]
pub struct ServerCerts {
    /// The server's own certificate (pin this).
    pub leaf_pem: String,
    /// The issuing CA for [`TlsMode::CaSigned`], else the leaf again.
    pub ca_pem: String,
    /// With a required client certificate: one the server accepts, and its key (PKCS#8).
    pub client_cert_pem: Option<String>,
    /// The key of [`ServerCerts::client_cert_pem`].
    pub client_key_pem: Option<String>,
    pub(crate) config: Arc<ServerConfig>,
}

fn leaf_params(spec: &CertSpec) -> CertificateParams {
    let mut params = CertificateParams::new(spec.names.clone()).expect("SANs are valid");
    params
        .distinguished_name
        .push(DnType::CommonName, spec.common_name.as_str());
    if spec.expired {
        params.not_before = date_time_ymd(2020, 1, 1);
        params.not_after = date_time_ymd(2021, 1, 1);
    }
    params
}

/// Generates certificates and a rustls server config for `mode` (not `Off`).
pub(crate) fn make(mode: TlsMode, spec: &CertSpec) -> ServerCerts {
    let leaf_key = KeyPair::generate().expect("key generation");
    let (leaf_pem, leaf_der, ca_pem) = match mode {
        TlsMode::Off | TlsMode::SelfSigned | TlsMode::SelfSignedCa => {
            let mut params = leaf_params(spec);
            if mode == TlsMode::SelfSignedCa {
                params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            }
            let cert = params.self_signed(&leaf_key).expect("self-signed");
            (cert.pem(), cert.der().clone(), cert.pem())
        }
        TlsMode::CaSigned => {
            let ca_key = KeyPair::generate().expect("key generation");
            let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
            ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            ca_params
                .distinguished_name
                .push(DnType::CommonName, "hac-fake test CA");
            let ca_cert = ca_params.self_signed(&ca_key).expect("CA cert");
            let issuer = Issuer::new(ca_params, ca_key);
            let cert = leaf_params(spec)
                .signed_by(&leaf_key, &issuer)
                .expect("leaf cert");
            (cert.pem(), cert.der().clone(), ca_cert.pem())
        }
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let chain: Vec<CertificateDer<'static>> = vec![leaf_der];
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("protocol versions");
    let (builder, client_cert_pem, client_key_pem) = if spec.client_auth {
        let (ca_der, cert_pem, key_pem) = client_certificate();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca_der).expect("client CA");
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .expect("client verifier");
        (
            builder.with_client_cert_verifier(verifier),
            Some(cert_pem),
            Some(key_pem),
        )
    } else {
        (builder.with_no_client_auth(), None, None)
    };
    let config = builder.with_single_cert(chain, key).expect("server cert");
    ServerCerts {
        leaf_pem,
        ca_pem,
        client_cert_pem,
        client_key_pem,
        config: Arc::new(config),
    }
}

/// A client CA (DER) and a client certificate it issued, with its key (both PEM).
fn client_certificate() -> (CertificateDer<'static>, String, String) {
    let ca_key = KeyPair::generate().expect("key generation");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "hac-fake client CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("client CA");
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().expect("key generation");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("client params");
    params
        .distinguished_name
        .push(DnType::CommonName, "hac-fake client");
    let cert = params.signed_by(&key, &issuer).expect("client cert");
    (ca_cert.der().clone(), cert.pem(), key.serialize_pem())
}
