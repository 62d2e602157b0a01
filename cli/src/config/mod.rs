//! Where a run's settings come from: the configuration file with its profiles (`file`,
//! read only when no one else could have changed it: see `safety::file_trust`), the
//! environment (`env`: an empty variable is an unset one), and the resolution of flag,
//! variable, profile and default into one set of settings, each with its source
//! (`settings`). Nothing here talks to a server.

pub mod env;
pub mod file;
pub mod settings;
