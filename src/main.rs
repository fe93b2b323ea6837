use std::process::ExitCode;

use samkjop::config::Config;
use samkjop::startup::{prepare_database, Application};

const USAGE: &str = "usage: samkjop [serve | migrate | import-suppliers FILE.csv | help]

  serve              run the server (the default)
  migrate            apply database migrations and seed reference data, then exit
  import-suppliers   load a supplier register from CSV (same rules as POST /api/v1/suppliers/import)

Settings: config/default.toml, overridden by DATABASE_URL, SAMKJOP_BIND, ... (docs/operations.md).";

#[tokio::main]
async fn main() -> ExitCode {
    samkjop::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => return fail(&format!("configuration: {e}")),
    };
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some("migrate") => prepare_database(&config)
            .await
            .map(|_| println!("database is up to date")),
        Some("import-suppliers") => match args.get(1) {
            Some(path) => import_suppliers(config, path).await,
            None => Err(format!("import-suppliers needs a file\n\n{USAGE}")),
        },
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command '{other}'\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("samkjop: {message}");
    ExitCode::FAILURE
}

async fn serve(config: Config) -> Result<(), String> {
    tracing::info!(?config, "starting");
    let app = Application::build(config).await?;
    tracing::info!(port = app.port(), "listening; API documentation at /docs/");
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn import_suppliers(config: Config, path: &str) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let db = prepare_database(&config).await?;
    let parsed = samkjop::import::parse(&bytes).map_err(|e| e.detail)?;
    let rate = config.eur_nok;
    let report = db
        .write(move |c| samkjop::import::store(c, parsed, rate, samkjop::db::now()))
        .await
        .map_err(|e| e.detail)?;
    println!(
        "imported {}, updated {}, rejected {}",
        report.imported,
        report.updated,
        report.rejected.len()
    );
    for r in &report.rejected {
        println!("  line {}: {} ({})", r.line, r.message, r.code);
    }
    Ok(())
}
