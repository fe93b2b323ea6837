//! Letters about logins: the confirmation link of a supplier's
//! registration, and the notes that go with it. What a stranger typed into
//! a registration reaches a third party only as an organisation number or
//! an email address, both checked: never free text.

use maud::html;

use super::{shell, Letter};

/// A letter of plain paragraphs, with at most one link as its button.
fn letter(subject: String, paragraphs: &[String], link: Option<(&str, &str)>) -> Letter {
    let mut text = String::from("Hei,\n\n");
    for (i, p) in paragraphs.iter().enumerate() {
        text.push_str(p);
        text.push_str("\n\n");
        if let (0, Some((_, url))) = (i, link) {
            text.push_str(url);
            text.push_str("\n\n");
        }
    }
    text.push_str("Med vennlig hilsen\nSamkjøp\n");
    let body = html! {
        p { "Hei," }
        @for (i, p) in paragraphs.iter().enumerate() {
            p { (p) }
            @if let (0, Some((label, url))) = (i, link) {
                p { a href=(url) style="display: inline-block; padding: 0.6em 1.2em; background: #0b5394; color: #fff; text-decoration: none; border-radius: 4px" { (label) } }
                p style="font-size: 0.9em; color: #555" { "Virker ikke knappen, kopier denne adressen inn i nettleseren: " (url) }
            }
        }
        p { "Med vennlig hilsen" br; "Samkjøp" }
    };
    let html = shell(&subject, body);
    Letter {
        subject,
        text,
        html,
    }
}

/// To the address a registrant gave: confirm that it is theirs.
pub struct ConfirmAddress<'a> {
    pub org_number: &'a str,
    pub link: &'a str,
    /// `03.12.2026 kl. 14:00`, Oslo time.
    pub expires: &'a str,
    /// The number is in the register without an address: the operator
    /// approves after the address is confirmed.
    pub operator_approves: bool,
}

pub fn confirm_address(c: &ConfirmAddress<'_>) -> Letter {
    let mut paragraphs = vec![
        format!(
            "Denne e-postadressen er oppgitt som innlogging for leverandøren med organisasjonsnummer {} i Samkjøp, plattformen kommunene bruker til felles anskaffelser. Bekreft at adressen er din: åpne lenken og trykk «Bekreft».",
            c.org_number
        ),
        format!("Lenken virker én gang, fram til {}.", c.expires),
    ];
    if c.operator_approves {
        paragraphs.push(
            "Virksomheten står allerede i leverandørregisteret. Etter at du har bekreftet adressen, må driftsoperatøren godkjenne at du representerer den; du får en e-post når det er gjort.".into(),
        );
    }
    paragraphs.push(
        "Har du ikke registrert deg, kan du se bort fra denne e-posten: uten bekreftelse blir ingenting registrert.".into(),
    );
    letter(
        "Bekreft e-postadressen din i Samkjøp".into(),
        &paragraphs,
        Some(("Bekreft e-postadressen", c.link)),
    )
}

/// To the address the register holds for a firm someone registers: confirm
/// that the registrant speaks for it.
pub struct ConfirmOwnership<'a> {
    /// The firm's name as the register has it.
    pub name: &'a str,
    pub org_number: &'a str,
    pub registrant: &'a str,
    pub link: &'a str,
    pub expires: &'a str,
}

pub fn confirm_ownership(c: &ConfirmOwnership<'_>) -> Letter {
    let paragraphs = [
        format!(
            "{} har bedt om innlogging i Samkjøp for {} (organisasjonsnummer {}). Samkjøp er plattformen kommunene bruker til felles anskaffelser, og denne adressen er den virksomheten står med i leverandørregisteret. Skal {} representere virksomheten, bekreft det her:",
            c.registrant, c.name, c.org_number, c.registrant
        ),
        format!(
            "Lenken virker én gang, fram til {}. Når dere bekrefter, får {} innlogging for virksomheten, og opplysningene om ansatte, omsetning, hjemkommune og leveringsområde blir dem {} oppga.",
            c.expires, c.registrant, c.registrant
        ),
        "Kjenner dere ikke til dette, trenger dere ikke gjøre noe: uten bekreftelse endres ingenting.".into(),
    ];
    letter(
        format!(
            "Bekreft innlogging for organisasjonsnummer {}",
            c.org_number
        ),
        &paragraphs,
        Some(("Bekreft", c.link)),
    )
}

/// To the registrant, when the link went to the register's address.
pub fn sent_to_register(org_number: &str) -> Letter {
    let paragraphs = [
        format!(
            "Takk for registreringen i Samkjøp. Organisasjonsnummer {org_number} står allerede i leverandørregisteret. For at ingen skal kunne ta over en virksomhet, har vi sendt en bekreftelseslenke til e-postadressen virksomheten står med i registeret."
        ),
        "Når noen der har bekreftet, kan du logge inn med denne e-postadressen og passordet du valgte. Du får en e-post når det er gjort.".into(),
    ];
    letter(
        "Registreringen venter på bekreftelse fra virksomheten".into(),
        &paragraphs,
        None,
    )
}

/// To an address that already has a login, or to the login of a number
/// that has one, when someone registers with it: nothing was changed.
pub struct Attempt<'a> {
    pub org_number: &'a str,
    /// The email address has a login (else: the organisation number has).
    pub email_has_login: bool,
}

pub fn attempt(a: &Attempt<'_>) -> Letter {
    let what = if a.email_has_login {
        format!(
            "Noen prøvde å registrere leverandøren med organisasjonsnummer {} i Samkjøp med denne e-postadressen. Adressen har allerede en innlogging hos oss, så ingenting ble endret.",
            a.org_number
        )
    } else {
        format!(
            "Noen prøvde å registrere organisasjonsnummer {} i Samkjøp på nytt. Virksomheten har allerede en innlogging, med denne e-postadressen, så ingenting ble endret.",
            a.org_number
        )
    };
    let paragraphs = [
        what,
        "Var det deg, kan du logge inn som før; har du glemt passordet, ta kontakt med driftsoperatøren av Samkjøp. Var det ikke deg, trenger du ikke gjøre noe.".into(),
    ];
    letter(
        "Forsøk på ny registrering i Samkjøp".into(),
        &paragraphs,
        None,
    )
}

/// To the registrant, when someone else confirmed for them: the firm at
/// its register address, or the operator.
pub fn registration_completed(org_number: &str, email: &str) -> Letter {
    let paragraphs = [
        format!(
            "Registreringen av organisasjonsnummer {org_number} i Samkjøp er bekreftet. Du kan nå logge inn med {email} og passordet du valgte."
        ),
    ];
    letter(
        "Registreringen i Samkjøp er bekreftet".into(),
        &paragraphs,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_follows_the_first_paragraph_in_both_bodies() {
        let l = confirm_address(&ConfirmAddress {
            org_number: "974760673",
            link: "https://samkjop.example/confirm/abc",
            expires: "03.12.2026 kl. 14:00",
            operator_approves: true,
        });
        let first = l.text.find("Bekreft at adressen er din").unwrap();
        let link = l.text.find("https://samkjop.example/confirm/abc").unwrap();
        let expiry = l.text.find("fram til 03.12.2026 kl. 14:00").unwrap();
        assert!(first < link && link < expiry, "{}", l.text);
        assert!(l.text.contains("driftsoperatøren"));
        assert!(l
            .html
            .contains("href=\"https://samkjop.example/confirm/abc\""));
    }
}
