//! System update: `/platform/init/data`, `/platform/init/pendingPatches`,
//! `/platform/init/execute` (blocks while the update runs), and `/initlog/log`, which needs
//! no session at all.

use std::time::Instant;

use serde_json::Value;

use crate::http::Response;
use crate::http::accepts_json;
use crate::pages;
use crate::state::{Ctx, State};

fn not_acceptable() -> Response {
    Response::new(
        406,
        "text/html;charset=UTF-8",
        "<html><body>406 Not Acceptable</body></html>",
    )
}

/// `GET /platform/init/data`.
pub(crate) fn init_data(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    let running = st.update.running_until.is_some_and(|t| Instant::now() < t);
    let mut data: Value = serde_json::from_str(pages::UPDATE_DATA).expect("fixture is JSON");
    if running {
        data["isInitializing"] = Value::Bool(true);
        data["initInfo"] = Value::from("update started by admin");
    }
    Response::json(data.to_string())
}

/// `GET /platform/init/pendingPatches`: `{}` on a system that is not initialized.
pub(crate) fn pending_patches(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    if !st.settings.initialized {
        return Response::json("{}");
    }
    Response::json(pages::PENDING_PATCHES)
}

const KEYS: [&str; 5] = [
    "dropTables",
    "clearHMC",
    "createEssentialData",
    "createProjectData",
    "localizeTypes",
];

/// `POST /platform/init/execute` (JSON body): answers when the update is done, after
/// `update_duration`; meanwhile `/initlog/log` shows it running. A body mentioning a
/// parameter value `broken` makes the update finish with errors.
pub(crate) fn execute(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    if !cx.req.content_type().starts_with("application/json") {
        return Response::new(
            415,
            "text/html;charset=UTF-8",
            "<html><body>415 Unsupported Media Type</body></html>",
        );
    }
    let Ok(mut body) = serde_json::from_slice::<Value>(&cx.req.body) else {
        return Response::new(400, "text/html;charset=utf-8", pages::error_400());
    };
    if !body.is_object() {
        return Response::new(400, "text/html;charset=utf-8", pages::error_400());
    }
    let method = body.get("initMethod").cloned().unwrap_or(Value::Null);
    if !matches!(method.as_str(), None | Some("INIT" | "UPDATE" | "NONE")) {
        return Response::new(400, "text/html;charset=utf-8", pages::error_400());
    }
    let duration = st.settings.update_duration;
    st.update.started = true;
    st.update.running_until = Some(Instant::now() + duration);
    st.update.errors = body.to_string().contains("\"broken\"");
    st.hold_answer = Some(duration);
    // The echo: the request as HAC read it, with the string map it derives.
    for k in KEYS {
        if body.get(k).is_none() {
            body[k] = Value::Bool(false);
        }
    }
    let mut derived = serde_json::Map::new();
    if let Some(Value::Object(params)) = body.get("allParameters") {
        for (k, v) in params {
            let list = match v {
                Value::Array(a) => a.clone(),
                other => vec![other.clone()],
            };
            derived.insert(k.clone(), Value::Array(list));
        }
    }
    if let Some(m) = method.as_str() {
        derived.insert(
            "initmethod".into(),
            Value::Array(vec![Value::from(m.to_lowercase())]),
        );
    }
    body["parametersAsStringMap"] = Value::Object(derived);
    let mut answer: Value = serde_json::from_str(pages::UPDATE_EXECUTE).expect("fixture is JSON");
    answer["initUpdateData"] = body;
    if st.update.errors {
        let log: Value = serde_json::from_str(pages::UPDATE_LOG_ERRORS).expect("fixture is JSON");
        answer["log"] = log["log"].clone();
    }
    Response::json(answer.to_string())
}

/// `GET /initlog/log` (`security="none"`): `{"log": ""}` before any update, the running log
/// while one runs, then the final one.
pub(crate) fn init_log(st: &mut State) -> Response {
    if !st.update.started {
        return Response::json(r#"{"log":""}"#);
    }
    if st.update.running_until.is_some_and(|t| Instant::now() < t) {
        return Response::json(pages::UPDATE_LOG_RUNNING);
    }
    if st.update.errors {
        Response::json(pages::UPDATE_LOG_ERRORS)
    } else {
        Response::json(pages::UPDATE_LOG_FINISHED)
    }
}
