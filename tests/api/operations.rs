use awc::http::StatusCode;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn health_answers_live_and_ready() {
    let app = spawn_app().await;
    let live = app.get("/health/live", None).await;
    assert_eq!(
        (live.status, live.body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let ready = app.get("/health/ready", None).await;
    assert_eq!(
        (ready.status, ready.body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
}

#[actix_web::test]
async fn the_openapi_document_describes_the_accounts_and_municipalities() {
    let app = spawn_app().await;
    let doc = app.get("/api-docs/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.body["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/auth/token",
        "/api/v1/users",
        "/api/v1/organizations",
        "/api/v1/suppliers",
        "/api/v1/suppliers/import",
        "/api/v1/municipalities",
        "/health/ready",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(doc.body["components"]["securitySchemes"]["bearer"].is_object());
}

/// The request schemas say what the server accepts, so that a generated
/// client can check a request before sending it; the bounds are the code's.
#[actix_web::test]
async fn the_openapi_document_carries_patterns_bounds_and_links() {
    let app = spawn_app().await;
    let doc = app.get("/api-docs/openapi.json", None).await.body;
    let schemas = &doc["components"]["schemas"];
    let new = &schemas["NewProcurement"]["properties"];
    assert_eq!(
        new["duration_months"]["maximum"],
        samkjop::domain::summary::MAX_CONTRACT_MONTHS
    );
    assert_eq!(new["duration_months"]["minimum"], 1);
    // Invitations take county municipalities (two digits) as well.
    assert_eq!(
        new["invited"]["items"]["$ref"],
        "#/components/schemas/ParticipantNumber"
    );
    assert_eq!(
        schemas["ParticipantNumber"]["pattern"],
        "^([0-9]{2}|[0-9]{4})$"
    );
    assert_eq!(schemas["MunicipalityNumber"]["pattern"], "^[0-9]{4}$");
    assert_eq!(schemas["CpvCode"]["pattern"], "^[0-9]{8}(-[0-9])?$");
    assert_eq!(schemas["OrgNumber"]["pattern"], "^[0-9]{9}$");
    assert_eq!(schemas["Email"]["format"], "email");
    assert_eq!(schemas["NewLot"]["properties"]["area"]["minItems"], 1);
    assert_eq!(
        schemas["NewLot"]["properties"]["unit"]["maxLength"],
        samkjop::domain::procurement::MAX_UNIT_CHARS
    );
    assert_eq!(
        schemas["ContractType"]["enum"],
        serde_json::json!(["goods", "services", "works", "social_services"])
    );
    let county = &doc["paths"]["/api/v1/municipalities"]["get"]["parameters"][0];
    assert_eq!(
        (&county["name"], &county["schema"]["pattern"]),
        (
            &serde_json::json!("county"),
            &serde_json::json!("^[0-9]{2}$")
        )
    );

    // Links name their operation as `operationId`, and it exists.
    let created = &doc["paths"]["/api/v1/procurements"]["post"]["responses"]["201"]["links"];
    let get = &created["GetProcurement"];
    assert_eq!(get["operationId"], "get_procurement");
    assert_eq!(get["parameters"]["id"], "$response.body#/id");
    assert!(get.get("operation_id").is_none());
    let operation_ids: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    for (_, link) in created.as_object().expect("links") {
        let target = link["operationId"].as_str().expect("operationId");
        assert!(operation_ids.contains(&target), "{target} is an operation");
    }
}

#[actix_web::test]
async fn the_docs_page_is_served_without_any_cdn() {
    let app = spawn_app().await;
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("html");
    assert!(html.contains("swagger-ui"), "the Swagger UI page");
    assert!(
        !html.contains("https://"),
        "no asset is fetched from elsewhere"
    );
    let bundle = app.get("/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(bundle.status, StatusCode::OK, "the UI's script is vendored");
}

#[actix_web::test]
async fn unknown_paths_are_problem_documents() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(r.code(), "not_found");
}

#[actix_web::test]
async fn the_front_page_lists_what_is_published_in_norwegian() {
    let app = spawn_app().await;
    let r = app.get("/", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/html"));
    let html = r.body.as_str().unwrap_or_default();
    assert!(html.contains("Felles anskaffelser i kommunene"));
    assert!(
        html.contains("Ingen anskaffelser er kunngjort ennå."),
        "nothing is published in a fresh database"
    );
}
