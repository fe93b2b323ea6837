//! `samkjop demo`: a realistic Vestland scenario in an empty database, so a
//! newcomer sees the product at work. Everything goes through the same
//! checks and flows as the API (accounts and mandates through the domain's
//! validation, the supplier register through the CSV import, procurements
//! through `flows::lifecycle` and `flows::participation`), so the data is as
//! valid, and the audit chains as intact, as if people had clicked.
//!
//! The scenario: a procurement office with one coordinator; twelve
//! municipalities around Bergen with a user, a contact address and a
//! mandate each; school meals (closed, a lot split for Bergen, published:
//! the public view and the OCDS export work) and vehicles for home care
//! (open: joined, declined and still pending); about 360 invented
//! suppliers whose sizes follow SSB's distribution for their trade.
//!
//! It runs only on an empty database (it adds an admin with a published
//! password), and never in production.

use chrono::{Datelike, Duration, NaiveDate, Utc};

use samkjop::auth::password;
use samkjop::config::{Config, Environment};
use samkjop::db::mandates::{self, Mandate};
use samkjop::db::organizations::{self, Organization};
use samkjop::db::users::{self, User};
use samkjop::db::{municipalities, new_id, now, AnyConnection, Db};
use samkjop::domain::access::Who;
use samkjop::domain::mandate::validate_mandate_terms;
use samkjop::domain::procurement::{check_lot, check_proposal, ProposalInput};
use samkjop::domain::summary::{Channel, Quorum, VolumeInput};
use samkjop::domain::supplier::parse_name;
use samkjop::domain::{
    CpvPrefix, EmailAddress, Ore, OrgNumber, OrganizationKind, ParticipantNumber, Role,
};
use samkjop::error::{AppError, AppResult};
use samkjop::flows::invitations::Links;
use samkjop::flows::lifecycle::{self, Leader};
use samkjop::flows::participation::{decide, Choice, DecisionRequest};
use samkjop::reference::reference;
use samkjop::startup::migrate_and_seed;

pub const OFFICE_NAME: &str = "Vestland innkjøpssamarbeid (demo)";
/// Invented; a valid check digit only.
pub const OFFICE_ORG_NUMBER: &str = "998800005";
pub const ADMIN_EMAIL: &str = "drift@samkjop.example";
pub const ADMIN_PASSWORD: &str = "Demo-drift-2026";
pub const COORDINATOR_EMAIL: &str = "koordinator@vestlandinnkjop.example";
pub const COORDINATOR_PASSWORD: &str = "Demo-koordinator-2026";
pub const MUNICIPALITY_PASSWORD: &str = "Demo-kommune-2026";

/// The twelve municipalities, with the ASCII name in their (reserved,
/// undeliverable `.example`) addresses: demo mail must never reach a real
/// municipality, even with an SMTP server configured.
pub const MUNICIPALITIES: [(&str, &str); 12] = [
    ("4601", "bergen"),
    ("4623", "samnanger"),
    ("4624", "bjornafjorden"),
    ("4625", "austevoll"),
    ("4626", "oygarden"),
    ("4627", "askoy"),
    ("4628", "vaksdal"),
    ("4630", "osteroy"),
    ("4631", "alver"),
    ("4632", "austrheim"),
    ("4633", "fedje"),
    ("4634", "masfjorden"),
];

pub fn municipality_email(number: &str) -> String {
    let slug = MUNICIPALITIES
        .iter()
        .find(|(n, _)| *n == number)
        .map_or(number, |(_, s)| s);
    format!("innkjop@{slug}.kommune.example")
}

/// What was made, for the message that tells the newcomer where to look.
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub school_meals_id: String,
    pub vehicles_id: String,
    pub suppliers: usize,
    pub municipalities: usize,
    /// Whether the vote links in the invitations are signed with a secret
    /// that `serve` will use too (configured, or kept in the data folder).
    pub links_outlive_process: bool,
}

/// Fills the database of `config` with the scenario.
pub async fn run(config: &Config) -> Result<DemoReport, String> {
    if config.environment == Environment::Production {
        return Err(
            "the demo writes invented accounts with published passwords; it does not run with SAMKJOP_ENV=production".into(),
        );
    }
    // No first admin from SAMKJOP_ADMIN_EMAIL: the demo makes its own, and
    // an admin of the operator's would make the database not empty.
    let db = migrate_and_seed(config).await?;
    let (already, held) = db
        .read(|c| {
            let demo = users::find_by_email(c, COORDINATOR_EMAIL)?.is_some();
            Ok::<_, samkjop::db::DbError>((demo, samkjop::db::first_kind_held(c)?))
        })
        .await
        .map_err(|e| e.to_string())?;
    const START_AGAIN: &str =
        "remove the database (by default data/samkjop.sqlite and its -wal and -shm files) \
         or point DATABASE_URL at an empty one";
    if already {
        return Err(format!(
            "this database already holds the demo (the account {COORDINATOR_EMAIL} exists); \
             to start again, {START_AGAIN}"
        ));
    }
    // The demo adds an admin whose password is printed and published: never
    // beside real accounts and data.
    if let Some(kind) = held {
        return Err(format!(
            "the demo runs only on an empty database, and {} already holds {kind}; \
             the demo would add an admin with a published password to it. \
             To try the demo, {START_AGAIN}",
            samkjop::config::redact_url(&config.database_url)
        ));
    }
    let hashes = hash_passwords().await?;
    let accounts = db
        .write(move |c| create_accounts(c, &hashes))
        .await
        .map_err(|e| e.detail)?;
    let suppliers = import_register(&db, config).await?;
    let links = Links {
        keys: config.signing_keys(),
        public_url: config.public_url.clone(),
    };
    let school_meals_id = school_meals(&db, config, &accounts, &links).await?;
    let vehicles_id = vehicles(&db, config, &accounts, &links).await?;
    Ok(DemoReport {
        school_meals_id,
        vehicles_id,
        suppliers,
        municipalities: MUNICIPALITIES.len(),
        links_outlive_process: config.jwt_secret.is_some(),
    })
}

struct Hashes {
    admin: String,
    coordinator: String,
    municipalities: Vec<String>,
}

/// Argon2 is slow on purpose: off the async runtime, before the transaction.
async fn hash_passwords() -> Result<Hashes, String> {
    let hash = |p: &'static str, email: &str| {
        password::check_strength("password", p, &[email]).map_err(|e| e.detail)?;
        password::hash(p)
    };
    actix_web::web::block(move || {
        Ok(Hashes {
            admin: hash(ADMIN_PASSWORD, ADMIN_EMAIL)?,
            coordinator: hash(COORDINATOR_PASSWORD, COORDINATOR_EMAIL)?,
            municipalities: MUNICIPALITIES
                .iter()
                .map(|(number, _)| hash(MUNICIPALITY_PASSWORD, &municipality_email(number)))
                .collect::<Result<_, String>>()?,
        })
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The ids the later steps act with.
struct Accounts {
    office_id: String,
    coordinator_id: String,
    municipalities: Vec<MunicipalityAccount>,
}

struct MunicipalityAccount {
    number: String,
    user_id: String,
    /// The mandates each procurement is joined under (the same one where
    /// the council delegated once for all joint purchases).
    meals_mandate: String,
    vehicles_mandate: String,
}

/// The coordinator as the flows see a caller: moved into each transaction.
#[derive(Clone)]
struct Coordinator {
    office_id: String,
    actor: String,
}

impl Coordinator {
    fn who(&self) -> Who<'_> {
        Who {
            role: Role::Coordinator,
            organization: Some(&self.office_id),
            municipality: None,
        }
    }
}

impl Accounts {
    fn coordinator(&self) -> Coordinator {
        Coordinator {
            office_id: self.office_id.clone(),
            actor: format!("{}:{}", Role::Coordinator, self.coordinator_id),
        }
    }

    fn of(&self, number: &str) -> AppResult<&MunicipalityAccount> {
        self.municipalities
            .iter()
            .find(|m| m.number == number)
            .ok_or_else(|| AppError::internal(format!("{number} is not a demo municipality")))
    }
}

fn user(
    email: &str,
    hash: &str,
    role: Role,
    organization: Option<&str>,
    municipality: Option<&str>,
) -> AppResult<User> {
    let email = EmailAddress::parse(email).map_err(AppError::from)?;
    Ok(User {
        id: new_id(),
        email: email.into_string(),
        password_hash: hash.to_string(),
        role,
        organization_id: organization.map(String::from),
        municipality: municipality.map(String::from),
        supplier_id: None,
        created_at: now(),
    })
}

fn today() -> NaiveDate {
    samkjop::domain::calendar::oslo_date(Utc::now())
}

/// A council decision, checked as `POST /municipalities/{n}/mandates` checks it.
fn mandate(
    number: &str,
    reference: &str,
    decided_by: &str,
    scope: &[&str],
    ceiling_nok: i64,
    actor: &str,
) -> AppResult<Mandate> {
    let reference = parse_name(reference).map_err(AppError::from)?;
    let decided_by = parse_name(decided_by).map_err(AppError::from)?;
    let max_value =
        Ore::from_nok(ceiling_nok).ok_or_else(|| AppError::internal("a demo ceiling overflows"))?;
    let valid_from = today() - Duration::days(60);
    let valid_until = today() + Duration::days(730);
    validate_mandate_terms(&reference, valid_from, valid_until, max_value)
        .map_err(AppError::from)?;
    let scope = scope
        .iter()
        .map(|p| CpvPrefix::parse(p).map(|p| p.as_str().to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::from)?;
    Ok(Mandate {
        id: new_id(),
        municipality: number.to_string(),
        reference,
        decided_by,
        decided_on: today() - Duration::days(75),
        valid_from,
        valid_until,
        cpv_scope: scope,
        max_value_ore: max_value.get(),
        created_by: actor.to_string(),
        created_at: now(),
        revoked_at: None,
        revoked_by: None,
    })
}

/// NOK ceilings: what a council might delegate for such a purchase.
fn ceilings(number: &str) -> (i64, i64) {
    match number {
        "4601" => (130_000_000, 150_000_000),
        "4626" | "4627" | "4631" | "4624" => (30_000_000, 30_000_000),
        _ => (10_000_000, 10_000_000),
    }
}

fn create_accounts(conn: &mut AnyConnection, hashes: &Hashes) -> AppResult<Accounts> {
    let office = Organization {
        id: new_id(),
        kind: OrganizationKind::ProcurementOffice,
        name: parse_name(OFFICE_NAME).map_err(AppError::from)?,
        org_number: OrgNumber::parse(OFFICE_ORG_NUMBER)
            .map_err(AppError::from)?
            .to_string(),
        created_at: now(),
    };
    organizations::insert(conn, &office)?;
    let admin = user(ADMIN_EMAIL, &hashes.admin, Role::Admin, None, None)?;
    users::insert(conn, &admin)?;
    let coordinator = user(
        COORDINATOR_EMAIL,
        &hashes.coordinator,
        Role::Coordinator,
        Some(&office.id),
        None,
    )?;
    users::insert(conn, &coordinator)?;

    // Council decisions of this year, whenever the demo runs.
    let year = today().year();
    let mut made = Vec::new();
    for ((number, slug), hash) in MUNICIPALITIES.iter().zip(&hashes.municipalities) {
        let number = ParticipantNumber::parse(number).map_err(AppError::from)?;
        let n = number.as_str();
        let u = user(
            &municipality_email(n),
            hash,
            Role::Municipality,
            None,
            Some(n),
        )?;
        users::insert(conn, &u)?;
        let contact = EmailAddress::parse(&format!("postmottak@{slug}.kommune.example"))
            .map_err(AppError::from)?;
        municipalities::set_contact_email(conn, n, Some(contact.as_str()))?;
        let actor = format!("{}:{}", Role::Municipality, u.id);
        let council = if n == "4601" {
            "Bergen bystyre".to_string()
        } else {
            format!("{} kommunestyre", number.name())
        };
        let (meals_ceiling, vehicles_ceiling) = ceilings(n);
        // Bergen delegates per trade; the others once for joint purchases.
        let (meals, vehicles) = if n == "4601" {
            let meals = mandate(
                n,
                &format!("PS 112/{year}"),
                &council,
                &["555", "0322", "1551"],
                meals_ceiling,
                &actor,
            )?;
            let vehicles = mandate(
                n,
                &format!("PS 131/{year}"),
                &council,
                &["341", "501", "601"],
                vehicles_ceiling,
                &actor,
            )?;
            mandates::insert(conn, &meals)?;
            mandates::insert(conn, &vehicles)?;
            (meals.id, vehicles.id)
        } else {
            let reference = format!("PS {}/{year}", 20 + made.len() * 7);
            let general = mandate(n, &reference, &council, &[], meals_ceiling, &actor)?;
            mandates::insert(conn, &general)?;
            (general.id.clone(), general.id)
        };
        made.push(MunicipalityAccount {
            number: n.to_string(),
            user_id: u.id,
            meals_mandate: meals,
            vehicles_mandate: vehicles,
        });
    }
    Ok(Accounts {
        office_id: office.id,
        coordinator_id: coordinator.id,
        municipalities: made,
    })
}

// ---- the supplier register ----

const SSB_SIZES: &str =
    include_str!("../../data/reference/ssb_virksomheter_etter_storrelse_og_naering_2023.csv");
/// The employee bands of the SSB table, from 1 employee (firms with none
/// rarely bid for public contracts, so the demo leaves them out).
const BANDS: [(i64, i64); 7] = [
    (1, 4),
    (5, 9),
    (10, 19),
    (20, 49),
    (50, 99),
    (100, 249),
    (250, 600),
];

/// A trade of the register: SSB's section, how many firms, their CPV
/// prefixes, what they are called, and the yearly turnover per employee
/// (NOK; the demo's assumption, SSB publishes none).
struct Trade {
    section: &'static str,
    firms: usize,
    cpv: &'static [&'static str],
    words: &'static [&'static str],
    turnover_per_employee_nok: i64,
    /// Distributors deliver county-wide from a few employees on; local
    /// service firms only when larger.
    county_wide_from_employees: i64,
}

const TRADES: [Trade; 5] = [
    Trade {
        section: "Overnattings- og serveringsvirksomhet",
        firms: 150,
        cpv: &["5552", "555"],
        words: &[
            "Skolemat",
            "Catering",
            "Storkjøkken",
            "Matservering",
            "Kantine",
        ],
        turnover_per_employee_nok: 900_000,
        county_wide_from_employees: 20,
    },
    Trade {
        section: "Varehandel, reparasjon av motorvogner",
        firms: 40,
        cpv: &["341"],
        words: &["Bil", "Bilsenter", "Elbil", "Auto"],
        turnover_per_employee_nok: 4_000_000,
        county_wide_from_employees: 5,
    },
    Trade {
        section: "Varehandel, reparasjon av motorvogner",
        firms: 60,
        cpv: &["5011"],
        words: &["Bilverksted", "Dekk og Service", "Bilservice"],
        turnover_per_employee_nok: 1_800_000,
        county_wide_from_employees: 20,
    },
    Trade {
        section: "Transport og lagring",
        firms: 80,
        cpv: &["6013", "601"],
        words: &["Taxi", "Transport", "Turbuss", "Pasientreiser"],
        turnover_per_employee_nok: 1_300_000,
        county_wide_from_employees: 10,
    },
    Trade {
        section: "Varehandel, reparasjon av motorvogner",
        firms: 30,
        cpv: &["0322", "1551"],
        words: &["Frukt og Grønt", "Meieri", "Grossist"],
        turnover_per_employee_nok: 6_000_000,
        county_wide_from_employees: 5,
    },
];

/// SplitMix64: small, and the same sequence on every machine and version,
/// so the demo (and the test that checks what its analysis flags) is
/// reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = u64::try_from(high - low + 1).unwrap_or(1).max(1);
        low + i64::try_from(self.next() % span).unwrap_or(0)
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[i64]) -> usize {
        let total: i64 = weights.iter().sum();
        let mut pick = self.between(0, total.max(1) - 1);
        for (i, w) in weights.iter().enumerate() {
            if pick < *w {
                return i;
            }
            pick -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// The employees-per-band counts of one SSB section.
fn band_weights(section: &str) -> Result<Vec<i64>, String> {
    let mut reader = csv::Reader::from_reader(SSB_SIZES.as_bytes());
    for row in reader.records() {
        let row = row.map_err(|e| format!("the SSB table: {e}"))?;
        if row.get(0) == Some(section) {
            // Columns 3..=9: 1-4, 5-9, 10-19, 20-49, 50-99, 100-249, 250+.
            return (3..=9)
                .map(|i| {
                    row.get(i)
                        .and_then(|v| v.parse::<i64>().ok())
                        .ok_or_else(|| {
                            format!("the SSB table: no count in column {i} of '{section}'")
                        })
                })
                .collect();
        }
    }
    Err(format!("the SSB table has no section '{section}'"))
}

/// The nine digits with a valid MOD11 check digit, counting up from `from`.
fn next_org_number(from: &mut u32) -> String {
    loop {
        let base = format!("{:08}", *from);
        *from += 1;
        if let Some(number) = samkjop::domain::OrgNumber::completing(&base) {
            return number.as_str().to_string();
        }
    }
}

/// The register as the CSV that `POST /suppliers/import` takes.
pub fn supplier_register_csv() -> Result<String, String> {
    let mut rng = Rng(0x5a3c_2026);
    let vestland: Vec<(String, i64, String)> = reference()
        .municipalities_in_county("46")
        .map(|m| (m.number.clone(), m.population, m.name.clone()))
        .collect();
    let populations: Vec<i64> = vestland.iter().map(|m| m.1).collect();
    let mut org = 99_880_100u32;
    let mut out = String::from(
        "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n",
    );
    for trade in &TRADES {
        let weights = band_weights(trade.section)?;
        for _ in 0..trade.firms {
            let (low, high) = BANDS[rng.weighted(&weights)];
            let employees = rng.between(low, high);
            // 50 % to 150 % of the trade's typical turnover per employee.
            let percent = rng.between(50, 150);
            let turnover_ore = trade.turnover_per_employee_nok * 100 * employees * percent / 100;
            let (home, _, place) = &vestland[rng.weighted(&populations)];
            // Below its trade's size a firm delivers at home; above, half
            // of them county-wide (all from 50 employees).
            let wide = employees >= trade.county_wide_from_employees && rng.between(0, 1) == 1;
            let area = if employees >= 50 || wide {
                "46".to_string()
            } else {
                home.clone()
            };
            let word = trade.words[rng.between(0, trade.words.len() as i64 - 1) as usize];
            let place = place.split(" - ").next().unwrap_or(place);
            out.push_str(&format!(
                "{},{place} {word} AS (demo),{employees},{turnover_ore},{home},{area},{}\n",
                next_org_number(&mut org),
                trade.cpv.join(";"),
            ));
        }
    }
    Ok(out)
}

async fn import_register(db: &Db, config: &Config) -> Result<usize, String> {
    let csv = supplier_register_csv()?;
    let parsed = samkjop::import::parse(csv.as_bytes()).map_err(|e| e.detail)?;
    if let Some(r) = parsed.rejected.first() {
        return Err(format!(
            "the demo register has a bad line {}: {}",
            r.line, r.message
        ));
    }
    let rate = config.eur_nok;
    let report = db
        .write(move |c| samkjop::flows::suppliers::import(c, parsed, rate, Utc::now()))
        .await
        .map_err(|e| e.detail)?;
    Ok(report.imported + report.updated)
}

// ---- the procurements ----

struct Plan<'a> {
    title: &'a str,
    description: &'a str,
    contract_type: &'a str,
    cpv: &'a str,
    duration_months: i64,
    option_months: i64,
    deadline_days: i64,
    start_days: i64,
    invited: &'a [&'a str],
    quorum: Option<Quorum>,
}

async fn propose(db: &Db, accounts: &Accounts, plan: &Plan<'_>) -> AppResult<String> {
    let invited: Vec<String> = plan.invited.iter().map(|s| s.to_string()).collect();
    let input = ProposalInput {
        title: plan.title,
        description: plan.description,
        contract_type: plan.contract_type,
        cpv: plan.cpv,
        framework_agreement: true,
        contract_start: today() + Duration::days(plan.start_days),
        duration_months: plan.duration_months,
        option_months: plan.option_months,
        no_fixed_term: false,
        participation_deadline: Utc::now() + Duration::days(plan.deadline_days),
        invited: &invited,
        quorum: plan.quorum,
        ..Default::default()
    };
    let proposal = check_proposal(&input, Utc::now()).map_err(|(_, e)| AppError::from(e))?;
    let leader = Leader {
        organization_id: Some(accounts.office_id.clone()),
        host_municipality: None,
    };
    let actor = accounts.coordinator().actor;
    db.write(move |c| lifecycle::propose(c, &proposal, leader, &actor, Utc::now()))
        .await
}

/// A lot: title, CPV, unit, NOK per unit (with øre), and its area (None: all invited).
type LotPlan<'a> = (&'a str, &'a str, &'a str, i64, Option<&'a [&'a str]>);

async fn add_lots(
    db: &Db,
    accounts: &Accounts,
    id: &str,
    invited: &[&str],
    lots: &[LotPlan<'_>],
) -> AppResult<Vec<String>> {
    let invited: Vec<String> = invited.iter().map(|s| s.to_string()).collect();
    let mut ids = Vec::new();
    for (title, cpv, unit, price_ore, area) in lots {
        let area: Option<Vec<String>> = area.map(|a| a.iter().map(|s| s.to_string()).collect());
        let draft = check_lot(title, cpv, unit, *price_ore, area.as_deref(), &invited)
            .map_err(|(_, e)| AppError::from(e))?;
        let (id, k) = (id.to_string(), accounts.coordinator());
        let lot = db
            .write(move |c| lifecycle::add_lot(c, &id, &draft, k.who(), &k.actor, Utc::now()))
            .await?;
        ids.push(lot.id);
    }
    Ok(ids)
}

async fn open(db: &Db, accounts: &Accounts, id: &str, links: &Links) -> AppResult<()> {
    let (id, k, links) = (id.to_string(), accounts.coordinator(), links.clone());
    db.write(move |c| lifecycle::open(c, &id, k.who(), &k.actor, &links, Utc::now()).map(|_| ()))
        .await
}

/// `(lot, estimate, maximum)` lines of one municipality.
type Lines<'a> = &'a [(usize, i64, Option<i64>)];

/// The municipalities' answers to one procurement.
struct Answers<'a> {
    db: &'a Db,
    accounts: &'a Accounts,
    id: &'a str,
    lots: &'a [String],
    /// Which of a municipality's mandates the answers are decided under.
    vehicles: bool,
}

impl Answers<'_> {
    async fn join(&self, number: &str, lines: Lines<'_>, note: Option<&str>) -> AppResult<()> {
        let account = self.accounts.of(number)?;
        let mandate_id = if self.vehicles {
            &account.vehicles_mandate
        } else {
            &account.meals_mandate
        };
        let volumes = lines
            .iter()
            .map(|(lot, annual, max)| {
                Ok(VolumeInput {
                    lot_id: self
                        .lots
                        .get(*lot)
                        .ok_or_else(|| AppError::internal("a demo line names no lot"))?
                        .clone(),
                    annual_quantity: *annual,
                    max_annual_quantity: *max,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let choice = Choice::Join {
            mandate_id: Some(mandate_id.clone()),
            volumes,
        };
        self.record(number, &account.user_id, choice, note).await
    }

    async fn decline(&self, number: &str, note: &str) -> AppResult<()> {
        let account = self.accounts.of(number)?;
        self.record(number, &account.user_id, Choice::Decline, Some(note))
            .await
    }

    async fn record(
        &self,
        number: &str,
        user_id: &str,
        choice: Choice,
        note: Option<&str>,
    ) -> AppResult<()> {
        let municipality = ParticipantNumber::parse(number).map_err(AppError::from)?;
        let request = DecisionRequest {
            choice,
            note: note.map(String::from),
        };
        let (id, actor) = (
            self.id.to_string(),
            format!("{}:{user_id}", Role::Municipality),
        );
        self.db
            .write(move |c| {
                decide(
                    c,
                    &id,
                    &municipality,
                    request,
                    Channel::Api,
                    &actor,
                    Utc::now(),
                )
                .map(|_| ())
            })
            .await
    }
}

/// The seriousness clauses, the climate weight and the SDGs the coordinator
/// chooses, as `PUT …/compliance/…` records them: publishing checks them.
async fn compliance(
    db: &Db,
    config: &Config,
    accounts: &Accounts,
    id: &str,
    climate_weight_percent: i64,
    sdgs: &'static [i64],
) -> AppResult<()> {
    let clauses: Vec<String> = ["lonns_og_arbeidsvilkar", "sanksjoner", "skatteattest"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    let (pid, k, library) = (
        id.to_string(),
        accounts.coordinator(),
        config.clauses.clone(),
    );
    db.write(move |c| {
        samkjop::flows::compliance::set_clauses(
            c,
            &pid,
            &clauses,
            &library,
            k.who(),
            &k.actor,
            Utc::now(),
        )?;
        samkjop::flows::compliance::set_sustainability(
            c,
            &pid,
            Some(climate_weight_percent),
            sdgs,
            k.who(),
            &k.actor,
            Utc::now(),
        )
        .map(|_| ())
    })
    .await
}

const MEALS_INVITED: [&str; 8] = [
    "4601", "4624", "4626", "4627", "4630", "4631", "4632", "4633",
];

/// School meals: proposed, opened, answered by all eight, closed, the meals
/// lot split so that Bergen has its own, and published.
async fn school_meals(
    db: &Db,
    config: &Config,
    accounts: &Accounts,
    links: &Links,
) -> Result<String, String> {
    let steps = async {
        let plan = Plan {
            title: "Skolemat i Bergensregionen",
            description:
                "Rammeavtale om skolemåltid, frukt og melk til grunnskolene i åtte kommuner, \
                          med oppstart høsten etter tildeling.",
            contract_type: "services",
            cpv: "55524000-9",
            duration_months: 24,
            option_months: 24,
            deadline_days: 14,
            start_days: 240,
            invited: &MEALS_INVITED,
            quorum: Some(Quorum {
                min_participants: Some(3),
                min_population_share_percent: Some(50),
            }),
        };
        let id = propose(db, accounts, &plan).await?;
        let lots = add_lots(
            db,
            accounts,
            &id,
            &MEALS_INVITED,
            &[
                ("Skolemåltid", "55524000-9", "porsjon", 4500, None),
                ("Frukt og grønt", "03222000-3", "kg", 3890, None),
                (
                    "Melk og drikke",
                    "15511000-3",
                    "liter",
                    1250,
                    Some(&["4601", "4626", "4627"]),
                ),
            ],
        )
        .await?;
        compliance(db, config, accounts, &id, 30, &[2, 3, 12]).await?;
        open(db, accounts, &id, links).await?;
        let joins: [(&str, Lines<'_>, Option<&str>); 6] = [
            (
                "4601",
                &[
                    (0, 400_000, Some(480_000)),
                    (1, 58_000, Some(70_000)),
                    (2, 200_000, None),
                ],
                Some("Vedtatt i bystyret"),
            ),
            ("4624", &[(0, 36_000, Some(43_000)), (1, 5_200, None)], None),
            (
                "4627",
                &[
                    (0, 42_000, None),
                    (1, 6_000, Some(7_000)),
                    (2, 20_000, Some(25_000)),
                ],
                None,
            ),
            (
                "4630",
                &[(0, 11_000, Some(13_000))],
                Some("Kun skolemåltid"),
            ),
            ("4631", &[(0, 42_000, Some(50_000)), (1, 6_000, None)], None),
            ("4633", &[(0, 800, None)], None),
        ];
        let answers = Answers {
            db,
            accounts,
            id: &id,
            lots: &lots,
            vehicles: false,
        };
        for (number, lines, note) in joins {
            answers.join(number, lines, note).await?;
        }
        answers.decline("4626", "Egen avtale til 2028").await?;
        answers
            .decline("4632", "For lite volum til å delta nå")
            .await?;

        let (pid, k) = (id.clone(), accounts.coordinator());
        db.write(move |c| lifecycle::close(c, &pid, Some(k.who()), &k.actor, Utc::now()))
            .await?;
        let meals = lots[0].clone();
        let groups: Vec<Vec<ParticipantNumber>> = [
            &["4601"][..],
            &["4624", "4626", "4627", "4630", "4631", "4632", "4633"][..],
        ]
        .iter()
        .map(|g| g.iter().map(|m| ParticipantNumber::parse(m)).collect())
        .collect::<Result<_, _>>()
        .map_err(AppError::from)?;
        let (pid, k) = (id.clone(), accounts.coordinator());
        db.write(move |c| {
            lifecycle::split(c, &pid, &meals, &groups, k.who(), &k.actor, Utc::now())
        })
        .await?;
        let (pid, k, thresholds, clauses) = (
            id.clone(),
            accounts.coordinator(),
            config.thresholds.clone(),
            config.clauses.clone(),
        );
        let alerts = samkjop::flows::consultation::Alerts::from_config(config);
        db.write(move |c| {
            lifecycle::publish(
                c,
                &pid,
                k.who(),
                &k.actor,
                &thresholds,
                &clauses,
                &alerts,
                Utc::now(),
            )
        })
        .await?;
        Ok::<_, AppError>(id)
    };
    steps
        .await
        .map_err(|e| format!("the school meals procurement: {}", e.detail))
}

/// Vehicles for home care: open, with five joined, one declined and six
/// that have not answered yet.
async fn vehicles(
    db: &Db,
    config: &Config,
    accounts: &Accounts,
    links: &Links,
) -> Result<String, String> {
    let invited: Vec<&str> = MUNICIPALITIES.iter().map(|(n, _)| *n).collect();
    let steps = async {
        let plan = Plan {
            title: "Biler til hjemmetjenesten",
            description:
                "Rammeavtale om elbiler, service og tilrettelagt transport for hjemmetjenesten \
                          i tolv kommuner.",
            contract_type: "goods",
            cpv: "34110000-1",
            duration_months: 48,
            // 66 months in all: contract values are yearly values x 5.5,
            // so the summary rounds (half up) where a yearly value is odd.
            option_months: 18,
            deadline_days: 21,
            start_days: 200,
            invited: &invited,
            quorum: Some(Quorum {
                min_participants: Some(4),
                min_population_share_percent: None,
            }),
        };
        let id = propose(db, accounts, &plan).await?;
        let lots = add_lots(
            db,
            accounts,
            &id,
            &invited,
            &[
                (
                    "Elbiler til hjemmetjenesten",
                    "34110000-1",
                    "bil",
                    42_000_000,
                    None,
                ),
                (
                    "Service og dekkskift",
                    "50112000-3",
                    "bil per år",
                    949_999,
                    None,
                ),
                ("Tilrettelagt transport", "60130000-8", "tur", 65_000, None),
            ],
        )
        .await?;
        compliance(db, config, accounts, &id, 40, &[3, 11, 13]).await?;
        open(db, accounts, &id, links).await?;
        let joins: [(&str, Lines<'_>); 5] = [
            (
                "4601",
                &[
                    (0, 30, Some(36)),
                    (1, 150, Some(180)),
                    (2, 12_000, Some(14_000)),
                ],
            ),
            (
                "4627",
                &[(0, 4, Some(5)), (1, 20, Some(25)), (2, 1_600, Some(2_000))],
            ),
            ("4631", &[(0, 4, None), (1, 22, None), (2, 1_500, None)]),
            ("4624", &[(0, 3, Some(4)), (1, 18, None)]),
            ("4630", &[(0, 1, None), (1, 7, None), (2, 400, Some(500))]),
        ];
        let answers = Answers {
            db,
            accounts,
            id: &id,
            lots: &lots,
            vehicles: true,
        };
        for (number, lines) in joins {
            answers.join(number, lines, None).await?;
        }
        answers
            .decline("4633", "Ingen hjemmetjenestebiler på Fedje")
            .await?;
        Ok::<_, AppError>(id)
    };
    steps
        .await
        .map_err(|e| format!("the vehicles procurement: {}", e.detail))
}

/// What to do next, for the command line.
pub fn next_steps(config: &Config, report: &DemoReport) -> String {
    let base = &config.public_url;
    let meals = &report.school_meals_id;
    let vehicles = &report.vehicles_id;
    let auth = "-H \"Authorization: Bearer $TOKEN\"";
    let mut text = format!(
        "Demo data written to {db}: {n} municipalities in Vestland, {s} suppliers, two joint procurements.

Start the server with the same settings:
  cargo run --release

Then open:
  school meals, published, as suppliers see it
    {base}/procurements/{meals}
  the same as OCDS 1.1.5 open data
    {base}/api/v1/procurements/{meals}/ocds
  the API, browsable (POST /api/v1/auth/token, then Authorize with the token)
    {base}/docs/

Logins (email / password):
  admin          {ADMIN_EMAIL} / {ADMIN_PASSWORD}
  coordinator    {COORDINATOR_EMAIL} / {COORDINATOR_PASSWORD}
  municipality   {bergen} / {MUNICIPALITY_PASSWORD}
                 and likewise innkjop@<name>.kommune.example for samnanger, bjornafjorden,
                 austevoll, oygarden, askoy, vaksdal, osteroy, alver, austrheim, fedje, masfjorden

As the coordinator, in a shell:
  TOKEN=$(curl -s -X POST {base}/api/v1/auth/token -H 'content-type: application/json' \\
    -d '{{\"email\":\"{COORDINATOR_EMAIL}\",\"password\":\"{COORDINATOR_PASSWORD}\"}}' | jq -r .access_token)
  # the lots that shut local SMEs out, and splits that would let them in
  curl -s {base}/api/v1/procurements/{meals}/analysis {auth}
  # vehicles for home care, still open: who joined, declined, has not answered
  curl -s {base}/api/v1/procurements/{vehicles}/summary {auth}
  # the volume table, for Excel
  curl -s -O -J {base}/api/v1/procurements/{meals}/volumes.csv {auth}
",
        db = samkjop::config::redact_url(&config.database_url),
        n = report.municipalities,
        s = report.suppliers,
        bergen = municipality_email("4601"),
    );
    if !report.links_outlive_process {
        text.push_str(&format!(
            "\nThe invitations (written as .eml files under {} once the server runs) hold vote links \
             signed with a key of this run only: set the same SAMKJOP_JWT_SECRET for `demo` and `serve` \
             to keep them working.\n",
            config.data_dir.join("mail").display()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_is_valid_and_the_same_every_time() {
        let a = supplier_register_csv().unwrap();
        assert_eq!(a, supplier_register_csv().unwrap());
        let parsed = samkjop::import::parse(a.as_bytes()).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected.first());
        assert_eq!(
            parsed.rows.len(),
            TRADES.iter().map(|t| t.firms).sum::<usize>()
        );
        assert!(a.contains("Bergen"), "homes follow the population");
    }

    #[test]
    fn sizes_follow_the_ssb_distribution() {
        let weights = band_weights("Overnattings- og serveringsvirksomhet").unwrap();
        assert_eq!(weights, [4018, 2842, 2368, 1275, 269, 86, 6]);
        let mut rng = Rng(1);
        let mut counts = [0usize; 7];
        for _ in 0..100_000 {
            counts[rng.weighted(&weights)] += 1;
        }
        // 4018 of 10 864 firms with employees have 1-4: 37 %.
        assert!((36_000..38_000).contains(&counts[0]), "{counts:?}");
        assert!(counts[6] < 200);
    }

    #[test]
    fn organisation_numbers_have_valid_check_digits() {
        let mut from = 99_880_000;
        for _ in 0..50 {
            let n = next_org_number(&mut from);
            assert!(OrgNumber::parse(&n).is_ok(), "{n}");
        }
        assert!(OrgNumber::parse(OFFICE_ORG_NUMBER).is_ok());
    }

    #[test]
    fn demo_addresses_are_undeliverable_and_valid() {
        for (n, _) in MUNICIPALITIES {
            let e = municipality_email(n);
            assert!(e.ends_with(".example"), "{e}");
            assert!(EmailAddress::parse(&e).is_ok());
        }
    }
}
