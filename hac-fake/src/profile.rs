//! What differs between the SAP Commerce versions the fake imitates (as each version's HAC
//! extension has it): where the login page is, how CSRF tokens look, and how a POST with a
//! dead session is answered.

use std::fmt;
use std::str::FromStr;

/// A SAP Commerce version whose HAC the fake behaves like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// SAP Commerce 1811 (and 5.7): login page `{ctx}/login.jsp`, raw UUID tokens, a POST
    /// with a dead session answered 403 with the login page as body.
    V1811,
    /// SAP Commerce 2211.1: login page `{ctx}/login`, raw UUID tokens, a dead-session POST
    /// ends as 405 (the 403 is forwarded to the GET-only login controller).
    V2211_1,
    /// SAP Commerce 2211.38 (the default): as 2211.1, but tokens are masked: every page
    /// carries a different ~96-character base64url value, all valid for the session.
    #[default]
    V2211_38,
}

impl Profile {
    /// Every profile, oldest first.
    pub const ALL: [Profile; 3] = [Profile::V1811, Profile::V2211_1, Profile::V2211_38];

    /// The version as written on the command line: `1811`, `2211.1`, `2211.38`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::V1811 => "1811",
            Profile::V2211_1 => "2211.1",
            Profile::V2211_38 => "2211.38",
        }
    }

    /// The login page below the context path.
    pub fn login_page(self) -> &'static str {
        match self {
            Profile::V1811 => "/login.jsp",
            Profile::V2211_1 | Profile::V2211_38 => "/login",
        }
    }

    /// Whether pages carry masked tokens (Spring Security's `XorCsrfTokenRequestAttributeHandler`).
    pub fn masked_tokens(self) -> bool {
        self == Profile::V2211_38
    }

    /// The status of a POST that the CSRF filter (or the access check) rejects: the error
    /// page is the login page, which on 2211 only answers GET.
    pub fn rejected_post_status(self) -> u16 {
        match self {
            Profile::V1811 => 403,
            Profile::V2211_1 | Profile::V2211_38 => 405,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == s.trim())
            .ok_or_else(|| format!("unknown profile {s:?} (known: 1811, 2211.1, 2211.38)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Profile::ALL {
            assert_eq!(p.name().parse::<Profile>(), Ok(p));
        }
        assert!("2205".parse::<Profile>().is_err());
        assert_eq!(Profile::default(), Profile::V2211_38);
    }
}
