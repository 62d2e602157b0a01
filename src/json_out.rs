//! How results look when serialized (the CLI's `--format json`): durations and times as
//! plain numbers of milliseconds, which every JSON consumer can read, instead of serde's
//! `{secs, nanos}` structs.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serializer;

pub(crate) fn duration_ms<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    // Fractional milliseconds matter for fast queries; whole microseconds are plenty, and
    // an integer divided once prints as 2.591, not 2.5910909999999996.
    s.serialize_f64(d.as_micros().min(u64::MAX as u128) as f64 / 1000.0)
}

pub(crate) fn unix_ms<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    let ms = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis().min(u64::MAX as u128) as u64)
        .unwrap_or(0);
    s.serialize_u64(ms)
}
