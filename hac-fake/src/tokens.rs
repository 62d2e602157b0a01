//! Session ids and CSRF tokens: a raw UUID per session, and on 2211.38 the masked form
//! Spring Security 5.8's `XorCsrfTokenRequestAttributeHandler` puts on pages: base64url of
//! `random || (random XOR token)`, new random bytes on every render, so every page shows a
//! different value and each of them is valid for the whole session. A raw token is not
//! accepted where masked ones are expected.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Randomness for a fake: `RandomState` is seeded per process, and a counter makes every
/// draw different. Not cryptographic, and it does not need to be.
pub(crate) struct Random {
    hasher: RandomState,
    counter: u64,
}

impl Random {
    pub fn new() -> Self {
        Random {
            hasher: RandomState::new(),
            counter: 0,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.counter += 1;
        let mut h = self.hasher.build_hasher();
        h.write_u64(self.counter);
        h.finish()
    }

    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    /// 32 upper-case hex digits, like Tomcat's session ids.
    pub fn session_id(&mut self) -> String {
        format!("{:016X}{:016X}", self.next_u64(), self.next_u64())
    }

    /// A version-4-shaped UUID, like Spring's `UUID.randomUUID().toString()` tokens.
    pub fn uuid(&mut self) -> String {
        let h = format!("{:016x}{:016x}", self.next_u64(), self.next_u64());
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    /// The masked form of `token` for one page render.
    pub fn mask(&mut self, token: &str) -> String {
        let token = token.as_bytes();
        let mut combined = vec![0u8; token.len() * 2];
        let (random, xored) = combined.split_at_mut(token.len());
        self.fill(random);
        for ((x, r), t) in xored.iter_mut().zip(random.iter()).zip(token) {
            *x = r ^ t;
        }
        URL_SAFE_NO_PAD.encode(&combined)
    }
}

/// Whether `sent` is a valid masked form of `token`.
pub(crate) fn unmasks_to(sent: &str, token: &str) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(sent.trim_end_matches('=')) else {
        return false;
    };
    let token = token.as_bytes();
    if bytes.len() != token.len() * 2 {
        return false;
    }
    let (random, xored) = bytes.split_at(token.len());
    random
        .iter()
        .zip(xored)
        .map(|(r, x)| r ^ x)
        .eq(token.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_tokens_differ_and_all_unmask() {
        let mut r = Random::new();
        let token = r.uuid();
        assert_eq!(token.len(), 36);
        let a = r.mask(&token);
        let b = r.mask(&token);
        assert_ne!(a, b);
        assert_eq!(a.len(), 96);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert!(unmasks_to(&a, &token) && unmasks_to(&b, &token));
        assert!(!unmasks_to(&token, &token), "a raw token is refused");
        assert!(!unmasks_to(&a, &r.uuid()));
        assert!(!unmasks_to("!!", &token));
    }
}
