//! A console call described without doing any I/O: what to send, and how to read what
//! comes back. The client turns it into an HTTP request with cookies and CSRF.

use std::time::Duration;

use crate::error::{Error, Result, excerpt};
use crate::transport::{HttpResponse, Method};

/// What a call sends.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Json(String),
}

/// One console request, relative to the context path.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub method: Method,
    /// Path below the context path, starting with `/`.
    pub path: &'static str,
    pub query: Option<String>,
    pub body: Body,
    /// JSON endpoint: send `X-Requested-With` and `Accept: application/json`.
    pub json: bool,
    /// Use the long timeout (imports, updates).
    pub long: bool,
    /// Explicit timeout for this call.
    pub timeout: Option<Duration>,
}

impl Call {
    pub fn get_json(path: &'static str) -> Call {
        Call {
            method: Method::Get,
            path,
            query: None,
            body: Body::None,
            json: true,
            long: false,
            timeout: None,
        }
    }

    pub fn get_html(path: &'static str) -> Call {
        Call {
            json: false,
            ..Call::get_json(path)
        }
    }

    pub fn post_form(path: &'static str, fields: Vec<(&'static str, String)>, json: bool) -> Call {
        Call {
            method: Method::Post,
            path,
            query: None,
            body: Body::Form(fields),
            json,
            long: false,
            timeout: None,
        }
    }
}

/// Checks for 200.
pub(crate) fn expect_ok(resp: &HttpResponse) -> Result<()> {
    if resp.status == 200 {
        Ok(())
    } else {
        Err(Error::HttpStatus {
            status: resp.status,
            path: resp.path.clone(),
            excerpt: excerpt(&resp.body),
        })
    }
}

/// Parses a JSON body into `T`, with a typed error naming what was expected.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    expected: &str,
    resp: &HttpResponse,
) -> Result<T> {
    expect_ok(resp)?;
    serde_json::from_str(&resp.body).map_err(|e| {
        Error::invalid(
            &resp.path,
            expected,
            format!("{e} (body starts: {})", excerpt_short(&resp.body)),
        )
    })
}

fn excerpt_short(body: &str) -> String {
    let e = excerpt(body);
    match e.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &e[..i]),
        None => e,
    }
}
