//! Norwegian words for the platform's values.

pub fn contract_type(code: &str) -> &'static str {
    match code {
        "goods" => "varer",
        "services" => "tjenester",
        "works" => "bygg og anlegg",
        "social_services" => "helse- og sosialtjenester og andre særlige tjenester",
        _ => "annet",
    }
}

/// The regime in words, with the parts of the regulation that apply. Special
/// services have no part II, and part IV instead of III above their EEA
/// threshold.
pub fn regime(code: &str, special_services: bool) -> &'static str {
    match (code, special_services) {
        ("below_rules", _) => "under regelverkets nedre grense",
        ("below_national_threshold", _) => {
            "under nasjonal terskelverdi (anskaffelsesforskriften del I)"
        }
        ("special_below_eea", _) => {
            "særlige tjenester under EØS-terskelverdien (anskaffelsesforskriften del I, ingen kunngjøringsplikt)"
        }
        ("national", _) => "over nasjonal terskelverdi (anskaffelsesforskriften del I og II)",
        ("eea", true) => {
            "særlige tjenester over EØS-terskelverdien (anskaffelsesforskriften del I og IV)"
        }
        ("eea", false) => "over EØS-terskelverdi (anskaffelsesforskriften del I og III)",
        _ => "ukjent",
    }
}

/// An amount as letters and pages show it: every amount the platform
/// computes is excluding VAT, and a reader must not have to guess.
pub fn amount(ore: crate::domain::Ore) -> String {
    format!("{ore} ekskl. mva.")
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nei"
    }
}

pub fn period(duration_months: i64, option_months: i64, start: &str) -> String {
    if option_months > 0 {
        format!("{duration_months} måneder fra {start}, med opsjon på {option_months} måneder")
    } else {
        format!("{duration_months} måneder fra {start}")
    }
}

/// 12 500 with a space between thousands, as Norwegians write it.
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

pub fn maximum(max: Option<i64>, unit: &str) -> String {
    max.map(|m| format!(" (maksimalt {} {unit})", number(m)))
        .unwrap_or_default()
}

pub fn decision(code: &str) -> &'static str {
    match code {
        "join" => "Deltar",
        "decline" => "Deltar ikke",
        "no_response" => "Ikke svart",
        _ => "Ikke svart ennå",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_grouped_with_spaces() {
        assert_eq!(super::number(1_234_567), "1 234 567");
        assert_eq!(super::number(999), "999");
        assert_eq!(super::number(-1000), "-1 000");
    }
}
