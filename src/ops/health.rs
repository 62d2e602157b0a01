//! `/monitoring/healthcheck`: HAC's health checks, readable without logging in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::transport::HttpResponse;

/// The overall verdict, from the HTTP status HAC answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HealthStatus {
    /// 200: every check passed.
    Healthy,
    /// 500: at least one check failed.
    Unhealthy,
    /// 501: no health checks are registered.
    NoChecks,
}

/// One named check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct HealthCheck {
    /// The check's name.
    pub name: String,
    /// Whether it passed.
    pub healthy: bool,
    /// Its message, if it gave one.
    pub message: Option<String>,
}

/// HAC's health (`GET /monitoring/healthcheck`, no login needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Health {
    /// The verdict.
    pub status: HealthStatus,
    /// `systemStatus` (`RUNNING`, `SUSPENDED`, ...), when HAC sent a body.
    pub system_status: Option<String>,
    /// Each check, by name.
    pub checks: Vec<HealthCheck>,
}

impl Health {
    /// True for [`HealthStatus::Healthy`].
    pub fn is_healthy(&self) -> bool {
        self.status == HealthStatus::Healthy
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    system_status: Option<String>,
    #[serde(default)]
    results: BTreeMap<String, WireResult>,
}

#[derive(Deserialize)]
struct WireResult {
    #[serde(default)]
    healthy: bool,
    message: Option<String>,
}

/// Reads the health answer (a 503 is an error: the server is not up yet); `None` when
/// the answer is not the health endpoint's (a login page, a 404: the context path is
/// another one).
pub(crate) fn parse(resp: &HttpResponse) -> Option<Result<Health>> {
    let status = match resp.status {
        200 => HealthStatus::Healthy,
        500 => HealthStatus::Unhealthy,
        // A balancer in front of a server that is not up yet: say so, not "no HAC".
        503 => return crate::http::call::expect_ok(resp).err().map(Err),
        501 => {
            return Some(Ok(Health {
                status: HealthStatus::NoChecks,
                system_status: None,
                checks: Vec::new(),
            }));
        }
        _ => return None,
    };
    let wire: Wire = match serde_json::from_str(&resp.body) {
        Ok(w) => w,
        // A 500 error page or any other non-JSON: not (yet) the health endpoint.
        Err(_) if resp.status == 500 || !resp.body.trim_start().starts_with('{') => return None,
        Err(e) => {
            return Some(Err(Error::invalid(
                &resp.path,
                "health check JSON (systemStatus, results)",
                e.to_string(),
            )));
        }
    };
    Some(Ok(Health {
        status,
        system_status: wire.system_status,
        checks: wire
            .results
            .into_iter()
            .map(|(name, r)| HealthCheck {
                name,
                healthy: r.healthy,
                message: r.message,
            })
            .collect(),
    }))
}
