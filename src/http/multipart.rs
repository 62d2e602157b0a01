//! A `multipart/form-data` body (RFC 7578) that streams its file part: from the caller's
//! shared text or straight from disk, so a 200 MB ImpEx script is never copied into a body.
//!
//! Written here rather than taken from ureq's `multipart` feature: that API is in ureq's
//! semver-exempt `unversioned` module, and this client's transport builds its requests
//! itself (the async client moves them to a pool thread), so it needs an owned reader
//! whose length is known in advance (sent as `Content-Length`, as browsers do).

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;

use crate::http::call::{FileContent, Text};

/// One piece of a streamed body.
#[derive(Clone)]
pub(crate) enum Piece {
    Bytes(Vec<u8>),
    Text(Arc<String>),
    /// A file and the number of bytes it had when the body was built.
    File(PathBuf, u64),
}

/// A body made of pieces, with its total length.
#[derive(Clone)]
pub(crate) struct StreamBody {
    pub len: u64,
    pub content_type: String,
    pieces: Vec<Piece>,
}

impl StreamBody {
    /// A reader over the pieces (opens files as it gets to them).
    pub fn reader(&self) -> PieceReader {
        PieceReader {
            pieces: self.pieces.clone().into_iter().rev().collect(),
            current: None,
        }
    }
}

fn quoted(s: &str) -> String {
    // RFC 7578 §4.2: quotes and line breaks in a name are percent-encoded by browsers.
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The body for `fields` and one file part, with a random boundary.
pub(crate) fn body(
    fields: &[(&'static str, Text)],
    file_field: &str,
    file_name: &str,
    content: &FileContent,
) -> StreamBody {
    let mut random = [0u8; 16];
    // A fixed boundary would still work; randomness only makes a clash with the content
    // practically impossible.
    let _ = getrandom::getrandom(&mut random);
    let boundary: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let boundary = format!("----hac-client-{boundary}");
    let mut head = Vec::new();
    for (name, value) in fields {
        head.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
                quoted(name)
            )
            .as_bytes(),
        );
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n",
            quoted(file_field),
            quoted(file_name)
        )
        .as_bytes(),
    );
    let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
    let middle = match content {
        FileContent::Text(t) => Piece::Text(t.clone()),
        FileContent::File { path, len } => Piece::File(path.clone(), *len),
    };
    StreamBody {
        len: head.len() as u64 + content.len() + tail.len() as u64,
        content_type: format!("multipart/form-data; boundary={boundary}"),
        pieces: vec![Piece::Bytes(head), middle, Piece::Bytes(tail)],
    }
}

enum Current {
    Bytes(io::Cursor<Vec<u8>>),
    Text(Arc<String>, usize),
    File(io::Take<File>, u64),
}

/// Reads the pieces one after the other.
pub(crate) struct PieceReader {
    /// Still to come, last first.
    pieces: Vec<Piece>,
    current: Option<Current>,
}

impl Read for PieceReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let current = match &mut self.current {
                Some(c) => c,
                None => match self.pieces.pop() {
                    None => return Ok(0),
                    Some(Piece::Bytes(b)) => {
                        self.current.insert(Current::Bytes(io::Cursor::new(b)))
                    }
                    Some(Piece::Text(t)) => self.current.insert(Current::Text(t, 0)),
                    Some(Piece::File(path, len)) => {
                        let file = File::open(&path)?;
                        self.current.insert(Current::File(file.take(len), len))
                    }
                },
            };
            let n = match current {
                Current::Bytes(c) => c.read(buf)?,
                Current::Text(t, at) => {
                    let rest = &t.as_bytes()[*at..];
                    let n = rest.len().min(buf.len());
                    buf[..n].copy_from_slice(&rest[..n]);
                    *at += n;
                    n
                }
                Current::File(f, left) => {
                    let n = f.read(buf)?;
                    if n == 0 && *left > 0 {
                        // The declared Content-Length can no longer be met.
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the file became shorter while it was being uploaded",
                        ));
                    }
                    *left -= n as u64;
                    n
                }
            };
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            self.current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_fields_and_file() {
        let fields = vec![
            ("encoding", Text::from("UTF-8")),
            ("maxThreads", Text::from("2")),
        ];
        let script = Arc::new("INSERT Language;isocode\n;de\n".to_owned());
        let b = body(&fields, "file", "a\"b.impex", &FileContent::Text(script));
        let mut out = Vec::new();
        b.reader().read_to_end(&mut out).unwrap();
        assert_eq!(out.len() as u64, b.len);
        let text = String::from_utf8(out).unwrap();
        let boundary = b.content_type.split("boundary=").nth(1).unwrap();
        assert!(text.starts_with(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"encoding\"\r\n\r\nUTF-8\r\n"
        )));
        assert!(text.contains("name=\"file\"; filename=\"a%22b.impex\""));
        assert!(text.ends_with(&format!(";de\n\r\n--{boundary}--\r\n")));
    }

    #[test]
    fn streams_a_file_and_notices_it_shrinking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.impex");
        std::fs::write(&path, "0123456789").unwrap();
        let b = body(
            &[],
            "file",
            "s.impex",
            &FileContent::File {
                path: path.clone(),
                len: 10,
            },
        );
        let mut out = Vec::new();
        b.reader().read_to_end(&mut out).unwrap();
        assert_eq!(out.len() as u64, b.len);
        std::fs::write(&path, "01234").unwrap();
        let e = b.reader().read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }
}
