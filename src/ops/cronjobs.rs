//! Running cron jobs (`/monitoring/cronjobs/data`) and aborting them all
//! (`/monitoring/cronjobs/abort`: HAC has no per-job abort).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::http::call::parse_json;
use crate::http::transport::HttpResponse;

/// A running (or restarted) cron job, as this node sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CronJob {
    /// The cron job's code.
    #[serde(alias = "cronJobCode")]
    pub cron_job_code: String,
    /// Its job's code.
    #[serde(alias = "jobCode", default)]
    pub job_code: String,
    /// HAC's progress line (percentage, elapsed, remaining), as text.
    #[serde(default)]
    pub progress: String,
}

pub(crate) fn parse_list(resp: &HttpResponse) -> Result<Vec<CronJob>> {
    parse_json(
        "cron job JSON (an array of cronJobCode, jobCode, progress)",
        resp,
    )
}

/// Per cron job code: whether it accepted the abort request.
pub(crate) fn parse_abort(resp: &HttpResponse) -> Result<BTreeMap<String, bool>> {
    parse_json("cron job abort JSON ({code: true|false})", resp)
}
