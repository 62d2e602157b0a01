//! TLS: the client's own rustls configuration (`trust`: verification with the usual roots,
//! extra CAs, a server's own certificate, public-key pins, the "accept anything" danger
//! switch, and the explanation of a failed handshake), certificates and keys read from PEM
//! or DER (`material`), the TLS settings a configuration carries (`settings`) and the link
//! in ureq's connector chain that uses them (`connector`).
//!
//! Depends only on `error`: the configuration holds these settings, the transport uses
//! them.

pub(crate) mod connector;
pub(crate) mod material;
pub(crate) mod settings;
pub(crate) mod trust;
