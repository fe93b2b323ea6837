//! Letters of contract follow-up: checkpoints coming due, and overdue.

use maud::html;

use super::{shell, Letter};

/// One checkpoint as a letter lists it.
pub struct Item {
    pub title: String,
    pub lot: String,
    pub supplier: String,
    /// `01.08.2027`
    pub due_on: String,
}

pub struct FollowUpNotice<'a> {
    pub procurement: &'a str,
    /// Overdue rather than coming due.
    pub overdue: bool,
    pub items: &'a [Item],
}

fn checkpoints(n: usize) -> String {
    if n == 1 {
        "1 kontrollpunkt".to_string()
    } else {
        format!("{n} kontrollpunkter")
    }
}

pub fn follow_up_notice(n: &FollowUpNotice<'_>) -> Letter {
    let count = checkpoints(n.items.len());
    let (subject, lead) = if n.overdue {
        (
            format!("Forfalt oppfølging: {count} i «{}»", n.procurement),
            format!(
                "Disse kontrollpunktene i oppfølgingen av kontrakten «{}» har passert fristen uten at resultatet er registrert:",
                n.procurement
            ),
        )
    } else {
        (
            format!(
                "Oppfølging av kontrakt: {count} forfaller i «{}»",
                n.procurement
            ),
            format!(
                "Disse kontrollpunktene i oppfølgingen av kontrakten «{}» forfaller snart:",
                n.procurement
            ),
        )
    };
    let mut text = format!("Hei,\n\n{lead}\n\n");
    for item in n.items {
        text.push_str(&format!(
            "- {}: {} (delkontrakt {}, leverandør {})\n",
            item.due_on, item.title, item.lot, item.supplier
        ));
    }
    text.push_str(
        "\nRegistrer resultatet, utført eller avvik med en merknad, under oppfølging av anskaffelsen i Samkjøp.\n\nMed vennlig hilsen\nSamkjøp\n",
    );
    let body = html! {
        p { "Hei," }
        p { (lead) }
        table cellpadding="4" {
            tr { th align="left" { "Frist" } th align="left" { "Kontrollpunkt" } th align="left" { "Delkontrakt" } th align="left" { "Leverandør" } }
            @for item in n.items {
                tr { td { (item.due_on) } td { (item.title) } td { (item.lot) } td { (item.supplier) } }
            }
        }
        p { "Registrer resultatet, utført eller avvik med en merknad, under oppfølging av anskaffelsen i Samkjøp." }
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
    fn a_notice_lists_each_checkpoint_and_escapes_names() {
        let items = [Item {
            title: "Kontroll av HMS-kort ved oppstart".into(),
            lot: "Renhold <skoler>".into(),
            supplier: "Vask & Rent AS".into(),
            due_on: "01.08.2027".into(),
        }];
        let due = follow_up_notice(&FollowUpNotice {
            procurement: "Renhold i Nordhordland",
            overdue: false,
            items: &items,
        });
        assert_eq!(
            due.subject,
            "Oppfølging av kontrakt: 1 kontrollpunkt forfaller i «Renhold i Nordhordland»"
        );
        assert!(due.text.contains(
            "- 01.08.2027: Kontroll av HMS-kort ved oppstart (delkontrakt Renhold <skoler>, leverandør Vask & Rent AS)"
        ));
        assert!(due.html.contains("Renhold &lt;skoler&gt;"));
        let overdue = follow_up_notice(&FollowUpNotice {
            procurement: "R",
            overdue: true,
            items: &[],
        });
        assert_eq!(
            overdue.subject,
            "Forfalt oppfølging: 0 kontrollpunkter i «R»"
        );
    }
}
