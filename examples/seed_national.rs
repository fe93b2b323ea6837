//! Seeds a running server with a national-scale published procurement, the
//! scenario of the analysis benchmark over HTTP: all 357 municipalities
//! joined, 100 lots (10 national, 6 trades in each of the 15 counties),
//! 20 000 suppliers imported as CSV. Prints the procurement's id last.
//!
//! ```text
//! SAMKJOP_URL=http://127.0.0.1:8080 SAMKJOP_ADMIN_EMAIL=... SAMKJOP_ADMIN_PASSWORD=... \
//! SAMKJOP_JWT_SECRET=... DATABASE_URL=... cargo run --release --example seed_national
//! ```
//!
//! The municipalities' tokens are signed here with the server's secret, as
//! the concurrency test does: 357 logins would spend minutes in argon2 and
//! measure nothing. Their accounts are written into `DATABASE_URL` directly.
//! Everything else goes through the public API, so the data is exactly what
//! real use would store. Only for a local server.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::future::join_all;
use samkjop::auth::token::API_AUDIENCE;
use samkjop::auth::{Claims, Keys};
use samkjop::db::users::User;
use samkjop::domain::Role;
use samkjop::reference::reference;
use serde_json::{json, Value};

const SUPPLIERS: usize = 20_000;
/// Requests in flight at once: enough to keep a 2-core server busy.
const PARALLEL: usize = 16;

/// A trade: the lot's CPV, unit, price, yearly quantity per 1 000
/// inhabitants, and the CPV prefixes its suppliers register. The same six
/// as `benches/analysis.rs`.
struct Trade {
    cpv: &'static str,
    title: &'static str,
    unit: &'static str,
    price_ore: i64,
    per_thousand: i64,
    prefixes: &'static [&'static str],
}

const TRADES: [Trade; 6] = [
    Trade {
        cpv: "55524000-9",
        title: "Skolemat",
        unit: "porsjon",
        price_ore: 4_500,
        per_thousand: 9_000,
        prefixes: &["55", "555", "5552", "55524"],
    },
    Trade {
        cpv: "60130000-8",
        title: "Skoleskyss",
        unit: "tur",
        price_ore: 60_000,
        per_thousand: 500,
        prefixes: &["60", "601", "6013"],
    },
    Trade {
        cpv: "90910000-9",
        title: "Renhold",
        unit: "time",
        price_ore: 50_000,
        per_thousand: 500,
        prefixes: &["90", "909", "9091"],
    },
    Trade {
        cpv: "90919200-4",
        title: "Kontorrenhold",
        unit: "time",
        price_ore: 45_000,
        per_thousand: 180,
        prefixes: &["909", "9091", "90919"],
    },
    Trade {
        cpv: "15800000-6",
        title: "Matvarer",
        unit: "kolli",
        price_ore: 30_000,
        per_thousand: 500,
        prefixes: &["15", "158"],
    },
    Trade {
        cpv: "34110000-1",
        title: "Personbiler",
        unit: "leasingmåned",
        price_ore: 500_000,
        per_thousand: 20,
        prefixes: &["34", "341", "3411"],
    },
];

/// SplitMix64, as in the benchmark: the same register on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn log_range(&mut self, low: f64, high: f64) -> i64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (low * (high / low).powf(u)) as i64
    }
}

struct Api {
    base: String,
    client: awc::Client,
}

impl Api {
    async fn call(
        &self,
        method: awc::http::Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Value, String> {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        let sent = match body {
            Some((content_type, bytes)) => {
                req.insert_header(("content-type", content_type))
                    .send_body(bytes)
                    .await
            }
            None => req.send().await,
        };
        let mut res = sent.map_err(|e| format!("{path}: {e}"))?;
        let bytes = res
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !res.status().is_success() {
            return Err(format!("{path}: {} {value}", res.status()));
        }
        Ok(value)
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Result<Value, String> {
        let bytes = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        self.call(
            awc::http::Method::POST,
            path,
            token,
            Some(("application/json", bytes)),
        )
        .await
    }

    async fn put(&self, path: &str, token: &str, body: Value) -> Result<Value, String> {
        let bytes = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        self.call(
            awc::http::Method::PUT,
            path,
            Some(token),
            Some(("application/json", bytes)),
        )
        .await
    }
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn id_of(v: &Value) -> Result<String, String> {
    v["id"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| format!("no id in {v}"))
}

/// Nine digits with a valid MOD11 check digit, the `i`-th of a series.
fn org_number(i: usize) -> String {
    const WEIGHTS: [u64; 8] = [3, 2, 7, 6, 5, 4, 3, 2];
    let mut base = 800_000_000u64 / 10 + i as u64 * 3;
    loop {
        let digits: Vec<u64> = base
            .to_string()
            .bytes()
            .map(|b| u64::from(b - b'0'))
            .collect();
        let sum: u64 = WEIGHTS.iter().zip(&digits).map(|(w, d)| w * d).sum();
        match 11 - sum % 11 {
            10 => base += 1,
            11 => return format!("{base}0"),
            c => return format!("{base}{c}"),
        }
    }
}

/// The register: firms where people are, sized and spread as in the benchmark.
fn register(rng: &mut Rng) -> String {
    let r = reference();
    let counties: Vec<&str> = r.counties.iter().map(|c| c.number.as_str()).collect();
    let cumulative: Vec<i64> = r
        .municipalities
        .iter()
        .scan(0, |sum, m| {
            *sum += m.population;
            Some(*sum)
        })
        .collect();
    let total = cumulative.last().copied().unwrap_or(1);
    let mut csv = String::from(
        "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n",
    );
    for i in 0..SUPPLIERS {
        let pick = rng.below(total as u64) as i64;
        let index = cumulative
            .partition_point(|&c| c <= pick)
            .min(r.municipalities.len() - 1);
        let home = &r.municipalities[index];
        let (employees, low, high) = match rng.below(100) {
            0..60 => (1 + rng.below(9), 3e5, 2.3e7),
            60..85 => (10 + rng.below(40), 1e7, 1.15e8),
            85..97 => (50 + rng.below(200), 5e7, 5.75e8),
            _ => (250 + rng.below(2000), 5.75e8, 2e10),
        };
        let turnover_ore = rng.log_range(low, high).saturating_mul(100);
        let mut area: Vec<String> = Vec::new();
        match rng.below(100) {
            0..50 => {}
            50..83 => area.push(home.county.clone()),
            83..93 => {
                area.push(home.county.clone());
                for _ in 0..=rng.below(2) {
                    area.push(counties[rng.below(counties.len() as u64) as usize].to_string());
                }
            }
            93..98 => area.extend(counties.iter().map(|c| c.to_string())),
            _ => {
                for k in 1..=rng.below(5) as usize {
                    if let Some(m) = r.municipalities.get(index + k) {
                        area.push(m.number.clone());
                    }
                }
            }
        }
        area.sort();
        area.dedup();
        let mut cpv: Vec<&str> = Vec::new();
        for _ in 0..=rng.below(3) {
            let trade = &TRADES[rng.below(TRADES.len() as u64) as usize];
            cpv.push(trade.prefixes[rng.below(trade.prefixes.len() as u64) as usize]);
        }
        cpv.sort();
        cpv.dedup();
        csv.push_str(&format!(
            "{},Leverandør {i} AS,{employees},{turnover_ore},{},{},{}\n",
            org_number(i),
            home.number,
            area.join(";"),
            cpv.join(";")
        ));
    }
    csv
}

/// Chooses the seriousness clauses and the climate weight that publishing
/// requires of a procurement of this size and these trades, whatever they are.
async fn comply(api: &Api, coordinator: &str, id: &str) -> Result<(), String> {
    let path = format!("/api/v1/procurements/{id}/compliance");
    let report = api
        .call(awc::http::Method::GET, &path, Some(coordinator), None)
        .await?;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let missing = strings(&report["missing"]);
    let mut clauses = strings(&report["clauses"]);
    clauses.extend(missing.iter().filter(|c| *c != "climate_weight").cloned());
    let bytes = |v: Value| serde_json::to_vec(&v).map_err(|e| e.to_string());
    api.call(
        awc::http::Method::PUT,
        &format!("/api/v1/procurements/{id}/clauses"),
        Some(coordinator),
        Some(("application/json", bytes(json!({ "clauses": clauses }))?)),
    )
    .await?;
    if missing.iter().any(|c| c == "climate_weight") {
        api.call(
            awc::http::Method::PUT,
            &format!("/api/v1/procurements/{id}/sustainability"),
            Some(coordinator),
            Some((
                "application/json",
                bytes(json!({"climate_weight_percent": 30, "sdgs": [12]}))?,
            )),
        )
        .await?;
    }
    Ok(())
}

fn municipality_token(keys: &Keys, number: &str) -> Result<String, String> {
    let now = chrono::Utc::now().timestamp();
    keys.sign(&Claims {
        sub: format!("seed-{number}"),
        role: Role::Municipality,
        org: None,
        municipality: Some(number.to_string()),
        supplier: None,
        ver: 0,
        aud: API_AUDIENCE.to_string(),
        iat: now,
        exp: now + 3600,
    })
}

/// The accounts the tokens of `municipality_token` are for, written straight
/// into the server's database (`DATABASE_URL`): every call checks that its
/// token's account exists. Their password hash matches no password.
async fn store_municipality_users() -> Result<(), String> {
    let db = samkjop::db::Db::connect(&env("DATABASE_URL")?, 1)?;
    let created_at = samkjop::db::stamp(chrono::Utc::now());
    let users: Vec<User> = reference()
        .municipalities
        .iter()
        .map(|m| User {
            id: format!("seed-{}", m.number),
            email: format!("seed-{}@kommune.example.no", m.number),
            password_hash: "!".to_string(),
            role: Role::Municipality,
            organization_id: None,
            municipality: Some(m.number.clone()),
            supplier_id: None,
            created_at,
        })
        .collect();
    db.write(move |c| {
        users
            .iter()
            .try_for_each(|u| samkjop::db::users::insert(c, u))
    })
    .await
    .map_err(|e| format!("storing the municipality users: {e}"))
}

async fn seed() -> Result<String, String> {
    let api = Api {
        base: std::env::var("SAMKJOP_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into()),
        client: awc::Client::builder()
            .timeout(Duration::from_secs(300))
            .finish(),
    };
    let keys = Keys::new(env("SAMKJOP_JWT_SECRET")?.as_bytes(), 3600);
    store_municipality_users().await?;
    let login = |email: String, password: String| {
        let api = &api;
        async move {
            let t = api
                .post(
                    "/api/v1/auth/token",
                    None,
                    json!({"email": email, "password": password}),
                )
                .await?;
            t["access_token"]
                .as_str()
                .map(String::from)
                .ok_or_else(|| format!("no token in {t}"))
        }
    };
    let admin = login(env("SAMKJOP_ADMIN_EMAIL")?, env("SAMKJOP_ADMIN_PASSWORD")?).await?;
    let office = id_of(
        &api.post(
            "/api/v1/organizations",
            Some(&admin),
            json!({"kind": "procurement_office", "name": "Nasjonalt innkjøp", "org_number": "974760673"}),
        )
        .await?,
    )?;
    let password = "seed-passord-123456".to_string();
    api.post(
        "/api/v1/users",
        Some(&admin),
        json!({"email": "koordinator@nasjonalt.no", "password": password, "role": "coordinator", "organization_id": office}),
    )
    .await?;
    let coordinator = login("koordinator@nasjonalt.no".into(), password).await?;

    eprintln!("importing {SUPPLIERS} suppliers");
    let csv = register(&mut Rng(2024));
    let report = api
        .call(
            awc::http::Method::POST,
            "/api/v1/suppliers/import",
            Some(&admin),
            Some(("text/csv", csv.into_bytes())),
        )
        .await?;
    eprintln!(
        "imported {}, rejected {}",
        report["imported"],
        report["rejected"].as_array().map_or(0, Vec::len)
    );

    let r = reference();
    let numbers: Vec<&str> = r.municipalities.iter().map(|m| m.number.as_str()).collect();
    let today = chrono::Utc::now().date_naive();
    let id = id_of(
        &api.post(
            "/api/v1/procurements",
            Some(&coordinator),
            json!({"title": "Nasjonal samordnet anskaffelse 2027", "description": "Alle landets kommuner: mat, skyss, renhold, biler.",
                   "contract_type": "services", "cpv": "55524000-9", "framework_agreement": true,
                   "contract_start": (today + chrono::Duration::days(200)).to_string(),
                   "duration_months": 24, "option_months": 24,
                   "participation_deadline": (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339(),
                   "invited": numbers}),
        )
        .await?,
    )?;
    eprintln!("procurement {id}: adding 100 lots");
    // (lot id, trade, county or None for national)
    let mut lots: Vec<(String, usize, Option<String>)> = Vec::new();
    for i in 0..10 {
        let trade = &TRADES[i % TRADES.len()];
        let lot = api
            .post(
                &format!("/api/v1/procurements/{id}/lots"),
                Some(&coordinator),
                json!({"title": format!("{} – hele landet {}", trade.title, i + 1), "cpv": trade.cpv,
                       "unit": trade.unit, "unit_price_ore": trade.price_ore}),
            )
            .await?;
        lots.push((id_of(&lot)?, i % TRADES.len(), None));
    }
    for county in &r.counties {
        let area: Vec<&str> = r
            .municipalities_in_county(&county.number)
            .map(|m| m.number.as_str())
            .collect();
        for (t, trade) in TRADES.iter().enumerate() {
            let lot = api
                .post(
                    &format!("/api/v1/procurements/{id}/lots"),
                    Some(&coordinator),
                    json!({"title": format!("{} – {}", trade.title, county.name), "cpv": trade.cpv,
                           "unit": trade.unit, "unit_price_ore": trade.price_ore, "area": area}),
                )
                .await?;
            lots.push((id_of(&lot)?, t, Some(county.number.clone())));
        }
    }
    api.post(
        &format!("/api/v1/procurements/{id}/open"),
        Some(&coordinator),
        json!({}),
    )
    .await?;

    eprintln!("357 municipalities join");
    let mut mandates: Vec<(&str, String)> = Vec::new();
    let populations: HashMap<&str, i64> = r
        .municipalities
        .iter()
        .map(|m| (m.number.as_str(), m.population))
        .collect();
    for chunk in numbers.chunks(PARALLEL) {
        let answers = join_all(chunk.iter().map(|&number| {
            let (api, keys, id, lots, populations) = (&api, &keys, &id, &lots, &populations);
            async move {
                let token = municipality_token(keys, number)?;
                let mandate = id_of(
                    &api.post(
                        &format!("/api/v1/municipalities/{number}/mandates"),
                        Some(&token),
                        json!({"reference": "PS 1/2026", "decided_by": "Kommunestyret",
                               "decided_on": today.to_string(), "valid_from": today.to_string(),
                               "valid_until": (today + chrono::Duration::days(365)).to_string(),
                               "cpv_scope": [], "max_value_ore": 1_000_000_000_000_000_i64}),
                    )
                    .await?,
                )?;
                let population = populations.get(number).copied().unwrap_or(0);
                let volumes: Vec<Value> = lots
                    .iter()
                    .filter(|(_, _, county)| county.as_deref().is_none_or(|c| number.starts_with(c)))
                    .map(|(lot, t, _)| {
                        let annual = (population * TRADES[*t].per_thousand / 1000).max(1);
                        json!({"lot_id": lot, "annual_quantity": annual, "max_annual_quantity": annual + annual / 5})
                    })
                    .collect();
                api.put(
                    &format!("/api/v1/procurements/{id}/participation/{number}"),
                    &token,
                    json!({"decision": "join", "mandate_id": mandate, "volumes": volumes}),
                )
                .await?;
                Ok::<_, String>((number, mandate))
            }
        }))
        .await;
        for a in answers {
            mandates.push(a?);
        }
    }
    api.post(
        &format!("/api/v1/procurements/{id}/close"),
        Some(&coordinator),
        json!({}),
    )
    .await?;
    comply(&api, &coordinator, &id).await?;
    api.post(
        &format!("/api/v1/procurements/{id}/publish"),
        Some(&coordinator),
        json!({}),
    )
    .await?;
    // The whole analysis call as a coordinator waits for it: loading and
    // converting the register, the summary, and the analysis itself.
    let mut times = Vec::new();
    let mut flagged = 0;
    for _ in 0..5 {
        let started = std::time::Instant::now();
        let analysis = api
            .call(
                awc::http::Method::GET,
                &format!("/api/v1/procurements/{id}/analysis"),
                Some(&coordinator),
                None,
            )
            .await?;
        times.push(started.elapsed().as_millis());
        flagged = analysis["lots"].as_array().map_or(0, |lots| {
            lots.iter()
                .filter(|l| l["flags"].as_array().is_some_and(|f| !f.is_empty()))
                .count()
        });
    }
    times.sort();
    eprintln!(
        "analysis over HTTP: {flagged} of 100 lots flagged; fastest {} ms, median {} ms of 5",
        times[0], times[2]
    );
    if let Ok(file) = std::env::var("SEED_WRITES_FILE") {
        write_scenario(&api, &keys, &coordinator, &mandates, &file).await?;
    }
    if let Ok(file) = std::env::var("SEED_ENV_FILE") {
        std::fs::write(
            &file,
            format!("PUBLISHED_ID={id}\nCOORDINATOR_TOKEN={coordinator}\n"),
        )
        .map_err(|e| format!("{file}: {e}"))?;
    }
    Ok(id)
}

/// For the write benchmark: more procurements (`SEED_OPEN_PROCUREMENTS`, 1
/// unless set), open, every municipality invited with its mandate recorded;
/// writes one line per municipality and procurement,
/// `path<TAB>token<TAB>body`, for the load script to replay as decisions.
/// The lines go municipality by municipality across the procurements, so
/// that requests in flight together mostly lock different procurements, as
/// 357 municipalities answering 50 procurements at once would.
async fn write_scenario(
    api: &Api,
    keys: &Keys,
    coordinator: &str,
    mandates: &[(&str, String)],
    file: &str,
) -> Result<(), String> {
    let count: usize = std::env::var("SEED_OPEN_PROCUREMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let numbers: Vec<&str> = mandates.iter().map(|(n, _)| *n).collect();
    let today = chrono::Utc::now().date_naive();
    let mut open = Vec::with_capacity(count);
    for n in 0..count {
        let id = id_of(
            &api.post(
                "/api/v1/procurements",
                Some(coordinator),
                json!({"title": format!("Skrivetest {}: skolemat", n + 1), "contract_type": "services", "cpv": "55524000-9",
                       "framework_agreement": true, "contract_start": (today + chrono::Duration::days(200)).to_string(),
                       "duration_months": 24, "option_months": 24,
                       "participation_deadline": (chrono::Utc::now() + chrono::Duration::hours(6)).to_rfc3339(),
                       "invited": numbers}),
            )
            .await?,
        )?;
        let lot = id_of(
            &api.post(
                &format!("/api/v1/procurements/{id}/lots"),
                Some(coordinator),
                json!({"title": "Skolemåltid", "cpv": "55524000-9", "unit": "porsjon", "unit_price_ore": 4500}),
            )
            .await?,
        )?;
        api.post(
            &format!("/api/v1/procurements/{id}/open"),
            Some(coordinator),
            json!({}),
        )
        .await?;
        open.push((id, lot));
    }
    let mut lines = String::new();
    for (i, (number, mandate)) in mandates.iter().enumerate() {
        let token = municipality_token(keys, number)?;
        for (id, lot) in &open {
            let body = json!({"decision": "join", "mandate_id": mandate,
                              "volumes": [{"lot_id": lot, "annual_quantity": 1000 + i, "max_annual_quantity": 1200 + i}]});
            lines.push_str(&format!(
                "/api/v1/procurements/{id}/participation/{number}\t{token}\t{body}\n"
            ));
        }
    }
    std::fs::write(file, lines).map_err(|e| format!("{file}: {e}"))
}

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    match seed().await {
        Ok(id) => {
            println!("{id}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seed_national: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
