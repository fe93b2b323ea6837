//! The supplier register in CSV: header
//! `org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv`,
//! optionally `email` (the firm's address, where a registration for the
//! firm is confirmed), list cells separated by `;`. A bad row is reported by its line and never
//! stops the good ones. Used by `POST /api/v1/suppliers/import` and by
//! `samkjop import-suppliers`.

use std::collections::HashSet;

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::suppliers::{self, Supplier};
use crate::db::{new_id, AnyConnection};
use crate::domain::supplier::{RawProfile, SupplierProfile};
use crate::domain::{EmailAddress, ErrorCode, EurNokRate, Invalid};
use crate::error::{AppError, AppResult};

pub const COLUMNS: [&str; 7] = [
    "org_number",
    "name",
    "employees",
    "annual_turnover_ore",
    "home_municipality",
    "service_area",
    "cpv",
];
/// Optional: the firm's address. Blank keeps what is stored.
pub const EMAIL_COLUMN: &str = "email";
pub const MAX_ROWS: usize = 500_000;
/// A national register is tens of megabytes of CSV.
pub const LIMIT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Rejected {
    /// The line in the file, the header being line 1.
    pub line: u64,
    #[schema(value_type = String)]
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ImportReport {
    pub imported: usize,
    pub updated: usize,
    pub rejected: Vec<Rejected>,
}

pub struct ParsedRegister {
    /// The line, the profile, and the address when the file gives one.
    pub rows: Vec<(u64, SupplierProfile, Option<EmailAddress>)>,
    pub rejected: Vec<Rejected>,
}

/// Reads the whole file. Only a missing or wrong header refuses the file as a
/// whole (422 `invalid_csv_header`); everything else is per row.
pub fn parse(bytes: &[u8]) -> AppResult<ParsedRegister> {
    parse_at_most(bytes, MAX_ROWS)
}

/// `parse` with another row limit.
pub fn parse_at_most(bytes: &[u8], max_rows: usize) -> AppResult<ParsedRegister> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes); // spreadsheets write a BOM
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|e| {
            AppError::new(
                ErrorCode::InvalidCsvHeader,
                format!("the header cannot be read: {e}"),
            )
        })?
        .clone();
    let positions = column_positions(&header)?;
    let mut parsed = ParsedRegister {
        rows: Vec::new(),
        rejected: Vec::new(),
    };
    let mut seen = HashSet::new();
    for (index, record) in reader.byte_records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(index as u64 + 2, |p| p.line());
        if parsed.rows.len() + parsed.rejected.len() >= max_rows {
            return Err(AppError::new(
                ErrorCode::TooManyRows,
                format!("a register import takes at most {max_rows} rows; split the file"),
            ));
        }
        let outcome = record
            .map_err(|e| {
                Invalid::new(
                    ErrorCode::InvalidCsvRow,
                    format!("the row cannot be read: {e}"),
                )
            })
            .and_then(|r| parse_row(&r, &positions));
        match outcome {
            Ok((profile, _)) if !seen.insert(profile.org_number.clone()) => {
                parsed.rejected.push(Rejected {
                    line,
                    code: ErrorCode::DuplicateOrgNumber,
                    message: format!("{} appears earlier in the file", profile.org_number),
                })
            }
            Ok((profile, email)) => parsed.rows.push((line, profile, email)),
            Err(e) => parsed.rejected.push(Rejected {
                line,
                code: e.code,
                message: e.message,
            }),
        }
    }
    Ok(parsed)
}

struct Positions {
    columns: [usize; 7],
    email: Option<usize>,
}

fn column_positions(header: &csv::ByteRecord) -> AppResult<Positions> {
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
        .collect();
    let mut positions = [0usize; 7];
    for (slot, wanted) in positions.iter_mut().zip(COLUMNS) {
        *slot = names.iter().position(|n| n == wanted).ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidCsvHeader,
                format!(
                    "the header has no column '{wanted}'; expected {}",
                    COLUMNS.join(",")
                ),
            )
        })?;
    }
    Ok(Positions {
        columns: positions,
        email: names.iter().position(|n| n == EMAIL_COLUMN),
    })
}

fn parse_row(
    record: &csv::ByteRecord,
    at: &Positions,
) -> Result<(SupplierProfile, Option<EmailAddress>), Invalid> {
    let mut cells = [""; 7];
    for (cell, &i) in cells.iter_mut().zip(&at.columns) {
        let bytes = record.get(i).unwrap_or_default();
        *cell = std::str::from_utf8(bytes).map_err(|_| {
            Invalid::new(
                ErrorCode::InvalidUtf8,
                format!("column '{}' is not valid UTF-8", COLUMNS[i.min(6)]),
            )
        })?;
    }
    let number = |name: &str, text: &str| {
        text.parse::<i64>().map_err(|_| {
            Invalid::new(
                ErrorCode::InvalidNumber,
                format!("{name} '{text}' is not a whole number"),
            )
        })
    };
    let raw = RawProfile {
        org_number: cells[0],
        name: cells[1],
        employees: number("employees", cells[2])?,
        annual_turnover_ore: number("annual_turnover_ore", cells[3])?,
        balance_sheet_total_ore: None,
        home_municipality: cells[4],
        service_area: list(cells[5]),
        cpv: list(cells[6]),
    };
    let profile = SupplierProfile::parse(&raw)
        .map_err(|(field, e)| Invalid::new(e.code, format!("{field}: {}", e.message)))?;
    let email = match at.email.and_then(|i| record.get(i)) {
        None => None,
        Some(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                Invalid::new(
                    ErrorCode::InvalidUtf8,
                    format!("column '{EMAIL_COLUMN}' is not valid UTF-8"),
                )
            })?;
            if text.trim().is_empty() {
                None
            } else {
                let address = EmailAddress::parse(text)
                    .map_err(|e| Invalid::new(e.code, format!("email: {}", e.message)))?;
                if !crate::db::outbox::can_receive(address.as_str()) {
                    return Err(Invalid::new(
                        ErrorCode::InvalidEmail,
                        format!("email: no mail can be sent to '{address}'"),
                    ));
                }
                Some(address)
            }
        }
    };
    Ok((profile, email))
}

fn list(cell: &str) -> Vec<&str> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Rows written between two calls of the progress callback: one multi-row
/// insert's worth.
pub const PROGRESS_STEP: usize = 500;

/// Inserts new suppliers and updates known ones (by organisation number), in
/// the caller's transaction, calling `progress(rows written, rows to write)`
/// as it goes, so that the command line can show how far a large register
/// has come.
pub fn store_with_progress(
    conn: &mut AnyConnection,
    parsed: ParsedRegister,
    rate: EurNokRate,
    now: chrono::NaiveDateTime,
    mut progress: impl FnMut(usize, usize),
) -> AppResult<ImportReport> {
    let known = suppliers::ids_by_org_number(conn)?;
    let mut report = ImportReport {
        rejected: parsed.rejected,
        ..ImportReport::default()
    };
    let total = parsed.rows.len();
    let mut new_rows = Vec::with_capacity(PROGRESS_STEP);
    for (_, profile, email) in &parsed.rows {
        let class = profile.size_class(rate);
        match known.get(profile.org_number.as_str()) {
            Some(id) => {
                suppliers::update_profile(conn, id, profile, class, now)?;
                if let Some(address) = email {
                    suppliers::set_email(conn, id, address.as_str())?;
                }
                report.updated += 1;
                if report.updated % PROGRESS_STEP == 0 {
                    progress(report.updated + report.imported, total);
                }
            }
            None => {
                let email = email.as_ref().map(EmailAddress::to_string);
                new_rows.push(Supplier::new(new_id(), email, profile, class, now));
                if new_rows.len() == PROGRESS_STEP {
                    suppliers::insert_many(conn, &new_rows)?;
                    report.imported += new_rows.len();
                    new_rows.clear();
                    progress(report.updated + report.imported, total);
                }
            }
        }
    }
    suppliers::insert_many(conn, &new_rows)?;
    report.imported += new_rows.len();
    progress(total, total);
    report.rejected.sort_by_key(|r| r.line);
    Ok(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_over_the_row_limit_is_refused_whole() {
        let mut csv = String::from(
            "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n",
        );
        for _ in 0..4 {
            csv.push_str("974760673,Fjord AS,1,100,4601,,5552\n");
        }
        let e = parse_at_most(csv.as_bytes(), 3).err().expect("refused");
        assert_eq!((e.status().as_u16(), e.code), (413, ErrorCode::TooManyRows));
        assert!(
            parse_at_most(csv.as_bytes(), 4).is_ok(),
            "exactly at the limit is fine"
        );
    }

    use super::*;

    #[test]
    fn bad_rows_are_reported_by_line_and_good_rows_kept() {
        let csv =
            "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n\
                   974760673,Fjord Catering AS,12,610000000,4601,46,5552\n\
                   974760674,Feil AS,1,100,4601,,5552\n\
                   123,Kort AS,1,100,4601,,5552\n\
                   974760673,Igjen AS,1,100,4601,,5552\n\
                   914778271,Tall AS,mange,100,4601,,5552\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let lines: Vec<(u64, ErrorCode)> =
            parsed.rejected.iter().map(|r| (r.line, r.code)).collect();
        assert_eq!(
            lines,
            vec![
                (3, ErrorCode::InvalidOrgNumber),
                (4, ErrorCode::InvalidOrgNumber),
                (5, ErrorCode::DuplicateOrgNumber),
                (6, ErrorCode::InvalidNumber)
            ]
        );
    }

    #[test]
    fn invalid_utf8_rejects_the_row_only() {
        let mut csv =
            b"org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n"
                .to_vec();
        csv.extend_from_slice(b"974760673,Bad \xff name,1,100,4601,,5552\n");
        csv.extend_from_slice("914778271,Grønn Vask AS,3,100,0301,03,909\n".as_bytes());
        let parsed = parse(&csv).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rows[0].1.name, "Grønn Vask AS");
        assert_eq!(
            (parsed.rejected[0].line, parsed.rejected[0].code),
            (2, ErrorCode::InvalidUtf8)
        );
    }

    #[test]
    fn the_firm_s_address_is_optional_and_checked() {
        let csv = "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv,email\n\
                   974760673,Fjord AS,1,100,4601,,5552,Post@Fjord.no\n\
                   914778271,Vask AS,1,100,4601,,5552,\n\
                   123456785,Feil AS,1,100,4601,,5552,ikke-en-adresse\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        let emails: Vec<Option<&str>> = parsed
            .rows
            .iter()
            .map(|(_, _, e)| e.as_ref().map(EmailAddress::as_str))
            .collect();
        assert_eq!(emails, vec![Some("post@fjord.no"), None]);
        assert_eq!(
            (parsed.rejected[0].line, parsed.rejected[0].code),
            (4, ErrorCode::InvalidEmail)
        );
    }

    #[test]
    fn a_missing_column_refuses_the_file() {
        let e = parse(b"org_number,name\n974760673,X\n").err().unwrap();
        assert_eq!(e.code, ErrorCode::InvalidCsvHeader);
        assert!(e.detail.contains("employees"));
    }
}
