//! The volume table as CSV for the coordinator's spreadsheet, read by the
//! API (`GET …/volumes.csv`) and by the pages alike.

use crate::db::procurements::Aggregate;
use crate::domain::Ore;
use crate::error::{AppError, AppResult};

pub const VOLUME_COLUMNS: [&str; 11] = [
    "lot_id",
    "lot_title",
    "cpv",
    "unit",
    "unit_price_ore",
    "municipality",
    "municipality_name",
    "annual_quantity",
    "max_annual_quantity",
    "annual_value_ore",
    "max_annual_value_ore",
];

/// The CSV bytes. Per row, value = quantity × unit price exactly (no
/// division, so no rounding): the rows of a lot add up to the summary's
/// `annual_quantity`, `max_annual_quantity` and `annual_value_ore`.
pub fn volume_table(aggregate: &Aggregate) -> AppResult<Vec<u8>> {
    let mut rows = Vec::new();
    {
        let joined: Vec<&str> = aggregate.joined().collect();
        for lot in &aggregate.lots {
            let area = &lot.area;
            for &m in joined.iter().filter(|m| area.iter().any(|a| a == *m)) {
                let line = aggregate
                    .volumes
                    .iter()
                    .find(|v| v.lot_id == lot.id && v.municipality == m)
                    .map(|v| v.input());
                let annual = line.as_ref().map_or(0, |v| v.annual_quantity);
                let max = line.as_ref().map_or(0, |v| v.effective_max());
                let price = lot.unit_price_ore;
                rows.push(vec![
                    lot.id.clone(),
                    spreadsheet_text(&lot.title),
                    lot.cpv.clone(),
                    spreadsheet_text(&lot.unit),
                    price.to_string(),
                    m.to_string(),
                    crate::flows::invitations::municipality_name(m),
                    annual.to_string(),
                    max.to_string(),
                    times(annual, price)?.get().to_string(),
                    times(max, price)?.get().to_string(),
                ]);
            }
        }
    }
    spreadsheet(&VOLUME_COLUMNS, &rows)
}

/// CSV as Norwegian spreadsheets open it: UTF-8 with a byte order mark, `;`
/// between cells and CRLF between lines; a header line, then `rows`. Text
/// that could run as a formula is the caller's to pass through
/// `spreadsheet_text`.
pub fn spreadsheet(columns: &[&str], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(columns).map_err(AppError::internal)?;
        for row in rows {
            w.write_record(row).map_err(AppError::internal)?;
        }
        w.flush().map_err(AppError::internal)?;
    }
    Ok(out)
}

fn times(quantity: i64, price_ore: i64) -> AppResult<Ore> {
    Ore::from_i128(i128::from(quantity) * i128::from(price_ore)).map_err(AppError::from)
}

/// What a spreadsheet may take as the start of a formula: OWASP's list
/// against CSV injection (`= + - @`, tab, carriage return), a line feed, and
/// the full-width forms of the four signs, which spreadsheets in East Asian
/// locales read as the signs themselves.
const FORMULA_STARTS: [char; 11] = [
    '=', '+', '-', '@', '\t', '\r', '\n', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// Text that a spreadsheet would run as a formula (a lot titled "=1+1", or
/// " =1+1", since some trim the space) gets a leading apostrophe, which
/// spreadsheets show as text.
pub fn spreadsheet_text(s: &str) -> String {
    if s.starts_with(FORMULA_STARTS) || s.trim_start().starts_with(FORMULA_STARTS) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_other_text_kept() {
        assert_eq!(spreadsheet_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_text("-1"), "'-1");
        for formula in [
            "\u{FF1D}1+1",
            "\u{FF0B}1",
            "\u{FF0D}1",
            "\u{FF20}SUM(A1)",
            "\t=1",
            "\r=1",
            "\n=1",
            " =1+1",
            "\u{3000}=1+1",
        ] {
            assert_eq!(
                spreadsheet_text(formula),
                format!("'{formula}"),
                "{formula:?}"
            );
        }
        assert_eq!(spreadsheet_text("A=B"), "A=B", "a sign inside is text");
        assert_eq!(
            spreadsheet_text("Skolemåltid – Bergen"),
            "Skolemåltid – Bergen"
        );
    }

    #[test]
    fn a_product_too_large_is_a_value_overflow() {
        assert_eq!(
            times(i64::MAX, 2).unwrap_err().code,
            crate::domain::ErrorCode::ValueOverflow
        );
        assert_eq!(times(540_000, 4500).unwrap().get(), 2_430_000_000);
    }
}
