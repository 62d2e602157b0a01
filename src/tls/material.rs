//! Certificates, keys and public-key pins as users hand them over: PEM or DER, read once
//! when the configuration is built, so that a bad file is a configuration error and never
//! a handshake failure later.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::{Error, Result};

/// PEM anywhere in the bytes: a file of certificates alone, or what
/// `openssl s_client -showcerts` prints (text around the certificates), as curl and
/// Python take it.
fn is_pem(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"-----BEGIN").is_some()
}

/// The certificates in `bytes`: every certificate of a PEM file or bundle (other text
/// around them, and other PEM sections, are passed over), or one DER certificate.
pub(crate) fn certificates(bytes: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>> {
    if !is_pem(bytes) {
        if bytes.first() != Some(&0x30) {
            return Err(Error::config(format!(
                "{what}: neither PEM (-----BEGIN CERTIFICATE-----) nor DER"
            )));
        }
        return Ok(vec![CertificateDer::from(bytes.to_vec())]);
    }
    let certs = CertificateDer::pem_slice_iter(bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::config(format!("{what}: invalid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(Error::config(format!("{what}: no certificate in the PEM")));
    }
    Ok(certs)
}

/// The private key in `bytes`: PEM (PKCS#8, PKCS#1 or SEC1) or DER (PKCS#8).
pub(crate) fn private_key(bytes: &[u8]) -> Result<PrivateKeyDer<'static>> {
    if is_pem(bytes) {
        PrivateKeyDer::from_pem_slice(bytes).map_err(|e| {
            // The key's bytes never go into the message.
            Error::config(format!(
                "client key: no usable private key in the PEM ({e})"
            ))
        })
    } else {
        Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            bytes.to_vec(),
        )))
    }
}

/// Public-key pins in curl's `--pinnedpubkey` form: `sha256//BASE64`, several separated by
/// `;`. The bare base64 or 64 hex digits of the hash are accepted too.
pub(crate) fn pins(text: &str) -> Result<Vec<[u8; 32]>> {
    let mut out = Vec::new();
    for pin in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let hash = pin.strip_prefix("sha256//").unwrap_or(pin);
        let bytes = if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&hash[2 * i..2 * i + 2], 16))
                .collect::<std::result::Result<Vec<u8>, _>>()
                .ok()
        } else {
            STANDARD.decode(hash).ok()
        };
        match bytes.and_then(|b| <[u8; 32]>::try_from(b).ok()) {
            Some(h) => out.push(h),
            None => {
                return Err(Error::config(format!(
                    "public key pin {pin:?}: expected sha256// and the base64 of a SHA-256 hash"
                )));
            }
        }
    }
    if out.is_empty() {
        return Err(Error::config("public key pin: empty"));
    }
    Ok(out)
}

/// SHA-256 of a certificate's DER-encoded SubjectPublicKeyInfo.
pub(crate) fn spki_sha256(
    cert: &CertificateDer<'_>,
) -> std::result::Result<[u8; 32], rustls::Error> {
    let parsed = rustls::server::ParsedCertificate::try_from(cert)?;
    let spki = parsed.subject_public_key_info();
    let digest = ring::digest::digest(&ring::digest::SHA256, spki.as_ref());
    let mut out = [0; 32];
    out.copy_from_slice(digest.as_ref());
    Ok(out)
}

/// The public-key pin of a certificate (PEM or DER; the first of a PEM chain), in curl's
/// `sha256//BASE64` form, for
/// [`HacConfigBuilder::pin_public_key_sha256`](crate::HacConfigBuilder::pin_public_key_sha256).
/// It stays the same when the certificate is renewed with the same key.
///
/// ```
/// # fn demo() -> hac_client::Result<()> {
/// let pem = std::fs::read("hac-cert.pem").unwrap_or_default();
/// # if pem.is_empty() { return Ok(()) }
/// let pin = hac_client::public_key_pin(&pem)?;
/// assert!(pin.starts_with("sha256//"));
/// # Ok(()) }
/// ```
pub fn public_key_pin(certificate: &[u8]) -> Result<String> {
    let certs = certificates(certificate, "certificate")?;
    let hash = spki_sha256(&certs[0])
        .map_err(|e| Error::config(format!("certificate: cannot read its public key ({e})")))?;
    Ok(format!("sha256//{}", STANDARD.encode(hash)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_in_every_form() {
        let b64 = STANDARD.encode([7u8; 32]);
        let hex = "07".repeat(32);
        let one = pins(&format!("sha256//{b64}")).unwrap();
        assert_eq!(one, vec![[7u8; 32]]);
        assert_eq!(pins(&b64).unwrap(), one);
        assert_eq!(pins(&hex).unwrap(), one);
        assert_eq!(
            pins(&format!("sha256//{b64}; sha256//{b64}"))
                .unwrap()
                .len(),
            2
        );
        for bad in ["", "sha256//", "sha256//abc", "md5//xyz", &"0".repeat(63)] {
            assert!(pins(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn certificate_input() {
        assert!(certificates(b"nope", "x").is_err());
        assert!(
            certificates(
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                "x"
            )
            .is_ok_and(|c| c.len() == 1)
        );
        assert!(
            certificates(
                b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "x"
            )
            .is_err()
        );
        assert_eq!(certificates(&[0x30, 0x03, 1, 2, 3], "x").unwrap().len(), 1);
        // What `openssl s_client -showcerts -connect host:port` prints: text around the
        // chain's certificates.
        let s_client = b"CONNECTED(00000003)\ndepth=0 CN = localhost\nverify error:num=18:self-signed certificate\n---\nCertificate chain\n 0 s:CN = localhost\n   i:CN = localhost\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n 1 s:CN = ca\n-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n---\nServer certificate\nsubject=CN = localhost\n---\nSSL handshake has read 1234 bytes\nDONE\n";
        assert_eq!(certificates(s_client, "x").unwrap().len(), 2);
        let e = private_key(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .unwrap_err();
        assert!(e.to_string().contains("private key"), "{e}");
    }
}
