//! The joint procurement aggregate: the procurement, its lots, the
//! participation of each invited municipality and their volumes.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{lots, participations, procurements, volumes};
use super::types::{Cells, NullableCode};
use super::AnyConnection;
use super::{DbError, DbResult};
use crate::domain::contract::{ContractType, ProcurementStatus};
use crate::domain::procurement::Proposal;
use crate::domain::summary::{
    Channel, Decision, LotInput, ParticipantInput, Quorum, Terms, VolumeInput,
};
use crate::domain::{Cpv, Ore, ParticipantNumber};
use crate::reference::reference;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = procurements)]
pub struct Procurement {
    pub id: String,
    pub title: String,
    pub description: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub contract_type: ContractType,
    pub cpv: String,
    pub framework_agreement: bool,
    pub contract_start: NaiveDate,
    pub duration_months: i64,
    pub option_months: i64,
    pub participation_deadline: NaiveDateTime,
    pub quorum_min_participants: Option<i64>,
    pub quorum_min_population_share_percent: Option<i64>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ProcurementStatus,
    pub organization_id: Option<String>,
    pub host_municipality: Option<String>,
    pub created_by: String,
    pub event_seq: i64,
    pub last_event_hash: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub no_fixed_term: bool,
    pub case_number: Option<String>,
}

/// The columns a proposal sets, the same whether it creates or edits: what a
/// coordinator may change while the procurement is a draft.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = procurements, treat_none_as_null = true)]
pub struct ProcurementChange {
    pub title: String,
    pub description: String,
    #[diesel(serialize_as = String)]
    pub contract_type: ContractType,
    pub cpv: String,
    pub framework_agreement: bool,
    pub contract_start: NaiveDate,
    pub duration_months: i64,
    pub option_months: i64,
    pub participation_deadline: NaiveDateTime,
    pub quorum_min_participants: Option<i64>,
    pub quorum_min_population_share_percent: Option<i64>,
    pub updated_at: NaiveDateTime,
    pub no_fixed_term: bool,
    pub case_number: Option<String>,
}

impl ProcurementChange {
    pub fn of(proposal: &Proposal, at: NaiveDateTime) -> ProcurementChange {
        let quorum = proposal.terms.quorum.unwrap_or_default();
        ProcurementChange {
            title: proposal.title.clone(),
            description: proposal.description.clone(),
            contract_type: proposal.terms.contract_type,
            cpv: proposal.cpv.to_string(),
            framework_agreement: proposal.terms.framework_agreement,
            contract_start: proposal.contract_start,
            duration_months: proposal.terms.duration_months,
            option_months: proposal.terms.option_months,
            participation_deadline: proposal.participation_deadline.naive_utc(),
            quorum_min_participants: quorum.min_participants,
            quorum_min_population_share_percent: quorum.min_population_share_percent,
            updated_at: at,
            no_fixed_term: proposal.terms.no_fixed_term,
            case_number: proposal.case_number.clone(),
        }
    }
}

/// A new procurement: the proposal's columns and those set once, at creation.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = procurements)]
pub struct NewProcurement {
    pub id: String,
    #[diesel(embed)]
    pub proposal: ProcurementChange,
    #[diesel(serialize_as = String)]
    pub status: ProcurementStatus,
    pub organization_id: Option<String>,
    pub host_municipality: Option<String>,
    pub created_by: String,
    pub event_seq: i64,
    pub last_event_hash: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lots)]
pub struct Lot {
    pub id: String,
    pub procurement_id: String,
    pub position: i64,
    pub title: String,
    pub cpv: String,
    pub unit: String,
    pub unit_price_ore: i64,
    /// The municipality numbers the lot serves.
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub area: Vec<String>,
    pub active: bool,
    pub split_from: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = participations)]
pub struct Participation {
    pub procurement_id: String,
    pub municipality: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub decision: Decision,
    #[diesel(deserialize_as = NullableCode<Channel>, serialize_as = NullableCode<Channel>)]
    pub channel: Option<Channel>,
    pub decided_at: Option<NaiveDateTime>,
    pub mandate_id: Option<String>,
    pub note: Option<String>,
    pub share_value_ore: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = volumes)]
pub struct Volume {
    pub procurement_id: String,
    pub municipality: String,
    pub lot_id: String,
    pub annual_quantity: i64,
    pub max_annual_quantity: Option<i64>,
}

/// Everything the domain needs to decide about one procurement.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub procurement: Procurement,
    /// The active lots, in their order.
    pub lots: Vec<Lot>,
    pub participations: Vec<Participation>,
    pub volumes: Vec<Volume>,
}

fn stored<T, E: std::fmt::Display>(r: Result<T, E>) -> DbResult<T> {
    // Stored values were checked on the way in; a failure here is corruption.
    r.map_err(DbError::corrupt)
}

impl Procurement {
    pub fn deadline(&self) -> DateTime<Utc> {
        self.participation_deadline.and_utc()
    }

    pub fn quorum(&self) -> Option<Quorum> {
        (self.quorum_min_participants.is_some()
            || self.quorum_min_population_share_percent.is_some())
        .then_some(Quorum {
            min_participants: self.quorum_min_participants,
            min_population_share_percent: self.quorum_min_population_share_percent,
        })
    }

    pub fn terms(&self) -> DbResult<Terms> {
        Ok(Terms {
            contract_type: self.contract_type,
            cpv: Cpv::parse(&self.cpv).map_err(DbError::corrupt)?,
            framework_agreement: self.framework_agreement,
            duration_months: self.duration_months,
            option_months: self.option_months,
            no_fixed_term: self.no_fixed_term,
            quorum: self.quorum(),
        })
    }
}

impl Lot {
    pub fn input(&self) -> DbResult<LotInput> {
        Ok(LotInput {
            id: self.id.clone(),
            title: self.title.clone(),
            cpv: stored(Cpv::parse(&self.cpv))?,
            unit: self.unit.clone(),
            unit_price: Ore::new(self.unit_price_ore),
        })
    }
}

impl Volume {
    pub fn input(&self) -> VolumeInput {
        VolumeInput {
            lot_id: self.lot_id.clone(),
            annual_quantity: self.annual_quantity,
            max_annual_quantity: self.max_annual_quantity,
        }
    }
}

impl Aggregate {
    /// The municipalities that joined, in the order participations are stored.
    pub fn joined(&self) -> impl Iterator<Item = &str> {
        self.participations
            .iter()
            .filter(|p| p.decision == Decision::Join)
            .map(|p| p.municipality.as_str())
    }

    pub fn invited(&self) -> Vec<String> {
        self.participations
            .iter()
            .map(|p| p.municipality.clone())
            .collect()
    }

    pub fn participation(&self, municipality: &str) -> Option<&Participation> {
        self.participations
            .iter()
            .find(|p| p.municipality == municipality)
    }

    pub fn lot(&self, lot_id: &str) -> Option<&Lot> {
        self.lots.iter().find(|l| l.id == lot_id)
    }

    pub fn lot_inputs(&self) -> DbResult<Vec<LotInput>> {
        self.lots.iter().map(Lot::input).collect()
    }

    /// Every invited municipality with its decision, population and volumes.
    pub fn participant_inputs(&self) -> DbResult<Vec<ParticipantInput>> {
        // Grouped in one pass: at national scale 357 participants times
        // 35 700 volume lines, searched per participant, was most of the
        // summary's time.
        let mut volumes: HashMap<&str, Vec<VolumeInput>> = HashMap::new();
        for v in &self.volumes {
            volumes
                .entry(v.municipality.as_str())
                .or_default()
                .push(v.input());
        }
        self.participations
            .iter()
            .map(|p| {
                Ok(ParticipantInput {
                    municipality: stored(ParticipantNumber::parse(&p.municipality))?,
                    population: reference()
                        .participant_population(&p.municipality)
                        .unwrap_or(0),
                    decision: p.decision,
                    // A participation is stored once per municipality.
                    volumes: volumes.remove(p.municipality.as_str()).unwrap_or_default(),
                })
            })
            .collect()
    }
}

pub fn insert(conn: &mut AnyConnection, p: &NewProcurement, invited: &[String]) -> DbResult<()> {
    diesel::insert_into(procurements::table)
        .values(p.clone())
        .execute(conn)?;
    let rows: Vec<Participation> = invited.iter().map(|m| pending(&p.id, m)).collect();
    insert_participations(conn, &rows)
}

fn pending(procurement_id: &str, municipality: &str) -> Participation {
    Participation {
        procurement_id: procurement_id.to_string(),
        municipality: municipality.to_string(),
        decision: Decision::Pending,
        channel: None,
        decided_at: None,
        mandate_id: None,
        note: None,
        share_value_ore: None,
    }
}

fn insert_participations(conn: &mut AnyConnection, rows: &[Participation]) -> DbResult<()> {
    for chunk in rows.chunks(500) {
        per_backend!(conn, |c| diesel::insert_into(participations::table)
            .values(chunk.to_vec())
            .execute(c))?;
    }
    Ok(())
}

pub fn update(
    conn: &mut AnyConnection,
    id: &str,
    change: &ProcurementChange,
    invited: &[String],
) -> DbResult<()> {
    diesel::update(procurements::table.find(id))
        .set(change.clone())
        .execute(conn)?;
    // A draft has only pending rows: the invitation list is simply replaced.
    diesel::delete(participations::table.filter(participations::procurement_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<Participation> = invited.iter().map(|m| pending(id, m)).collect();
    insert_participations(conn, &rows)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> DbResult<Option<Procurement>> {
    Ok(procurements::table
        .find(id)
        .select(Procurement::as_select())
        .first(conn)
        .optional()?)
}

/// The procurement with the municipalities it invited, and nothing else:
/// what an access check needs. The head (`load_head`) also parses every
/// lot's area, a few milliseconds at national scale on every read.
pub fn find_with_invited(
    conn: &mut AnyConnection,
    id: &str,
) -> DbResult<Option<(Procurement, Vec<String>)>> {
    let Some(procurement) = find(conn, id)? else {
        return Ok(None);
    };
    let invited = participations::table
        .filter(participations::procurement_id.eq(id))
        .select(participations::municipality)
        .order(participations::municipality.asc())
        .load(conn)?;
    Ok(Some((procurement, invited)))
}

pub fn load(conn: &mut AnyConnection, id: &str) -> DbResult<Option<Aggregate>> {
    load_with(conn, id, true)
}

/// The aggregate without its volume lines: what access checks and most views
/// need, without the 35 700 rows of a national procurement.
pub fn load_head(conn: &mut AnyConnection, id: &str) -> DbResult<Option<Aggregate>> {
    load_with(conn, id, false)
}

fn load_with(
    conn: &mut AnyConnection,
    id: &str,
    with_volumes: bool,
) -> DbResult<Option<Aggregate>> {
    let Some(procurement) = find(conn, id)? else {
        return Ok(None);
    };
    let lots = lots::table
        .filter(lots::procurement_id.eq(id).and(lots::active.eq(true)))
        .select(Lot::as_select())
        .order((lots::position.asc(), lots::id.asc()))
        .load(conn)?;
    let participations = participations::table
        .filter(participations::procurement_id.eq(id))
        .select(Participation::as_select())
        .order(participations::municipality.asc())
        .load(conn)?;
    let volumes = if with_volumes {
        volumes::table
            .filter(volumes::procurement_id.eq(id))
            .select(Volume::as_select())
            .order((volumes::municipality.asc(), volumes::lot_id.asc()))
            .load(conn)?
    } else {
        Vec::new()
    };
    Ok(Some(Aggregate {
        procurement,
        lots,
        participations,
        volumes,
    }))
}

/// Which procurements a caller can list: all (admin), those led by an office
/// or a host municipality (coordinators), or those inviting a municipality.
pub enum Scope<'a> {
    All,
    LedBy {
        organization: Option<&'a str>,
        host_municipality: Option<&'a str>,
    },
    Inviting(&'a str),
}

pub fn list(
    conn: &mut AnyConnection,
    scope: Scope<'_>,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<Procurement>> {
    let mut query = procurements::table
        .select(Procurement::as_select())
        .into_boxed();
    query = match scope {
        Scope::All => query,
        Scope::LedBy {
            organization,
            host_municipality,
        } => {
            // No id is empty: "" matches nothing (a NUL would be refused by PostgreSQL).
            let by_office =
                procurements::organization_id.eq(organization.unwrap_or("").to_string());
            let by_host =
                procurements::host_municipality.eq(host_municipality.unwrap_or("").to_string());
            query.filter(by_office.or(by_host))
        }
        Scope::Inviting(municipality) => {
            let invited = participations::table
                .filter(participations::municipality.eq(municipality.to_string()))
                .select(participations::procurement_id);
            query.filter(procurements::id.eq_any(invited))
        }
    };
    Ok(query
        .order(procurements::created_at.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

pub fn list_published(
    conn: &mut AnyConnection,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<Procurement>> {
    Ok(procurements::table
        .filter(procurements::status.eq(ProcurementStatus::Published.code()))
        .select(Procurement::as_select())
        .order(procurements::published_at.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

pub fn set_status(
    conn: &mut AnyConnection,
    id: &str,
    status: ProcurementStatus,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::update(procurements::table.find(id))
        .set((
            procurements::status.eq(status.code()),
            procurements::updated_at.eq(at),
        ))
        .execute(conn)?;
    if status == ProcurementStatus::Published {
        diesel::update(procurements::table.find(id))
            .set(procurements::published_at.eq(Some(at)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn next_lot_position(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<i64> {
    let max: Option<i64> = lots::table
        .filter(lots::procurement_id.eq(procurement_id))
        .select(diesel::dsl::max(lots::position))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn insert_lot(conn: &mut AnyConnection, lot: &Lot) -> DbResult<()> {
    diesel::insert_into(lots::table)
        .values(lot.clone())
        .execute(conn)?;
    Ok(())
}

/// A draft's lot as changed: what it is called, priced and serves.
pub fn update_lot(conn: &mut AnyConnection, lot: &Lot) -> DbResult<()> {
    diesel::update(lots::table.find(&lot.id))
        .set((
            lots::title.eq(&lot.title),
            lots::cpv.eq(&lot.cpv),
            lots::unit.eq(&lot.unit),
            lots::unit_price_ore.eq(lot.unit_price_ore),
            lots::area.eq(Cells(lot.area.clone()).join()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn retire_lot(conn: &mut AnyConnection, lot_id: &str) -> DbResult<()> {
    diesel::update(lots::table.find(lot_id))
        .set(lots::active.eq(false))
        .execute(conn)?;
    Ok(())
}

/// Records a municipality's decision and replaces its volume lines.
pub fn record_decision(
    conn: &mut AnyConnection,
    decision: &Participation,
    lines: &[Volume],
) -> DbResult<()> {
    let key = (
        decision.procurement_id.as_str(),
        decision.municipality.as_str(),
    );
    diesel::update(participations::table.find(key))
        .set((
            participations::decision.eq(decision.decision.code()),
            participations::channel.eq(decision.channel.map(Channel::code)),
            participations::decided_at.eq(decision.decided_at),
            participations::mandate_id.eq(&decision.mandate_id),
            participations::note.eq(&decision.note),
            participations::share_value_ore.eq(decision.share_value_ore),
        ))
        .execute(conn)?;
    diesel::delete(
        volumes::table.filter(
            volumes::procurement_id
                .eq(key.0)
                .and(volumes::municipality.eq(key.1)),
        ),
    )
    .execute(conn)?;
    insert_volumes(conn, lines)
}

pub fn insert_volumes(conn: &mut AnyConnection, lines: &[Volume]) -> DbResult<()> {
    for chunk in lines.chunks(500) {
        per_backend!(conn, |c| diesel::insert_into(volumes::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Moves volume lines from a split lot to its sub-lots.
pub fn delete_volumes_of_lot(conn: &mut AnyConnection, lot_id: &str) -> DbResult<()> {
    diesel::delete(volumes::table.filter(volumes::lot_id.eq(lot_id))).execute(conn)?;
    Ok(())
}

/// At closing, whoever has not answered has not responded.
pub fn mark_no_response(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<usize> {
    Ok(diesel::update(
        participations::table.filter(
            participations::procurement_id
                .eq(procurement_id)
                .and(participations::decision.eq(Decision::Pending.code())),
        ),
    )
    .set(participations::decision.eq(Decision::NoResponse.code()))
    .execute(conn)?)
}

/// Open procurements whose participation deadline has passed.
pub fn due_for_closing(conn: &mut AnyConnection, now: NaiveDateTime) -> DbResult<Vec<String>> {
    Ok(procurements::table
        .filter(procurements::status.eq(ProcurementStatus::Open.code()))
        .filter(procurements::participation_deadline.le(now))
        .select(procurements::id)
        .order(procurements::participation_deadline.asc())
        .load(conn)?)
}

/// Who leads a procurement, and its status.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = procurements)]
pub struct Leader {
    pub organization_id: Option<String>,
    pub host_municipality: Option<String>,
    #[diesel(deserialize_as = String)]
    pub status: ProcurementStatus,
}

/// The leaders of the procurements that invite `municipality`, each
/// leader and status once.
pub fn leaders_inviting(conn: &mut AnyConnection, municipality: &str) -> DbResult<Vec<Leader>> {
    Ok(procurements::table
        .inner_join(participations::table)
        .filter(participations::municipality.eq(municipality))
        .select(Leader::as_select())
        .distinct()
        .load(conn)?)
}

pub fn open_ids(conn: &mut AnyConnection) -> DbResult<Vec<String>> {
    Ok(procurements::table
        .filter(procurements::status.eq(ProcurementStatus::Open.code()))
        .select(procurements::id)
        .order(procurements::participation_deadline.asc())
        .load(conn)?)
}

/// The status and `event_seq` of one procurement: one primary-key read, what
/// the public pages check before answering from their cache.
pub fn version(conn: &mut AnyConnection, id: &str) -> DbResult<Option<(ProcurementStatus, i64)>> {
    let row: Option<(String, i64)> = procurements::table
        .find(id)
        .select((procurements::status, procurements::event_seq))
        .first(conn)
        .optional()?;
    row.map(|(status, seq)| Ok((stored(status.parse())?, seq)))
        .transpose()
}

/// `version` of several procurements in one query; unknown ids are absent.
pub fn versions(
    conn: &mut AnyConnection,
    ids: &[String],
) -> DbResult<HashMap<String, (ProcurementStatus, i64)>> {
    let rows: Vec<(String, String, i64)> = procurements::table
        .filter(procurements::id.eq_any(ids))
        .select((
            procurements::id,
            procurements::status,
            procurements::event_seq,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, status, seq)| Ok((id, (stored(status.parse())?, seq))))
        .collect()
}
