//! The bodies the fake serves: the shared fixtures in `fixtures/`, with the session's CSRF
//! token and the context path filled in.

/// Standard login page.
pub const LOGIN: &str = include_str!("../../fixtures/login.html");
/// Login page after a failed attempt.
pub const LOGIN_ERROR: &str = include_str!("../../fixtures/login_error.html");
/// Login page with reordered, single-quoted and unquoted attributes.
pub const LOGIN_AWKWARD: &str = include_str!("../../fixtures/login_awkward.html");
/// Login page without any CSRF token.
pub const LOGIN_NO_CSRF: &str = include_str!("../../fixtures/login_no_csrf.html");
/// Dashboard behind the login.
pub const DASHBOARD: &str = include_str!("../../fixtures/dashboard.html");
/// A 270 KB dashboard.
pub const DASHBOARD_LARGE: &str = include_str!("../../fixtures/dashboard_large.html");
/// ImpEx import that worked.
pub const IMPEX_IMPORT_SUCCESS: &str = include_str!("../../fixtures/impex_import_success.html");
/// ImpEx validation that passed.
pub const IMPEX_VALIDATE_SUCCESS: &str = include_str!("../../fixtures/impex_validate_success.html");
/// ImpEx import or validation with errors.
pub const IMPEX_ERROR: &str = include_str!("../../fixtures/impex_import_error.html");
/// Groovy script that threw.
pub const GROOVY_STACKTRACE: &str = include_str!("../../fixtures/groovy_stacktrace.json");
/// FlexibleSearch result with `null` cells.
pub const FLEXSEARCH_NULLS: &str = include_str!("../../fixtures/flexsearch_nulls.json");
/// FlexibleSearch with an exception.
pub const FLEXSEARCH_EXCEPTION: &str = include_str!("../../fixtures/flexsearch_exception.json");
/// The platform update page.
pub const UPDATE_PAGE: &str = include_str!("../../fixtures/update_page.html");
/// Update data JSON.
pub const UPDATE_DATA: &str = include_str!("../../fixtures/update_data.json");
/// Pending patches JSON.
pub const PENDING_PATCHES: &str = include_str!("../../fixtures/pending_patches.json");
/// Answer to the update POST.
pub const UPDATE_EXECUTE: &str = include_str!("../../fixtures/update_execute.json");
/// Update log while running.
pub const UPDATE_LOG_RUNNING: &str = include_str!("../../fixtures/update_log_running.json");
/// Update log once finished.
pub const UPDATE_LOG_FINISHED: &str = include_str!("../../fixtures/update_log_finished.json");
/// Update log finished with errors.
pub const UPDATE_LOG_ERRORS: &str = include_str!("../../fixtures/update_log_errors.json");

/// Fills `{{CSRF}}` and `{{CTX}}`.
pub fn render(template: &str, csrf: &str, ctx: &str) -> String {
    template.replace("{{CSRF}}", csrf).replace("{{CTX}}", ctx)
}
