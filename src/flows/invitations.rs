//! Emails about a procurement, written to the outbox in the transaction of
//! the change that causes them: invitations with personal voting links,
//! receipts with a fresh link, reminders. A municipality holds at most one
//! working link per procurement: the newest mail's (`Links::replace`, and
//! `participation::decide` retires the open ones at each decision).

use chrono::{DateTime, Utc};

use crate::auth::vote_token::{self, VoteClaims};
use crate::auth::Keys;
use crate::db::procurements::{Aggregate, Procurement};
use crate::db::vote_links::VoteLink;
use crate::db::{municipalities, organizations, vote_links, AnyConnection};
use crate::domain::calendar::oslo_display;
use crate::domain::{Cpv, Ore};
use crate::error::{AppError, AppResult};
use crate::letters::{self, Invitation, LotLine};
use crate::reference::reference;

/// What it takes to make a voting link.
#[derive(Clone)]
pub struct Links {
    pub keys: Keys,
    pub public_url: String,
}

impl Links {
    /// Signs a link for one municipality and records it, so it can be used once.
    pub fn issue(
        &self,
        conn: &mut AnyConnection,
        procurement_id: &str,
        municipality: &str,
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> AppResult<String> {
        let claims = VoteClaims::new(procurement_id, municipality, deadline, now);
        let token = vote_token::sign(&self.keys, &claims).map_err(AppError::internal)?;
        let issued_at = crate::db::stamp(now);
        vote_links::record(
            conn,
            &VoteLink {
                jti: claims.jti.clone(),
                procurement_id: claims.proc.clone(),
                municipality: claims.sub.clone(),
                issued_at,
                expires_at: DateTime::from_timestamp(claims.exp, 0)
                    .map_or(issued_at, |t| t.naive_utc()),
                used_at: None,
                retired_at: None,
            },
        )?;
        Ok(format!("{}/vote/{token}", self.public_url))
    }

    /// A link that replaces every open one the municipality holds for the
    /// procurement: only the newest mail's link works.
    pub fn replace(
        &self,
        conn: &mut AnyConnection,
        procurement_id: &str,
        municipality: &str,
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> AppResult<String> {
        vote_links::retire_open(conn, procurement_id, municipality, crate::db::stamp(now))?;
        self.issue(conn, procurement_id, municipality, deadline, now)
    }
}

pub fn municipality_name(number: &str) -> String {
    reference()
        .participant_name(number)
        .unwrap_or_else(|| number.to_string())
}

/// The office or host municipality leading the procurement, by name.
pub fn leader_name(conn: &mut AnyConnection, p: &Procurement) -> AppResult<String> {
    if let Some(org) = &p.organization_id {
        if let Some(o) = organizations::find(conn, org)? {
            return Ok(o.name);
        }
    }
    Ok(p.host_municipality
        .as_deref()
        .map(|m| format!("{} kommune", municipality_name(m)))
        .unwrap_or_else(|| "Samkjøp".into()))
}

pub struct Invited {
    pub emailed: Vec<String>,
    /// Invited, but with no contact address to send to.
    pub without_address: Vec<String>,
}

/// One invitation per invited municipality that has a contact address.
pub fn invite_all(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    links: &Links,
    now: DateTime<Utc>,
) -> AppResult<Invited> {
    let p = &aggregate.procurement;
    let leader = leader_name(conn, p)?;
    let cpv_name = Cpv::parse(&p.cpv).map(|c| c.name_nb()).unwrap_or_default();
    let deadline = oslo_display(p.deadline());
    let start = p.contract_start.format("%d.%m.%Y").to_string();
    let mut invited = Invited {
        emailed: Vec::new(),
        without_address: Vec::new(),
    };
    for participation in &aggregate.participations {
        let number = participation.municipality.as_str();
        let Some(address) = municipalities::find(conn, number)?.and_then(|m| m.contact_email)
        else {
            invited.without_address.push(number.to_string());
            continue;
        };
        let lots: Vec<LotLine> = aggregate
            .lots
            .iter()
            .filter(|l| l.area.iter().any(|a| a == number))
            .map(|l| LotLine {
                title: l.title.clone(),
                unit: l.unit.clone(),
                unit_price: Ore::new(l.unit_price_ore),
            })
            .collect();
        let link = links.replace(conn, &p.id, number, p.deadline(), now)?;
        let name = municipality_name(number);
        let fit = crate::read::strategy::invitation_fit(conn, aggregate, number)?;
        let letter = letters::invitation(&Invitation {
            municipality: &name,
            leader: &leader,
            title: &p.title,
            description: &p.description,
            contract_type: p.contract_type,
            cpv: &p.cpv,
            cpv_name,
            framework_agreement: p.framework_agreement,
            contract_start: &start,
            duration_months: p.duration_months,
            option_months: p.option_months,
            deadline: &deadline,
            lots: &lots,
            link: &link,
            fit: fit.as_ref(),
        });
        super::send(conn, &address, &letter, now)?;
        invited.emailed.push(number.to_string());
    }
    Ok(invited)
}
