//! Where user name and password come from, and how the password is kept.

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A password. The memory is wiped on drop, and `Debug` never shows it. Clones share one
/// copy of the text.
///
/// ```
/// use hac_client::Password;
/// let p = Password::new("nimda");
/// assert_eq!(format!("{p:?}"), "Password(<redacted>)");
/// assert_eq!(p.expose(), "nimda");
/// ```
#[derive(Clone)]
pub struct Password(Arc<Zeroizing<String>>);

impl Password {
    /// Wraps a password (the `String` moves in; it is not copied).
    pub fn new(password: impl Into<String>) -> Self {
        Password(Arc::new(Zeroizing::new(password.into())))
    }

    /// The clear text. Use it only to hand the password on to the login form.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl From<String> for Password {
    fn from(s: String) -> Self {
        Password::new(s)
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password::new(s)
    }
}

/// Supplies the user name and, only when a login actually happens, the password.
///
/// Implement it to fetch the password from a secrets manager or a prompt: a client that
/// resumes a stored session never asks for it.
///
/// ```
/// use hac_client::{Credentials, Password, Result};
/// struct FromVault;
/// impl Credentials for FromVault {
///     fn username(&self) -> Result<String> { Ok("admin".into()) }
///     fn password(&self) -> Result<Password> { Ok(Password::new("from-the-vault")) }
/// }
/// ```
pub trait Credentials: Send + Sync {
    /// The HAC user name. Called often (it is part of the session key); keep it cheap.
    fn username(&self) -> Result<String>;
    /// The password, asked for each time a login needs it.
    fn password(&self) -> Result<Password>;
}

impl<T: Credentials + ?Sized> Credentials for Arc<T> {
    fn username(&self) -> Result<String> {
        (**self).username()
    }
    fn password(&self) -> Result<Password> {
        (**self).password()
    }
}

/// A fixed user name and password.
///
/// ```
/// use hac_client::{BasicCredentials, Credentials};
/// let c = BasicCredentials::new("admin", "nimda");
/// assert_eq!(c.username().unwrap(), "admin");
/// assert!(!format!("{c:?}").contains("nimda"));
/// ```
#[derive(Clone)]
pub struct BasicCredentials {
    username: String,
    password: Password,
}

impl BasicCredentials {
    /// Creates credentials from a user name and a password.
    pub fn new(username: impl Into<String>, password: impl Into<Password>) -> Self {
        BasicCredentials {
            username: username.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

impl Credentials for BasicCredentials {
    fn username(&self) -> Result<String> {
        Ok(self.username.clone())
    }
    fn password(&self) -> Result<Password> {
        Ok(self.password.clone())
    }
}

/// Reads user name and password from environment variables at login time
/// (`HAC_USER` / `HAC_PASSWORD` by default).
///
/// ```
/// use hac_client::{Credentials, EnvCredentials};
/// let c = EnvCredentials::new("MY_HAC_USER_UNSET", "MY_HAC_PASSWORD_UNSET");
/// assert!(c.password().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct EnvCredentials {
    user_var: String,
    password_var: String,
}

impl EnvCredentials {
    /// Uses the given variable names.
    pub fn new(user_var: impl Into<String>, password_var: impl Into<String>) -> Self {
        EnvCredentials {
            user_var: user_var.into(),
            password_var: password_var.into(),
        }
    }

    fn read(var: &str) -> Result<String> {
        std::env::var(var).map_err(|_| Error::Credentials {
            message: format!("environment variable {var} is not set or not UTF-8"),
        })
    }
}

impl Default for EnvCredentials {
    fn default() -> Self {
        EnvCredentials::new("HAC_USER", "HAC_PASSWORD")
    }
}

impl Credentials for EnvCredentials {
    fn username(&self) -> Result<String> {
        Self::read(&self.user_var)
    }
    fn password(&self) -> Result<Password> {
        Self::read(&self.password_var).map(Password::new)
    }
}
