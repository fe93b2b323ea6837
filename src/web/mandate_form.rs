//! The form that registers a council decision (a mandate), shared by the
//! workspace (`app::municipality`) and the voting page (`vote`): the fields
//! of `POST /api/v1/municipalities/{number}/mandates`, read as people type
//! them (dates, a ceiling in kroner, CPV prefixes separated by commas), and
//! checked by `flows::mandates::NewMandate::check`, the API's own checks.

use chrono::NaiveDate;
use maud::{html, Markup};

use super::app::{field, parse_kroner, FormErrors};
use crate::domain::{ErrorCode, ParticipantNumber};
use crate::error::AppError;
use crate::flows::mandates::{MandateRequest, NewMandate};

/// The mandate form as typed.
#[derive(Debug, Default, Clone)]
pub struct MandateValues {
    pub reference: String,
    pub decided_by: String,
    pub decided_on: String,
    pub valid_from: String,
    pub valid_until: String,
    /// Kroner, as typed ("5 000 000").
    pub ceiling: String,
    /// CPV prefixes separated by commas or spaces; none covers every CPV.
    pub cpv_scope: String,
}

impl MandateValues {
    pub fn from_form(fields: &[(String, String)]) -> MandateValues {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        MandateValues {
            reference: get("reference"),
            decided_by: get("decided_by"),
            decided_on: get("decided_on"),
            valid_from: get("valid_from"),
            valid_until: get("valid_until"),
            ceiling: get("ceiling"),
            cpv_scope: get("cpv_scope"),
        }
    }

    /// The mandate the API's checks accept, or what is wrong, per field.
    pub fn check(&self, municipality: ParticipantNumber) -> Result<NewMandate, FormErrors> {
        let mut errors = FormErrors::default();
        let mut date = |id: &str, text: &str, what: &str| {
            let parsed = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
            if parsed.is_none() {
                errors.add(
                    id,
                    format!("Skriv inn {what} som en dato, for eksempel 2026-12-31."),
                );
            }
            parsed
        };
        let decided_on = date("decided_on", &self.decided_on, "vedtaksdatoen");
        let valid_from = date("valid_from", &self.valid_from, "første gyldige dag");
        let valid_until = date("valid_until", &self.valid_until, "siste gyldige dag");
        let ceiling = parse_kroner(&self.ceiling);
        if ceiling.is_none() {
            errors.add(
                "ceiling",
                "Skriv beløpsgrensen i kroner, for eksempel 5 000 000 eller 45 000,50.",
            );
        }
        let scope: Vec<String> = self
            .cpv_scope
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let (Some(decided_on), Some(valid_from), Some(valid_until), Some(ceiling)) =
            (decided_on, valid_from, valid_until, ceiling)
        else {
            // The text fields are judged too, so that every error shows at once.
            self.text_errors(&mut errors);
            return Err(errors);
        };
        NewMandate::check(
            municipality,
            MandateRequest {
                reference: &self.reference,
                decided_by: &self.decided_by,
                decided_on,
                valid_from,
                valid_until,
                cpv_scope: &scope,
                max_value_ore: ceiling,
            },
        )
        .map_err(|e| {
            refusal(&mut errors, &e);
            errors
        })
    }

    fn text_errors(&self, errors: &mut FormErrors) {
        for (id, value) in [
            ("reference", &self.reference),
            ("decided_by", &self.decided_by),
        ] {
            if value.trim().is_empty() {
                errors.add(id, text_message(id));
            }
        }
    }

    /// The fields, each with its label, hint and error; the caller wraps
    /// them in its form.
    pub fn fields(&self, errors: &FormErrors) -> Markup {
        html! {
            (field("text", "reference", "Saksnummer for vedtaket", &self.reference,
                Some("Slik det står i møteboka, for eksempel PS 45/2026."), errors))
            (field("text", "decided_by", "Vedtatt av", &self.decided_by,
                Some("Organet som vedtok fullmakten, for eksempel kommunestyret eller formannskapet."), errors))
            (field("date", "decided_on", "Vedtaksdato", &self.decided_on,
                Some("Velg datoen, eller skriv den som år-måned-dag, for eksempel 2026-03-15."), errors))
            div.row {
                (field("date", "valid_from", "Gyldig fra og med", &self.valid_from, None, errors))
                (field("date", "valid_until", "Gyldig til og med", &self.valid_until, None, errors))
            }
            (field("text", "ceiling", "Beløpsgrense i kroner", &self.ceiling,
                Some("Det høyeste kommunens andel kan være, for hele avtaleperioden med opsjoner, ekskl. mva."), errors))
            (field("text", "cpv_scope", "Omfang (CPV)", &self.cpv_scope,
                Some("Begynnelsen av CPV-kodene fullmakten gjelder, 2–8 siffer, skilt med komma, for eksempel 555, 15. La feltet stå tomt hvis den gjelder alle slags anskaffelser."), errors))
        }
    }
}

fn text_message(id: &str) -> &'static str {
    match id {
        "reference" => "Skriv inn saksnummeret for vedtaket (høyst 200 tegn).",
        _ => "Skriv inn hvem som vedtok fullmakten (høyst 200 tegn).",
    }
}

/// A refusal of the API's checks, next to the form's field in bokmål.
fn refusal(errors: &mut FormErrors, e: &AppError) {
    let field = e
        .errors
        .first()
        .map(|f| f.field.as_str())
        .or(e.code.field())
        .unwrap_or("reference");
    let (id, message) = match (field, e.code) {
        ("reference" | "decided_by", _) => (field, text_message(field).to_string()),
        ("max_value_ore", _) => (
            "ceiling",
            "Beløpsgrensen kan ikke være negativ.".to_string(),
        ),
        ("cpv_scope", _) => (
            "cpv_scope",
            "Skriv CPV-koder eller begynnelsen av dem, 2–8 siffer hver, for eksempel 555."
                .to_string(),
        ),
        (_, ErrorCode::InvalidMandate) => (
            "valid_until",
            "Siste gyldige dag kan ikke være før første gyldige dag.".to_string(),
        ),
        (_, code) => ("reference", super::app::explain(code)),
    };
    errors.add(id, message);
}

#[cfg(test)]
mod tests {
    use super::MandateValues;
    use crate::domain::ParticipantNumber;

    fn typed() -> MandateValues {
        MandateValues {
            reference: "PS 45/2026".into(),
            decided_by: "Kommunestyret".into(),
            decided_on: "2026-03-15".into(),
            valid_from: "2026-03-15".into(),
            valid_until: "2027-03-14".into(),
            ceiling: "5 000 000".into(),
            cpv_scope: "555, 15".into(),
        }
    }

    fn bergen() -> ParticipantNumber {
        ParticipantNumber::parse("4601").unwrap()
    }

    #[test]
    fn a_mandate_is_read_as_people_type_it() {
        let m = typed().check(bergen()).unwrap();
        assert_eq!(m.max_value.get(), 500_000_000);
        assert_eq!(m.cpv_scope.len(), 2);
        assert_eq!(m.reference, "PS 45/2026");
    }

    #[test]
    fn each_error_is_next_to_its_field() {
        let mut v = typed();
        v.valid_until = "2026-01-01".into();
        let e = v.check(bergen()).err().unwrap();
        assert!(e.of("valid_until").is_some());
        let mut v = typed();
        v.cpv_scope = "5".into();
        assert!(v.check(bergen()).err().unwrap().of("cpv_scope").is_some());
        let mut v = typed();
        v.ceiling = "fem millioner".into();
        v.reference = " ".into();
        let e = v.check(bergen()).err().unwrap();
        assert!(e.of("ceiling").is_some());
        assert!(e.of("reference").is_some());
    }
}
