//! A procurement set up the way most tests need one: an office with its
//! coordinator, municipality users with a mandate each, a draft with lots,
//! opened or not. One builder instead of a helper with seven arguments in
//! every test file.
//!
//! ```ignore
//! let s = app
//!     .scenario()
//!     .municipalities(&["4601", "4631"])
//!     .lot(lot("Renhold Bergen").area(&["4601"]))
//!     .opened()
//!     .await;
//! s.join(&app, "4601", json!([{"lot_id": s.lot(0), "annual_quantity": 100}])).await;
//! ```

use std::collections::BTreeMap;

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Reply, TestApp};
use crate::procurements::{days_from_today, in_future, mandate, municipality_user, office, Office};

/// A lot to add: school meals at NOK 45.00 a portion for every invited
/// municipality unless told otherwise.
pub struct LotSpec {
    body: Value,
}

pub fn lot(title: &str) -> LotSpec {
    LotSpec {
        body: json!({"title": title, "cpv": "55524000-9", "unit": "porsjon", "unit_price_ore": 4500}),
    }
}

impl LotSpec {
    pub fn cpv(mut self, cpv: &str) -> LotSpec {
        self.body["cpv"] = json!(cpv);
        self
    }

    pub fn unit(mut self, unit: &str) -> LotSpec {
        self.body["unit"] = json!(unit);
        self
    }

    pub fn price(mut self, ore: i64) -> LotSpec {
        self.body["unit_price_ore"] = json!(ore);
        self
    }

    pub fn area(mut self, area: &[&str]) -> LotSpec {
        self.body["area"] = json!(area);
        self
    }
}

pub struct ScenarioBuilder<'a> {
    app: &'a TestApp,
    proposal: Value,
    invited: Option<Vec<String>>,
    lots: Vec<LotSpec>,
    with_mandate: Vec<String>,
    users: Vec<String>,
    mandate_max_ore: i64,
    contacts: Vec<(String, String)>,
}

/// What a scenario made: tokens and ids.
pub struct Scenario {
    pub admin: String,
    pub coordinator: String,
    pub id: String,
    /// Lot ids in the order they were added.
    pub lots: Vec<String>,
    /// Municipality number to the token of its user.
    pub users: BTreeMap<String, String>,
    /// Municipality number to the id of its mandate.
    pub mandates: BTreeMap<String, String>,
}

impl TestApp {
    /// Starts a scenario: the school-meals draft of `procurements.rs`
    /// (services, 24 + 24 months from 200 days ahead, deadline in an hour).
    pub fn scenario(&self) -> ScenarioBuilder<'_> {
        ScenarioBuilder {
            app: self,
            proposal: json!({"title": "Skolemat i Nordhordland", "description": "Skolemåltid for grunnskolen",
                   "contract_type": "services", "cpv": "55524000-9", "framework_agreement": true,
                   "contract_start": days_from_today(200), "duration_months": 24, "option_months": 24,
                   "participation_deadline": in_future(3600), "quorum": null}),
            invited: None,
            lots: Vec::new(),
            with_mandate: Vec::new(),
            users: Vec::new(),
            mandate_max_ore: 10_000_000_000,
            contacts: Vec::new(),
        }
    }
}

impl ScenarioBuilder<'_> {
    /// Municipalities that get a user and a mandate (valid for a year);
    /// they are invited unless `invited` says otherwise.
    pub fn municipalities(mut self, numbers: &[&str]) -> Self {
        self.with_mandate
            .extend(numbers.iter().map(|n| n.to_string()));
        self
    }

    /// Municipalities that get a user but no mandate.
    pub fn users(mut self, numbers: &[&str]) -> Self {
        self.users.extend(numbers.iter().map(|n| n.to_string()));
        self
    }

    /// Who is invited, when not every municipality with a user.
    pub fn invited(mut self, numbers: &[&str]) -> Self {
        self.invited = Some(numbers.iter().map(|n| n.to_string()).collect());
        self
    }

    /// Sets fields of the proposal (title, quorum, contract_start, …); a
    /// null leaves the field out.
    pub fn with(mut self, fields: Value) -> Self {
        if let (Some(target), Some(fields)) = (self.proposal.as_object_mut(), fields.as_object()) {
            for (k, v) in fields {
                if v.is_null() {
                    target.remove(k);
                } else {
                    target.insert(k.clone(), v.clone());
                }
            }
        }
        self
    }

    pub fn title(self, title: &str) -> Self {
        self.with(json!({ "title": title }))
    }

    pub fn deadline(self, rfc3339: &str) -> Self {
        self.with(json!({ "participation_deadline": rfc3339 }))
    }

    pub fn quorum(mut self, quorum: Value) -> Self {
        self.proposal["quorum"] = quorum;
        self
    }

    pub fn lot(mut self, lot: LotSpec) -> Self {
        self.lots.push(lot);
        self
    }

    /// The largest value of each mandate (default NOK 100 million).
    pub fn mandate_max(mut self, ore: i64) -> Self {
        self.mandate_max_ore = ore;
        self
    }

    /// The municipality sets its contact address, so that it gets mail.
    pub fn contact(mut self, number: &str, email: &str) -> Self {
        self.contacts.push((number.to_string(), email.to_string()));
        self
    }

    /// The draft with its lots, not yet opened.
    pub async fn draft(self) -> Scenario {
        let app = self.app;
        let Office { admin, coordinator } = office(app).await;
        let mut users = BTreeMap::new();
        let mut mandates = BTreeMap::new();
        for number in self.with_mandate.iter().chain(&self.users) {
            users.insert(number.clone(), municipality_user(app, &admin, number).await);
        }
        for number in &self.with_mandate {
            let m = mandate(
                app,
                &users[number],
                number,
                json!([]),
                self.mandate_max_ore,
                &days_from_today(365),
            )
            .await;
            mandates.insert(number.clone(), m);
        }
        for (number, email) in &self.contacts {
            let token = users
                .get(number)
                .unwrap_or_else(|| panic!("{number} needs a user to set its contact address"));
            let r = app
                .patch(
                    &format!("/api/v1/municipalities/{number}"),
                    Some(token),
                    json!({ "contact_email": email }),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let mut proposal = self.proposal;
        proposal["invited"] = json!(self.invited.unwrap_or_else(|| self
            .with_mandate
            .iter()
            .chain(&self.users)
            .cloned()
            .collect()));
        let r = app
            .post("/api/v1/procurements", Some(&coordinator), proposal)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_str().expect("id").to_string();
        let mut lots = Vec::new();
        for spec in self.lots {
            let r = app
                .post(
                    &format!("/api/v1/procurements/{id}/lots"),
                    Some(&coordinator),
                    spec.body,
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            lots.push(r.body["id"].as_str().expect("id").to_string());
        }
        Scenario {
            admin,
            coordinator,
            id,
            lots,
            users,
            mandates,
        }
    }

    /// The draft, opened: invitations are in the outbox.
    pub async fn opened(self) -> Scenario {
        let app = self.app;
        let s = self.draft().await;
        s.open(app).await;
        s
    }
}

impl Scenario {
    pub fn lot(&self, n: usize) -> &str {
        &self.lots[n]
    }

    pub fn user(&self, number: &str) -> &str {
        self.users
            .get(number)
            .unwrap_or_else(|| panic!("no user for {number} in the scenario"))
    }

    pub fn mandate(&self, number: &str) -> &str {
        self.mandates
            .get(number)
            .unwrap_or_else(|| panic!("no mandate for {number} in the scenario"))
    }

    pub async fn open(&self, app: &TestApp) {
        crate::procurements::open(app, &self.coordinator, &self.id).await;
    }

    /// `number` joins under its mandate with `volumes`; the answer as given.
    pub async fn join(&self, app: &TestApp, number: &str, volumes: Value) -> Reply {
        crate::procurements::join(
            app,
            self.user(number),
            &self.id,
            number,
            self.mandate(number),
            volumes,
        )
        .await
    }

    pub async fn decline(&self, app: &TestApp, number: &str) -> Reply {
        crate::procurements::decline(app, self.user(number), &self.id, number).await
    }

    /// The coordinator takes a step (`close`, `publish`, `cancel`, …).
    pub async fn step(&self, app: &TestApp, action: &str) -> Reply {
        app.post(
            &format!("/api/v1/procurements/{}/{action}", self.id),
            Some(&self.coordinator),
            json!({}),
        )
        .await
    }
}
