//! The emails people receive, in Norwegian (bokmål): each as a plain-text
//! body and an HTML body. Pure: data in, text out; user data in the HTML is
//! escaped by maud.

pub mod accounts;
pub mod dialogue;
pub mod follow_up;
pub mod words;

use maud::{html, Markup, DOCTYPE};

use crate::domain::contract::ContractType;
use crate::domain::thresholds::Regime;
use crate::domain::Ore;

pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A lot as an invitation lists it.
pub struct LotLine {
    pub title: String,
    pub unit: String,
    pub unit_price: Ore,
}

pub struct Invitation<'a> {
    pub municipality: &'a str,
    pub leader: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub contract_type: ContractType,
    pub cpv: &'a str,
    pub cpv_name: &'a str,
    pub framework_agreement: bool,
    pub contract_start: &'a str,
    pub duration_months: i64,
    pub option_months: i64,
    pub deadline: &'a str,
    pub lots: &'a [LotLine],
    pub link: &'a str,
    /// How the procurement meets the invited participant's own strategy.
    pub fit: Option<&'a crate::read::strategy::ParticipantFit>,
}

fn shell(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="nb" {
            head { meta charset="utf-8"; title { (title) } }
            body style="font-family: Arial, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40em" {
                (body)
                p style="color: #555; font-size: 0.9em" { "Denne e-posten er sendt fra Samkjøp, plattformen for felles anskaffelser i kommunene." }
            }
        }
    }
    .into_string()
}

pub fn invitation(i: &Invitation<'_>) -> Letter {
    let subject = format!("Invitasjon til felles anskaffelse: {}", i.title);
    let period = words::period(i.duration_months, i.option_months, i.contract_start);
    let mut text = format!(
        "Hei,\n\n{leader} inviterer {m} til å delta i den felles anskaffelsen «{title}».\n\n",
        leader = i.leader,
        m = i.municipality,
        title = i.title
    );
    if !i.description.is_empty() {
        text.push_str(&format!("{}\n\n", i.description));
    }
    text.push_str(&format!(
        "Kontraktstype: {}\nCPV: {} {}\nAvtaleperiode: {}\nRammeavtale: {}\nSvarfrist: {}\n\nDelkontrakter som gjelder {}:\n",
        words::contract_type(i.contract_type),
        i.cpv,
        i.cpv_name,
        period,
        words::yes_no(i.framework_agreement),
        i.deadline,
        i.municipality
    ));
    for lot in i.lots {
        text.push_str(&format!(
            "- {} (enhet: {}, anslått pris {} per enhet)\n",
            lot.title,
            lot.unit,
            words::amount(lot.unit_price)
        ));
    }
    if let Some(fit) = i.fit {
        text.push_str(&format!(
            "\nDeres anskaffelsesstrategi ({}):\n",
            fit.strategy_reference
        ));
        for g in &fit.goals {
            text.push_str(&format!("- {}: {}\n", verdict(g.met), g.message));
        }
    }
    text.push_str(&format!(
        "\nSvar her, uten innlogging:\n{}\n\nLenken er personlig for {} og virker til svarfristen. For å delta trenger dere et gyldig vedtak eller en fullmakt som dekker anskaffelsen, registrert i Samkjøp.\n\nMed vennlig hilsen\n{}\n",
        i.link, i.municipality, i.leader
    ));
    let body = html! {
        p { "Hei," }
        p { (i.leader) " inviterer " strong { (i.municipality) } " til å delta i den felles anskaffelsen «" (i.title) "»." }
        @if !i.description.is_empty() { p { (i.description) } }
        table cellpadding="4" {
            tr { th align="left" { "Kontraktstype" } td { (words::contract_type(i.contract_type)) } }
            tr { th align="left" { "CPV" } td { (i.cpv) " " (i.cpv_name) } }
            tr { th align="left" { "Avtaleperiode" } td { (period) } }
            tr { th align="left" { "Rammeavtale" } td { (words::yes_no(i.framework_agreement)) } }
            tr { th align="left" { "Svarfrist" } td { strong { (i.deadline) } } }
        }
        h3 { "Delkontrakter som gjelder " (i.municipality) }
        ul { @for lot in i.lots { li { (lot.title) " – enhet: " (lot.unit) ", anslått pris " (words::amount(lot.unit_price)) " per enhet" } } }
        @if let Some(fit) = i.fit {
            h3 { "Deres anskaffelsesstrategi (" (fit.strategy_reference) ")" }
            ul { @for g in &fit.goals { li { strong { (verdict(g.met)) } ": " (g.message) } } }
        }
        p { a href=(i.link) style="display: inline-block; padding: 0.6em 1.2em; background: #0b5394; color: #fff; text-decoration: none; border-radius: 4px" { "Svar på invitasjonen" } }
        p style="font-size: 0.9em" { "Lenken er personlig for " (i.municipality) " og virker til svarfristen. For å delta trenger dere et gyldig vedtak eller en fullmakt som dekker anskaffelsen, registrert i Samkjøp." }
        p { "Med vennlig hilsen" br; (i.leader) }
    };
    Letter {
        subject,
        text,
        html: shell(&format!("Invitasjon: {}", i.title), body),
    }
}

/// A strategy goal's verdict as the invitation says it.
fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "Oppfylt",
        Some(false) => "Ikke oppfylt",
        None => "Ukjent ennå",
    }
}

pub struct ReceiptLetter<'a> {
    pub municipality: &'a str,
    pub title: &'a str,
    pub joined: bool,
    pub mandate_reference: Option<&'a str>,
    pub share: Option<Ore>,
    /// (lot title, annual quantity, maximum, unit)
    pub volumes: &'a [(String, i64, Option<i64>, String)],
    pub decided_at: &'a str,
    pub deadline: &'a str,
    pub link: &'a str,
}

pub fn receipt(r: &ReceiptLetter<'_>) -> Letter {
    let verdict = if r.joined { "deltar" } else { "deltar ikke" };
    let subject = format!("Kvittering: {} {} i «{}»", r.municipality, verdict, r.title);
    let mut text = format!(
        "Hei,\n\nVi har registrert at {} {} i den felles anskaffelsen «{}» ({}).\n",
        r.municipality, verdict, r.title, r.decided_at
    );
    if let Some(reference) = r.mandate_reference {
        text.push_str(&format!("Vedtak/fullmakt: {reference}\n"));
    }
    if let Some(share) = r.share {
        text.push_str(&format!(
            "Deres andel over hele avtaleperioden med opsjoner: {}\n",
            words::amount(share)
        ));
    }
    for (lot, annual, max, unit) in r.volumes {
        text.push_str(&format!(
            "- {lot}: {} {unit} per år{}\n",
            words::number(*annual),
            words::maximum(*max, unit)
        ));
    }
    text.push_str(&format!(
        "\nDere kan endre svaret fram til svarfristen {}:\n{}\n\nMed vennlig hilsen\nSamkjøp\n",
        r.deadline, r.link
    ));
    let body = html! {
        p { "Hei," }
        p { "Vi har registrert at " strong { (r.municipality) " " (verdict) } " i den felles anskaffelsen «" (r.title) "» (" (r.decided_at) ")." }
        @if let Some(reference) = r.mandate_reference { p { "Vedtak/fullmakt: " (reference) } }
        @if let Some(share) = r.share { p { "Deres andel over hele avtaleperioden med opsjoner: " strong { (words::amount(share)) } } }
        @if !r.volumes.is_empty() {
            ul { @for (lot, annual, max, unit) in r.volumes { li { (lot) ": " (words::number(*annual)) " " (unit) " per år" (words::maximum(*max, unit)) } } }
        }
        p { "Dere kan endre svaret fram til svarfristen " (r.deadline) ": " a href=(r.link) { "endre svaret" } }
    };
    let html = shell(&subject, body);
    Letter {
        subject,
        text,
        html,
    }
}

pub struct Reminder<'a> {
    pub municipality: &'a str,
    pub title: &'a str,
    pub deadline: &'a str,
    pub days_left: i64,
    pub link: &'a str,
}

pub fn reminder(r: &Reminder<'_>) -> Letter {
    let when = match r.days_left {
        0 => "i dag".to_string(),
        1 => "i morgen".to_string(),
        n => format!("om {n} dager"),
    };
    let subject = format!("Påminnelse: svarfristen for «{}» går ut {when}", r.title);
    let text = format!(
        "Hei,\n\n{} har ennå ikke svart på invitasjonen til den felles anskaffelsen «{}». Svarfristen er {}.\n\nSvar her:\n{}\n\nMed vennlig hilsen\nSamkjøp\n",
        r.municipality, r.title, r.deadline, r.link
    );
    let body = html! {
        p { "Hei," }
        p { (r.municipality) " har ennå ikke svart på invitasjonen til den felles anskaffelsen «" (r.title) "». Svarfristen er " strong { (r.deadline) } "." }
        p { a href=(r.link) { "Svar på invitasjonen" } }
    };
    let html = shell(&subject, body);
    Letter {
        subject,
        text,
        html,
    }
}

pub struct MandateWarning<'a> {
    pub municipality: &'a str,
    pub reference: &'a str,
    pub valid_until: &'a str,
}

pub fn mandate_warning(w: &MandateWarning<'_>) -> Letter {
    let subject = format!("Fullmakten {} går ut {}", w.reference, w.valid_until);
    let text = format!(
        "Hei,\n\nFullmakten «{}» for {} gjelder til og med {}. Etter det kan den ikke brukes til å melde {} på felles anskaffelser. Registrer et nytt vedtak i Samkjøp når det er fattet.\n\nMed vennlig hilsen\nSamkjøp\n",
        w.reference, w.municipality, w.valid_until, w.municipality
    );
    let body = html! {
        p { "Hei," }
        p { "Fullmakten «" (w.reference) "» for " (w.municipality) " gjelder til og med " strong { (w.valid_until) } ". Etter det kan den ikke brukes til å melde " (w.municipality) " på felles anskaffelser." }
        p { "Registrer et nytt vedtak i Samkjøp når det er fattet." }
    };
    let html = shell(&subject, body);
    Letter {
        subject,
        text,
        html,
    }
}

pub struct ClosingSummary<'a> {
    pub title: &'a str,
    pub joined: &'a [String],
    pub declined: &'a [String],
    pub no_response: &'a [String],
    pub total_max_value: Ore,
    pub regime: Regime,
    pub special_services: bool,
}

pub fn closing_summary(s: &ClosingSummary<'_>) -> Letter {
    let subject = format!("Svarfristen er ute: «{}»", s.title);
    let list = |names: &[String]| {
        if names.is_empty() {
            "ingen".to_string()
        } else {
            names.join(", ")
        }
    };
    let text = format!(
        "Hei,\n\nSvarfristen for «{}» er ute, og påmeldingen er stengt.\n\nDeltar ({}): {}\nDeltar ikke ({}): {}\nIkke svart ({}): {}\n\nSamlet maksimal verdi: {}\nTerskelverdiregime: {}\n\nMed vennlig hilsen\nSamkjøp\n",
        s.title,
        s.joined.len(),
        list(s.joined),
        s.declined.len(),
        list(s.declined),
        s.no_response.len(),
        list(s.no_response),
        words::amount(s.total_max_value),
        words::regime(s.regime, s.special_services)
    );
    let body = html! {
        p { "Hei," }
        p { "Svarfristen for «" (s.title) "» er ute, og påmeldingen er stengt." }
        table cellpadding="4" {
            tr { th align="left" { "Deltar (" (s.joined.len()) ")" } td { (list(s.joined)) } }
            tr { th align="left" { "Deltar ikke (" (s.declined.len()) ")" } td { (list(s.declined)) } }
            tr { th align="left" { "Ikke svart (" (s.no_response.len()) ")" } td { (list(s.no_response)) } }
            tr { th align="left" { "Samlet maksimal verdi" } td { (words::amount(s.total_max_value)) } }
            tr { th align="left" { "Terskelverdiregime" } td { (words::regime(s.regime, s.special_services)) } }
        }
    };
    let html = shell(&subject, body);
    Letter {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_escapes_what_users_wrote() {
        let lots = [LotLine {
            title: "<script>x</script>".into(),
            unit: "porsjon".into(),
            unit_price: Ore::new(4500),
        }];
        let l = invitation(&Invitation {
            municipality: "Bergen",
            leader: "Nordhordland <innkjøp>",
            title: "Skolemat & drikke",
            description: "",
            contract_type: ContractType::Services,
            cpv: "55524000-9",
            cpv_name: "Catering til skoler",
            framework_agreement: true,
            contract_start: "01.08.2027",
            duration_months: 24,
            option_months: 24,
            deadline: "01.02.2027 kl. 12:00",
            lots: &lots,
            link: "http://x/vote/abc",
            fit: None,
        });
        assert!(l.html.contains("&lt;script&gt;"), "{}", l.html);
        assert!(!l.html.contains("<script>"));
        assert!(l.html.contains("Nordhordland &lt;innkjøp&gt;"));
        // Amounts say that they are excluding VAT, in text and HTML alike.
        assert!(l.text.contains("anslått pris NOK 45 ekskl. mva. per enhet"));
        assert!(l.html.contains("NOK 45 ekskl. mva."), "{}", l.html);
        assert!(l
            .text
            .contains("24 måneder fra 01.08.2027, med opsjon på 24 måneder"));
        assert_eq!(
            l.subject,
            "Invitasjon til felles anskaffelse: Skolemat & drikke"
        );
    }

    #[test]
    fn a_reminder_says_when_in_words() {
        let r = |days_left| {
            reminder(&Reminder {
                municipality: "Alver",
                title: "T",
                deadline: "d",
                days_left,
                link: "l",
            })
            .subject
        };
        assert!(r(0).ends_with("går ut i dag"));
        assert!(r(2).ends_with("går ut om 2 dager"));
    }
}
