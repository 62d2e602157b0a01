//! TLS for ureq with the client's own rustls configuration (see `trust.rs` for why ureq's
//! own TLS connector cannot be used): a link in ureq's connector chain after the TCP
//! connector, like ureq's `RustlsConnector`, but with a ready `ClientConfig`.

use std::fmt;
use std::io::{Read, Write};
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// Wraps the chained transport in TLS when the URL is `https`.
pub(crate) struct TlsConnector {
    config: Arc<ClientConfig>,
}

impl TlsConnector {
    pub fn new(config: Arc<ClientConfig>) -> Self {
        TlsConnector { config }
    }
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsConnector")
    }
}

/// The host of `details.uri` as TLS names it: without the brackets of an IPv6 literal.
fn server_name(details: &ConnectionDetails) -> Result<ServerName<'static>, ureq::Error> {
    let host = details
        .uri
        .host()
        .ok_or(ureq::Error::Tls("the URL has no host"))?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(bare)
        .map(|n| n.to_owned())
        .map_err(|_| ureq::Error::Tls("the host is not a valid TLS server name"))
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            // Nothing to wrap: the TCP connector before this one made no connection.
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let mut conn = ClientConnection::new(self.config.clone(), server_name(details)?)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock).map_err(handshake_error)?;
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned { conn, sock },
        })))
    }
}

/// A handshake that failed for another reason than TLS itself (the server closed the
/// connection, reset it...): nothing was sent yet, so this is a TLS failure, never an
/// "answer lost" (see `transport::map_error`).
#[derive(Debug)]
pub(crate) struct HandshakeFailed(pub std::io::Error);

impl fmt::Display for HandshakeFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the connection ended during the TLS handshake ({}): if the server speaks plain \
             HTTP on this port, use an http:// URL",
            self.0
        )
    }
}

impl std::error::Error for HandshakeFailed {}

/// The TLS library refused the handshake (a certificate not trusted, expired, for another
/// name...). Marked here, where the handshake runs, because a TLS error can also end a
/// connection after the request was sent: only this one is known to come before.
#[derive(Debug)]
pub(crate) struct HandshakeRefused(pub rustls::Error);

impl fmt::Display for HandshakeRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLS handshake refused: {}", self.0)
    }
}

impl std::error::Error for HandshakeRefused {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

fn handshake_error(e: std::io::Error) -> ureq::Error {
    let refused = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .cloned();
    // The transport adapter reports its timeout as a ureq error inside the io error.
    let timeout = e
        .get_ref()
        .and_then(|inner| match inner.downcast_ref::<ureq::Error>() {
            Some(ureq::Error::Timeout(t)) => Some(*t),
            _ => None,
        });
    if let Some(r) = refused {
        ureq::Error::Io(std::io::Error::other(HandshakeRefused(r)))
    } else if timeout.is_some() || e.kind() == std::io::ErrorKind::TimedOut {
        // Whichever timeout ran out, nothing was sent yet: a failure to connect.
        ureq::Error::Timeout(ureq::Timeout::Connect)
    } else {
        ureq::Error::Io(std::io::Error::other(HandshakeFailed(e)))
    }
}

/// An open TLS connection for ureq.
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
