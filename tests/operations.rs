//! Every console operation's success and failure path, over HTTP to the fake HAC: what the
//! client sends (checked on the fake's request log) and how it reads every answer.

mod common;

use std::time::Duration;

use hac_client::{
    Error, FlexibleSearch, GroovyScript, ImpexImport, ImpexUpload, InitMethod, RowLimit,
    ScriptType, UpdateRequest, ValidationMode,
};
use hac_fake::{FakeHac, Response};
use serde::Deserialize;

#[test]
fn groovy_success_options_and_blank() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .execute_groovy("println 'hello'\nprint \"x\"\nreturn 42")
        .unwrap();
    assert!(r.is_success());
    assert_eq!(r.output, "hello\nx");
    assert_eq!(r.result, "42");
    assert!(r.stacktrace.is_empty());
    let last = hac.last_request("/console/scripting/execute").unwrap();
    assert_eq!(last.form_value("commit").as_deref(), Some("false"));
    assert_eq!(last.form_value("scriptType").as_deref(), Some("groovy"));
    assert!(last.header("Accept").unwrap().contains("application/json"));
    c.execute_groovy(
        GroovyScript::new("return 1")
            .commit(true)
            .script_type(ScriptType::Beanshell),
    )
    .unwrap()
    .error_for_failure_ref()
    .unwrap();
    let last = hac.last_request("/console/scripting/execute").unwrap();
    assert_eq!(last.form_value("commit").as_deref(), Some("true"));
    assert_eq!(last.form_value("scriptType").as_deref(), Some("beanshell"));
    assert_eq!(hac.stats().commits, 1);
    // A blank script: HAC answers {}, which is a valid empty result.
    let blank = c.execute_groovy(" \n ").unwrap();
    assert!(blank.is_success() && blank.output.is_empty() && blank.result.is_empty());
}

#[test]
fn groovy_failure_and_what_the_xss_filter_does() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .execute_groovy("println 'before'\nthrow new IllegalStateException('boom')")
        .unwrap();
    assert!(!r.is_success());
    assert_eq!(r.stacktrace, "java.lang.IllegalStateException: boom\r\n");
    assert_eq!(r.output, "before\n");
    // HAC strips ` src='x'` from the parameter: the script that runs is not the one sent.
    let r = c.execute_groovy("def src = 'x'\nprintln src").unwrap();
    assert!(r.stacktrace.contains("No such property: src"), "{r:?}");
    // Too big for HAC's form: refused before sending, not a confusing 400.
    let e = c.execute_groovy("x".repeat(7 * 1024 * 1024)).unwrap_err();
    assert!(matches!(e, Error::FormTooLarge { .. }), "{e:?}");
}

#[derive(Debug, Deserialize, PartialEq)]
struct Product {
    pk: u64,
    code: String,
    name: Option<String>,
    description: Option<String>,
}

#[test]
fn flexsearch_unescapes_cells_everywhere() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .flexible_search("SELECT {pk},{code},{name},{description} FROM {Product}")
        .unwrap();
    assert!(r.is_success());
    assert_eq!(r.headers, ["PK", "p_code", "p_name", "p_description"]);
    assert_eq!(r.count, 6);
    assert!(
        r.translated_query.starts_with("SELECT item_t0.PK"),
        "{}",
        r.translated_query
    );
    assert_eq!(r.data_source_id.as_deref(), Some("master"));
    assert_eq!(r.exception_stacktrace, None);
    let row = r.row(4).unwrap();
    assert_eq!(row.get("name"), Some("中文名称"));
    assert_eq!(
        row.get("p_description"),
        Some("naïve — 😀 \u{2329}x\u{232a}")
    );
    assert_eq!(r.row(3).unwrap().get("DESCRIPTION"), Some("O'Brien’s € 9"));
    assert_eq!(r.row(1).unwrap().get("name"), None, "NULL");
    assert_eq!(
        r.row(2).unwrap().get_index(3),
        Some(""),
        "empty is not NULL"
    );
    let products: Vec<Product> = r.deserialize().unwrap();
    assert_eq!(products[2].name.as_deref(), Some("Lens \"50mm\" <pro>"));
    assert_eq!(products[0].pk, 8796093054977);
    assert_eq!(products[5].name.as_deref(), Some("two\nlines"));
    // Deserializing into a type that does not fit is a typed error.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        name: String,
    }
    let e = r.deserialize::<Strict>().unwrap_err();
    assert!(
        matches!(&e, Error::Deserialize { row: 1, field: Some(f), .. } if f == "name"),
        "{e:?}"
    );
    assert!(e.to_string().contains("p_description"), "{e}");
}

#[test]
fn flexsearch_sends_only_what_is_set() {
    let hac = FakeHac::builder().user("ci", "pw").start();
    let c = common::client(&hac);
    c.flexible_search("SELECT {pk} FROM {Product}")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let sent = hac.last_request("/console/flexsearch/execute").unwrap();
    assert_eq!(sent.form_value("maxCount").as_deref(), Some("200"));
    assert_eq!(
        sent.form_value("user"),
        None,
        "the server defaults to the logged-in user"
    );
    assert_eq!(sent.form_value("dataSource"), None);
    assert_eq!(sent.form_value("commit").as_deref(), Some("false"));
    assert_eq!(sent.form_value("locale").as_deref(), Some("en"));
    let who = "SELECT {uid} FROM {User} WHERE {uid} = ?session.user.uid";
    assert_eq!(
        c.flexible_search(who).unwrap().row(0).unwrap().get("uid"),
        Some("admin")
    );
    let as_ci = c
        .flexible_search(FlexibleSearch::new(who).user("ci"))
        .unwrap();
    assert_eq!(as_ci.row(0).unwrap().get("uid"), Some("ci"));
    let de = c
        .flexible_search(FlexibleSearch::new("SELECT {name} FROM {Product}").locale("de"))
        .unwrap();
    assert_eq!(de.row(0).unwrap().get_index(0), Some("Kamera"));
    let sent = hac.last_request("/console/flexsearch/execute").unwrap();
    assert_eq!(sent.form_value("locale").as_deref(), Some("de"));
}

#[test]
fn flexsearch_limits_sql_dml_and_exceptions() {
    let hac = FakeHac::builder().generated_rows(700).start();
    let c = common::client(&hac);
    let r = c
        .flexible_search(FlexibleSearch::new("SELECT {pk} FROM {Product}").max_rows(1))
        .unwrap();
    assert_eq!(r.len(), 1);
    assert!(r.is_truncated());
    let all = c
        .flexible_search(FlexibleSearch::new("SELECT {pk} FROM {Generated}").unlimited())
        .unwrap();
    assert_eq!(all.len(), 700);
    assert!(!all.is_truncated());
    assert_eq!(
        hac.last_request("/console/flexsearch/execute")
            .unwrap()
            .form_value("maxCount")
            .as_deref(),
        Some("-1")
    );
    let default = c.flexible_search("SELECT {pk} FROM {Generated}").unwrap();
    assert_eq!(default.len(), 200);
    assert!(default.is_truncated());
    let r = c
        .flexible_search(
            FlexibleSearch::sql("select p_code from products").max_rows(RowLimit::Rows(3)),
        )
        .unwrap();
    assert!(r.is_success());
    assert_eq!(r.headers, ["p_code"]);
    let last = hac.last_request("/console/flexsearch/execute").unwrap();
    assert_eq!(last.form_value("flexibleSearchQuery").as_deref(), Some(""));
    assert_eq!(
        last.form_value("sqlQuery").as_deref(),
        Some("select p_code from products")
    );
    // DML: rolled back unless committed.
    let update = "UPDATE products SET p_name = 'Renamed' WHERE p_code = '0001'";
    let r = c.flexible_search(FlexibleSearch::sql(update)).unwrap();
    assert_eq!(r.headers, ["Result"]);
    assert_eq!(r.row(0).unwrap().get("Result"), Some("1 row(s) affected."));
    let name = "SELECT {name} FROM {Product} WHERE {code} = '0001'";
    assert_eq!(
        c.flexible_search(name).unwrap().row(0).unwrap().get("name"),
        Some("Camera")
    );
    c.flexible_search(
        FlexibleSearch::sql(update)
            .commit(true)
            .data_source("master"),
    )
    .unwrap()
    .error_for_failure_ref()
    .unwrap();
    assert_eq!(
        c.flexible_search(name).unwrap().row(0).unwrap().get("name"),
        Some("Renamed")
    );
    let sent = hac.last_request("/console/flexsearch/execute").unwrap();
    assert_eq!(sent.form_value("commit").as_deref(), Some("false"));
    // An exception: null headers and rows are not a parse error.
    let r = c.flexible_search("SELECT {pk} FROM {Prodcut}").unwrap();
    assert!(!r.is_success());
    assert_eq!(r.exception.as_deref(), Some("type code 'Prodcut' invalid"));
    assert!(
        r.exception_stacktrace
            .as_deref()
            .unwrap()
            .contains("\tat de.hybris")
    );
    assert!(r.is_empty() && r.headers.is_empty());
}

#[test]
fn response_size_limit() {
    let hac = FakeHac::builder().generated_rows(50_000).start();
    let c = common::build(common::config(&hac).max_response_bytes(64 * 1024));
    let e = c
        .flexible_search(FlexibleSearch::new("SELECT * FROM {Generated}").max_rows(50_000))
        .unwrap_err();
    assert!(
        matches!(e, Error::ResponseTooLarge { limit: 65536, .. }),
        "{e:?}"
    );
}

#[test]
fn impex_import_success_and_every_option() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let import = ImpexImport::new("INSERT_UPDATE Language;isocode[unique=true]\n;de")
        .validation_mode(ValidationMode::Relaxed)
        .legacy_mode(true)
        .enable_code_execution(true)
        .distributed_mode(true)
        .direct_persistence(true)
        .max_threads(4);
    let r = c.import_impex(import).unwrap();
    assert!(r.is_success());
    assert_eq!(r.level, "notice");
    assert_eq!(r.summary, "Import finished successfully");
    assert!(r.lines.is_empty());
    let last = hac.requests().pop().unwrap();
    assert_eq!(last.path, "/console/impex/import");
    let form = |k: &str| last.form_value(k);
    assert_eq!(form("validationEnum").as_deref(), Some("import_relaxed"));
    assert_eq!(form("maxThreads").as_deref(), Some("4"));
    for flag in [
        "legacyMode",
        "enableCodeExecution",
        "distributedMode",
        "sldEnabled",
    ] {
        assert_eq!(form(flag).as_deref(), Some("true"), "{flag}");
        assert_eq!(form(&format!("_{flag}")).as_deref(), Some("on"), "{flag}");
    }
    assert_eq!(form("encoding").as_deref(), Some("UTF-8"));
    // Defaults: strict, one thread (always sent), boxes unticked.
    c.import_impex("INSERT Language;isocode\n;fr")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let last = hac.requests().pop().unwrap();
    assert_eq!(last.form_value("legacyMode"), None);
    assert_eq!(last.form_value("maxThreads").as_deref(), Some("1"));
    assert_eq!(
        last.form_value("validationEnum").as_deref(),
        Some("import_strict")
    );
}

#[test]
fn impex_import_error_details() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .import_impex(
            "INSERT_UPDATE Product;code[unique=true];catalogVersion\n;x;unknownCatalog:Staged",
        )
        .unwrap();
    assert!(!r.is_success());
    assert_eq!(r.level, "error");
    assert_eq!(r.summary, "Import has encountered problems.");
    assert_eq!(r.lines.len(), 2, "{:?}", r.lines);
    assert!(
        r.lines[1]
            .message
            .contains("cannot resolve value 'unknownCatalog:Staged'"),
        "entities decoded: {:?}",
        r.lines
    );
    assert_eq!(r.lines[1].line, Some(2));
}

#[test]
fn impex_form_errors_and_server_errors() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let e = c
        .import_impex(ImpexImport::new("INSERT Language;isocode\n;x").encoding(" "))
        .unwrap_err();
    match &e {
        Error::FormRejected { messages, path, .. } => {
            assert_eq!(messages, &["Encoding is required"]);
            assert_eq!(path, "/console/impex/import");
        }
        e => panic!("{e:?}"),
    }
    assert!(e.to_string().contains("Encoding is required"));
    hac.push_override(
        "/console/impex/import",
        Response::new(
            500,
            "text/html",
            hac_fake::pages::error_500("", "java.lang.NullPointerException"),
        ),
    );
    let e = c.import_impex("INSERT Language;isocode\n;x").unwrap_err();
    assert!(matches!(e, Error::HttpStatus { status: 500, .. }), "{e:?}");
    // A page with neither marker nor form errors is not an answer.
    hac.push_override(
        "/console/impex/import",
        Response::html("<html><body>?</body></html>"),
    );
    let e = c.import_impex("INSERT Language;isocode\n;x").unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
}

#[test]
fn impex_validate_reads_its_own_marker() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .validate_impex("INSERT_UPDATE Language;isocode[unique=true]\n;de")
        .unwrap();
    assert!(r.is_success());
    assert_eq!(r.level, "notice");
    assert_eq!(r.summary, "Import script is valid");
    assert_eq!(
        hac.requests().pop().unwrap().path,
        "/console/impex/import/validate"
    );
    let r = c.validate_impex(";not an impex header at all").unwrap();
    assert!(!r.is_success());
    assert!(
        r.summary.starts_with("Import script is invalid: line 1"),
        "{}",
        r.summary
    );
}

#[test]
fn impex_goes_through_the_upload_when_it_must() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    // Text the XSS filter would strip from a form parameter: uploaded intact.
    let script = "INSERT Language;isocode\n# keep eval(this)\n;de";
    let r = c.import_impex(script).unwrap();
    assert!(r.is_success());
    let sent = hac.last_request("/console/impex/import/upload").unwrap();
    let parts = sent.multipart();
    let file = parts.iter().find(|p| p.name == "file").unwrap();
    assert_eq!(file.text(), script);
    let field = |n: &str| parts.iter().find(|p| p.name == n).map(|p| p.text());
    assert_eq!(field("validationEnum").as_deref(), Some("import_strict"));
    assert_eq!(field("maxThreads").as_deref(), Some("1"));
    assert!(sent.header("X-CSRF-TOKEN").is_some());
    assert!(sent.header("content-length").is_some(), "not chunked");
    // Forced either way.
    c.import_impex(ImpexImport::new("INSERT Language;isocode\n;de").upload(ImpexUpload::Always))
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert!(hac.requests().pop().unwrap().path.ends_with("/upload"));
    c.import_impex(ImpexImport::new(script).upload(ImpexUpload::Never))
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.requests().pop().unwrap().path, "/console/impex/import");
    // An upload that HAC refuses names its messages too.
    hac.push_override(
        "/console/impex/import/upload",
        Response::html(hac_fake::pages::impex_import(
            "",
            "t",
            "admin",
            "",
            "1",
            &hac_fake::pages::ImpexOutcome::FormErrors {
                script: vec!["Import file is required".into()],
                options: vec![],
            },
        )),
    );
    let e = c
        .import_impex(ImpexImport::new("x").upload(ImpexUpload::Always))
        .unwrap_err();
    assert!(matches!(e, Error::FormRejected { .. }), "{e:?}");
}

#[test]
fn a_large_script_file_is_streamed_to_the_upload() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.impex");
    let line = ";aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
    let mut text = String::from("INSERT Language;isocode\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(line);
    }
    std::fs::write(&path, &text).unwrap();
    let r = c.import_impex(ImpexImport::from_file(&path)).unwrap();
    assert!(r.is_success(), "{r:?}");
    let sent = hac.last_request("/console/impex/import/upload").unwrap();
    let parts = sent.multipart();
    let file = parts.iter().find(|p| p.name == "file").unwrap();
    assert_eq!(file.filename.as_deref(), Some("big.impex"));
    assert_eq!(file.data.len(), text.len());
    // The same text in memory also goes there, and validation refuses it up front.
    let e = c.validate_impex(text.as_str()).unwrap_err();
    assert!(matches!(e, Error::FormTooLarge { .. }), "{e:?}");
    let e = c
        .import_impex(ImpexImport::new(text).upload(ImpexUpload::Never))
        .unwrap_err();
    assert!(matches!(e, Error::FormTooLarge { .. }), "{e:?}");
}

#[test]
fn update_data_patches_execute_and_log() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let data = c.update_data().unwrap();
    assert!(!data.is_initializing);
    assert_eq!(data.tenant_id.as_deref(), Some("master"));
    assert_eq!(data.master, Some(true));
    assert_eq!(data.project_data.len(), 3);
    let p = &data.project_data[0].parameters[1];
    assert_eq!(p.name, "importSampleData");
    assert_eq!(p.selected(), ["no"]);
    assert_eq!(data.project_data[1].description, None);
    assert!(data.project_data[1].parameters[0].multi_select);
    assert!(data.project_data[2].parameters[0].is_text());
    // No page is opened first: only the JSON.
    assert!(!hac.requests().iter().any(|r| r.path == "/platform/update"));

    let patches = c.pending_patches().unwrap();
    assert_eq!(patches.len(), 3);
    assert_eq!(
        patches.get("core").unwrap()[0]
            .process
            .as_ref()
            .map(hac_client::PatchProcess::as_str),
        Some("UPDATE")
    );
    assert_eq!(patches.required()["electronicsstore"], ["a1b2c3d4"]);

    let request = UpdateRequest::from_current(&data, &patches)
        .project_data("electronicsstore")
        .timeout(Duration::from_secs(120));
    let outcome = c.execute_update(&request).unwrap();
    assert!(outcome.is_success());
    assert!(outcome.log_text.contains("Update of type system done"));
    let sent = hac.last_request("/platform/init/execute").unwrap();
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["initMethod"], "UPDATE");
    assert_eq!(body["patches"]["electronicsstore"][0], "a1b2c3d4");
    assert_eq!(body["patches"]["core"][0], "ffee0011");
    assert_eq!(
        body["allParameters"]["electronicsstore_importCoreData"][0],
        "yes"
    );
    assert_eq!(body["allParameters"]["electronicsstore_sample"], "true");
    assert_eq!(body["allParameters"]["acmeimport_batchSize"], "100");
    assert!(body.get("parametersAsStringMap").is_none());
    assert!(sent.header("X-CSRF-TOKEN").is_some());
    assert!(
        sent.header("Content-Type")
            .unwrap()
            .starts_with("application/json")
    );
    let none = UpdateRequest::new().init_method(InitMethod::None);
    c.execute_update(&none)
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let sent = hac.last_request("/platform/init/execute").unwrap();
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["initMethod"], "NONE");

    let done = c
        .wait_for_update(Duration::from_millis(10), Duration::from_secs(5))
        .unwrap();
    assert!(done.finished);
    assert!(!done.has_errors);
    assert!(hac.requests().pop().unwrap().query.starts_with("_="));
}

#[test]
fn an_update_running_and_an_uninitialized_system() {
    let hac = FakeHac::builder()
        .update_duration(Duration::from_millis(800))
        .start();
    let c = common::client(&hac);
    c.login().unwrap();
    std::thread::scope(|s| {
        s.spawn(|| c.execute_update(&UpdateRequest::new()).unwrap());
        // Until the server runs it (polled, not slept).
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !hac.update_running() {
            assert!(
                std::time::Instant::now() < deadline,
                "the update never started"
            );
            std::thread::yield_now();
        }
        let running = c.update_log().unwrap();
        assert!(!running.finished, "{running:?}");
        assert!(c.update_data().unwrap().is_initializing);
    });
    assert!(c.update_log().unwrap().finished);
    let fresh = FakeHac::builder().initialized(false).start();
    let c = common::client(&fresh);
    assert!(c.pending_patches().unwrap().is_empty());
}

#[test]
fn update_with_errors_and_wait_timeout() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let e = c
        .wait_for_update(Duration::from_millis(5), Duration::from_millis(30))
        .map(|l| l.finished);
    // Before any update the log is empty: not finished, so the wait times out.
    assert!(e.unwrap_err().is_timeout());
    c.execute_update(&UpdateRequest::new().parameter("x_y", ["broken"]))
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let log = c
        .wait_for_update(Duration::from_millis(5), Duration::from_secs(5))
        .unwrap();
    assert!(log.finished);
    assert!(log.has_errors);
    assert!(log.text.contains("<Product.colour>"));
}

#[test]
fn garbage_json_and_html_are_invalid_response() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let c = common::client(&hac);
    c.login().unwrap();
    let cases: Vec<(&str, Response)> = vec![
        ("/console/scripting/execute", Response::json("{not json")),
        (
            "/console/scripting/execute",
            Response::html("<html>an error page</html>"),
        ),
        (
            "/console/scripting/execute",
            Response::json(r#"{"status":"ok"}"#),
        ),
        ("/console/flexsearch/execute", Response::json("[1,2,3]")),
        ("/console/flexsearch/execute", Response::json("{}")),
        (
            "/console/flexsearch/execute",
            Response::json("{\"resultList\": \"nope\"}"),
        ),
        (
            "/console/impex/import",
            Response::html("<html><body>no markers</body></html>"),
        ),
        (
            "/platform/init/pendingPatches",
            Response::json("{\"x\": [5]}"),
        ),
        ("/platform/init/data", Response::json("{}")),
        ("/platform/init/execute", Response::json("")),
        ("/platform/init/execute", Response::json("{}")),
        ("/initlog/log", Response::json("\u{0}\u{1}garbage")),
        ("/initlog/log", Response::json(r#"{"status":"ok"}"#)),
    ];
    for (path, resp) in cases {
        hac.push_override(path, resp);
        let result = match path {
            "/console/scripting/execute" => c.execute_groovy("return 1").map(|_| ()),
            "/console/flexsearch/execute" => {
                c.flexible_search("SELECT {pk} FROM {Product}").map(|_| ())
            }
            "/console/impex/import" => c.import_impex("INSERT Language;isocode\n;de").map(|_| ()),
            "/platform/init/pendingPatches" => c.pending_patches().map(|_| ()),
            "/platform/init/data" => c.update_data().map(|_| ()),
            "/platform/init/execute" => c.execute_update(&UpdateRequest::new()).map(|_| ()),
            _ => c.update_log().map(|_| ()),
        };
        let e = result.unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{path}: {e:?}");
        // The full request path, context path included, as transport errors have it.
        assert!(e.to_string().contains(&format!("/hac{path}")), "{e}");
    }
    assert_eq!(hac.stats().logins, 1);
}

#[test]
fn server_errors_are_http_status() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    hac.push_override(
        "/console/scripting/execute",
        Response::new(
            500,
            "text/html",
            "<html><body><h1>HTTP Status 500</h1> java.lang.NullPointerException</body></html>",
        ),
    );
    match c.execute_groovy("return 1").unwrap_err() {
        Error::HttpStatus {
            status,
            path,
            excerpt,
            ..
        } => {
            assert_eq!(status, 500);
            assert!(path.ends_with("/console/scripting/execute"), "{path}");
            assert!(excerpt.contains("NullPointerException"), "{excerpt}");
        }
        e => panic!("{e:?}"),
    }
    hac.push_override("/platform/init/data", Response::status(404));
    let e = c.update_data().unwrap_err();
    assert!(matches!(e, Error::HttpStatus { status: 404, .. }), "{e:?}");
}
