//! Norwegian words for the platform's values.

use crate::domain::contract::ContractType;
use crate::domain::summary::{Channel, Decision};
use crate::domain::thresholds::Regime;
use crate::domain::Lang;

pub fn contract_type(contract_type: ContractType) -> &'static str {
    contract_type.words(Lang::Nb)
}

/// The regime in words, with the parts of the regulation that apply. Special
/// services have no part II, and part IV instead of III above their EEA
/// threshold.
pub fn regime(regime: Regime, special_services: bool) -> &'static str {
    match (regime, special_services) {
        (Regime::BelowRules, _) => "under regelverkets nedre grense",
        (Regime::BelowNationalThreshold, _) => {
            "under nasjonal terskelverdi (anskaffelsesforskriften del I)"
        }
        (Regime::SpecialBelowEea, _) => {
            "særlige tjenester under EØS-terskelverdien (anskaffelsesforskriften del I, ingen kunngjøringsplikt)"
        }
        (Regime::National, _) => "over nasjonal terskelverdi (anskaffelsesforskriften del I og II)",
        (Regime::Eea, true) => {
            "særlige tjenester over EØS-terskelverdien (anskaffelsesforskriften del I og IV)"
        }
        (Regime::Eea, false) => "over EØS-terskelverdi (anskaffelsesforskriften del I og III)",
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

/// The door a decision came by.
pub fn channel(channel: Channel) -> &'static str {
    match channel {
        Channel::Api => "API (kommunens fagsystem)",
        Channel::Email => "svarlenke i e-post",
    }
}

pub fn decision(decision: Decision) -> &'static str {
    match decision {
        Decision::Join => "Deltar",
        Decision::Decline => "Deltar ikke",
        Decision::NoResponse => "Ikke svart",
        Decision::Pending => "Ikke svart ennå",
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
