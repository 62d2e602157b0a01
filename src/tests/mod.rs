//! Checks that cut across the layers: every reader against hostile and odd answers
//! (`robustness`), and every public serde type reading back what it writes
//! (`serde_symmetry`).

mod robustness;
mod serde_symmetry;
