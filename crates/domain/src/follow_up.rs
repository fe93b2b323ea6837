//! Contract follow-up: the checkpoints the chosen clauses bring after the
//! award, when each is due, and where each stands. Pure: the caller passes
//! today's date.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

use super::clauses::{CheckpointSpec, ClauseLibrary, FollowUpRules};
use super::{ErrorCode, Invalid};

crate::code_enum! {
    /// What the coordinator found at a checkpoint.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum CheckpointResult {
        Done = "done",
        /// Something was wrong; the note says what.
        Deviation = "deviation",
    }
    invalid = InvalidResult, "a result: use done or deviation";
}

/// A deviation without a word on what was wrong cannot be followed up.
pub fn check_result(result: CheckpointResult, note: Option<&str>) -> Result<(), Invalid> {
    let note = note.map(str::trim).unwrap_or("");
    if result == CheckpointResult::Deviation && note.is_empty() {
        return Err(Invalid::new(
            ErrorCode::NoteRequired,
            "a deviation needs a note saying what was wrong",
        ));
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(Invalid::new(
            ErrorCode::InvalidNote,
            format!("the note is longer than {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(())
}

pub const MAX_NOTE_CHARS: usize = 4000;

crate::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum CheckpointState {
        /// Not yet due.
        Upcoming = "upcoming",
        /// From `remind_days_before` its date until it is overdue.
        Due = "due",
        /// Still open `overdue_after_days` after its date.
        Overdue = "overdue",
        Done = "done",
        Deviation = "deviation",
    }
    invalid = InvalidCheckpointState,
        "a checkpoint state: use upcoming, due, overdue, done or deviation";
}

pub fn state(
    due_on: NaiveDate,
    result: Option<CheckpointResult>,
    today: NaiveDate,
    rules: FollowUpRules,
) -> CheckpointState {
    match result {
        Some(CheckpointResult::Done) => CheckpointState::Done,
        Some(CheckpointResult::Deviation) => CheckpointState::Deviation,
        None => {
            let days_late = (today - due_on).num_days();
            if days_late > rules.overdue_after_days {
                CheckpointState::Overdue
            } else if -days_late <= rules.remind_days_before {
                CheckpointState::Due
            } else {
                CheckpointState::Upcoming
            }
        }
    }
}

/// One checkpoint of the plan, before it is tied to an awarded lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub clause: String,
    pub checkpoint: String,
    pub title: String,
    pub description: String,
    pub due_on: NaiveDate,
}

/// The dates of one checkpoint from `start` to `end`, both inclusive. Each
/// date is counted from the start, so that a checkpoint on the 31st stays
/// at the end of each month instead of drifting to the 28th.
pub fn due_dates(spec: &CheckpointSpec, start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let at = |months: u32| {
        start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.checked_add_days(Days::new(u64::from(spec.first_after_days))))
    };
    let mut dates = Vec::new();
    let mut months = spec.first_after_months;
    while let Some(date) = at(months).filter(|d| *d <= end) {
        dates.push(date);
        match spec
            .every_months
            .and_then(|every| months.checked_add(every))
        {
            // A repeat of zero months is refused when the library loads;
            // the check here keeps the loop finite whatever it is given.
            Some(next) if next > months => months = next,
            _ => break,
        }
    }
    dates
}

/// The checkpoints of the chosen clauses over the firm contract period
/// (options are not planned until they are taken), ordered by date. Codes
/// unknown to the library bring nothing.
pub fn plan(
    library: &ClauseLibrary,
    chosen: &[String],
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<Planned> {
    let mut planned: Vec<Planned> = library
        .clauses
        .iter()
        .filter(|c| chosen.contains(&c.code))
        .flat_map(|clause| {
            clause.checkpoints.iter().flat_map(move |spec| {
                due_dates(spec, start, end)
                    .into_iter()
                    .map(move |due_on| Planned {
                        clause: clause.code.clone(),
                        checkpoint: spec.code.clone(),
                        title: spec.title.clone(),
                        description: spec.description.clone(),
                        due_on,
                    })
            })
        })
        .collect();
    // Stable: clauses keep the library's order on the same date.
    planned.sort_by_key(|p| p.due_on);
    planned
}

/// How many checkpoints are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub total: usize,
    pub upcoming: usize,
    pub due: usize,
    pub overdue: usize,
    pub done: usize,
    pub deviation: usize,
}

impl Totals {
    pub fn count(&mut self, state: CheckpointState) {
        self.total += 1;
        match state {
            CheckpointState::Upcoming => self.upcoming += 1,
            CheckpointState::Due => self.due += 1,
            CheckpointState::Overdue => self.overdue += 1,
            CheckpointState::Done => self.done += 1,
            CheckpointState::Deviation => self.deviation += 1,
        }
    }

    pub fn of(states: impl IntoIterator<Item = CheckpointState>) -> Totals {
        let mut totals = Totals::default();
        for s in states {
            totals.count(s);
        }
        totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clauses::shipped;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn spec(first_after_months: u32, first_after_days: u32, every: Option<u32>) -> CheckpointSpec {
        CheckpointSpec {
            code: "c".into(),
            title: "C".into(),
            description: String::new(),
            first_after_months,
            first_after_days,
            every_months: every,
        }
    }

    #[test]
    fn quarterly_checkpoints_run_to_the_end_of_the_firm_period() {
        let start = date(2027, 8, 1);
        let end = date(2029, 8, 1);
        let quarterly = due_dates(&spec(3, 0, Some(3)), start, end);
        assert_eq!(quarterly.len(), 8);
        assert_eq!(quarterly[0], date(2027, 11, 1));
        assert_eq!(quarterly[7], date(2029, 8, 1), "the end day counts");
        assert_eq!(
            due_dates(&spec(0, 0, None), start, end),
            vec![start],
            "at the start, once"
        );
        assert_eq!(
            due_dates(&spec(0, 14, None), start, end),
            vec![date(2027, 8, 15)]
        );
        assert!(due_dates(&spec(36, 0, None), start, end).is_empty());
        // Counted from the start: the 31st stays at each month's end.
        let monthly = due_dates(&spec(1, 0, Some(1)), date(2027, 1, 31), date(2027, 4, 30));
        assert_eq!(
            monthly,
            vec![date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
        );
    }

    #[test]
    fn a_plan_holds_the_checkpoints_of_the_chosen_clauses_by_date() {
        let library = shipped();
        let chosen = vec!["lonns_og_arbeidsvilkar".to_string(), "hms_kort".to_string()];
        let plan = plan(&library, &chosen, date(2027, 8, 1), date(2028, 8, 1));
        let lines: Vec<(&str, NaiveDate)> = plan
            .iter()
            .map(|p| (p.checkpoint.as_str(), p.due_on))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("hms_kort_oppstart", date(2027, 8, 1)),
                ("lonnsdokumentasjon", date(2027, 11, 1)),
                ("lonnsdokumentasjon", date(2028, 2, 1)),
                ("hms_kort_stikkprove", date(2028, 2, 1)),
                ("lonnsdokumentasjon", date(2028, 5, 1)),
                ("lonnsdokumentasjon", date(2028, 8, 1)),
                ("hms_kort_stikkprove", date(2028, 8, 1)),
            ]
        );
        assert!(super::plan(
            &library,
            &["sanksjoner".to_string()],
            date(2027, 8, 1),
            date(2028, 8, 1)
        )
        .is_empty());
    }

    #[test]
    fn a_checkpoint_is_due_a_week_before_and_overdue_the_day_after() {
        let rules = FollowUpRules {
            remind_days_before: 7,
            overdue_after_days: 0,
        };
        let due_on = date(2027, 8, 1);
        let on = |d| state(due_on, None, d, rules);
        assert_eq!(on(date(2027, 7, 24)), CheckpointState::Upcoming);
        assert_eq!(on(date(2027, 7, 25)), CheckpointState::Due);
        assert_eq!(on(due_on), CheckpointState::Due);
        assert_eq!(on(date(2027, 8, 2)), CheckpointState::Overdue);
        assert_eq!(
            state(
                due_on,
                Some(CheckpointResult::Done),
                date(2030, 1, 1),
                rules
            ),
            CheckpointState::Done
        );
        let lenient = FollowUpRules {
            remind_days_before: 0,
            overdue_after_days: 14,
        };
        assert_eq!(
            state(due_on, None, date(2027, 8, 15), lenient),
            CheckpointState::Due
        );
        assert_eq!(
            state(due_on, None, date(2027, 8, 16), lenient),
            CheckpointState::Overdue
        );
    }

    #[test]
    fn a_deviation_needs_a_note() {
        assert_eq!(
            check_result(CheckpointResult::Deviation, Some("  "))
                .unwrap_err()
                .code,
            ErrorCode::NoteRequired
        );
        assert!(check_result(CheckpointResult::Deviation, Some("manglet HMS-kort")).is_ok());
        assert!(check_result(CheckpointResult::Done, None).is_ok());
        assert_eq!(
            "skipped".parse::<CheckpointResult>().unwrap_err().code,
            ErrorCode::InvalidResult
        );
        let totals = Totals::of([CheckpointState::Due, CheckpointState::Done]);
        assert_eq!((totals.total, totals.due, totals.done), (2, 1, 1));
    }
}
