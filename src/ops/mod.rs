//! HAC beyond the consoles: health, platform facts, logging, caches, cron jobs,
//! configuration, ImpEx export, the type system and PK analyzer, cluster, database and
//! memory monitoring. Each submodule holds an operation family's types and the reading of
//! HAC's answers (JSON where HAC has it, its HTML pages where it has nothing else); the
//! client's methods send the requests. Endpoints, parameters and answers are HAC's own, as
//! its controllers and pages in the platform's `hac` extension define them.

pub(crate) mod cache;
pub(crate) mod config;
pub(crate) mod cronjobs;
pub(crate) mod export;
pub(crate) mod health;
pub(crate) mod logging;
pub(crate) mod monitoring;
pub(crate) mod platform;
pub(crate) mod type_system;
pub(crate) mod types;

pub use cache::{CacheCounters, CacheRegion, CacheStats};
pub use config::{ConfigAction, ConfigChange, ConfigProperty};
pub use cronjobs::CronJob;
pub use export::{ImpexExport, ImpexExportMode, ImpexExportResult};
pub use health::{Health, HealthCheck, HealthStatus};
pub use logging::{LogLevel, Logger};
pub use monitoring::{ClusterInfo, ClusterNode, DataSourceInfo, MemoryInfo};
pub use platform::{About, Extension};
pub use type_system::{AttributeInfo, ComposedTypeInfo};
pub use types::PkInfo;
