//! A real browser in the tests: headless Chromium driven over WebDriver by
//! chromedriver (Debian's `chromium` and `chromium-driver`), spoken to with
//! plain HTTP. Where they are missing the tests say so and pass, except in
//! CI (`CI` set), where a missing browser is a failure.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    client: awc::Client,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn find(binary: &str) -> Option<PathBuf> {
    ["/usr/bin", "/usr/local/bin"]
        .iter()
        .map(|d| PathBuf::from(d).join(binary))
        .find(|p| p.exists())
}

/// Where screenshots are kept for people (and CI) to look at.
pub fn screenshot_dir() -> PathBuf {
    std::env::var("SAMKJOP_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"))
}

impl Browser {
    /// None (with a note) when no browser is installed outside CI.
    pub async fn start() -> Option<Browser> {
        let (Some(chromium), Some(driver)) = (find("chromium"), find("chromedriver")) else {
            assert!(
                std::env::var("CI").is_err(),
                "CI must install chromium and chromium-driver"
            );
            eprintln!(
                "note: chromium or chromedriver is not installed; the browser test is skipped"
            );
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a port")
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish();
        let base = format!("http://127.0.0.1:{port}");
        let mut browser = Browser {
            driver: child,
            base,
            session: String::new(),
            client,
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !browser
            .call("GET", "/status", None)
            .await
            .map(|v| v["value"]["ready"] == true)
            .unwrap_or(false)
            && tokio::time::Instant::now() < deadline
        {
            crate::wait::pause().await;
        }
        let profile = std::env::temp_dir().join(format!(
            "samkjop_chromium_{}",
            uuid::Uuid::new_v4().simple()
        ));
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1000,1600", format!("--user-data-dir={}", profile.display())]
        }}}});
        let session = browser
            .call("POST", "/session", Some(caps))
            .await
            .expect("a browser session");
        browser.session = session["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        Some(browser)
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{}", self.base, path);
        let req = match method {
            "GET" => self.client.get(url),
            "DELETE" => self.client.delete(url),
            _ => self.client.post(url),
        };
        let sent = match body {
            Some(b) => req.send_json(&b).await,
            None => req.send().await,
        };
        let mut res = sent.map_err(|e| e.to_string())?;
        let bytes = res
            .body()
            .limit(50 * 1024 * 1024)
            .await
            .map_err(|e| e.to_string())?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        if res.status().is_success() {
            Ok(value)
        } else {
            Err(format!("{}: {}", res.status(), value["value"]["message"]))
        }
    }

    async fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{}", self.session, path);
        self.call(method, &path, body)
            .await
            .unwrap_or_else(|e| panic!("webdriver {path}: {e}"))
    }

    pub async fn open(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({"url": url})))
            .await;
    }

    /// Finds the element and acts on it; a page still settling after a
    /// navigation is retried for a moment rather than failed.
    async fn on_element(&self, css: &str, action: &str, body: Value) {
        let mut last = String::new();
        for _ in 0..50 {
            let path = format!("/session/{}/element", self.session);
            match self
                .call(
                    "POST",
                    &path,
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await
            {
                Ok(found) => {
                    let id = found["value"][ELEMENT]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                    let act = format!("/session/{}/element/{id}/{action}", self.session);
                    match self.call("POST", &act, Some(body.clone())).await {
                        Ok(_) => return,
                        Err(e) => last = e,
                    }
                }
                Err(e) => last = e,
            }
            crate::wait::pause().await;
        }
        panic!("webdriver {action} on {css}: {last}");
    }

    pub async fn click(&self, css: &str) {
        self.on_element(css, "click", json!({})).await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.on_element(css, "value", json!({"text": text})).await;
    }

    /// The page's visible text, once the page has some.
    pub async fn text(&self) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while tokio::time::Instant::now() < deadline {
            let v = self
                .session_call("POST", "/execute/sync", Some(json!({"script": "return document.body ? document.body.innerText : ''", "args": []})))
                .await;
            let text = v["value"].as_str().unwrap_or_default().to_string();
            if !text.is_empty() {
                return text;
            }
            crate::wait::pause().await;
        }
        String::new()
    }

    /// The page's text once it holds `needle` (a click's navigation may
    /// still be on its way); the last text seen after ten seconds otherwise.
    pub async fn text_with(&self, needle: &str) -> String {
        let mut text = String::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::time::Instant::now() < deadline {
            text = self.text().await;
            if text.contains(needle) {
                break;
            }
            crate::wait::pause().await;
        }
        text
    }

    /// Saves a PNG of the page and returns where.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let shot = self.session_call("GET", "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["value"].as_str().unwrap_or_default())
            .expect("a base64 PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        path
    }
}

mod vote_page {
    use serde_json::json;

    use super::Browser;
    use crate::procurements::{
        add_lot, days_from_today, in_future, mandate, municipality_user, office, open, propose,
        Office,
    };
    use crate::smtp_server::SmtpServer;
    use crate::voting::{link_in, parse};

    #[actix_web::test]
    async fn a_person_answers_an_invitation_in_a_real_browser() {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let smtp = SmtpServer::start().await;
        let app = crate::voting::app_with_mail(&smtp).await;
        let Office { admin, coordinator } = office(&app).await;
        let bergen = municipality_user(&app, &admin, "4601").await;
        app.patch(
            "/api/v1/municipalities/4601",
            Some(&bergen),
            json!({"contact_email": "innkjop@bergen.kommune.no"}),
        )
        .await;
        mandate(
            &app,
            &bergen,
            "4601",
            json!([]),
            10_000_000_000,
            &days_from_today(365),
        )
        .await;
        let id = propose(
            &app,
            &coordinator,
            &["4601", "4631"],
            &in_future(3600),
            json!(null),
        )
        .await;
        let lot = add_lot(
            &app,
            &coordinator,
            &id,
            "Skolemåltid",
            "porsjon",
            4500,
            None,
        )
        .await;
        open(&app, &coordinator, &id).await;
        let mails = smtp.wait_for(1, std::time::Duration::from_secs(20)).await;
        let link = link_in(&parse(&mails[0]));

        browser.open(&format!("{}{link}", app.address)).await;
        let form = browser.text_with("Bergen er invitert").await;
        assert!(
            form.contains("Bergen er invitert av Nordhordland innkjøp"),
            "{form}"
        );
        browser.screenshot("vote-form").await;
        browser.click("input[name=decision][value=join]").await;
        browser
            .click("select[name=mandate_id] option:nth-child(2)")
            .await;
        browser
            .type_into(&format!("input[name=annual_{lot}]"), "400000")
            .await;
        browser
            .type_into(&format!("input[name=max_{lot}]"), "500000")
            .await;
        browser
            .type_into("textarea[name=note]", "Gjelder alle grunnskoler")
            .await;
        browser.click("button[type=submit]").await;

        let receipt = browser.text_with("Takk! Svaret er registrert.").await;
        assert!(receipt.contains("Takk! Svaret er registrert."), "{receipt}");
        assert!(
            receipt.contains("NOK 90 000 000 ekskl. mva."),
            "500 000 portions x NOK 45 x 4 years: {receipt}"
        );
        let shot = browser.screenshot("vote-receipt").await;
        eprintln!("screenshot: {}", shot.display());
        let p = app
            .get(
                &format!("/api/v1/procurements/{id}/participation"),
                Some(&coordinator),
            )
            .await;
        assert_eq!(
            (
                p.body[0]["decision"].as_str(),
                p.body[0]["channel"].as_str()
            ),
            (Some("join"), Some("email"))
        );
    }

    #[actix_web::test]
    async fn a_person_confirms_a_registration_in_a_real_browser() {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let app = crate::helpers::spawn_app().await;
        let r = app
            .post(
                "/api/v1/suppliers",
                None,
                json!({"org_number": "974760673", "name": "Fjord Catering AS",
                       "email": "post@fjordcatering.no", "password": crate::helpers::PASSWORD,
                       "employees": 12, "annual_turnover_ore": 610_000_000_i64,
                       "home_municipality": "4601", "service_area": ["46"], "cpv": ["5552"]}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 202, "{}", r.body);
        let link = app.confirmation_link_to("post@fjordcatering.no").await;

        browser.open(&format!("{}{link}", app.address)).await;
        let form = browser.text_with("Bekreft e-postadressen din").await;
        assert!(form.contains("974760673"), "{form}");
        assert!(form.contains("post@fjordcatering.no"), "{form}");
        browser.screenshot("confirm-form").await;
        browser.click("button[type=submit]").await;
        let done = browser.text_with("Registreringen er bekreftet").await;
        assert!(done.contains("kan nå logge inn"), "{done}");
        browser.screenshot("confirm-done").await;
        app.login("post@fjordcatering.no", crate::helpers::PASSWORD)
            .await;
    }
}

mod api_docs {
    use super::Browser;

    /// The Swagger UI runs under its Content-Security-Policy: its scripts
    /// load, it fetches the document, and it lists the operations.
    #[actix_web::test]
    async fn the_api_documentation_works_under_its_content_security_policy() {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let app = crate::helpers::spawn_app().await;
        browser.open(&format!("{}/docs/", app.address)).await;
        let text = browser.text_with("/api/v1/auth/token").await;
        assert!(
            text.contains("/api/v1/auth/token"),
            "the operations are listed: {text}"
        );
        assert!(text.contains("Samkjøp"), "{text}");
        browser.screenshot("api-docs").await;
    }
}

/// axe-core, the accessibility checker, as a script to inject: the file
/// `SAMKJOP_AXE_JS` names, or where `.ci/run` installs it from npm. None
/// (with a note) where it is missing outside CI.
pub fn axe_source() -> Option<String> {
    let path = std::env::var("SAMKJOP_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/samkjop-axe/node_modules/axe-core/axe.min.js")
        });
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must install axe-core ({})",
                path.display()
            );
            eprintln!(
                "note: axe-core is not at {}; the accessibility checks are skipped",
                path.display()
            );
            None
        }
    }
}

impl Browser {
    /// Runs `script` in the page and answers its return value.
    pub async fn run(&self, script: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await["value"]
            .clone()
    }

    /// Sets a field's value as a date picker would (typing into one depends
    /// on the browser's locale).
    pub async fn set_value(&self, css: &str, value: &str) {
        let script = format!(
            "document.querySelector({}).value = {};",
            json!(css),
            json!(value)
        );
        self.run(&script).await;
    }

    /// The page's URL.
    pub async fn url(&self) -> String {
        self.session_call("GET", "/url", None).await["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// What axe-core finds wrong with the page (WCAG 2.0/2.1 A and AA, and
    /// its best practices), one line per rule broken: empty when none.
    pub async fn axe_violations(&self, axe: &str) -> Vec<String> {
        self.run(&format!("{axe}\n;return true;")).await;
        let check = "const done = arguments[arguments.length - 1];\
            axe.run(document).then(r => done(r.violations.map(v => \
              v.id + ' (' + v.impact + '): ' + v.help + ' at ' + \
              v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | ')))) \
            .catch(e => done(['axe failed: ' + e]));";
        let found = self
            .session_call(
                "POST",
                "/execute/async",
                Some(json!({"script": check, "args": []})),
            )
            .await;
        found["value"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_else(|| vec![format!("axe answered {}", found["value"])])
    }
}

mod workspace {
    use serde_json::json;

    use super::{axe_source, Browser};
    use crate::helpers::{spawn_app, PASSWORD};
    use crate::procurements::{
        add_lot, days_from_today, in_future, join, mandate, municipality_user, office, open,
        propose, Office,
    };

    /// Checks the page with axe-core (when it is there) and keeps a
    /// screenshot of it; the page type is `name`.
    async fn check(browser: &Browser, axe: Option<&str>, name: &str, broken: &mut Vec<String>) {
        browser.screenshot(&format!("app-{name}")).await;
        if let Some(axe) = axe {
            for v in browser.axe_violations(axe).await {
                broken.push(format!("{name}: {v}"));
            }
        }
    }

    /// Types a proposal's title and CPV into the draft form, with a start
    /// in 200 days, answers due in 30 and a contract of 24 months.
    async fn fill_proposal(browser: &Browser, title: &str, cpv: &str) {
        browser.type_into("#title", title).await;
        browser.type_into("#cpv", cpv).await;
        browser
            .set_value("#contract_start", &days_from_today(200))
            .await;
        let deadline = (chrono::Utc::now() + chrono::Duration::days(30))
            .format("%Y-%m-%dT12:00")
            .to_string();
        browser
            .set_value("#participation_deadline", &deadline)
            .await;
        browser.type_into("#duration_months", "24").await;
    }

    async fn log_in(browser: &Browser, address: &str, email: &str) {
        browser.open(&format!("{address}/app/login")).await;
        browser.text_with("Logg inn").await;
        browser.type_into("#email", email).await;
        browser.type_into("#password", PASSWORD).await;
        browser.click("main form button[type=submit]").await;
    }

    #[actix_web::test]
    async fn a_coordinator_logs_in_proposes_fills_and_opens_and_a_municipality_answers() {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let axe = axe_source();
        let axe = axe.as_deref();
        let mut broken = Vec::new();
        let app = spawn_app().await;
        let Office { admin, coordinator } = office(&app).await;
        let bergen = municipality_user(&app, &admin, "4601").await;
        mandate(
            &app,
            &bergen,
            "4601",
            json!([]),
            10_000_000_000,
            &days_from_today(365),
        )
        .await;
        let address = app.address.clone();
        if let Some(axe) = axe {
            // The checker itself works: a page with an image and no text fails.
            browser
                .open("data:text/html,<html><body><img src='x.png'></body></html>")
                .await;
            let found = browser.axe_violations(axe).await;
            assert!(
                found.iter().any(|v| v.starts_with("image-alt")),
                "{found:?}"
            );
        }

        browser.open(&format!("{address}/app/")).await;
        let login = browser.text_with("Logg inn").await;
        assert!(
            login.contains("E-postadresse"),
            "sent to the login page: {login}"
        );
        check(&browser, axe, "login", &mut broken).await;
        browser.type_into("#email", "koordinator@nhi.no").await;
        browser.type_into("#password", "feil-passord-123").await;
        browser.click("main form button[type=submit]").await;
        let wrong = browser.text_with("passordet er feil").await;
        assert!(
            wrong.contains("E-postadressen eller passordet er feil."),
            "{wrong}"
        );
        check(&browser, axe, "login-refused", &mut broken).await;
        browser.type_into("#password", PASSWORD).await;
        browser.click("main form button[type=submit]").await;
        let dashboard = browser.text_with("Mine anskaffelser").await;
        assert!(
            dashboard.contains("Ingen anskaffelser ennå."),
            "{dashboard}"
        );
        check(&browser, axe, "dashboard", &mut broken).await;

        browser.click("a[href='/app/procurements/new']").await;
        browser.text_with("Foreslå en felles anskaffelse").await;
        check(&browser, axe, "draft-form", &mut broken).await;
        fill_proposal(&browser, "Skolemat i Nordhordland", "55524000-8").await;
        browser
            .click("details:has(input[value='4601']) summary")
            .await;
        browser.click("input[name=invited][value='4601']").await;
        browser.click("input[name=invited][value='4631']").await;
        browser.click("main form button[type=submit]").await;
        let refused = browser.text_with("Skjemaet har feil").await;
        assert!(
            refused.contains("Skriv en CPV-kode som finnes"),
            "{refused}"
        );
        check(&browser, axe, "draft-form-refused", &mut broken).await;
        browser.click("a[href='#cpv']").await;
        let focused = browser.run("return document.activeElement.id").await;
        assert_eq!(
            focused,
            json!("cpv"),
            "the summary's link leads to the field"
        );
        browser
            .run("document.querySelector('#cpv').value = ''")
            .await;
        browser.type_into("#cpv", "55524000-9").await;
        browser.click("main form button[type=submit]").await;
        let draft = browser.text_with("Utkastet er lagret.").await;
        assert!(draft.contains("Utkast"), "{draft}");
        check(&browser, axe, "procurement-draft", &mut broken).await;

        browser.type_into("#lot_title", "Skolemåltid").await;
        browser.type_into("#lot_cpv", "55524000-9").await;
        browser.type_into("#lot_unit", "porsjon").await;
        browser.type_into("#lot_price", "45").await;
        browser.click("form[action$='/lots'] button").await;
        browser.text_with("Delkontrakten er lagt til.").await;
        browser.click("form[action$='/open'] button").await;
        let opened = browser.text_with("kommunene er invitert på e-post").await;
        assert!(opened.contains("Åpen for påmelding"), "{opened}");
        assert!(
            opened.contains("Samlede volumer per delkontrakt"),
            "{opened}"
        );
        check(&browser, axe, "procurement-open", &mut broken).await;
        let page = browser.url().await;
        let id = page
            .rsplit('/')
            .next()
            .and_then(|tail| tail.split('?').next())
            .unwrap_or_default()
            .to_string();

        // A form posted without its token, as another site would post it.
        browser
            .run("const f = document.createElement('form'); f.method = 'post'; f.action = '/app/logout'; document.body.appendChild(f); f.submit();")
            .await;
        let forged = browser.text_with("Skjemaet ble avvist").await;
        assert!(forged.contains("Skjemaet ble avvist"), "{forged}");
        check(&browser, axe, "csrf-refused", &mut broken).await;

        browser.open(&format!("{address}/app/")).await;
        browser.text_with("Mine anskaffelser").await;
        browser.click("header form button[type=submit]").await;
        browser.text_with("Du er logget ut.").await;

        log_in(&browser, &address, "innkjop@k4601.kommune.no").await;
        let invitations = browser.text_with("Invitasjoner til Bergen").await;
        assert!(
            invitations.contains("Skolemat i Nordhordland"),
            "{invitations}"
        );
        check(&browser, axe, "invitations", &mut broken).await;
        browser
            .click(&format!("a[href='/app/invitations/{id}']"))
            .await;
        browser.text_with("er invitert av").await;
        check(&browser, axe, "invitation-form", &mut broken).await;
        browser.click("input[name=decision][value=join]").await;
        browser
            .click("select[name=mandate_id] option:nth-child(2)")
            .await;
        browser.type_into("input[name^=annual_]", "400000").await;
        browser.click("main form button[type=submit]").await;
        let receipt = browser.text_with("Takk! Svaret er registrert.").await;
        assert!(receipt.contains("Bergen deltar"), "{receipt}");
        check(&browser, axe, "invitation-receipt", &mut broken).await;

        // The market dialogue: the public draft under consultation.
        let r = app
            .post(
                &format!("/api/v1/procurements/{id}/consultation"),
                Some(&coordinator),
                json!({"deadline": crate::procurements::in_future(3600), "message": "Passer inndelingen?"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.body);
        browser.open(&format!("{address}/consultations/{id}")).await;
        browser.text_with("Utkast til markedsdialog").await;
        check(&browser, axe, "consultation", &mut broken).await;
        browser
            .open(&format!("{address}/unsubscribe/no-such-token"))
            .await;
        browser.text_with("Meld av varsler").await;
        check(&browser, axe, "unsubscribe", &mut broken).await;

        assert!(
            broken.is_empty(),
            "axe-core found violations:\n{}",
            broken.join("\n")
        );
    }

    /// How many elements match `css` on the page.
    async fn count(browser: &Browser, css: &str) -> usize {
        let n = browser
            .run(&format!("return document.querySelectorAll({css:?}).length"))
            .await;
        n.as_u64().unwrap_or(0) as usize
    }

    #[actix_web::test]
    async fn a_coordinator_goes_from_login_to_publish_through_the_pages_alone() {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let axe = axe_source();
        let axe = axe.as_deref();
        let mut broken = Vec::new();
        let app = spawn_app().await;
        let Office { admin, coordinator } = office(&app).await;
        crate::supplier_view::import_register(&app, &admin).await;
        let mut joiners = Vec::new();
        for number in ["1103", "4601", "4631"] {
            let token = municipality_user(&app, &admin, number).await;
            let mandate_id = mandate(
                &app,
                &token,
                number,
                json!([]),
                1_000_000_000_000,
                &days_from_today(365),
            )
            .await;
            joiners.push((number, token, mandate_id));
        }
        let address = app.address.clone();

        log_in(&browser, &address, "koordinator@nhi.no").await;
        browser.text_with("Mine anskaffelser").await;
        browser.click("a[href='/app/procurements/new']").await;
        browser.text_with("Foreslå en felles anskaffelse").await;
        fill_proposal(&browser, "Skolemat i Vestland og Rogaland", "55524000-9").await;
        for number in ["1103", "4601", "4631"] {
            browser
                .run(&format!(
                    "document.querySelector(\"details:has(input[value='{number}'])\").open = true"
                ))
                .await;
            browser
                .click(&format!("input[name=invited][value='{number}']"))
                .await;
        }
        browser.click("main form button[type=submit]").await;
        browser.text_with("Utkastet er lagret.").await;

        // Two lots; the second is changed, then removed.
        for (title, unit, price) in [("Skolemåltid", "porsjon", "45"), ("Frukt", "kasse", "300")] {
            browser.type_into("#lot_title", title).await;
            browser.type_into("#lot_cpv", "55524000-9").await;
            browser.type_into("#lot_unit", unit).await;
            browser.type_into("#lot_price", price).await;
            browser.click("form[action$='/lots'] button").await;
            browser.text_with("Delkontrakten er lagt til.").await;
        }
        browser.click("tbody tr:last-child a[href*='/lots/']").await;
        let lot_form = browser.text_with("Endre delkontrakten").await;
        assert!(lot_form.contains("Frukt"), "{lot_form}");
        check(&browser, axe, "lot-form", &mut broken).await;
        browser
            .run("document.querySelector('#lot_price').value = ''")
            .await;
        browser.type_into("#lot_price", "minus tre").await;
        browser
            .click("form[action*='/lots/']:not([action$='/remove']) button")
            .await;
        let refused = browser.text_with("Skjemaet har feil").await;
        assert!(
            refused.contains("Prisen må være et beløp i kroner"),
            "{refused}"
        );
        check(&browser, axe, "lot-form-refused", &mut broken).await;
        browser
            .run("document.querySelector('#lot_price').value = ''")
            .await;
        browser.type_into("#lot_price", "320,50").await;
        browser
            .click("form[action*='/lots/']:not([action$='/remove']) button")
            .await;
        let changed = browser.text_with("Delkontrakten er endret.").await;
        assert!(changed.contains("320,50"), "{changed}");
        browser
            .click("tbody tr:last-child form[action$='/remove'] button")
            .await;
        let removed = browser.text_with("Delkontrakten er fjernet.").await;
        assert!(!removed.contains("Frukt"), "{removed}");

        browser.click("form[action$='/open'] button").await;
        browser.text_with("kommunene er invitert på e-post").await;
        let page = browser.url().await;
        let id = page
            .rsplit('/')
            .next()
            .and_then(|tail| tail.split('?').next())
            .unwrap_or_default()
            .to_string();

        // The municipalities answer through the API.
        let draft = app
            .get(&format!("/api/v1/procurements/{id}"), Some(&coordinator))
            .await;
        let meals = draft.body["lots"][0]["id"]
            .as_str()
            .expect("lot")
            .to_string();
        for (number, token, mandate_id) in &joiners {
            let quantity = match *number {
                "4601" => 200_000,
                "4631" => 40_000,
                _ => 100_000,
            };
            let r = join(
                &app,
                token,
                &id,
                number,
                mandate_id,
                json!([{"lot_id": meals, "annual_quantity": quantity}]),
            )
            .await;
            assert_eq!(r.status, awc::http::StatusCode::OK, "{}", r.body);
        }

        // Following the answers: the summary adds them up.
        browser
            .open(&format!("{address}/app/procurements/{id}"))
            .await;
        browser.text_with("3 av 3 inviterte kommuner deltar").await;
        browser.click("form[action$='/close'] button").await;
        let closed = browser.text_with("Påmeldingen er stengt.").await;
        assert!(closed.contains("Del opp «Skolemåltid» slik"), "{closed}");
        assert_eq!(count(&browser, "a[href$='/volumes.csv']").await, 1);
        check(&browser, axe, "procurement-closed", &mut broken).await;

        // The first suggestion is by county: Rogaland and Vestland apart.
        browser.click("form[action$='/split'] button").await;
        let split = browser.text_with("Delkontrakten er delt opp").await;
        assert!(split.contains("Skolemåltid – Stavanger"), "{split}");
        let lots = app
            .get(&format!("/api/v1/procurements/{id}"), Some(&coordinator))
            .await;
        assert_eq!(
            lots.body["lots"].as_array().map(Vec::len),
            Some(2),
            "{}",
            lots.body
        );

        // Publishing is refused while the checklist has gaps ...
        browser.click("form[action$='/publish'] button").await;
        browser.text_with("Det ble ikke gjort").await;
        browser.click("a[href$='/compliance']").await;
        let checklist = browser.text_with("Sjekkliste for seriøsitetskrav").await;
        assert!(checklist.contains("Mangler"), "{checklist}");
        check(&browser, axe, "compliance", &mut broken).await;
        browser
            .click("form[action$='/compliance'] button[type=submit]")
            .await;
        let refused = browser.text_with("Skjemaet har feil").await;
        assert!(refused.contains("Skriv en begrunnelse"), "{refused}");
        check(&browser, axe, "compliance-refused", &mut broken).await;
        // ... until every missing check is justified, one form at a time.
        let mut justified = 0;
        let missing = "form[action$='/compliance'] textarea";
        let mut left = count(&browser, missing).await;
        while left > 0 {
            browser
                .type_into(missing, "Kravet følges opp i avtalens generelle vilkår.")
                .await;
            browser
                .click("form[action$='/compliance'] button[type=submit]")
                .await;
            // The answer is the same checklist with one gap fewer: wait for
            // that, not for its heading, which the page sent from has too.
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
            let mut now_left = count(&browser, missing).await;
            while now_left >= left && tokio::time::Instant::now() < deadline {
                crate::wait::pause().await;
                now_left = count(&browser, missing).await;
            }
            // A page between two documents counts nothing: count again
            // once the checklist is there.
            if now_left == 0 {
                browser.text_with("Sjekkliste for seriøsitetskrav").await;
                now_left = count(&browser, missing).await;
            }
            left = now_left;
            justified += 1;
            assert!(justified < 30, "the checklist does not shrink");
        }
        let done = browser.text_with("Ingen krav mangler.").await;
        assert!(done.contains("Begrunnet"), "{done}");
        browser.click("form[action$='/publish'] button").await;
        let published = browser.text_with("Anskaffelsen er kunngjort").await;
        assert!(published.contains("Kunngjort"), "{published}");
        assert_eq!(count(&browser, "a[href$='/ocds']").await, 1);
        let events = app
            .get(
                &format!("/api/v1/procurements/{id}/events"),
                Some(&coordinator),
            )
            .await;
        let kinds: Vec<&str> = events
            .body
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["kind"].as_str())
            .collect();
        for kind in [
            "lot_changed",
            "lot_removed",
            "lot_split",
            "compliance_justified",
            "published",
        ] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }

        // The award and the follow-up.
        browser.click("a[href$='/award']").await;
        browser.text_with("Tildel kontraktene").await;
        check(&browser, axe, "award", &mut broken).await;
        browser
            .type_into("input[name^=supplier-]", "999999999")
            .await;
        browser.click("main form button[type=submit]").await;
        let unknown = browser.text_with("Skjemaet har feil").await;
        assert!(unknown.contains("Fant ingen leverandør"), "{unknown}");
        check(&browser, axe, "award-refused", &mut broken).await;
        browser
            .run("document.querySelector('input[name^=supplier-]').value = ''")
            .await;
        browser
            .type_into("input[name^=supplier-]", "910000004")
            .await;
        browser.click("main form button[type=submit]").await;
        let plan = browser.text_with("Kontraktene er tildelt").await;
        assert!(plan.contains("Fjord Catering AS"), "{plan}");
        check(&browser, axe, "follow-up", &mut broken).await;

        assert!(
            broken.is_empty(),
            "axe-core found violations:\n{}",
            broken.join("\n")
        );
    }

    /// A municipality with neither an account nor a mandate registers its
    /// council decision on the page its voting link opens and joins with
    /// the same link; later its user keeps the mandates in the workspace:
    /// registers one (after a refusal) and revokes one, and sets the
    /// contact address. Every page type is checked with axe-core.
    #[actix_web::test]
    async fn a_municipality_registers_a_mandate_from_its_link_joins_and_keeps_its_mandates() {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let axe = axe_source();
        let axe = axe.as_deref();
        let mut broken = Vec::new();
        let app = spawn_app().await;
        let Office { admin, coordinator } = office(&app).await;
        let contact = "postmottak@bergen.kommune.no";
        let r = app
            .patch(
                "/api/v1/municipalities/4601",
                Some(&admin),
                json!({"contact_email": contact}),
            )
            .await;
        assert_eq!(r.status, awc::http::StatusCode::OK, "{}", r.body);
        let id = propose(
            &app,
            &coordinator,
            &["4601", "4631"],
            &in_future(86_400),
            json!(null),
        )
        .await;
        add_lot(
            &app,
            &coordinator,
            &id,
            "Skolemåltid",
            "porsjon",
            4500,
            None,
        )
        .await;
        open(&app, &coordinator, &id).await;
        let link = crate::mandate_pages::link_to(&app, contact).await;
        let address = app.address.clone();

        browser.open(&format!("{address}{link}")).await;
        let page = browser
            .text_with("Registrer vedtaket som gir kommunen rett til å delta")
            .await;
        assert!(page.contains("Bergen er invitert av"), "{page}");
        check(&browser, axe, "vote-mandate-form", &mut broken).await;
        let today = chrono::Utc::now().date_naive();
        browser.type_into("#reference", "PS 7/2026").await;
        browser.type_into("#decided_by", "Bystyret").await;
        browser.set_value("#decided_on", &today.to_string()).await;
        browser.set_value("#valid_from", &today.to_string()).await;
        browser
            .set_value("#valid_until", &days_from_today(365))
            .await;
        browser.type_into("#ceiling", "to hundre millioner").await;
        browser.type_into("#cpv_scope", "555").await;
        browser.click("form[action$='/mandate'] button").await;
        let refused = browser.text_with("Skjemaet har feil").await;
        assert!(
            refused.contains("Skriv beløpsgrensen i kroner"),
            "{refused}"
        );
        check(&browser, axe, "vote-mandate-refused", &mut broken).await;
        let kept = browser
            .run("return document.querySelector('#reference').value")
            .await;
        assert_eq!(kept, json!("PS 7/2026"), "what was typed is kept");
        browser.set_value("#ceiling", "200 000 000").await;
        browser.click("form[action$='/mandate'] button").await;
        let registered = browser.text_with("er registrert for Bergen").await;
        assert!(registered.contains("Nå kan dere svare"), "{registered}");
        check(&browser, axe, "vote-mandate-registered", &mut broken).await;
        browser.click("input[name=decision][value=join]").await;
        browser.type_into("input[name^=annual_]", "40000").await;
        browser
            .click(&format!("main form[action='{link}'] button[type=submit]"))
            .await;
        let receipt = browser.text_with("Takk! Svaret er registrert.").await;
        assert!(receipt.contains("PS 7/2026"), "{receipt}");
        check(&browser, axe, "vote-receipt", &mut broken).await;
        let p = app
            .get(
                &format!("/api/v1/procurements/{id}/participation"),
                Some(&coordinator),
            )
            .await;
        let bergen = p
            .body
            .as_array()
            .and_then(|l| l.iter().find(|x| x["municipality"] == "4601"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (bergen["decision"].as_str(), bergen["channel"].as_str()),
            (Some("join"), Some("email")),
            "{bergen}"
        );

        // Later Bergen gets an account and keeps its mandates in the workspace.
        municipality_user(&app, &admin, "4601").await;
        log_in(&browser, &address, "innkjop@k4601.kommune.no").await;
        browser.text_with("Invitasjoner til Bergen").await;
        browser.click("a[href='/app/mandates']").await;
        let list = browser.text_with("Fullmakter for Bergen").await;
        assert!(list.contains("PS 7/2026"), "{list}");
        check(&browser, axe, "mandates", &mut broken).await;
        browser.click("main a[href='/app/mandates/new']").await;
        browser.text_with("Registrer et vedtak om fullmakt").await;
        check(&browser, axe, "mandate-form", &mut broken).await;
        browser.type_into("#reference", "PS 8/2026").await;
        browser.type_into("#decided_by", "Formannskapet").await;
        browser.set_value("#decided_on", &today.to_string()).await;
        browser.set_value("#valid_from", &days_from_today(10)).await;
        browser.set_value("#valid_until", &today.to_string()).await;
        browser.type_into("#ceiling", "5 000 000").await;
        browser.click("main form button[type=submit]").await;
        let refused = browser.text_with("Skjemaet har feil").await;
        assert!(
            refused.contains("Siste gyldige dag kan ikke være før første gyldige dag."),
            "{refused}"
        );
        check(&browser, axe, "mandate-form-refused", &mut broken).await;
        browser
            .set_value("#valid_until", &days_from_today(400))
            .await;
        browser.click("main form button[type=submit]").await;
        let done = browser.text_with("Vedtaket PS 8/2026 er registrert.").await;
        assert!(done.contains("Gjelder ikke ennå"), "{done}");
        browser.click("main table a[href$='/revoke']").await;
        browser.text_with("Trekke tilbake vedtaket").await;
        check(&browser, axe, "mandate-revoke", &mut broken).await;
        browser.click("main form button[type=submit]").await;
        // The confirmation page itself says "… at vedtaket er trukket
        // tilbake.": wait for the answer's own sentence.
        let revoked = browser
            .text_with("Vedtaket PS 8/2026 er trukket tilbake.")
            .await;
        assert!(revoked.contains("Trukket tilbake "), "{revoked}");
        check(&browser, axe, "mandates-revoked", &mut broken).await;
        let api = app
            .get("/api/v1/municipalities/4601/mandates", Some(&admin))
            .await;
        let revoked_now = api.body.as_array().map_or(0, |l| {
            l.iter().filter(|m| m["revoked_at"].is_string()).count()
        });
        assert_eq!(revoked_now, 1, "{}", api.body);

        browser.click("a[href='/app/contact']").await;
        let page = browser.text_with("Kontaktadressen til Bergen").await;
        assert!(page.contains(contact), "{page}");
        check(&browser, axe, "contact", &mut broken).await;
        browser.set_value("#contact_email", "innkjop-bergen").await;
        browser.click("main form button[type=submit]").await;
        browser.text_with("Skjemaet har feil").await;
        check(&browser, axe, "contact-refused", &mut broken).await;
        browser
            .set_value("#contact_email", "innkjop@bergen.kommune.no")
            .await;
        browser.click("main form button[type=submit]").await;
        browser.text_with("Kontaktadressen er lagret.").await;

        assert!(
            broken.is_empty(),
            "axe-core found violations:\n{}",
            broken.join("\n")
        );
    }
}

mod operator_workspace {
    use super::{axe_source, Browser};
    use crate::helpers::{spawn_app, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};
    use crate::procurements::{office, Office};

    /// Checks the page with axe-core (when it is there) and keeps a
    /// screenshot of it; the page type is `name`.
    async fn check(browser: &Browser, axe: Option<&str>, name: &str, broken: &mut Vec<String>) {
        browser.screenshot(&format!("app-operator-{name}")).await;
        if let Some(axe) = axe {
            for v in browser.axe_violations(axe).await {
                broken.push(format!("{name}: {v}"));
            }
        }
    }

    #[actix_web::test]
    async fn the_operator_creates_and_disables_a_user_imports_the_register_and_a_form_without_its_token_is_refused(
    ) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let axe = axe_source();
        let axe = axe.as_deref();
        let mut broken = Vec::new();
        let app = spawn_app().await;
        let Office { admin, .. } = office(&app).await;
        let address = app.address.clone();
        let account = |email: &'static str| {
            let (app, admin) = (&app, admin.clone());
            async move {
                let users = app.get("/api/v1/users?limit=1000", Some(&admin)).await;
                users
                    .body
                    .as_array()
                    .and_then(|l| l.iter().find(|u| u["email"] == email).cloned())
            }
        };

        browser.open(&format!("{address}/app/login")).await;
        browser.text_with("Logg inn").await;
        browser.type_into("#email", ADMIN_EMAIL).await;
        browser.type_into("#password", ADMIN_PASSWORD).await;
        browser.click("main form button[type=submit]").await;
        let dashboard = browser.text_with("Oversikt for driften").await;
        assert!(dashboard.contains("Leverandørregisteret"), "{dashboard}");
        check(&browser, axe, "dashboard", &mut broken).await;

        browser.click("main a[href='/app/users']").await;
        let users = browser.text_with("koordinator@nhi.no").await;
        assert!(users.contains("Brukere"), "{users}");
        check(&browser, axe, "users", &mut broken).await;
        browser.click("main a[href='/app/users/new']").await;
        browser.text_with("Opprett en bruker").await;
        check(&browser, axe, "user-form", &mut broken).await;
        browser
            .type_into("#email", "innkjop@bergen.kommune.no")
            .await;
        browser.type_into("#password", "kort").await;
        browser.set_value("#role", "municipality").await;
        browser.set_value("#municipality", "4601").await;
        browser.click("main form button[type=submit]").await;
        let refused = browser.text_with("Passordet må ha minst 10 tegn.").await;
        assert!(refused.contains("Skjemaet har feil"), "{refused}");
        check(&browser, axe, "user-form-refused", &mut broken).await;
        browser.type_into("#password", PASSWORD).await;
        browser.click("main form button[type=submit]").await;
        let created = browser.text_with("Brukeren er opprettet.").await;
        assert!(created.contains("innkjop@bergen.kommune.no"), "{created}");
        check(&browser, axe, "users-created", &mut broken).await;
        let id = account("innkjop@bergen.kommune.no")
            .await
            .and_then(|u| u["id"].as_str().map(String::from))
            .expect("the user is made");
        browser
            .click(&format!("form[action='/app/users/{id}/disabled'] button"))
            .await;
        let disabled = browser.text_with("Kontoen er deaktivert.").await;
        assert!(disabled.contains("Deaktivert"), "{disabled}");
        assert_eq!(
            account("innkjop@bergen.kommune.no")
                .await
                .map(|u| u["disabled"].clone()),
            Some(serde_json::json!(true))
        );

        browser.open(&format!("{address}/app/offices")).await;
        browser.text_with("Registrer et innkjøpskontor").await;
        check(&browser, axe, "offices", &mut broken).await;
        browser
            .type_into("#name", "Vestland innkjøpssamarbeid")
            .await;
        browser.type_into("#org_number", "974760673").await;
        browser
            .click("main form[method=post] button[type=submit]")
            .await;
        let taken = browser.text_with("allerede registrert").await;
        assert!(taken.contains("Skjemaet har feil"), "{taken}");
        check(&browser, axe, "offices-refused", &mut broken).await;

        browser
            .open(&format!("{address}/app/suppliers/import"))
            .await;
        browser.text_with("Importer leverandørregisteret").await;
        check(&browser, axe, "import-form", &mut broken).await;
        let dir = std::env::temp_dir().join(format!("samkjop-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let file = dir.join("register.csv");
        std::fs::write(
            &file,
            "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n\
             974760673,Fjord Catering AS,12,610000000,4601,46,5552\n\
             974760674,Feil Sjekksiffer AS,3,100,4601,,5552\n",
        )
        .expect("the file");
        browser
            .type_into("#file", &file.display().to_string())
            .await;
        browser.click("main form button[type=submit]").await;
        let report = browser.text_with("Rapport fra importen").await;
        assert!(report.contains("Nye leverandører: 1"), "{report}");
        assert!(report.contains("Linjer som ble avvist: 1"), "{report}");
        check(&browser, axe, "import-report", &mut broken).await;

        browser.open(&format!("{address}/app/outbox")).await;
        browser.text_with("Utboksen").await;
        check(&browser, axe, "outbox", &mut broken).await;
        browser.open(&format!("{address}/app/registrations")).await;
        browser.text_with("til godkjenning").await;
        check(&browser, axe, "registrations", &mut broken).await;

        // The user form with its token taken out, as a forged form would come.
        browser.open(&format!("{address}/app/users/new")).await;
        browser.text_with("Opprett en bruker").await;
        browser
            .type_into("#email", "forfalsket@bergen.kommune.no")
            .await;
        browser.type_into("#password", PASSWORD).await;
        browser.set_value("#role", "admin").await;
        browser
            .run("document.querySelector('main form input[name=csrf_token]').remove()")
            .await;
        browser.click("main form button[type=submit]").await;
        let forged = browser.text_with("Skjemaet ble avvist").await;
        assert!(forged.contains("Ingenting ble lagret"), "{forged}");
        check(&browser, axe, "csrf-refused", &mut broken).await;
        assert_eq!(account("forfalsket@bergen.kommune.no").await, None);
        let _ = std::fs::remove_dir_all(&dir);

        assert!(
            broken.is_empty(),
            "axe-core found violations:\n{}",
            broken.join("\n")
        );
    }
}
