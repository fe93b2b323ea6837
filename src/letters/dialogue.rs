//! Alerts to subscribed suppliers: a consultation on a draft lot division
//! opens, or a procurement of their trade and area is published. Each ends
//! with the link that stops the alerts, without logging in.

use maud::html;

use super::{shell, Letter};

pub struct Alert<'a> {
    /// The consultation opened, rather than the procurement published.
    pub consultation: bool,
    pub title: &'a str,
    pub leader: &'a str,
    /// Lots matching the subscription, by title.
    pub lots: &'a [String],
    /// The consultation's deadline (Oslo time), for a consultation.
    pub deadline: Option<&'a str>,
    /// The consultation's message from the coordinator.
    pub message: Option<&'a str>,
    pub link: &'a str,
    pub unsubscribe: &'a str,
}

pub fn alert(a: &Alert<'_>) -> Letter {
    let (subject, lead) = if a.consultation {
        (
            format!("Markedsdialog: utkast til delkontrakter i «{}»", a.title),
            format!(
                "{} ber leverandører om innspill på utkastet til inndeling i delkontrakter for «{}», før konkurransen kunngjøres. Alle leverandører får den samme informasjonen.",
                a.leader, a.title
            ),
        )
    } else {
        (
            format!("Kunngjort: «{}»", a.title),
            format!(
                "{} har kunngjort den felles anskaffelsen «{}».",
                a.leader, a.title
            ),
        )
    };
    let mut text = format!("Hei,\n\n{lead}\n\n");
    if let Some(m) = a.message.filter(|m| !m.is_empty()) {
        text.push_str(&format!("{m}\n\n"));
    }
    text.push_str("Delkontrakter som passer det dere abonnerer på:\n");
    for lot in a.lots {
        text.push_str(&format!("- {lot}\n"));
    }
    if let Some(d) = a.deadline {
        text.push_str(&format!("\nSvarfrist for innspill: {d}\n"));
    }
    text.push_str(&format!(
        "\nLes mer: {}\n\nVil du ikke lenger få slike varsler? Meld deg av her (uten innlogging): {}\n",
        a.link, a.unsubscribe
    ));
    let body = html! {
        p { "Hei," }
        p { (lead) }
        @if let Some(m) = a.message.filter(|m| !m.is_empty()) { p { (m) } }
        p { "Delkontrakter som passer det dere abonnerer på:" }
        ul { @for lot in a.lots { li { (lot) } } }
        @if let Some(d) = a.deadline { p { "Svarfrist for innspill: " strong { (d) } } }
        p { a href=(a.link) { "Les mer" } }
        p style="color: #555; font-size: 0.9em" {
            "Vil du ikke lenger få slike varsler? "
            a href=(a.unsubscribe) { "Meld deg av" } " (uten innlogging)."
        }
    };
    Letter {
        html: shell(&subject, body),
        subject,
        text,
    }
}
