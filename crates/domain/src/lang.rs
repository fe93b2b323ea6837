//! The language of the sentences the API sends (findings, suggestions,
//! compliance reasons, warnings, problem titles): Norwegian bokmål unless the
//! caller asks for English. Codes, field names and the clause library's
//! contract wording do not change with it.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Norwegian bokmål, what municipalities read.
    #[default]
    Nb,
    En,
}

impl Lang {
    /// The language tag, as sent in `Content-Language`.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    /// The language an `Accept-Language` value asks for (RFC 9110
    /// §12.5.4): of the ranges this service speaks, the one with the highest
    /// weight, the first of equals; a range weighted 0 is refused. Nynorsk
    /// and plain Norwegian (`nn`, `no`) are answered in bokmål, and so is
    /// `*`, a missing header or one naming nothing spoken here: bokmål is
    /// the default, so a caller never gets a refusal for its language.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::default();
        };
        let mut best: Option<(u16, Lang)> = None;
        for range in header.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let mut weight = Some(1000);
            for param in parts {
                if let Some((name, value)) = param.split_once('=') {
                    if name.trim().eq_ignore_ascii_case("q") {
                        weight = quality(value.trim());
                    }
                }
            }
            let (Some(weight), Some(lang)) = (weight, Lang::of_range(tag)) else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }

    /// The language a range names by its primary subtag, if spoken here.
    fn of_range(tag: &str) -> Option<Lang> {
        let primary = tag.split('-').next().unwrap_or("");
        if primary == "*" {
            return Some(Lang::default());
        }
        match primary.to_ascii_lowercase().as_str() {
            "nb" | "no" | "nn" => Some(Lang::Nb),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// One of two words or fixed sentences, the Norwegian first.
    pub fn pick<T>(self, nb: T, en: T) -> T {
        match self {
            Lang::Nb => nb,
            Lang::En => en,
        }
    }

    /// A date as a reader of the language writes it: 01.08.2027 or 2027-08-01.
    pub fn date(self, day: NaiveDate) -> String {
        match self {
            Lang::Nb => day.format("%d.%m.%Y").to_string(),
            Lang::En => day.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A weight `0` to `1` with up to three decimals, in thousandths; none when
/// it is not one (the range is then ignored).
fn quality(value: &str) -> Option<u16> {
    let (whole, decimals) = value.split_once('.').unwrap_or((value, ""));
    if decimals.len() > 3 || !decimals.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction = format!("{decimals:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(fraction),
        "1" if fraction == 0 => Some(1000),
        _ => None,
    }
}

/// "1 kommune", "4 kommuner": a count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negotiated(header: &str) -> Lang {
        Lang::negotiate(Some(header))
    }

    #[test]
    fn english_when_asked_for_it() {
        assert_eq!(negotiated("en"), Lang::En);
        assert_eq!(negotiated("en-GB;q=0.9"), Lang::En);
        assert_eq!(negotiated("EN-us"), Lang::En);
        assert_eq!(
            negotiated("de, en;q=0.5"),
            Lang::En,
            "the first spoken here"
        );
        assert_eq!(negotiated("nb;q=0.4, en;q=0.8"), Lang::En, "by weight");
        assert_eq!(negotiated("nb;q=0.5 , en ; Q=0.6"), Lang::En);
    }

    #[test]
    fn bokmal_by_default_and_for_every_norwegian() {
        assert_eq!(Lang::negotiate(None), Lang::Nb);
        for header in [
            "",
            "nb",
            "no",
            "nn",
            "nb-NO, en;q=0.5",
            "nn-NO,nb;q=0.9,en;q=0.8",
            "*",
            "*, en;q=0.5",
            "de, fr",
            "en;q=0",
            "en;q=2",
            "en;q=0.1234",
            "en;q=x",
            ";;,",
        ] {
            assert_eq!(negotiated(header), Lang::Nb, "{header:?}");
        }
        assert_eq!(
            negotiated("en;q=0.5, nb;q=0.5"),
            Lang::En,
            "first of equals"
        );
        assert_eq!(
            negotiated("nb;q=0.5, en;q=0.5"),
            Lang::Nb,
            "first of equals"
        );
        assert_eq!(
            negotiated("en;q=0.5, nb;q=0.5, en"),
            Lang::En,
            "the heaviest"
        );
    }

    #[test]
    fn weights_are_read_exactly() {
        assert_eq!(quality("1"), Some(1000));
        assert_eq!(quality("1.000"), Some(1000));
        assert_eq!(quality("0.5"), Some(500));
        assert_eq!(quality("0.05"), Some(50));
        assert_eq!(quality("0"), Some(0));
        assert_eq!(quality("1.5"), None);
        assert_eq!(quality("0.1234"), None);
        assert_eq!(quality(""), None);
    }

    #[test]
    fn codes_dates_and_counts() {
        assert_eq!((Lang::Nb.code(), Lang::En.code()), ("nb", "en"));
        let day = NaiveDate::from_ymd_opt(2027, 8, 1).unwrap();
        assert_eq!(Lang::Nb.date(day), "01.08.2027");
        assert_eq!(Lang::En.date(day), "2027-08-01");
        assert_eq!(count(1, "kommune", "kommuner"), "1 kommune");
        assert_eq!(count(4, "kommune", "kommuner"), "4 kommuner");
    }
}
