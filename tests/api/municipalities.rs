use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn anyone_lists_the_357_municipalities() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/municipalities", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let all = r.body.as_array().expect("a list");
    assert_eq!(all.len(), 357);
    let population: i64 = all
        .iter()
        .map(|m| m["population"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(population, 5_550_203);
    let oslo = all
        .iter()
        .find(|m| m["number"] == "0301")
        .expect("Oslo keeps its leading zero");
    assert_eq!(oslo["name"], "Oslo");
    assert_eq!(oslo["county"], "03");
    let counties: std::collections::BTreeSet<&str> =
        all.iter().filter_map(|m| m["county"].as_str()).collect();
    assert_eq!(counties.len(), 15);
}

#[actix_web::test]
async fn filtering_by_county_gives_that_county_only() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/municipalities?county=46", None).await;
    let vestland = r.body.as_array().expect("a list");
    assert_eq!(vestland.len(), 43);
    assert!(vestland.iter().all(|m| m["county_name"] == "Vestland"));
    assert_eq!(vestland[0]["number"], "4601");
    assert_eq!(vestland[0]["name"], "Bergen");

    let unknown = app.get("/api/v1/municipalities?county=12", None).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_county")
    );
    assert_eq!(unknown.body["errors"][0]["field"], "county");
}

#[actix_web::test]
async fn a_municipality_sets_its_own_contact_address_only() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let bergen = app
        .user_token(
            &admin,
            "innkjop@bergen.kommune.no",
            "municipality",
            None,
            Some("4601"),
        )
        .await;

    let r = app
        .patch(
            "/api/v1/municipalities/4601",
            Some(&bergen),
            json!({"contact_email": "Innkjop@Bergen.Kommune.no"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["contact_email"], "innkjop@bergen.kommune.no");
    let read = app.get("/api/v1/municipalities/4601", None).await;
    assert_eq!(read.body["contact_email"], "innkjop@bergen.kommune.no");

    let other = app
        .patch(
            "/api/v1/municipalities/4602",
            Some(&bergen),
            json!({"contact_email": "x@kinn.kommune.no"}),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let anonymous = app
        .patch(
            "/api/v1/municipalities/4601",
            None,
            json!({"contact_email": "x@y.no"}),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let bad = app
        .patch(
            "/api/v1/municipalities/4601",
            Some(&admin),
            json!({"contact_email": "not-an-address"}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_email")
    );
    let unchanged = app.get("/api/v1/municipalities/4601", None).await;
    assert_eq!(
        unchanged.body["contact_email"], "innkjop@bergen.kommune.no",
        "a refused change loses nothing"
    );
}

#[actix_web::test]
async fn long_lists_come_in_pages_when_asked() {
    let app = spawn_app().await;
    let page = app
        .get("/api/v1/municipalities?limit=10&offset=350", None)
        .await;
    let items = page.body.as_array().expect("a list");
    assert_eq!(items.len(), 7, "the last seven of 357");
    assert_eq!(items[6]["number"], "5636");
    let first = app
        .get("/api/v1/municipalities?county=46&limit=2", None)
        .await;
    let numbers: Vec<&str> = first
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["number"].as_str())
        .collect();
    assert_eq!(numbers, vec!["4601", "4602"]);
    let bad = app.get("/api/v1/municipalities?limit=ten", None).await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );
}
