//! The throttles as clients meet them: one address's login budget does not
//! lock an account for other addresses, registration is limited per address,
//! every 429 says when to come back, and a forwarding header counts only
//! from a trusted proxy. The test server's peer is always 127.0.0.1; other
//! client addresses come in `X-Forwarded-For`, as from a proxy.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};

struct Answer {
    status: StatusCode,
    /// `Retry-After` in seconds, when sent.
    retry_after: Option<u64>,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

/// A JSON POST, with `X-Forwarded-For: <forwarded_for>` when given.
async fn post_via(app: &TestApp, path: &str, forwarded_for: Option<&str>, body: Value) -> Answer {
    let mut req = app
        .client
        .post(app.url(path))
        .insert_header(("content-type", "application/json"));
    if let Some(client) = forwarded_for {
        req = req.insert_header(("x-forwarded-for", client));
    }
    let mut res = req
        .send_body(serde_json::to_vec(&body).expect("serialisable"))
        .await
        .expect("the request reaches the server");
    let retry_after = res.headers().get("retry-after").map(|v| {
        v.to_str()
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("Retry-After is whole seconds: {v:?}"))
    });
    let bytes = res.body().await.expect("the body arrives");
    Answer {
        status: res.status(),
        retry_after,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

async fn log_in(app: &TestApp, from: Option<&str>, email: &str, password: &str) -> Answer {
    post_via(
        app,
        "/api/v1/auth/token",
        from,
        json!({"email": email, "password": password}),
    )
    .await
}

fn assert_throttled(a: &Answer, what: &str) {
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        "{what}: {}",
        a.body
    );
    let wait = a
        .retry_after
        .unwrap_or_else(|| panic!("{what}: a 429 without Retry-After"));
    assert!(wait >= 1, "{what}: Retry-After {wait}");
}

async fn app_with(trusted_proxies: Option<&'static str>) -> TestApp {
    spawn_app_with(move |k| match k {
        "SAMKJOP_LOGIN_PER_MINUTE_PER_ADDRESS" => Some("6".into()),
        "SAMKJOP_LOGIN_PER_MINUTE_PER_ACCOUNT" => Some("3".into()),
        "SAMKJOP_REGISTRATIONS_PER_HOUR_PER_ADDRESS" => Some("2".into()),
        "SAMKJOP_TRUSTED_PROXIES" => trusted_proxies.map(String::from),
        _ => None,
    })
    .await
}

#[actix_web::test]
async fn a_guesser_does_not_lock_the_account_for_its_owner_elsewhere() {
    let app = app_with(Some("127.0.0.1")).await;
    let attacker = Some("203.0.113.66");
    let mut refused = 0;
    // Far past both budgets: the account's from this address, then the address's.
    for _ in 0..12 {
        let r = log_in(&app, attacker, ADMIN_EMAIL, "gjetting-123").await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert_throttled(&r, "the guesser");
            refused += 1;
        } else {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        }
    }
    assert_eq!(refused, 9, "three wrong passwords, then refused");
    assert_throttled(
        &log_in(&app, attacker, "annen@kommune.no", "gjetting-123").await,
        "the guesser's address is spent for every account",
    );

    let owner = log_in(&app, Some("198.51.100.7"), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        owner.status,
        StatusCode::OK,
        "the owner logs in from another address: {}",
        owner.body
    );
}

#[actix_web::test]
async fn an_ipv6_guesser_cannot_escape_by_rotating_addresses_in_its_64() {
    let app = app_with(Some("127.0.0.1")).await;
    for n in 1..=6 {
        let from = format!("2001:db8:0:6::{n}");
        let r = log_in(
            &app,
            Some(from.as_str()),
            &format!("u{n}@k.no"),
            "gjetting-123",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    assert_throttled(
        &log_in(&app, Some("2001:db8:0:6:ffff::9"), "v@k.no", "gjetting-123").await,
        "a seventh address in the same /64",
    );
    let neighbour = log_in(&app, Some("2001:db8:0:7::1"), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(neighbour.status, StatusCode::OK, "{}", neighbour.body);
}

#[actix_web::test]
async fn correct_passwords_do_not_spend_the_accounts_budget() {
    let app = app_with(None).await;
    for _ in 0..5 {
        let r = log_in(&app, None, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // The address has one attempt left (six a minute): a wrong password
    // still answers as a wrong password, not as a throttled account.
    let r = log_in(&app, None, ADMIN_EMAIL, "gjetting-123").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_throttled(
        &log_in(&app, None, ADMIN_EMAIL, ADMIN_PASSWORD).await,
        "the address's seventh attempt",
    );
}

#[actix_web::test]
async fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
    // Not trusted: the header is the client's own claim and changes nothing.
    let app = app_with(None).await;
    for n in 0..6 {
        let claimed = format!("203.0.113.{n}");
        let r = log_in(
            &app,
            Some(claimed.as_str()),
            &format!("u{n}@k.no"),
            "gjetting-123",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    assert_throttled(
        &log_in(&app, Some("198.51.100.7"), ADMIN_EMAIL, ADMIN_PASSWORD).await,
        "a fresh claimed address from an untrusted peer",
    );

    // Trusted: each address the proxy names has its own budget, and a client
    // cannot step past the proxy's entry by writing its own in front.
    let app = app_with(Some("127.0.0.0/8")).await;
    for n in 0..6 {
        let r = log_in(
            &app,
            Some("203.0.113.5"),
            &format!("u{n}@k.no"),
            "x-123456789",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    assert_throttled(
        &log_in(&app, Some("6.6.6.6, 203.0.113.5"), "v@k.no", "x-123456789").await,
        "a spoofed entry left of the proxy's",
    );
    let other = log_in(&app, Some("198.51.100.7"), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
}

fn registration(org_number: &str, email: &str) -> Value {
    json!({
        "org_number": org_number, "name": "Fjord Catering AS", "email": email, "password": PASSWORD,
        "employees": 12, "annual_turnover_ore": 610_000_000_i64,
        "home_municipality": "4601", "service_area": ["46"], "cpv": ["5552"]
    })
}

#[actix_web::test]
async fn registrations_are_limited_per_address_and_say_when_to_come_back() {
    let app = app_with(Some("127.0.0.1")).await;
    let from = Some("203.0.113.9");
    for (org, email) in [("912345602", "a@fjord.no"), ("912345610", "b@fjord.no")] {
        let r = post_via(&app, "/api/v1/suppliers", from, registration(org, email)).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    }
    let third = post_via(
        &app,
        "/api/v1/suppliers",
        from,
        registration("912345629", "c@fjord.no"),
    )
    .await;
    assert_throttled(&third, "the third registration in an hour");
    // Two an hour: the next is let in half an hour after the first, so the
    // wait is 1800 s less the time the first two took to answer (whole
    // seconds on a loaded machine: their passwords are hashed).
    let wait = third.retry_after.expect("Retry-After");
    assert!((1790..=1800).contains(&wait), "Retry-After {wait}");
    // A request the server refuses for its content costs no budget and
    // answers what is wrong with it.
    let weak = post_via(&app, "/api/v1/suppliers", from, {
        let mut b = registration("912345637", "d@fjord.no");
        b["password"] = json!("kort");
        b
    })
    .await;
    assert_eq!(weak.code(), "weak_password", "{}", weak.body);

    let elsewhere = post_via(
        &app,
        "/api/v1/suppliers",
        Some("198.51.100.7"),
        registration("912345629", "c@fjord.no"),
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::ACCEPTED, "{}", elsewhere.body);
}
