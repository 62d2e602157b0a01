//! Every console operation's success and failure path, over HTTP to the fake HAC.

mod common;

use std::time::Duration;

use fake_hac::{FakeHac, Response};
use hac_client::{Error, FlexibleSearch, ImpexImport, UpdateRequest, ValidationMode};
use serde::Deserialize;

#[test]
fn groovy_success_and_commit_flag() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .execute_groovy("println 'hello'\nprint \"x\"\nreturn 42", false)
        .unwrap();
    assert!(r.success);
    assert_eq!(r.output, "hello\nx");
    assert_eq!(r.result, "42");
    assert!(r.stacktrace.is_empty());
    let r = c.execute_groovy("return 1", true).unwrap();
    assert!(r.output.contains("(committed)"));
    let sent = hac.requests();
    let last = sent.last().unwrap();
    assert_eq!(last.form_value("commit").as_deref(), Some("true"));
    assert_eq!(last.form_value("scriptType").as_deref(), Some("groovy"));
    assert_eq!(last.header("X-Requested-With"), Some("XMLHttpRequest"));
    assert!(last.header("Accept").unwrap().contains("application/json"));
}

#[test]
fn groovy_stacktrace() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .execute_groovy("throw new RuntimeException('x')", false)
        .unwrap();
    assert!(!r.success);
    assert!(r.stacktrace.contains("MissingPropertyException"));
    assert_eq!(r.output, "before the failure\n");
}

#[derive(Debug, Deserialize, PartialEq)]
struct Product {
    #[serde(rename = "PK")]
    pk: u64,
    code: String,
    name: Option<String>,
    description: Option<String>,
}

#[test]
fn flexsearch_nulls_rows_by_name_and_serde() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .flexible_search(
            FlexibleSearch::new("SELECT {pk},{code},{name},{description} FROM {Product}")
                .max_count(10)
                .locale("de")
                .user("anonymous"),
        )
        .unwrap();
    assert!(r.is_success());
    assert_eq!(r.headers, ["PK", "code", "name", "description"]);
    assert_eq!(r.count, 3);
    assert_eq!(r.execution_time, Duration::from_millis(17));
    assert_eq!(r.row(0).unwrap().cells().nth(3), Some(None));
    let second = r.rows().nth(1).unwrap();
    assert_eq!(second.get("CODE"), Some("0002"));
    assert_eq!(second.get("name"), None);
    assert_eq!(
        second.get("description"),
        Some("Tripod &amp; bag"),
        "JSON is not HTML-decoded"
    );
    assert_eq!(second.get("no-such-column"), None);
    let products: Vec<Product> = r.deserialize().unwrap();
    assert_eq!(products[2].name.as_deref(), Some("Lens \"50mm\""));
    assert_eq!(products[0].pk, 8796093054977);
    // The request carried the options.
    let last = hac.requests().pop().unwrap();
    assert_eq!(last.form_value("maxCount").as_deref(), Some("10"));
    assert_eq!(last.form_value("locale").as_deref(), Some("de"));
    assert_eq!(last.form_value("user").as_deref(), Some("anonymous"));
    assert_eq!(last.form_value("sqlQuery").as_deref(), Some(""));
    // Deserializing into a type that does not fit is a typed error.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        name: String,
    }
    let e = r.deserialize::<Strict>().unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
}

#[test]
fn flexsearch_max_count_sql_and_exception() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .flexible_search(FlexibleSearch::new("SELECT {pk} FROM {Product}").max_count(1))
        .unwrap();
    assert_eq!(r.len(), 1);
    let r = c
        .flexible_search(FlexibleSearch::sql("select p_code from products"))
        .unwrap();
    assert!(r.is_success());
    let last = hac.requests().pop().unwrap();
    assert_eq!(last.form_value("flexibleSearchQuery").as_deref(), Some(""));
    assert_eq!(
        last.form_value("sqlQuery").as_deref(),
        Some("select p_code from products")
    );
    let r = c.flexible_search("SELECT {pk} FROM {Prodcut}").unwrap();
    assert!(!r.is_success());
    assert_eq!(r.exception.as_deref(), Some("type code 'Prodcut' invalid"));
    assert!(r.is_empty());
}

#[test]
fn flexsearch_big_result() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .flexible_search(FlexibleSearch::new("SELECT * FROM {Generated}").max_count(50_000))
        .unwrap();
    assert_eq!(r.len(), 50_000);
    assert_eq!(r.row(7).unwrap().get_index(2), None);
    assert_eq!(r.row(8).unwrap().get_index(2), Some("Product name 8"));
}

#[test]
fn response_size_limit() {
    let hac = FakeHac::start();
    let c = hac_client::HacClient::new(
        common::config(&hac)
            .max_response_bytes(64 * 1024)
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = c
        .flexible_search(FlexibleSearch::new("SELECT * FROM {Generated}").max_count(50_000))
        .unwrap_err();
    assert!(
        matches!(e, Error::ResponseTooLarge { limit: 65536, .. }),
        "{e:?}"
    );
}

#[test]
fn impex_import_success_and_options() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let import = ImpexImport::new("INSERT_UPDATE Language;isocode[unique=true]\n;de")
        .validation(ValidationMode::Relaxed)
        .legacy_mode(true)
        .enable_code_execution(true)
        .max_threads(4);
    let r = c.import_impex(import).unwrap();
    assert!(r.success);
    assert_eq!(r.summary, "Import finished successfully");
    assert!(r.details.is_empty());
    let last = hac.requests().pop().unwrap();
    assert_eq!(last.path, "/hac/console/impex/import");
    assert_eq!(
        last.form_value("validationEnum").as_deref(),
        Some("IMPORT_RELAXED")
    );
    assert_eq!(last.form_value("maxThreads").as_deref(), Some("4"));
    assert_eq!(last.form_value("legacyMode").as_deref(), Some("true"));
    assert_eq!(
        last.form_value("enableCodeExecution").as_deref(),
        Some("true")
    );
    assert_eq!(last.form_value("_legacyMode").as_deref(), Some("on"));
    assert_eq!(last.form_value("encoding").as_deref(), Some("UTF-8"));
    // Defaults: boxes unticked.
    c.import_impex("INSERT Language;isocode\n;fr").unwrap();
    let last = hac.requests().pop().unwrap();
    assert_eq!(last.form_value("legacyMode"), None);
    assert_eq!(
        last.form_value("validationEnum").as_deref(),
        Some("IMPORT_STRICT")
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
    assert!(!r.success);
    assert_eq!(r.level, "error");
    assert_eq!(r.summary, "Import has encountered problems");
    assert_eq!(r.details.len(), 3, "{:?}", r.details);
    assert!(
        r.details[1].contains("Broken & bad"),
        "entities decoded: {:?}",
        r.details
    );
    assert!(r.details[1].contains("<ignored>"));
}

#[test]
fn impex_validate() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let r = c
        .validate_impex("INSERT_UPDATE Language;isocode[unique=true]\n;de")
        .unwrap();
    assert!(r.success);
    assert_eq!(r.summary, "Import script is valid");
    assert_eq!(
        hac.requests().pop().unwrap().path,
        "/hac/console/impex/import/validate"
    );
    let r = c.validate_impex("not an impex header at all").unwrap();
    assert!(!r.success);
}

#[test]
fn update_data_patches_execute_and_log() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let data = c.update_data().unwrap();
    assert!(!data.is_initializing);
    assert_eq!(data.project_data.len(), 2);
    let p = &data.project_data[0].parameters[1];
    assert_eq!(p.name, "electronicsstore_importSampleData");
    assert_eq!(p.selected(), ["no"]);
    assert_eq!(data.project_data[1].description, None);
    assert!(data.project_data[1].parameters[0].multi_select);
    // The update page is opened before the data.
    let paths: Vec<String> = hac.requests().iter().map(|r| r.path.clone()).collect();
    let page = paths
        .iter()
        .position(|p| p == "/hac/platform/update")
        .unwrap();
    let json = paths
        .iter()
        .position(|p| p == "/hac/platform/init/data")
        .unwrap();
    assert!(page < json);

    let patches = c.pending_patches().unwrap();
    assert_eq!(patches.len(), 2);
    assert_eq!(patches.required()["electronicsstore"], ["a1b2c3d4"]);
    assert!(!patches.required().contains_key("core"));

    let log = c.update_log().unwrap();
    assert!(!log.finished);

    let request = UpdateRequest::from_current(&data, &patches)
        .create_project_data(true)
        .timeout(Duration::from_secs(120));
    let outcome = c.execute_update(&request).unwrap();
    assert!(outcome.success);
    assert!(outcome.log_text.contains("Update of type system done"));
    let sent = hac.requests().pop().unwrap();
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["initMethod"], "UPDATE");
    assert_eq!(body["createProjectData"], true);
    assert_eq!(body["patches"]["electronicsstore"][0], "a1b2c3d4");
    assert_eq!(
        body["allParameters"]["electronicsstore_importCoreData"][0],
        "yes"
    );
    assert_eq!(body["parametersAsStringMap"]["initmethod"][0], "update");
    assert!(sent.header("X-CSRF-TOKEN").is_some());
    assert!(
        sent.header("Content-Type")
            .unwrap()
            .starts_with("application/json")
    );

    let running = c.update_log().unwrap();
    assert!(!running.finished);
    assert!(
        running
            .text
            .contains("Creating essential data & project data for core…")
    );
    let done = c
        .wait_for_update(Duration::from_millis(10), Duration::from_secs(5))
        .unwrap();
    assert!(done.finished);
    assert!(!done.has_errors);
    assert!(hac.requests().pop().unwrap().query.starts_with("_="));
}

#[test]
fn update_with_errors_and_wait_timeout() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let e = c
        .wait_for_update(Duration::from_millis(5), Duration::from_millis(30))
        .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    c.execute_update(&UpdateRequest::new().parameter("x", ["broken"]))
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
    let hac = FakeHac::start();
    let c = common::client(&hac);
    c.login().unwrap();
    let cases: Vec<(&str, Response)> = vec![
        ("/console/scripting/execute", Response::json("{not json")),
        (
            "/console/scripting/execute",
            Response::html("<html>an error page</html>"),
        ),
        ("/console/flexsearch/execute", Response::json("[1,2,3]")),
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
            Response::json("{\"x\": 5}"),
        ),
        ("/platform/init/execute", Response::json("")),
        ("/initlog/log", Response::json("\u{0}\u{1}garbage")),
    ];
    for (path, resp) in cases {
        hac.push_override(path, resp);
        let result = match path {
            "/console/scripting/execute" => c.execute_groovy("return 1", false).map(|_| ()),
            "/console/flexsearch/execute" => {
                c.flexible_search("SELECT {pk} FROM {Product}").map(|_| ())
            }
            "/console/impex/import" => c.import_impex("INSERT Language;isocode\n;de").map(|_| ()),
            "/platform/init/pendingPatches" => c.pending_patches().map(|_| ()),
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
    match c.execute_groovy("return 1", false).unwrap_err() {
        Error::HttpStatus {
            status,
            path,
            excerpt,
        } => {
            assert_eq!(status, 500);
            assert!(path.ends_with("/console/scripting/execute"), "{path}");
            assert!(excerpt.contains("NullPointerException"), "{excerpt}");
        }
        e => panic!("{e:?}"),
    }
    hac.push_override("/platform/update", Response::status(404));
    let e = c.update_data().unwrap_err();
    assert!(matches!(e, Error::HttpStatus { status: 404, .. }), "{e:?}");
}
