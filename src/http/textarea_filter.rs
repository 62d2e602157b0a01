//! HAC's ImpEx page echoes the whole script in a `<textarea>`: the answer to a 200 MB
//! import is a 200 MB page. Nothing the client reads is in that echo, so ImpEx answers
//! are read through this filter, which drops the content of every `textarea` as the bytes
//! arrive: the page the parser sees, and the memory the client holds, stay small whatever
//! the script's size.
//!
//! The content ends at the first `</textarea` (any case), as it does for an HTML parser,
//! so the filtered page parses exactly as the whole one would.

/// Drops `textarea` content from an HTML byte stream fed in pieces.
#[derive(Default)]
pub(crate) struct DropTextareas {
    /// Inside a textarea's content.
    skipping: bool,
    /// The last bytes of the previous piece that may start a tag split across pieces.
    carry: Vec<u8>,
}

const OPEN: &[u8] = b"<textarea";
const CLOSE: &[u8] = b"</textarea";

/// Where `tag` starts in `hay` (ASCII case-insensitive) as a whole tag name, if it does;
/// `Err(at)` when a prefix of it starts at `at` at the end of `hay` (needs more input).
fn find_tag(hay: &[u8], tag: &[u8]) -> Option<Result<usize, usize>> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'<', &hay[from..]) {
        let at = from + i;
        let rest = &hay[at..];
        if rest.len() <= tag.len() {
            if rest.eq_ignore_ascii_case(&tag[..rest.len()]) {
                return Some(Err(at));
            }
        } else if rest[..tag.len()].eq_ignore_ascii_case(tag)
            && matches!(
                rest[tag.len()],
                b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'
            )
        {
            return Some(Ok(at));
        }
        from = at + 1;
    }
    None
}

impl DropTextareas {
    /// Appends what is kept of `piece` to `out`.
    pub fn feed(&mut self, piece: &[u8], out: &mut Vec<u8>) {
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(piece);
        let mut at = 0;
        loop {
            let rest = &data[at..];
            if self.skipping {
                match find_tag(rest, CLOSE) {
                    Some(Ok(i)) => {
                        self.skipping = false;
                        at += i;
                    }
                    Some(Err(i)) => {
                        self.carry = rest[i..].to_vec();
                        return;
                    }
                    None => return,
                }
            } else {
                match find_tag(rest, OPEN) {
                    Some(Ok(i)) => {
                        // Keep the start tag itself, up to its `>`.
                        let tag_end = memchr::memchr(b'>', &rest[i..]).map(|e| i + e + 1);
                        match tag_end {
                            Some(end) => {
                                out.extend_from_slice(&rest[..end]);
                                self.skipping = true;
                                at += end;
                            }
                            None => {
                                out.extend_from_slice(&rest[..i]);
                                self.carry = rest[i..].to_vec();
                                return;
                            }
                        }
                    }
                    Some(Err(i)) => {
                        out.extend_from_slice(&rest[..i]);
                        self.carry = rest[i..].to_vec();
                        return;
                    }
                    None => {
                        out.extend_from_slice(rest);
                        return;
                    }
                }
            }
        }
    }

    /// The end of the stream: what was held back is kept (it was not a tag after all).
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if !self.skipping {
            out.append(&mut self.carry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(page: &str, piece: usize) -> String {
        let mut f = DropTextareas::default();
        let mut out = Vec::new();
        for chunk in page.as_bytes().chunks(piece) {
            f.feed(chunk, &mut out);
        }
        f.finish(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn drops_the_echo_in_any_piece_size() {
        let page = "<p>a</p><TEXTAREA id=\"script\" name=\"scriptContent\">INSERT x\n<span id=impexResult>fake</span></textArea><span id=\"impexResult\" data-level=\"notice\"></span><textareas>kept</textareas><textarea>";
        let want = "<p>a</p><TEXTAREA id=\"script\" name=\"scriptContent\"></textArea><span id=\"impexResult\" data-level=\"notice\"></span><textareas>kept</textareas><textarea>";
        for piece in [1, 2, 3, 7, 9, 10, 11, 64, 4096] {
            assert_eq!(filter(page, piece), want, "pieces of {piece}");
        }
        assert_eq!(filter("no tags < here <tex", 3), "no tags < here <tex");
    }
}
