//! HAC beyond the consoles, as 2211.38's HAC extension answers them: logging, region
//! cache, cron jobs, health, memory, thread dump, database, configuration, ImpEx export and
//! its media download, the ImpEx editor's type lookups, the PK analyzer, cluster, about and
//! extensions. HTML where HAC serves HTML, JSON (with the 406 for an `Accept` that
//! excludes it) where HAC has a JSON handler; state that HAC keeps per node (log levels,
//! configuration) is kept per node.

use std::io::Write;

use serde_json::{Value, json};

use crate::escape::escape_html;
use crate::http::Response;
use crate::http::accepts_json;
use crate::ops_state::HealthMode;
use crate::pages;
use crate::state::{Ctx, State};

fn not_acceptable() -> Response {
    Response::new(
        406,
        "text/html;charset=UTF-8",
        "<html><body><h1>HTTP Status 406 – Not Acceptable</h1></body></html>",
    )
}

fn json_answer(cx: &Ctx, value: Value) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    Response::json(value.to_string())
}

fn bad_request(message: &str) -> Response {
    Response::new(
        400,
        "text/html;charset=UTF-8",
        format!(
            "<html><head><title>HTTP Status 400 – Bad Request</title></head><body><h1>HTTP Status 400 – Bad Request</h1><p>{}</p></body></html>",
            escape_html(message)
        ),
    )
}

/// Tomcat's 500 page, as for the exceptions HAC lets through.
fn server_error(st: &State) -> Response {
    Response::new(
        500,
        "text/html;charset=UTF-8",
        pages::error_500(
            &st.settings.context_path,
            "java.lang.IllegalArgumentException",
        ),
    )
}

/// `GET /console/scripting`: the scripting console, with its script languages in
/// `select#scriptType` and the stored scripts' tree in `var zNodes`.
pub(crate) fn scripting_page(st: &mut State, cx: &Ctx) -> Response {
    let body = "<h2>Scripting Languages</h2>\n<script>var zNodes = [];</script>\n<form id=\"scriptForm\"><select id=\"scriptType\" name=\"scriptType\"><option value=\"groovy\" selected=\"selected\">groovy</option><option value=\"beanshell\">beanshell</option><option value=\"javascript\">javascript</option></select><textarea id=\"script\" name=\"script\"></textarea></form>";
    page(st, cx, "Scripting Languages", body)
}

fn page(st: &mut State, cx: &Ctx, title: &str, body: &str) -> Response {
    let token = st.page_token(&cx.sid);
    Response::html(pages::layout(
        &st.settings.context_path,
        &token,
        &cx.user,
        title,
        body,
    ))
}

/// `GET /monitoring/healthcheck`: no session, no CSRF; `produces=application/json`.
pub(crate) fn health(st: &State, req: &crate::http::Request) -> Response {
    if !accepts_json(req) {
        return not_acceptable();
    }
    let check = |healthy: bool, message: Value| {
        json!({"healthy": healthy, "message": message, "error": null, "details": null,
               "timestamp": "2026-11-27T10:00:00.000Z", "time": 1_795_000_000_000u64, "duration": 3})
    };
    let (status, db) = match st.ops.health {
        HealthMode::NoChecks => return Response::new(501, "application/json", ""),
        HealthMode::Healthy => (200, check(true, Value::Null)),
        HealthMode::Unhealthy => (
            500,
            check(
                false,
                Value::from("Cannot get a connection to the database"),
            ),
        ),
    };
    let body = json!({"systemStatus": "RUNNING",
        "results": {"databaseHealthCheck": db, "licenceHealthCheck": check(true, Value::Null)}});
    Response::new(status, "application/json", body.to_string())
}

/// `GET /platform/log4j`: the configured loggers; a select per logger for users who may
/// change levels, the level as text for `_LIMITED` users.
pub(crate) fn log4j_page(st: &mut State, cx: &Ctx, may_change: bool) -> Response {
    let ctx = st.settings.context_path.clone();
    let loggers = st.ops.node(&cx.node).loggers.clone();
    let levels = ["ALL", "OFF", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    let mut rows = String::new();
    for (name, parent, level) in &loggers {
        let (name, parent) = (
            escape_html(name),
            escape_html(parent.as_deref().unwrap_or("")),
        );
        let cell = if may_change {
            let options: String = levels
                .iter()
                .map(|l| {
                    let sel = if *l == level {
                        " selected=\"selected\""
                    } else {
                        ""
                    };
                    format!("<option value=\"{l}\"{sel}>{l}</option>")
                })
                .collect();
            format!("<select class=\"loggerLevels\" data-loggerName=\"{name}\">{options}</select>")
        } else {
            escape_html(level)
        };
        rows.push_str(&format!(
            "<tr><td title=\"{name}\">{name}</td><td title=\"{parent}\">{parent}</td><td>{cell}</td></tr>\n"
        ));
    }
    let body = format!(
        "<h2>Logging</h2>\n<table id=\"loggers\" data-changeLoggerLevelUrl=\"{ctx}/platform/log4j/changeLevel/\">\n<thead><tr><th>Logger</th><th>Parent</th><th>Level</th></tr></thead>\n<tbody>\n{rows}</tbody></table>"
    );
    page(st, cx, "Logging", &body)
}

/// `POST /platform/log4j/changeLevel`: `Level.getLevel` semantics (case-insensitive; an
/// unknown name makes the logger inherit its parent's level, silently); a new name adds a
/// logger.
pub(crate) fn change_level(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    let (Some(name), Some(level)) = (cx.params.get("loggerName"), cx.params.get("levelName"))
    else {
        return bad_request("Required request parameter is not present");
    };
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Response::json(r#"{"validationError":true}"#);
    }
    if level.trim().is_empty() {
        return server_error(st);
    }
    let known = [
        "ALL", "OFF", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL",
    ];
    let upper = level.trim().to_ascii_uppercase();
    let node = st.ops.node(&cx.node);
    let name = if name == "root" { "root" } else { name };
    let parent_level = |loggers: &[(String, Option<String>, String)], n: &str| {
        let mut parent = n.rsplit_once('.').map(|(p, _)| p.to_owned());
        while let Some(p) = parent {
            if let Some(l) = loggers.iter().find(|l| l.0 == p) {
                return (l.0.clone(), l.2.clone());
            }
            parent = p.rsplit_once('.').map(|(q, _)| q.to_owned());
        }
        ("root".to_owned(), loggers[0].2.clone())
    };
    let (parent, inherited) = parent_level(&node.loggers, name);
    let effective = if known.contains(&upper.as_str()) {
        upper
    } else {
        inherited
    };
    match node.loggers.iter_mut().find(|l| l.0 == name) {
        Some(l) => l.2 = effective,
        None => node
            .loggers
            .push((name.to_owned(), Some(parent), effective)),
    }
    let level_bean =
        |l: &str| json!({"standardLevel": l, "declaringClass": "org.apache.logging.log4j.Level"});
    let loggers: Vec<Value> = node
        .loggers
        .iter()
        .map(|(n, p, l)| json!({"name": n, "parentName": p, "effectiveLevel": level_bean(l)}))
        .collect();
    let levels: Vec<Value> = ["ALL", "OFF", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
        .iter()
        .map(|l| level_bean(l))
        .collect();
    Response::json(
        json!({"loggers": loggers, "levels": levels, "loggerName": name, "levelName": level})
            .to_string(),
    )
}

fn cache_data(st: &mut State, node: &str) -> Value {
    let hits = st.ops.node(node).cache_hits;
    let region = |name: &str, hits: u64| {
        json!({"name": name, "maxEntries": 100000, "maxReachedSize": hits / 2, "factor": 0,
            "cacheStatistics": {"hits": hits, "fetches": hits / 3, "misses": hits / 10,
                "evictions": 0, "invalidations": 7, "instanceCount": hits / 4},
            "typesStatistics": [{"type": "1", "typeName": "Product (products - VariantProduct)",
                "hits": hits, "fetches": 3, "misses": 1, "evictions": 0, "invalidations": 0}]})
    };
    json!({"totalRegionCount": 3, "regions": [
        region("typesystemCacheRegion", hits),
        region("entityCacheRegion", hits * 2),
        region("queryCacheRegion", hits / 2),
    ]})
}

/// `GET /monitoring/cache/regionCache/data`.
pub(crate) fn cache(st: &mut State, cx: &Ctx) -> Response {
    let data = cache_data(st, &cx.node);
    json_answer(cx, data)
}

/// `POST /monitoring/cache/regionCache/clear`: every region, then the same JSON.
pub(crate) fn cache_clear(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    st.ops.node(&cx.node).cache_hits = 0;
    Response::json(cache_data(st, &cx.node).to_string())
}

/// `GET /monitoring/cronjobs/data`.
pub(crate) fn cron_jobs(st: &mut State, cx: &Ctx) -> Response {
    let jobs: Vec<Value> = st
        .ops
        .cron_jobs
        .iter()
        .enumerate()
        .map(|(i, j)| {
            json!({"cronJobCode": j.code, "jobCode": j.job,
                "progress": format!("({:2}%) [+++---] elapsed: {:3}s, average: N/A, remaining: N/A", 10 + i * 20, 42)})
        })
        .collect();
    json_answer(cx, Value::Array(jobs))
}

/// `POST /monitoring/cronjobs/abort`: every running job; a job that is not abortable
/// answers `false` and keeps running.
pub(crate) fn abort_cron_jobs(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    let mut out = serde_json::Map::new();
    for j in &st.ops.cron_jobs {
        out.insert(j.code.clone(), Value::Bool(j.abortable));
    }
    st.ops.cron_jobs.retain(|j| !j.abortable);
    Response::json(Value::Object(out).to_string())
}

/// `GET /monitoring/memory/data` (MiB; note HAC's spelling `comitted`).
pub(crate) fn memory(_st: &mut State, cx: &Ctx) -> Response {
    json_answer(
        cx,
        json!({"freeMemory": 1210, "totalMemory": 4096, "usedMemory": 2886,
            "heap_init": 1024, "heap_used": 2886, "heap_comitted": 4096, "heap_max": 8192,
            "nonheap_init": 7, "nonheap_used": 512, "nonheap_comitted": 600, "nonheap_max": 0}),
    )
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        out.start_file(*name, options).expect("zip entry");
        out.write_all(data).expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}

/// `GET /monitoring/threaddump/download`: a zip holding `threaddump.txt`.
pub(crate) fn thread_dump(_st: &mut State, cx: &Ctx) -> Response {
    let text = format!(
        "Full thread dump of node {} (OpenJDK 64-Bit Server VM 17.0.12):\n\n\"main\" #1 prio=5 os_prio=0 tid=0x1 nid=0x1 waiting on condition\n   java.lang.Thread.State: WAITING (parking)\n\tat jdk.internal.misc.Unsafe.park(Native Method)\n\n\"hybrisHTTP1\" #42 daemon prio=5 tid=0x2a nid=0x2a runnable\n   java.lang.Thread.State: RUNNABLE\n\tat java.net.SocketInputStream.read(SocketInputStream.java:168)\n",
        cx.node
    );
    Response::new(
        200,
        "application/zip",
        zip_of(&[("threaddump.txt", text.as_bytes())]),
    )
    .with_header("Content-Disposition", "attachment; filename=threaddump.zip")
}

/// `GET /monitoring/database/allinfo`.
pub(crate) fn databases(_st: &mut State, cx: &Ctx) -> Response {
    let ds = |id: &str, in_use: u32| {
        json!({"active": true, "dsId": id, "url": "jdbc:hsqldb:file:/opt/hybris/data/hsqldb/mydb",
            "dbName": "HSQL Database Engine", "dbVersion": "2.7.2", "dbDriverVersion": "2.7.2",
            "dbUser": "SA", "pool": "HikariCP", "tablePrefixName": "", "numInUse": in_use,
            "numPhysicalOpen": 10, "maxPhysicalOpen": 12, "maxAllowedOpen": 90,
            "numReadOnlyOpen": 0, "totalGets": 123456, "millisWaitedForConn": 17,
            "mysqlInfos": null, "jndi": false, "tablePrefix": false})
    };
    json_answer(
        cx,
        json!({"master": ds("master", 3), "slave1": ds("slave1", 0)}),
    )
}

/// `GET /monitoring/database/tablesizes`.
pub(crate) fn table_sizes(st: &mut State, cx: &Ctx) -> Response {
    let products = st.db.products.rows.len();
    json_answer(
        cx,
        json!({"products": products, "users": 3, "generated": st.db.generated_rows, "props": 2048}),
    )
}

/// `GET /platform/config`: the property table; blacklisted values show as `*****`.
pub(crate) fn config_page(st: &mut State, cx: &Ctx) -> Response {
    let ctx = st.settings.context_path.clone();
    let props = st.ops.node(&cx.node).config.clone();
    let mut rows = String::new();
    for (k, v) in &props {
        let (k, v) = (escape_html(k), escape_html(v));
        rows.push_str(&format!(
            "<tr id=\"{k}\"><td>{k}</td><td><div><input type=\"text\" class=\"configValue\" name=\"{k}\" value=\"{v}\"/></div></td><td><button class=\"configDelete\" data-key=\"{k}\">Remove</button></td></tr>\n"
        ));
    }
    let body = format!(
        "<h2>Configuration</h2>\n<table id=\"props\" data-configUpdUrl=\"{ctx}/platform/configstore/\" data-configDelUrl=\"{ctx}/platform/configdelete/\">\n<thead><tr><th>Key</th><th>Value</th><th></th></tr></thead><tbody>\n{rows}</tbody></table>"
    );
    page(st, cx, "Configuration", &body)
}

/// `POST /platform/configstore`: node-local, in memory.
pub(crate) fn config_store(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    let (Some(key), Some(val)) = (cx.params.get("key"), cx.params.get("val")) else {
        return bad_request("Required request parameter is not present");
    };
    let node = st.ops.node(&cx.node);
    let action = if node.config.contains_key(key) {
        "update"
    } else {
        "create"
    };
    node.config.insert(key.to_owned(), val.to_owned());
    Response::json(json!({"action": action, "hasEdited": false}).to_string())
}

const EXPORT_MODES: [&str; 3] = [
    "export_only",
    "export_reimport_relaxed",
    "export_reimport_strict",
];

fn export_page(st: &mut State, cx: &Ctx, script: &str, errors: &[&str], result: &str) -> Response {
    let errors: String = errors
        .iter()
        .map(|e| {
            format!("<span><span id=\"scriptContent.errors\" class=\"error\">{e}</span></span>")
        })
        .collect();
    let body = format!(
        "<h2>ImpEx Export</h2>\n<form id=\"exportForm\" method=\"post\">{errors}<textarea id=\"script\" name=\"scriptContent\">{script}</textarea>\n<select name=\"validationEnum\"><option value=\"export_only\">Export only</option><option value=\"export_reimport_relaxed\">Relaxed</option><option value=\"export_reimport_strict\">Strict</option></select></form>\n{result}"
    );
    page(st, cx, "ImpEx Export", &body)
}

/// `POST /console/impex/export`: synchronous; the data zip is served from `/medias/`
/// (outside the HAC context). A script naming an unknown type fails without details, as
/// HAC's does.
pub(crate) fn impex_export(st: &mut State, cx: &Ctx) -> Response {
    let script = cx.params.get("scriptContent").unwrap_or("").to_owned();
    let mode = cx.params.get("validationEnum").unwrap_or("");
    let mut errors = Vec::new();
    if script.trim().is_empty() {
        errors.push("Script content should not be empty");
    }
    if cx.params.get("encoding").unwrap_or("").trim().is_empty() {
        errors.push("Encoding is required");
    }
    if !errors.is_empty() {
        return export_page(st, cx, &script, &errors, "");
    }
    if !EXPORT_MODES.contains(&mode) {
        return server_error(st);
    }
    // Headers name the types; `Product` and `User` are known.
    let mut header_lines = Vec::new();
    let mut csvs: Vec<(String, String)> = Vec::new();
    let mut failed = false;
    for line in script.lines().map(str::trim) {
        let upper = line.to_ascii_uppercase();
        if !(upper.starts_with("INSERT") || upper.starts_with("UPDATE")) {
            continue;
        }
        header_lines.push(line.to_owned());
        let ty = line
            .split(';')
            .next()
            .and_then(|h| h.split_whitespace().nth(1))
            .unwrap_or("");
        match ty.to_ascii_lowercase().as_str() {
            "product" => {
                let mut csv = String::from(line);
                csv.push('\n');
                for row in &st.db.products.rows {
                    let cell = |i: usize| row[i].clone().unwrap_or_default().replace(';', "\\;");
                    csv.push_str(&format!(";{};{}\n", cell(1), cell(2)));
                }
                csvs.push(("Product.csv".into(), csv));
            }
            "user" => csvs.push(("User.csv".into(), format!("{line}\n;admin;Administrator\n"))),
            _ => failed = true,
        }
    }
    if failed || header_lines.is_empty() {
        let result = "<div id=\"impexResultBox\"><span id=\"impexResult\" data-level=\"error\" data-result=\"Export has encountered problems. See console log for further information\"></span></div>";
        return export_page(st, cx, "", &[], result);
    }
    let name = format!("dataexport_{}.zip", st.ops.medias.len() + 1);
    let media_path = format!(
        "/medias/{name}?context=bWFzdGVyfGltcGV4fDEyMzR8YXBwbGljYXRpb24vemlwfGg0MS9oZDkvODc5NzM4NjAxNzgyMi56aXB8{}",
        st.ops.medias.len() + 1
    );
    let mut entries: Vec<(&str, &[u8])> = Vec::new();
    let main = header_lines.join("\n") + "\n";
    entries.push(("importscript.impex", main.as_bytes()));
    for (n, c) in &csvs {
        entries.push((n.as_str(), c.as_bytes()));
    }
    st.ops.medias.insert(
        media_path.split('?').next().unwrap_or("").to_owned(),
        zip_of(&entries),
    );
    let result = format!(
        "<div id=\"impexResultBox\"><span id=\"impexResult\" data-level=\"notice\" data-result=\"Export finished successfully\"></span></div>\n<div id=\"downloadExportResultData\" class=\"marginBottom box\">Download result: <ul>\n<li>Exported Zip File: <a href=\"{media_path}\">{name}</a></li>\n<li>Exported Media Zip: <a href=\"\"></a></li></ul></div>"
    );
    export_page(st, cx, "", &[], &result)
}

/// `GET /medias/...`: the media web module (not under the HAC context) serving an export.
pub(crate) fn media(st: &State, path: &str) -> Response {
    match st.ops.medias.get(path) {
        Some(zip) => Response::new(200, "application/zip", zip.clone()),
        None => Response::new(404, "text/html", "<html><body>Not Found</body></html>"),
    }
}

const TYPES: [(&str, &[&str]); 6] = [
    (
        "Product",
        &[
            "pk",
            "code",
            "name",
            "description",
            "catalogVersion",
            "unit",
        ],
    ),
    ("ProductFeature", &["pk", "product", "qualifier", "value"]),
    (
        "ProductReference",
        &["pk", "source", "target", "referenceType"],
    ),
    ("User", &["pk", "uid", "name", "groups"]),
    (
        "Employee",
        &["pk", "uid", "name", "groups", "backOfficeLoginDisabled"],
    ),
    ("CronJob", &["pk", "code", "job", "status", "result"]),
];

/// `POST /console/impex/allTypes` (field `start`, prefix, case-insensitive).
pub(crate) fn all_types(_st: &mut State, cx: &Ctx) -> Response {
    let start = cx.params.get("start").unwrap_or("").to_ascii_lowercase();
    let types: Vec<&str> = TYPES
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| t.to_ascii_lowercase().starts_with(&start))
        .collect();
    if types.is_empty() {
        return json_answer(cx, json!({"exists": false}));
    }
    json_answer(cx, json!({"types": types, "exists": true}))
}

/// `POST /console/impex/typeAndAttributes` (field `type`; LIKE semantics, first hit).
pub(crate) fn type_attributes(_st: &mut State, cx: &Ctx) -> Response {
    let wanted = cx
        .params
        .get("type")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let hit = TYPES.iter().find(|(t, _)| {
        let t = t.to_ascii_lowercase();
        match wanted.strip_suffix('%') {
            Some(prefix) => t.starts_with(prefix),
            None => t == wanted,
        }
    });
    match hit {
        Some((_, attrs)) => json_answer(cx, json!({"attributes": attrs, "exists": true})),
        None => json_answer(cx, json!({"exists": false})),
    }
}

/// `POST /platform/pkanalyzer/analyze` (field `pkString`; 200 even for an invalid PK).
pub(crate) fn analyze_pk(_st: &mut State, cx: &Ctx) -> Response {
    let raw = cx.params.get("pkString").unwrap_or("");
    let Ok(pk) = raw.trim().parse::<u64>() else {
        return json_answer(
            cx,
            json!({"pkString": raw, "possibleException": {"message": "Provided PK string is not valid", "localizedMessage": "Provided PK string is not valid"}}),
        );
    };
    let type_code = (pk & 0x7fff) as i64;
    let name = match type_code {
        1 => "Product",
        4 => "User",
        _ => "Item",
    };
    json_answer(
        cx,
        json!({"pkString": raw, "counterBased": false, "pkAsHex": format!("{pk:x}"),
            "pkAsBinary": format!("{pk:b}"), "pkTypeCode": type_code, "pkClusterId": 0,
            "pkCreationTime": 1_700_000_000_000u64, "pkCreationDate": "Tue Nov 14 22:13:20 UTC 2023",
            "bits": [], "possibleException": null, "pkMilliCnt": 0, "pkComposedTypeCode": name}),
    )
}

/// `GET /monitoring/cluster/data`: the answering node's view.
pub(crate) fn cluster(st: &mut State, cx: &Ctx) -> Response {
    let names = st.node_names();
    let id = names.iter().position(|n| *n == cx.node).unwrap_or(0);
    let nodes: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, _)| json!({"nodeIP": format!("10.0.0.{}", i + 5), "nodeID": i, "dynamicNodeID": 1000 + i, "methodName": "jgroups"}))
        .collect();
    json_answer(
        cx,
        json!({"clusterEnabled": names.len() > 1, "clusterIslandId": 1_700_000_000_000u64,
            "clusterNodeId": id, "dynamicClusterNodeId": 1000 + id, "nodes": nodes,
            "broadcastMethods": [{"name": "jgroups", "settings": {"cluster.broadcast.method.jgroups.channel.name": "hybris-broadcast"}, "nodes": null}]}),
    )
}

/// `GET /platform/about` (any HAC role).
pub(crate) fn about(st: &mut State, cx: &Ctx) -> Response {
    let version = st.settings.profile.name();
    json_answer(
        cx,
        json!({"platform": version, "os": "Linux 6.1.0 amd64", "server": "tomcat", "numCPU": "8"}),
    )
}

/// `GET /platform/extensions`.
pub(crate) fn extensions(st: &mut State, cx: &Ctx) -> Response {
    let mut rows = String::new();
    for (name, version, core, web) in &st.ops.extensions {
        let web = if web.is_empty() {
            String::new()
        } else {
            format!("<a href=\"{web}\">{web}</a>")
        };
        let (name, version) = (escape_html(name), escape_html(version));
        rows.push_str(&format!(
            "<tr><td title=\"name={name}\" class=\"extensionName pointer\" data-extensionName=\"{name}\">{name}</td><td>{version}</td><td>{core}</td><td>{web}</td></tr>\n"
        ));
    }
    let body = format!(
        "<h2>Extensions</h2>\n<table id=\"extensions\"><thead><tr><th>Name</th><th>Version</th><th>Core</th><th>Web</th></tr></thead><tbody>\n{rows}</tbody></table>"
    );
    page(st, cx, "Extensions", &body)
}

/// The role an endpoint needs besides the admin group (`None`: any HAC role), from
/// `spring-security-config.xml`.
pub(crate) fn required_roles(rel: &str) -> Option<&'static [&'static str]> {
    let under = |prefix: &str| rel == prefix || rel.starts_with(&format!("{prefix}/"));
    Some(match rel {
        "/"
        | "/platform/about"
        | "/console/impex/allTypes"
        | "/console/impex/typeAndAttributes" => {
            return None;
        }
        _ if under("/console/scripting") => &["HAC_CONSOLE_SCRIPTINGLANGUAGES"],
        _ if under("/console/flexsearch") => &["HAC_CONSOLE_FLEXSEARCH"],
        _ if under("/console/impex/import") => &["HAC_CONSOLE_IMPEXIMPORT"],
        _ if under("/console/impex/export") => &["HAC_CONSOLE_IMPEXEXPORT"],
        _ if under("/platform/update") || under("/platform/init") => {
            &["HAC_PLATFORM_UPDATE", "HAC_PLATFORM_INITIALIZATION"]
        }
        _ if under("/platform/log4j/changeLevel") => &["HAC_PLATFORM_LOGGING"],
        _ if under("/platform/log4j") => &["HAC_PLATFORM_LOGGING", "HAC_PLATFORM_LOGGING_LIMITED"],
        _ if rel.starts_with("/monitoring/cache/") && rel.ends_with("/clear") => {
            &["HAC_MONITORING_CACHE"]
        }
        _ if under("/monitoring/cache") => {
            &["HAC_MONITORING_CACHE", "HAC_MONITORING_CACHE_LIMITED"]
        }
        _ if under("/monitoring/cronjobs/abort") => &["HAC_MONITORING_CRONJOBS"],
        _ if under("/monitoring/cronjobs") => {
            &["HAC_MONITORING_CRONJOBS", "HAC_MONITORING_CRONJOBS_LIMITED"]
        }
        _ if under("/monitoring/memory/gc") => &["HAC_MONITORING_MEMORY"],
        _ if under("/monitoring/memory") => {
            &["HAC_MONITORING_MEMORY", "HAC_MONITORING_MEMORY_LIMITED"]
        }
        _ if under("/monitoring/threaddump") => &["HAC_MONITORING_THREADDUMP"],
        _ if under("/monitoring/database") => {
            &["HAC_MONITORING_DATABASE", "HAC_MONITORING_DATABASE_LIMITED"]
        }
        _ if under("/monitoring/cluster") => &["HAC_MONITORING_CLUSTER"],
        "/platform/configstore" | "/platform/configdelete" => &["HAC_PLATFORM_CONFIGURATION"],
        _ if under("/platform/config") => &[
            "HAC_PLATFORM_CONFIGURATION",
            "HAC_PLATFORM_CONFIGURATION_LIMITED",
        ],
        _ if under("/platform/pkanalyzer") => &["HAC_PLATFORM_PKANALYZER"],
        _ if under("/platform/extensions") => &["HAC_PLATFORM_EXTENSIONS"],
        // Everything else the fake serves is for the admin group only.
        _ => &[],
    })
}
