//! Which server certificates the client accepts, as a rustls configuration.
//!
//! ureq builds its verifier from root certificates only, and webpki then refuses a
//! self-signed certificate that says it is a CA (`basicConstraints CA:TRUE`, what
//! `openssl req -x509` makes by default and what a local HAC's keystore typically holds)
//! as a server's own certificate (`CaUsedAsEndEntity`), even when the user trusts exactly
//! that certificate. curl (OpenSSL) accepts it. So the client brings its own verifier
//! (and with it its own TLS connector, see `tls_connector.rs`): the usual webpki chain
//! check first; when that fails and the server presented a certificate the user trusts
//! byte for byte, that certificate is accepted if it names the host and is within its
//! validity period. The handshake signature is checked in every case, so the server must
//! hold the certificate's private key.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use x509_cert::der::Decode;
use x509_cert::der::oid::AssociatedOid;
use x509_cert::ext::pkix::SubjectAltName;

use crate::error::{Error, Result};
use crate::tls::settings::TlsSettings;

/// The rustls client configuration for `tls`. The default one (public roots only) is built
/// once per process and shared: building it costs more than a whole request to a local
/// HAC, and a script creates a client per run.
pub(crate) fn client_config(tls: &TlsSettings) -> Result<Arc<ClientConfig>> {
    static DEFAULT: std::sync::OnceLock<Arc<ClientConfig>> = std::sync::OnceLock::new();
    if let Some(custom) = &tls.custom {
        return Ok(custom.clone());
    }
    if tls.is_default() {
        if let Some(config) = DEFAULT.get() {
            return Ok(config.clone());
        }
        let config = build(tls)?;
        return Ok(DEFAULT.get_or_init(|| config).clone());
    }
    build(tls)
}

fn build(tls: &TlsSettings) -> Result<Arc<ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config {
            message: format!("TLS setup: {e}"),
        })?;
    let mut verifier: Arc<dyn ServerCertVerifier> = if tls.danger_accept_invalid_certs {
        Arc::new(AnyCertificate {
            algorithms: provider.signature_verification_algorithms,
        })
    } else {
        let mut roots = RootCertStore::empty();
        let trusted = if tls.trust_only.is_empty() {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            tls.extra_roots.clone()
        } else {
            tls.trust_only.clone()
        };
        // A certificate webpki cannot use as a trust anchor may still be trusted exactly.
        let (added, ignored) = roots.add_parsable_certificates(trusted.iter().cloned());
        log::debug!("trust anchors: {added} added, {ignored} not usable as anchors");
        let chain = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| Error::Config {
                message: format!("TLS trust: {e}"),
            })?;
        Arc::new(TrustedCertificates {
            chain,
            exact: trusted,
        })
    };
    if !tls.public_key_pins.is_empty() {
        verifier = Arc::new(PinnedKeys {
            inner: verifier,
            pins: tls.public_key_pins.clone(),
        });
    }
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match &tls.client_auth {
        None => builder.with_no_client_auth(),
        Some(auth) => builder
            .with_client_auth_cert(auth.chain.clone(), auth.key.clone_key())
            .map_err(|e| Error::Config {
                message: format!("client certificate: {e}"),
            })?,
    };
    Ok(Arc::new(config))
}

/// Another verifier's checks, then the server's public key against pins (curl's
/// `--pinnedpubkey`).
#[derive(Debug)]
struct PinnedKeys {
    inner: Arc<dyn ServerCertVerifier>,
    pins: Vec<[u8; 32]>,
}

impl ServerCertVerifier for PinnedKeys {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let hash = crate::tls::material::spki_sha256(end_entity)?;
        if self.pins.contains(&hash) {
            Ok(verified)
        } else {
            Err(rustls::Error::General(PIN_MISMATCH.into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}

/// The text of a pin mismatch (a `General` rustls error, which `explain` recognizes).
const PIN_MISMATCH: &str = "public key pin mismatch";

/// A webpki chain check, plus certificates the user trusts exactly.
#[derive(Debug)]
struct TrustedCertificates {
    chain: Arc<WebPkiServerVerifier>,
    exact: Vec<CertificateDer<'static>>,
}

impl ServerCertVerifier for TrustedCertificates {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.chain.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Ok(verified) => Ok(verified),
            Err(e) if self.exact.iter().any(|c| c.as_ref() == end_entity.as_ref()) => {
                log::debug!("chain check failed ({e}); the certificate is trusted as it is");
                check_exact(end_entity, server_name, now)
            }
            Err(e) => Err(e),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.chain.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.chain.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.chain.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.chain.root_hint_subjects()
    }
}

/// A certificate the user trusts as it is: it must still be valid now and name the host,
/// as OpenSSL checks a trusted self-signed certificate.
fn check_exact(
    cert: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> std::result::Result<ServerCertVerified, rustls::Error> {
    let bad = |e: CertificateError| rustls::Error::InvalidCertificate(e);
    let parsed = x509_cert::Certificate::from_der(cert.as_ref())
        .map_err(|_| bad(CertificateError::BadEncoding))?;
    let tbs = parsed.tbs_certificate();
    let validity = tbs.validity();
    let not_before = UnixTime::since_unix_epoch(validity.not_before.to_unix_duration());
    let not_after = UnixTime::since_unix_epoch(validity.not_after.to_unix_duration());
    if now.as_secs() < not_before.as_secs() {
        return Err(bad(CertificateError::NotValidYetContext {
            time: now,
            not_before,
        }));
    }
    if now.as_secs() > not_after.as_secs() {
        return Err(bad(CertificateError::ExpiredContext {
            time: now,
            not_after,
        }));
    }
    let has_alt_names = tbs
        .extensions()
        .is_some_and(|exts| exts.iter().any(|e| e.extn_id == SubjectAltName::OID));
    if has_alt_names {
        let end_entity = ParsedCertificate::try_from(cert)?;
        rustls::client::verify_server_name(&end_entity, server_name)?;
        return Ok(ServerCertVerified::assertion());
    }
    // No subject alternative names (an older `openssl req -x509 -subj /CN=host`): OpenSSL
    // then compares a DNS name with the common name, and so does this, for a certificate
    // trusted as it is only.
    let common_name = tbs.subject().common_name().ok().flatten().map(String::from);
    match (server_name, &common_name) {
        (ServerName::DnsName(host), Some(cn)) if host.as_ref().eq_ignore_ascii_case(cn) => {
            Ok(ServerCertVerified::assertion())
        }
        _ => Err(bad(CertificateError::NotValidForNameContext {
            expected: server_name.to_owned(),
            presented: common_name.into_iter().collect(),
        })),
    }
}

/// `danger_accept_invalid_certs`: any certificate, though the handshake signature is still
/// checked (it costs nothing and keeps the connection bound to the presented key).
#[derive(Debug)]
struct AnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// One sentence for a failed handshake: what is wrong and what to do.
pub(crate) fn explain(e: &rustls::Error) -> String {
    use rustls::Error as R;
    let trust = "trust its CA, or that certificate itself";
    match e {
        R::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => format!(
                "the server's certificate is not issued by a CA this client trusts: {trust}"
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => format!(
                "the server's certificate has expired{}: renew it on the server, or check this machine's clock",
                match c {
                    CertificateError::ExpiredContext { not_after, .. } =>
                        format!(" (valid until {})", date(*not_after)),
                    _ => String::new(),
                }
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                format!(
                    "the server's certificate is not valid yet{}: check this machine's clock",
                    match c {
                        CertificateError::NotValidYetContext { not_before, .. } =>
                            format!(" (valid from {})", date(*not_before)),
                        _ => String::new(),
                    }
                )
            }
            CertificateError::NotValidForName => {
                "the server's certificate does not name this host: \
                use a host name it names in the URL, or give the server a certificate for this one"
                    .to_owned()
            }
            CertificateError::NotValidForNameContext {
                expected,
                presented,
            } => format!(
                "the server's certificate is not for {} (it names {}): use a host name it names \
                 in the URL, or give the server a certificate for this one",
                host(expected),
                if presented.is_empty() {
                    "no host".to_owned()
                } else {
                    presented.join(", ")
                }
            ),
            CertificateError::BadSignature => "the server's certificate has an invalid signature: \
                do not trust this connection; check the server's certificate chain"
                .to_owned(),
            CertificateError::Revoked => {
                "the server's certificate has been revoked: the server needs a new one".to_owned()
            }
            CertificateError::Other(o) if format!("{o:?}").contains("CaUsedAsEndEntity") => {
                "the server presents a CA certificate as its own (a self-signed `openssl req \
                 -x509` certificate): trust that exact certificate"
                    .to_owned()
            }
            other => format!("the server's certificate was refused ({other:?}): {trust}"),
        },
        R::General(g) if g == PIN_MISMATCH => {
            "the server's public key is not one of the pinned keys: if the server got a new \
             key, pin the new one; otherwise this may not be your server"
                .to_owned()
        }
        R::AlertReceived(rustls::AlertDescription::CertificateRequired) => {
            "the server requires a client certificate: give one".to_owned()
        }
        R::AlertReceived(rustls::AlertDescription::UnknownCA)
        | R::AlertReceived(rustls::AlertDescription::BadCertificate) => format!(
            "the server refused this client's certificate ({e}): check that it is the one the \
             server expects and not expired"
        ),
        R::AlertReceived(alert) => format!(
            "the server ended the handshake ({alert:?}): it may require a client certificate, \
             or accept no TLS version or cipher this client offers (TLS 1.2 and 1.3)"
        ),
        R::PeerIncompatible(p) => format!(
            "the server and this client have no TLS version or cipher in common ({p:?}); \
             HAC needs TLS 1.2 or 1.3"
        ),
        R::InvalidMessage(_) | R::InappropriateMessage { .. } => {
            "the server does not speak TLS on this port: if it is plain HTTP, use an http:// URL"
                .to_owned()
        }
        other => other.to_string(),
    }
}

fn host(name: &ServerName<'_>) -> String {
    match name {
        ServerName::DnsName(d) => d.as_ref().to_owned(),
        ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

/// `YYYY-MM-DD` (UTC) for a certificate date.
fn date(t: UnixTime) -> String {
    // Days to civil date (Howard Hinnant's algorithm): a date in an error message is not
    // worth a date-time crate.
    let days = (t.as_secs() / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let at = |s| {
            date(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                s,
            )))
        };
        assert_eq!(at(0), "1970-01-01");
        assert_eq!(at(1_609_459_200), "2021-01-01");
        assert_eq!(at(1_709_164_800), "2024-02-29");
        assert_eq!(at(4_102_444_800), "2100-01-01");
    }

    #[test]
    fn every_reason_says_what_to_do() {
        use rustls::Error as R;
        for e in [
            R::InvalidCertificate(CertificateError::UnknownIssuer),
            R::InvalidCertificate(CertificateError::Expired),
            R::InvalidCertificate(CertificateError::NotValidYet),
            R::InvalidCertificate(CertificateError::NotValidForName),
            R::InvalidCertificate(CertificateError::BadSignature),
            R::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
        ] {
            let text = explain(&e);
            assert!(text.contains(':'), "{text}");
            assert!(!text.ends_with('.'), "{text}");
        }
    }
}
