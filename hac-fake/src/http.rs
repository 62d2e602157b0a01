//! Just enough HTTP/1.1 for the fake: one request at a time per connection, bodies framed by
//! Content-Length or chunked, keep-alive unless the client says otherwise; form and
//! multipart bodies.

use std::io::{self, BufRead, Read, Write};

/// Largest request head the fake accepts; more is treated as a broken client.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body the fake accepts (ImpEx scripts can be large).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// One parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The raw query string (without `?`), empty when there is none.
    pub query: String,
    /// Headers in arrival order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header with this name (case-insensitive).
    pub fn header<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.headers_named(name).next()
    }

    /// Every header with this name (case-insensitive).
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Cookie name/value pairs from every Cookie header.
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.headers_named("cookie")
            .flat_map(|h| h.split(';'))
            .filter_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                Some((k.trim().to_owned(), v.trim().to_owned()))
            })
            .collect()
    }

    /// The value of one cookie.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Form fields of an `application/x-www-form-urlencoded` body.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    /// One form field.
    pub fn form_value(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Query parameters.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The media type of the body, lower case, without parameters.
    pub fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    /// The parts of a `multipart/form-data` body; empty for any other body.
    pub fn multipart(&self) -> Vec<Part> {
        let Some(ct) = self.header("content-type") else {
            return Vec::new();
        };
        if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
            return Vec::new();
        }
        let Some(boundary) = ct.split(';').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim().eq_ignore_ascii_case("boundary")).then(|| v.trim().trim_matches('"'))
        }) else {
            return Vec::new();
        };
        parse_multipart(&self.body, boundary)
    }

    fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename`, for a file part.
    pub filename: Option<String>,
    /// The content bytes.
    pub data: Vec<u8>,
}

impl Part {
    /// The content as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// RFC 7578 framing: parts between `--boundary` lines, each with headers, a blank line and
/// its content. Anything malformed ends the parse with what was read so far.
fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let Some(mut at) = find(body, delimiter.as_bytes(), 0) else {
        return parts;
    };
    let next_delimiter = format!("\r\n--{boundary}");
    loop {
        at += delimiter.len();
        if body[at..].starts_with(b"--") {
            break;
        }
        let Some(head_end) = find(body, b"\r\n\r\n", at) else {
            break;
        };
        let head = String::from_utf8_lossy(&body[at..head_end]);
        let content_start = head_end + 4;
        let Some(end) = find(body, next_delimiter.as_bytes(), content_start) else {
            break;
        };
        let mut name = String::new();
        let mut filename = None;
        for line in head.lines() {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            if !k.trim().eq_ignore_ascii_case("content-disposition") {
                continue;
            }
            for param in v.split(';').skip(1) {
                if let Some((pk, pv)) = param.split_once('=') {
                    let pv = pv.trim().trim_matches('"').to_owned();
                    match pk.trim() {
                        "name" => name = pv,
                        "filename" => filename = Some(pv),
                        _ => {}
                    }
                }
            }
        }
        parts.push(Part {
            name,
            filename,
            data: body[content_start..end].to_vec(),
        });
        at = end + 2;
    }
    parts
}

/// One response to write.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Extra headers (Content-Length and Connection are added when writing).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Close the connection instead of answering: the request was read, the answer never
    /// comes (see [`Response::abort`]).
    pub abort: bool,
}

impl Response {
    /// No answer: the connection is closed after the request was read, as when a proxy or
    /// the server dies mid-request.
    pub fn abort() -> Self {
        Response {
            abort: true,
            ..Self::status(500)
        }
    }

    /// A response with a body and a content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            abort: false,
        }
    }

    /// 200 text/html.
    pub fn html(body: impl Into<Vec<u8>>) -> Self {
        Self::new(200, "text/html;charset=UTF-8", body)
    }

    /// 200 application/json.
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Self::new(200, "application/json;charset=UTF-8", body)
    }

    /// A bodyless status.
    pub fn status(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            abort: false,
        }
    }

    /// A redirect.
    pub fn redirect(location: &str) -> Self {
        Self::status(302).with_header("Location", location)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Tomcat's answer to a request line whose method is not a token (a TLS handshake sent to
/// the plain-HTTP port, for one).
pub const BAD_METHOD_ANSWER: &[u8] = b"HTTP/1.1 400 \r\nContent-Type: text/html;charset=utf-8\r\n\
Content-Length: 104\r\nConnection: close\r\n\r\n\
<h1>HTTP Status 400</h1><p>Invalid character found in method name. HTTP method names must be tokens.</p>";

/// True when the next request cannot start with a method (its first byte is no letter and
/// no line break): such a connection is answered with [`BAD_METHOD_ANSWER`].
pub fn not_a_method(r: &mut impl BufRead) -> bool {
    match r.fill_buf() {
        Ok(buf) => buf
            .first()
            .is_some_and(|b| !(b.is_ascii_alphabetic() || *b == b'\r' || *b == b'\n')),
        Err(_) => false,
    }
}

/// True when `req` carries exactly these HTTP Basic credentials.
pub fn basic_auth_is(req: &Request, user: &str, password: &str) -> bool {
    use base64::Engine;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    req.header("authorization")
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, value)| {
            scheme.eq_ignore_ascii_case("basic") && value.trim() == expected
        })
}

/// `req` without the header `name`.
pub fn without_header(req: &Request, name: &str) -> Request {
    let mut out = req.clone();
    out.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    out
}

/// Reads one request; `Ok(None)` on a clean end of stream before a request starts.
pub fn read_request(r: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = r
            .by_ref()
            .take(MAX_HEAD as u64)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        if (line == b"\r\n" || line == b"\n") && !head.is_empty() {
            break;
        }
        if line == b"\r\n" || line == b"\n" {
            continue; // tolerate stray blank lines between requests
        }
        head.extend_from_slice(&line);
        if head.len() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target.to_owned(), String::new()),
    };
    let mut req = Request {
        method: method.to_owned(),
        path,
        query,
        headers,
        body: Vec::new(),
    };
    let chunked = req
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        req.body = read_chunked(r)?;
        return Ok(Some(req));
    }
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if len > MAX_BODY {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
    }
    req.body = vec![0; len];
    r.read_exact(&mut req.body)?;
    Ok(Some(req))
}

/// A `Transfer-Encoding: chunked` body (what a client streaming a body of unknown length
/// sends).
fn read_chunked(r: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut body = Vec::new();
    loop {
        let mut line = String::new();
        r.by_ref().take(1024).read_line(&mut line)?;
        let size = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size, 16).map_err(|_| bad("bad chunk size"))?;
        if size == 0 {
            // Trailers, if any, end with an empty line.
            loop {
                let mut t = String::new();
                if r.by_ref().take(8 * 1024).read_line(&mut t)? == 0 || t.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(bad("body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf)?;
    }
}

/// Writes a response; returns whether the connection may stay open.
pub fn write_response(w: &mut impl Write, req: &Request, resp: &Response) -> io::Result<bool> {
    let keep_alive = !req.wants_close();
    let mut out = Vec::with_capacity(resp.body.len() + 256);
    write!(out, "HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status))?;
    for (k, v) in &resp.headers {
        write!(out, "{k}: {v}\r\n")?;
    }
    write!(out, "Content-Length: {}\r\n", resp.body.len())?;
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if req.method != "HEAD" {
        out.extend_from_slice(&resp.body);
    }
    w.write_all(&out)?;
    w.flush()?;
    Ok(keep_alive)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// JSON handlers are mapped with `headers="Accept=application/json"`: an `Accept` header
/// that excludes JSON gets 406.
pub(crate) fn accepts_json(req: &Request) -> bool {
    req.header("accept").is_none_or(|a| {
        a.split(',').any(|m| {
            let m = m.split(';').next().unwrap_or("").trim();
            m == "application/json" || m == "*/*" || m == "application/*"
        })
    })
}
