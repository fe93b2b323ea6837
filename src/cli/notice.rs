//! `samkjop notice ID`: the procurement's eForms contract notice on stdout,
//! the same document as `GET /api/v1/procurements/{id}/notices/contract-notice.xml`.

use samkjop::config::Config;
use samkjop::error::AppError;
use samkjop::startup::migrate_and_seed;

pub async fn run(config: Config, id: &str) -> Result<(), String> {
    let db = migrate_and_seed(&config).await?;
    let id = id.to_string();
    let thresholds = config.thresholds.clone();
    // The command line runs on the system's clock (docs/architecture.md).
    let now = chrono::Utc::now();
    let notice = db
        .read(move |c| {
            let aggregate = samkjop::db::procurements::load(c, &id)?
                .ok_or_else(|| AppError::not_found("the procurement"))?;
            samkjop::read::notice::contract_notice(c, &aggregate, &thresholds, now)
        })
        .await
        .map_err(|e| format!("{} ({})", e.detail, e.code))?;
    eprintln!(
        "eForms subtype {}{}",
        notice.subtype.code(),
        if notice.draft {
            ", draft (not published yet)"
        } else {
            ""
        }
    );
    println!("{}", notice.xml);
    Ok(())
}
