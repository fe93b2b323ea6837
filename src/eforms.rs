//! A joint procurement's contract notice as an eForms (SDK 1.15) UBL
//! document, ready for Doffin. Built from what is already loaded (the
//! aggregate, its summary, the buyers, the tender plan), without the
//! database or the clock, so the same facts always give the same document.
//!
//! Choices a reader of the notice should know about (docs/api.md repeats them):
//!
//! - Subtype by regime: EEA → 16 (`cn-standard`), EEA for health, social and
//!   other special services → 20 (`cn-social`, the light regime), FOA part
//!   II → E3, the Norwegian national contract notice (`cn-standard` under
//!   `other` law, with `…:2023:eforms:national`); part I only → 409
//!   `no_notice_required`.
//! - Every joined municipality is a buyer (`cac:ContractingParty`),
//!   identified by its organisation number. A host municipality that
//!   coordinates is the group lead; a procurement office that coordinates is
//!   the procurement service provider of every buyer, not a buyer itself.
//! - Identifiers are derived from the procurement's id: the procedure id
//!   (`ContractFolderID`) and the notice id are UUIDs made from a SHA-256 of
//!   the id, the lots are `LOT-0001`… in the lots' order, so regenerating
//!   the notice of an unchanged procurement gives the same identifiers.
//! - Values are the summary's: a lot's estimated value is its estimate over
//!   the whole period including options, and a framework agreement's maximum
//!   is the summary's maximum value of the lot.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Oslo;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use sha2::{Digest, Sha256};

use crate::db::municipalities::Municipality;
use crate::db::organizations::Organization;
use crate::db::procurements::Aggregate;
use crate::domain::contract::{ContractType, ProcurementStatus};
use crate::domain::summary::{Decision, Summary};
use crate::domain::tender_plan::{CriterionType, TenderPlan};
use crate::domain::thresholds::Regime;
use crate::domain::{codes, ErrorCode, Ore};
use crate::error::{AppError, AppResult};
use crate::reference::reference;

pub const SDK_VERSION: &str = "eforms-sdk-1.15";
pub const EXTENSION_EU: &str = "#extended#urn:fdc:anskaffelser.no:2023:eforms:eu";
pub const EXTENSION_NATIONAL: &str = "#extended#urn:fdc:anskaffelser.no:2023:eforms:national";
/// The public procurement regulations (anskaffelsesforskriften) by ELI.
pub const FOA_ELI: &str = "http://data.lovdata.no/eli/forskrift/2016/08/12/974";
pub const CURRENCY: &str = "NOK";

/// What `contract_notice` refuses with.
pub const NOTICE_ERRORS: &[ErrorCode] = codes![&[
    ErrorCode::NoNoticeRequired,
    ErrorCode::BuyerIdentifierMissing,
    ErrorCode::BuyerContactMissing,
    ErrorCode::TenderPlanMissing,
    ErrorCode::InvalidState,
]];

/// Which notice a procurement gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subtype {
    /// EU contract notice, standard regime.
    Standard,
    /// EU contract notice, light regime (health, social and other special services).
    Social,
    /// The Norwegian national contract notice (E3), FOA part II.
    National,
}

impl Subtype {
    pub fn code(self) -> &'static str {
        match self {
            Subtype::Standard => "16",
            Subtype::Social => "20",
            Subtype::National => "E3",
        }
    }
}

/// The subtype for the regime; part I only (or below the rules) is refused.
pub fn subtype(summary: &Summary) -> AppResult<Subtype> {
    match summary.regime.regime {
        Regime::Eea if summary.regime.special_services => Ok(Subtype::Social),
        Regime::Eea => Ok(Subtype::Standard),
        Regime::National => Ok(Subtype::National),
        Regime::BelowRules | Regime::BelowNationalThreshold | Regime::SpecialBelowEea => {
            Err(AppError::new(
                ErrorCode::NoNoticeRequired,
                format!(
                    "the procurement is in the regime {}: only part I of the regulation applies and no notice is required; a voluntary notice on Doffin is possible, but is not generated here",
                    summary.regime.regime
                ),
            ))
        }
    }
}

pub struct NoticeInput<'a> {
    pub aggregate: &'a Aggregate,
    pub summary: &'a Summary,
    /// The joined municipalities' rows (`db::municipalities::buyers`).
    pub buyers: &'a [Municipality],
    /// The leading procurement office; None when a host municipality leads.
    pub office: Option<&'a Organization>,
    pub plan: Option<&'a TenderPlan>,
    /// When the notice is issued.
    pub issued: DateTime<Utc>,
}

/// A notice and what was decided on the way.
pub struct Notice {
    pub subtype: Subtype,
    /// A draft: the procurement is closed but not published yet.
    pub draft: bool,
    pub xml: String,
}

/// A stable UUID (version 4 layout) from `what` and the procurement id.
pub fn derived_uuid(what: &str, procurement_id: &str) -> String {
    let digest = Sha256::digest(format!("samkjop:{what}:{procurement_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

pub fn procedure_id(procurement_id: &str) -> String {
    derived_uuid("procedure", procurement_id)
}

pub fn notice_id(procurement_id: &str) -> String {
    derived_uuid("contract-notice", procurement_id)
}

pub fn lot_identifier(position: usize) -> String {
    format!("LOT-{:04}", position + 1)
}

/// The joined municipalities, in the order of the participations.
pub fn buyer_numbers(aggregate: &Aggregate) -> Vec<String> {
    aggregate
        .participations
        .iter()
        .filter(|m| m.decision == Decision::Join)
        .map(|m| m.municipality.clone())
        .collect()
}

/// The contract notice; refusals in the order a coordinator mends them.
pub fn contract_notice(input: &NoticeInput<'_>) -> AppResult<Notice> {
    let p = &input.aggregate.procurement;
    let draft = match p.status {
        ProcurementStatus::Published => false,
        ProcurementStatus::Closed => true,
        other => {
            return Err(AppError::new(
                ErrorCode::InvalidState,
                format!("the procurement is {other}; a notice is made once it is closed (as a draft) or published"),
            ))
        }
    };
    let subtype = subtype(input.summary)?;
    let missing: Vec<String> = input
        .buyers
        .iter()
        .filter(|b| b.org_number.is_none())
        .map(|b| format!("{} ({})", b.name, b.number))
        .collect();
    if !missing.is_empty() {
        let mut e = AppError::new(
            ErrorCode::BuyerIdentifierMissing,
            format!(
                "every buyer needs its organisation number; missing for {}: set it with PATCH /api/v1/municipalities/{{number}}",
                missing.join(", ")
            ),
        );
        for b in input.buyers.iter().filter(|b| b.org_number.is_none()) {
            e.errors.push(crate::error::FieldError {
                field: format!("buyers.{}", b.number),
                message: format!("{} ({}) has no organisation number", b.name, b.number),
            });
        }
        return Err(e);
    }
    let incomplete: Vec<String> = input
        .buyers
        .iter()
        .filter(|b| b.contact_email.is_none() || b.phone.is_none() || b.postal_code.is_none())
        .map(|b| format!("{} ({})", b.name, b.number))
        .collect();
    if !incomplete.is_empty() {
        return Err(AppError::new(
            ErrorCode::BuyerContactMissing,
            format!(
                "a notice gives each buyer's email address, telephone and postal code; missing for {}: set them with PATCH /api/v1/municipalities/{{number}}",
                incomplete.join(", ")
            ),
        ));
    }
    let plan = input.plan.ok_or_else(|| {
        AppError::new(
            ErrorCode::TenderPlanMissing,
            format!(
                "the notice needs the tender plan: PUT /api/v1/procurements/{}/tender-plan",
                p.id
            ),
        )
    })?;
    let xml = write(input, plan, subtype, draft)
        .map_err(|e| AppError::internal(format!("writing the notice: {e}")))?;
    Ok(Notice {
        subtype,
        draft,
        xml,
    })
}

const NAMESPACES: [(&str, &str); 7] = [
    (
        "xmlns",
        "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2",
    ),
    (
        "xmlns:cac",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    ),
    (
        "xmlns:cbc",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    ),
    (
        "xmlns:ext",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    ),
    (
        "xmlns:efac",
        "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    ),
    (
        "xmlns:efbc",
        "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    ),
    (
        "xmlns:efext",
        "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    ),
];

type W = Writer<Vec<u8>>;
type R = std::io::Result<()>;

fn leaf(w: &mut W, name: &str, attrs: &[(&str, &str)], text: &str) -> R {
    w.create_element(name)
        .with_attributes(attrs.iter().copied())
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// One `cac:TendererQualificationRequest` naming where a kind of requirement
/// (`list`: exclusion grounds, selection criteria, reserved procurement) is set out.
fn tenderer_requirement(w: &mut W, list: &str, code: &str) -> R {
    node(w, "cac:TendererQualificationRequest", &[], |w| {
        node(w, "cac:SpecificTendererRequirement", &[], |w| {
            leaf(
                w,
                "cbc:TendererRequirementTypeCode",
                &[("listName", list)],
                code,
            )
        })
    })
}

fn node(w: &mut W, name: &str, attrs: &[(&str, &str)], inner: impl FnOnce(&mut W) -> R) -> R {
    w.create_element(name)
        .with_attributes(attrs.iter().copied())
        .write_inner_content(inner)?;
    Ok(())
}

fn org_ref(w: &mut W, wrapper: &str, id: &str) -> R {
    node(w, wrapper, &[], |w| {
        node(w, "cac:PartyIdentification", &[], |w| {
            leaf(w, "cbc:ID", &[("schemeName", "organization")], id)
        })
    })
}

fn amount(value: Ore) -> String {
    let ore = value.get();
    format!("{}.{:02}", ore / 100, (ore % 100).abs())
}

fn date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Oslo).format("%Y-%m-%d%:z").to_string()
}

fn time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Oslo).format("%H:%M:%S%:z").to_string()
}

/// An organisation of the notice.
struct Org<'a> {
    id: String,
    name: &'a str,
    org_number: &'a str,
    city: &'a str,
    nuts: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    postal_code: Option<&'a str>,
    group_lead: bool,
}

fn write(
    input: &NoticeInput<'_>,
    plan: &TenderPlan,
    subtype: Subtype,
    draft: bool,
) -> std::io::Result<String> {
    let a = input.aggregate;
    let p = &a.procurement;
    let national = subtype == Subtype::National;
    let host = p.host_municipality.as_deref();
    let mut orgs: Vec<Org<'_>> = Vec::new();
    for b in input.buyers {
        orgs.push(Org {
            id: format!("ORG-{:04}", orgs.len() + 1),
            name: &b.name,
            org_number: b.org_number.as_deref().unwrap_or_default(),
            city: &b.name,
            nuts: reference().nuts3(&b.county),
            email: b.contact_email.as_deref(),
            phone: b.phone.as_deref(),
            postal_code: b.postal_code.as_deref(),
            group_lead: host == Some(b.number.as_str()),
        });
    }
    let buyers = orgs.len();
    // The office's address is not stored: it is written with the first
    // buyer's place, which is where the joint procurement is run from.
    let (city, nuts, postal_code) = orgs
        .first()
        .map(|o| (o.city, o.nuts, o.postal_code))
        .unwrap_or(("", None, None));
    let office = input.office.map(|o| {
        orgs.push(Org {
            id: format!("ORG-{:04}", orgs.len() + 1),
            name: &o.name,
            org_number: &o.org_number,
            city,
            nuts,
            email: None,
            phone: None,
            postal_code,
            group_lead: false,
        });
        orgs.len() - 1
    });
    // The review body: the courts, with KOFA as the complaints board; the
    // notice names the buyers' own first buyer as where to ask about review
    // deadlines, since each buyer answers for its own contract.
    // Several buyers: one leads the group. A host that coordinates leads;
    // under an office, the first buyer is named lead (eForms wants one).
    if buyers > 1 && !orgs.iter().any(|o| o.group_lead) {
        orgs[0].group_lead = true;
    }
    let lead = orgs.iter().position(|o| o.group_lead).unwrap_or(0);
    let lead_id = orgs.get(lead).map(|o| o.id.clone()).unwrap_or_default();

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    if draft {
        w.write_event(Event::Comment(BytesText::new(
            " UTKAST: anskaffelsen er ikke publisert ennå (DRAFT: not published yet) ",
        )))?;
    }
    let mut root = NAMESPACES.to_vec();
    root.sort_by_key(|(k, _)| *k != "xmlns");
    node(&mut w, "ContractNotice", &root, |w| {
        node(w, "ext:UBLExtensions", &[], |w| {
            node(w, "ext:UBLExtension", &[], |w| {
                node(w, "ext:ExtensionContent", &[], |w| {
                    node(w, "efext:EformsExtension", &[], |w| {
                        node(w, "efac:NoticeSubType", &[], |w| {
                            leaf(
                                w,
                                "cbc:SubTypeCode",
                                &[("listName", "notice-subtype")],
                                subtype.code(),
                            )
                        })?;
                        node(w, "efac:Organizations", &[], |w| {
                            for o in &orgs {
                                organization(w, o)?;
                            }
                            Ok(())
                        })
                    })
                })
            })
        })?;
        leaf(w, "cbc:UBLVersionID", &[], "2.3")?;
        let extension = if national {
            EXTENSION_NATIONAL
        } else {
            EXTENSION_EU
        };
        leaf(
            w,
            "cbc:CustomizationID",
            &[],
            &format!("{SDK_VERSION}{extension}"),
        )?;
        leaf(
            w,
            "cbc:ID",
            &[("schemeName", "notice-id")],
            &notice_id(&p.id),
        )?;
        leaf(w, "cbc:ContractFolderID", &[], &procedure_id(&p.id))?;
        leaf(w, "cbc:IssueDate", &[], &date(input.issued))?;
        leaf(w, "cbc:IssueTime", &[], &time(input.issued))?;
        leaf(w, "cbc:VersionID", &[], "01")?;
        leaf(
            w,
            "cbc:RegulatoryDomain",
            &[],
            if national { "other" } else { "32014L0024" },
        )?;
        let notice_type = if subtype == Subtype::Social {
            "cn-social"
        } else {
            "cn-standard"
        };
        leaf(
            w,
            "cbc:NoticeTypeCode",
            &[("listName", "competition")],
            notice_type,
        )?;
        leaf(w, "cbc:NoticeLanguageCode", &[], "NOR")?;
        for o in orgs.iter().take(buyers) {
            node(w, "cac:ContractingParty", &[], |w| {
                node(w, "cac:ContractingPartyType", &[], |w| {
                    leaf(
                        w,
                        "cbc:PartyTypeCode",
                        &[("listName", "buyer-legal-type")],
                        "la",
                    )
                })?;
                node(w, "cac:ContractingActivity", &[], |w| {
                    leaf(
                        w,
                        "cbc:ActivityTypeCode",
                        &[("listName", "authority-activity")],
                        "gen-pub",
                    )
                })?;
                node(w, "cac:Party", &[], |w| {
                    node(w, "cac:PartyIdentification", &[], |w| {
                        leaf(w, "cbc:ID", &[("schemeName", "organization")], &o.id)
                    })?;
                    if let Some(i) = office {
                        node(w, "cac:ServiceProviderParty", &[], |w| {
                            leaf(
                                w,
                                "cbc:ServiceTypeCode",
                                &[("listName", "organisation-role")],
                                "serv-prov",
                            )?;
                            org_ref(w, "cac:Party", &orgs[i].id)
                        })?;
                    }
                    Ok(())
                })
            })?;
        }
        node(w, "cac:TenderingTerms", &[], |w| {
            if national {
                node(w, "cac:ProcurementLegislationDocumentReference", &[], |w| {
                    leaf(w, "cbc:ID", &[("schemeName", "ELI")], FOA_ELI)?;
                    leaf(
                        w,
                        "cbc:DocumentDescription",
                        &[("languageID", "NOR")],
                        "Anskaffelsesforskriften del I og II",
                    )
                })?;
            }
            tenderer_requirement(w, "exclusion-grounds-source", "epo-procurement-document")?;
            if a.lots.len() > 1 {
                node(w, "cac:LotDistribution", &[], |w| {
                    if let Some(max) = plan.max_lots_per_tenderer {
                        leaf(w, "cbc:MaximumLotsAwardedNumeric", &[], &max.to_string())?;
                    }
                    leaf(
                        w,
                        "cbc:MaximumLotsSubmittedNumeric",
                        &[],
                        &a.lots.len().to_string(),
                    )
                })?;
            }
            Ok(())
        })?;
        node(w, "cac:TenderingProcess", &[], |w| {
            leaf(
                w,
                "cbc:Description",
                &[("languageID", "NOR")],
                &format!("Felles anskaffelse for {buyers} kommuner, gjennomført av koordinatoren på vegne av alle."),
            )?;
            leaf(
                w,
                "cbc:ProcedureCode",
                &[("listName", "procurement-procedure-type")],
                plan.procedure.code(),
            )?;
            if subtype == Subtype::Standard {
                node(w, "cac:ProcessJustification", &[], |w| {
                    leaf(
                        w,
                        "cbc:ProcessReasonCode",
                        &[("listName", "accelerated-procedure")],
                        "false",
                    )
                })?;
            }
            Ok(())
        })?;
        node(w, "cac:ProcurementProject", &[], |w| {
            leaf(
                w,
                "cbc:ID",
                &[("schemeName", "InternalID")],
                p.case_number.as_deref().unwrap_or(&p.id),
            )?;
            leaf(w, "cbc:Name", &[("languageID", "NOR")], &p.title)?;
            let description = if p.description.trim().is_empty() {
                &p.title
            } else {
                &p.description
            };
            leaf(w, "cbc:Description", &[("languageID", "NOR")], description)?;
            leaf(
                w,
                "cbc:ProcurementTypeCode",
                &[("listName", "contract-nature")],
                nature(p.contract_type),
            )?;
            node(w, "cac:RequestedTenderTotal", &[], |w| {
                if p.framework_agreement {
                    framework_max(w, input.summary.total_max_contract_value_ore)?;
                }
                leaf(
                    w,
                    "cbc:EstimatedOverallContractAmount",
                    &[("currencyID", CURRENCY)],
                    &amount(input.summary.total_contract_value_ore),
                )
            })?;
            node(w, "cac:MainCommodityClassification", &[], |w| {
                leaf(
                    w,
                    "cbc:ItemClassificationCode",
                    &[("listName", "cpv")],
                    &p.cpv[..8.min(p.cpv.len())],
                )
            })?;
            let all: Vec<&str> = orgs.iter().take(buyers).filter_map(|o| o.nuts).collect();
            places(w, &all)
        })?;
        for (n, lot) in a.lots.iter().enumerate() {
            let figures = input.summary.lots.iter().find(|l| l.lot_id == lot.id);
            let (value, max) = figures
                .map(|f| (f.contract_value_ore, f.max_contract_value_ore))
                .unwrap_or((Ore::ZERO, Ore::ZERO));
            let nuts = lot_nuts(&lot.area);
            node(w, "cac:ProcurementProjectLot", &[], |w| {
                leaf(w, "cbc:ID", &[("schemeName", "Lot")], &lot_identifier(n))?;
                node(w, "cac:TenderingTerms", &[], |w| {
                    leaf(
                        w,
                        "cbc:VariantConstraintCode",
                        &[("listName", "permission")],
                        "not-allowed",
                    )?;
                    leaf(
                        w,
                        "cbc:FundingProgramCode",
                        &[("listName", "eu-funded")],
                        "no-eu-funds",
                    )?;
                    node(w, "cac:CallForTendersDocumentReference", &[], |w| {
                        leaf(w, "cbc:ID", &[], "1")?;
                        leaf(w, "cbc:DocumentType", &[], "non-restricted-document")?;
                        node(w, "cac:Attachment", &[], |w| {
                            node(w, "cac:ExternalReference", &[], |w| {
                                leaf(w, "cbc:URI", &[], &plan.documents_url)
                            })
                        })
                    })?;
                    tenderer_requirement(w, "reserved-procurement", "none")?;
                    tenderer_requirement(
                        w,
                        "selection-criteria-source",
                        "epo-procurement-document",
                    )?;
                    node(w, "cac:ContractExecutionRequirement", &[], |w| {
                        leaf(
                            w,
                            "cbc:ExecutionRequirementCode",
                            &[("listName", "reserved-execution")],
                            "no",
                        )
                    })?;
                    node(w, "cac:ContractExecutionRequirement", &[], |w| {
                        leaf(
                            w,
                            "cbc:ExecutionRequirementCode",
                            &[("listName", "einvoicing")],
                            "required",
                        )
                    })?;
                    node(w, "cac:ContractExecutionRequirement", &[], |w| {
                        leaf(
                            w,
                            "cbc:ExecutionRequirementCode",
                            &[("listName", "ecatalog-submission")],
                            "not-allowed",
                        )
                    })?;
                    node(w, "cac:AwardingTerms", &[], |w| {
                        node(w, "cac:AwardingCriterion", &[], |w| {
                            for c in &plan.award_criteria {
                                node(w, "cac:SubordinateAwardingCriterion", &[], |w| {
                                    node(w, "ext:UBLExtensions", &[], |w| {
                                        node(w, "ext:UBLExtension", &[], |w| {
                                            node(w, "ext:ExtensionContent", &[], |w| {
                                                node(w, "efext:EformsExtension", &[], |w| {
                                                    node(
                                                        w,
                                                        "efac:AwardCriterionParameter",
                                                        &[],
                                                        |w| {
                                                            leaf(
                                                                w,
                                                                "efbc:ParameterCode",
                                                                &[("listName", "number-weight")],
                                                                "per-exa",
                                                            )?;
                                                            leaf(
                                                                w,
                                                                "efbc:ParameterNumeric",
                                                                &[],
                                                                &c.weight_percent.to_string(),
                                                            )
                                                        },
                                                    )
                                                })
                                            })
                                        })
                                    })?;
                                    leaf(
                                        w,
                                        "cbc:AwardingCriterionTypeCode",
                                        &[("listName", "award-criterion-type")],
                                        criterion(c.kind),
                                    )?;
                                    leaf(w, "cbc:Name", &[("languageID", "NOR")], &c.name)?;
                                    leaf(w, "cbc:Description", &[("languageID", "NOR")], &c.name)
                                })?;
                            }
                            Ok(())
                        })
                    })?;
                    node(w, "cac:TenderRecipientParty", &[], |w| {
                        leaf(w, "cbc:EndpointID", &[], &plan.documents_url)?;
                        node(w, "cac:PartyIdentification", &[], |w| {
                            leaf(w, "cbc:ID", &[("schemeName", "organization")], &lead_id)
                        })
                    })?;
                    node(w, "cac:TenderValidityPeriod", &[], |w| {
                        leaf(w, "cbc:DurationMeasure", &[("unitCode", "MONTH")], "3")
                    })?;
                    node(w, "cac:AppealTerms", &[], |w| {
                        node(w, "cac:PresentationPeriod", &[], |w| {
                            leaf(
                                w,
                                "cbc:Description",
                                &[("languageID", "NOR")],
                                "Klage kan bringes inn for Klagenemnda for offentlige anskaffelser (KOFA) eller domstolene; se konkurransedokumentene for frister.",
                            )
                        })?;
                        org_ref(w, "cac:AppealInformationParty", &lead_id)?;
                        org_ref(w, "cac:AppealReceiverParty", &lead_id)
                    })?;
                    node(w, "cac:Language", &[], |w| leaf(w, "cbc:ID", &[], "NOR"))?;
                    if subtype == Subtype::Standard {
                        node(w, "cac:PostAwardProcess", &[], |w| {
                            leaf(w, "cbc:ElectronicOrderUsageIndicator", &[], "false")?;
                            leaf(w, "cbc:ElectronicPaymentUsageIndicator", &[], "true")
                        })?;
                    }
                    Ok(())
                })?;
                node(w, "cac:TenderingProcess", &[], |w| {
                    leaf(
                        w,
                        "cbc:SubmissionMethodCode",
                        &[("listName", "esubmission")],
                        "required",
                    )?;
                    if subtype == Subtype::Standard {
                        leaf(w, "cbc:GovernmentAgreementConstraintIndicator", &[], "true")?;
                    }
                    node(w, "cac:TenderSubmissionDeadlinePeriod", &[], |w| {
                        leaf(w, "cbc:EndDate", &[], &date(plan.tender_deadline))?;
                        leaf(w, "cbc:EndTime", &[], &time(plan.tender_deadline))
                    })?;
                    node(w, "cac:AuctionTerms", &[], |w| {
                        leaf(w, "cbc:AuctionConstraintIndicator", &[], "false")
                    })?;
                    node(w, "cac:ContractingSystem", &[], |w| {
                        let fa = if p.framework_agreement {
                            "fa-wo-rc"
                        } else {
                            "none"
                        };
                        leaf(
                            w,
                            "cbc:ContractingSystemTypeCode",
                            &[("listName", "framework-agreement")],
                            fa,
                        )
                    })?;
                    node(w, "cac:ContractingSystem", &[], |w| {
                        leaf(
                            w,
                            "cbc:ContractingSystemTypeCode",
                            &[("listName", "dps-usage")],
                            "none",
                        )
                    })
                })?;
                node(w, "cac:ProcurementProject", &[], |w| {
                    leaf(w, "cbc:ID", &[("schemeName", "InternalID")], &lot.id)?;
                    leaf(w, "cbc:Name", &[("languageID", "NOR")], &lot.title)?;
                    leaf(
                        w,
                        "cbc:Description",
                        &[("languageID", "NOR")],
                        &lot_description(lot, figures),
                    )?;
                    leaf(
                        w,
                        "cbc:ProcurementTypeCode",
                        &[("listName", "contract-nature")],
                        nature(p.contract_type),
                    )?;
                    node(w, "cac:ProcurementAdditionalType", &[], |w| {
                        match plan.climate_weight() {
                            Some(weight) => {
                                leaf(
                                    w,
                                    "cbc:ProcurementTypeCode",
                                    &[("listName", "strategic-procurement")],
                                    "env-imp",
                                )?;
                                leaf(
                                    w,
                                    "cbc:ProcurementType",
                                    &[("languageID", "NOR")],
                                    &format!("Klima- og miljøhensyn vektes {weight} % i tildelingen (anskaffelsesforskriften § 7-9)."),
                                )
                            }
                            None => leaf(
                                w,
                                "cbc:ProcurementTypeCode",
                                &[("listName", "strategic-procurement")],
                                "none",
                            ),
                        }
                    })?;
                    if plan.climate_weight().is_some() {
                        node(w, "cac:ProcurementAdditionalType", &[], |w| {
                            leaf(
                                w,
                                "cbc:ProcurementTypeCode",
                                &[("listName", "environmental-impact")],
                                "clim-mitig",
                            )
                        })?;
                    }
                    node(w, "cac:RequestedTenderTotal", &[], |w| {
                        if p.framework_agreement {
                            framework_max(w, max)?;
                        }
                        leaf(
                            w,
                            "cbc:EstimatedOverallContractAmount",
                            &[("currencyID", CURRENCY)],
                            &amount(value),
                        )
                    })?;
                    node(w, "cac:MainCommodityClassification", &[], |w| {
                        leaf(
                            w,
                            "cbc:ItemClassificationCode",
                            &[("listName", "cpv")],
                            &lot.cpv[..8.min(lot.cpv.len())],
                        )
                    })?;
                    let nuts_refs: Vec<&str> = nuts.iter().map(String::as_str).collect();
                    places(w, &nuts_refs)?;
                    node(w, "cac:PlannedPeriod", &[], |w| {
                        leaf(
                            w,
                            "cbc:DurationMeasure",
                            &[("unitCode", "MONTH")],
                            &p.duration_months.to_string(),
                        )
                    })?;
                    if p.option_months > 0 {
                        node(w, "cac:ContractExtension", &[], |w| {
                            leaf(
                                w,
                                "cbc:OptionsDescription",
                                &[("languageID", "NOR")],
                                &format!(
                                    "Opsjon på forlengelse med inntil {} måneder.",
                                    p.option_months
                                ),
                            )
                        })?;
                    }
                    Ok(())
                })
            })?;
        }
        Ok(())
    })?;
    String::from_utf8(w.into_inner()).map_err(std::io::Error::other)
}

fn organization(w: &mut W, o: &Org<'_>) -> R {
    node(w, "efac:Organization", &[], |w| {
        if o.group_lead {
            leaf(w, "efbc:GroupLeadIndicator", &[], "true")?;
        } else if o.email.is_some() {
            // A buyer (buyers carry an email address; the office does not).
            leaf(w, "efbc:GroupLeadIndicator", &[], "false")?;
        }
        node(w, "efac:Company", &[], |w| {
            node(w, "cac:PartyIdentification", &[], |w| {
                leaf(w, "cbc:ID", &[("schemeName", "organization")], &o.id)
            })?;
            node(w, "cac:PartyName", &[], |w| {
                leaf(w, "cbc:Name", &[("languageID", "NOR")], o.name)
            })?;
            node(w, "cac:PostalAddress", &[], |w| {
                if !o.city.is_empty() {
                    leaf(w, "cbc:CityName", &[], o.city)?;
                }
                if let Some(zone) = o.postal_code {
                    leaf(w, "cbc:PostalZone", &[], zone)?;
                }
                if let Some(nuts) = o.nuts {
                    leaf(w, "cbc:CountrySubentityCode", &[("listName", "nuts")], nuts)?;
                }
                node(w, "cac:Country", &[], |w| {
                    leaf(
                        w,
                        "cbc:IdentificationCode",
                        &[("listName", "country")],
                        "NOR",
                    )
                })
            })?;
            node(w, "cac:PartyLegalEntity", &[], |w| {
                leaf(
                    w,
                    "cbc:CompanyID",
                    &[("schemeName", "organization")],
                    o.org_number,
                )
            })?;
            if o.email.is_some() || o.phone.is_some() {
                node(w, "cac:Contact", &[], |w| {
                    if let Some(phone) = o.phone {
                        leaf(w, "cbc:Telephone", &[], phone)?;
                    }
                    if let Some(email) = o.email {
                        leaf(w, "cbc:ElectronicMail", &[], email)?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })
    })
}

fn framework_max(w: &mut W, max: Ore) -> R {
    node(w, "ext:UBLExtensions", &[], |w| {
        node(w, "ext:UBLExtension", &[], |w| {
            node(w, "ext:ExtensionContent", &[], |w| {
                node(w, "efext:EformsExtension", &[], |w| {
                    leaf(
                        w,
                        "efbc:FrameworkMaximumAmount",
                        &[("currencyID", CURRENCY)],
                        &amount(max),
                    )
                })
            })
        })
    })
}

fn places(w: &mut W, nuts: &[&str]) -> R {
    let mut seen: Vec<&str> = Vec::new();
    for n in nuts {
        if seen.contains(n) {
            continue;
        }
        seen.push(n);
        node(w, "cac:RealizedLocation", &[], |w| {
            node(w, "cac:Address", &[], |w| {
                leaf(w, "cbc:CountrySubentityCode", &[("listName", "nuts")], n)?;
                node(w, "cac:Country", &[], |w| {
                    leaf(
                        w,
                        "cbc:IdentificationCode",
                        &[("listName", "country")],
                        "NOR",
                    )
                })
            })
        })?;
    }
    Ok(())
}

/// The NUTS-3 codes of the counties of a lot's area, in county order.
pub fn lot_nuts(area: &[String]) -> Vec<String> {
    let mut counties: Vec<&str> = area
        .iter()
        .filter_map(|m| reference().municipality(m).map(|r| r.county.as_str()))
        .collect();
    counties.sort_unstable();
    counties.dedup();
    counties
        .into_iter()
        .filter_map(|c| reference().nuts3(c).map(str::to_string))
        .collect()
}

fn lot_description(
    lot: &crate::db::procurements::Lot,
    figures: Option<&crate::domain::summary::LotSummary>,
) -> String {
    match figures {
        Some(f) => format!(
            "{}: anslått {} {} per år (inntil {}), enhetspris {} kr.",
            lot.title,
            f.annual_quantity,
            lot.unit,
            f.max_annual_quantity,
            amount(Ore::new(lot.unit_price_ore))
        ),
        None => lot.title.clone(),
    }
}

fn nature(t: ContractType) -> &'static str {
    match t {
        ContractType::Goods => "supplies",
        ContractType::Works => "works",
        ContractType::Services | ContractType::SocialServices => "services",
    }
}

fn criterion(kind: CriterionType) -> &'static str {
    kind.code()
}
