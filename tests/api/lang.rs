//! Plain-language messages in Norwegian bokmål by default and in English
//! when the caller prefers it (issue 12): the analysis, the compliance
//! report, the summary's warnings and a problem's title, each answer saying
//! its language in `Content-Language`.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::scenario::{lot, Scenario};

/// A Norwegian browser that also reads English.
const NB_FIRST: &str = "nb-NO, en;q=0.5";

/// Bergen alone buys 100 000 school meals a year at NOK 45 under a framework
/// agreement of 24 months and 24 more of options: NOK 4 500 000 a year,
/// NOK 18 000 000 in all. School catering (55524000-9) is a special service.
async fn school_meals(app: &TestApp) -> Scenario {
    let s = app
        .scenario()
        .municipalities(&["4601"])
        .lot(lot("Skolemat").area(&["4601"]))
        .opened()
        .await;
    let r = s
        .join(
            app,
            "4601",
            json!([{"lot_id": s.lot(0), "annual_quantity": 100_000}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    s
}

/// The answer without the header, with `en`, and with a Norwegian
/// browser's preference; each says its language and that it varies by it.
async fn three_ways(app: &TestApp, path: &str, token: Option<&str>) -> [Reply; 3] {
    let replies = [
        app.get(path, token).await,
        app.get_in("en", path, token).await,
        app.get_in(NB_FIRST, path, token).await,
    ];
    for (reply, lang) in replies.iter().zip(["nb", "en", "nb"]) {
        assert_eq!(reply.header("content-language"), lang, "{}", reply.body);
        assert!(
            reply
                .headers
                .get_all("vary")
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.to_ascii_lowercase().contains("accept-language")),
            "Vary names Accept-Language: {:?}",
            reply.headers
        );
    }
    replies
}

#[actix_web::test]
async fn the_analysis_speaks_bokmal_unless_english_is_preferred() {
    let app = spawn_app().await;
    let s = school_meals(&app).await;
    let path = format!("/api/v1/procurements/{}/analysis", s.id);
    let [nb, en, nb_first] = three_ways(&app, &path, Some(&s.coordinator)).await;
    for r in [&nb, &en, &nb_first] {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["lots"][0]["notes"][0]["code"], "no_local_smes");
    }
    let note = |r: &Reply| r.body["lots"][0]["notes"][0]["message"].clone();
    assert_eq!(
        note(&nb),
        "Ingen SMB registrert innen catering til skoler har hjemsted i området til delkontrakt \
         «Skolemat» (1 kommune), så delkontrakten stenger ingen lokal SMB ute."
    );
    assert_eq!(
        note(&en),
        "No SME registered for school catering services has its home in the area of lot \
         'Skolemat' (1 municipality), so the lot shuts no local SME out."
    );
    assert_eq!(note(&nb_first), note(&nb));
    assert_eq!(
        without_messages(en.body),
        without_messages(nb.body),
        "the language changes the words, not the figures"
    );
}

#[actix_web::test]
async fn the_compliance_reasons_speak_bokmal_unless_english_is_preferred() {
    let app = spawn_app().await;
    let s = school_meals(&app).await;
    let path = format!("/api/v1/procurements/{}/compliance", s.id);
    let [nb, en, nb_first] = three_ways(&app, &path, Some(&s.coordinator)).await;
    let climate = |r: &Reply| -> Value {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["check"] == "climate_weight"))
            .cloned()
            .unwrap_or_else(|| panic!("a climate check in {}", r.body))
    };
    assert_eq!(
        climate(&nb)["reason"],
        "obligatorisk: verdien kr 18 000 000 ekskl. mva. er på eller over kr 100 000; ingen \
         klimavekt er satt (minst 30 % kreves)"
    );
    assert_eq!(
        climate(&en)["reason"],
        "mandatory: the value NOK 18,000,000 excl. VAT is at or above NOK 100,000; no climate \
         weight is set (at least 30 % needed)"
    );
    assert_eq!(climate(&nb_first)["reason"], climate(&nb)["reason"]);
    // The titles are the clause library's Norwegian wording in both.
    assert_eq!(climate(&en)["title"], "Klima- og miljøvekt");
    assert_eq!(
        without_messages(en.body),
        without_messages(nb.body),
        "the language changes the words, not the figures"
    );
}

#[actix_web::test]
async fn the_summary_warnings_speak_bokmal_unless_english_is_preferred_and_are_cached_apart() {
    let app = spawn_app().await;
    let s = school_meals(&app).await;
    let path = format!("/api/v1/procurements/{}/summary", s.id);
    let warning = |r: &Reply| -> String {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["regime"]["warnings"]
            .as_array()
            .and_then(|w| w.iter().find(|w| w["code"] == "special_services_by_cpv"))
            .and_then(|w| w["message"].as_str())
            .unwrap_or_else(|| panic!("a special services warning in {}", r.body))
            .to_string()
    };
    // Twice each way: the second answer of each comes from the render
    // cache, which must keep the languages apart.
    for _ in 0..2 {
        let [nb, en, nb_first] = three_ways(&app, &path, Some(&s.coordinator)).await;
        assert_eq!(
            warning(&nb),
            "CPV-koden viser at dette er helse- og sosialtjenester eller andre særlige tjenester \
             (anskaffelsesforskriften vedlegg 2 og 3): terskelverdien for særlige tjenester \
             gjelder. Under den gjelder bare del I og det er ingen kunngjøringsplikt; over den \
             gjelder del I og IV."
        );
        assert_eq!(
            warning(&en),
            "The CPV code shows that these are health, social or other special services (FOA \
             annexes 2 and 3): the threshold for special services applies. Below it only part I \
             applies and no notice is required; above it parts I and IV apply."
        );
        assert_eq!(warning(&nb_first), warning(&nb));
        assert_eq!(without_messages(en.body), without_messages(nb.body));
    }
}

#[actix_web::test]
async fn a_problem_is_titled_in_the_language_asked_for() {
    let app = spawn_app().await;
    let s = school_meals(&app).await;
    let [nb, en, nb_first] = three_ways(
        &app,
        "/api/v1/procurements/01000000-0000-7000-8000-000000000000",
        Some(&s.coordinator),
    )
    .await;
    for r in [&nb, &en, &nb_first] {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        assert_eq!(r.code(), "not_found");
        assert!(r.content_type.starts_with("application/problem+json"));
    }
    assert_eq!(nb.body["title"], "Ikke funnet");
    assert_eq!(en.body["title"], "Not found");
    assert_eq!(nb_first.body["title"], "Ikke funnet");
    // The detail is in English whatever is asked (a known limit).
    assert_eq!(nb.body["detail"], en.body["detail"]);

    // A refusal raised before any handler runs, and one of the router.
    let [nb, en, _] = three_ways(
        &app,
        &format!("/api/v1/procurements/{}/analysis", s.id),
        None,
    )
    .await;
    assert_eq!(nb.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (nb.body["title"].as_str(), en.body["title"].as_str()),
        (Some("Ikke innlogget"), Some("Not authenticated"))
    );
    let r = app
        .raw(
            awc::http::Method::DELETE,
            "/api/v1/clauses",
            None,
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{}", r.body);
    assert_eq!(
        (r.body["title"].as_str(), r.header("content-language")),
        (Some("Metoden er ikke tillatt"), "nb")
    );
}

/// The body with every `message` and `reason` removed: what must not depend
/// on the language.
fn without_messages(mut body: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("message");
                map.remove("reason");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut body);
    body
}
