mod cli;

use std::process::ExitCode;

use samkjop::config::Config;
use samkjop::startup::{prepare_database, Application};

const USAGE: &str =
    "usage: samkjop [serve | migrate | import-suppliers FILE.csv | demo | notice ID | help]

  serve              run the server (the default)
  migrate            apply database migrations and seed reference data, then exit
  import-suppliers   load a supplier register from CSV (same rules as POST /api/v1/suppliers/import)
  demo               fill an empty database with a Vestland scenario to try things out
  notice ID          write the procurement's eForms contract notice (XML) to stdout

Settings: config/default.toml, overridden by DATABASE_URL, SAMKJOP_BIND, ... (docs/operations.md).";

fn main() -> ExitCode {
    limit_malloc_arenas();
    // Multi-threaded: the scheduler and the blocking pool need it.
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => fail(&format!("cannot start the runtime: {e}")),
    }
}

async fn run() -> ExitCode {
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
        Some("demo") => demo(config).await,
        Some("notice") => match args.get(1) {
            Some(id) => cli::notice::run(config, id).await,
            None => Err(format!("notice needs a procurement id\n\n{USAGE}")),
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
    let started = std::time::Instant::now();
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let db = prepare_database(&config).await?;
    let parsed = samkjop::import::parse(&bytes).map_err(|e| e.detail)?;
    eprintln!(
        "{path}: {} rows to write, {} rejected",
        parsed.rows.len(),
        parsed.rejected.len()
    );
    let rate = config.eur_nok;
    let mut bar = Progress::new();
    let report = db
        .write(move |c| {
            samkjop::flows::suppliers::import_with_progress(
                c,
                parsed,
                rate,
                chrono::Utc::now(),
                |done, total| bar.show(done, total),
            )
        })
        .await
        .map_err(|e| e.detail)?;
    // Every rejected line, so the file can be corrected, then the summary
    // last, where a terminal leaves it in view.
    for r in &report.rejected {
        println!("  line {}: {} ({})", r.line, r.message, r.code);
    }
    let mut codes = std::collections::BTreeMap::<&str, usize>::new();
    for r in &report.rejected {
        *codes.entry(r.code.as_str()).or_default() += 1;
    }
    let by_code: Vec<String> = codes.iter().map(|(c, n)| format!("{c} {n}")).collect();
    println!(
        "imported {}, updated {}, rejected {}{} ({:.1} s)",
        report.imported,
        report.updated,
        report.rejected.len(),
        if by_code.is_empty() {
            String::new()
        } else {
            format!(": {}", by_code.join(", "))
        },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A percentage on stderr: redrawn in place on a terminal, a line per
/// tenth otherwise (a log file should not fill with carriage returns).
struct Progress {
    terminal: bool,
    shown: Option<usize>,
}

impl Progress {
    fn new() -> Progress {
        use std::io::IsTerminal;
        Progress {
            terminal: std::io::stderr().is_terminal(),
            shown: None,
        }
    }

    fn show(&mut self, done: usize, total: usize) {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let step = if self.terminal {
            percent
        } else {
            percent / 10 * 10
        };
        if self.shown == Some(step) {
            return;
        }
        self.shown = Some(step);
        if self.terminal {
            let filled = percent / 5;
            eprint!(
                "\r  [{}{}] {percent:>3}%  {done} of {total}",
                "#".repeat(filled),
                " ".repeat(20 - filled)
            );
            if done >= total {
                eprintln!();
            }
        } else {
            eprintln!("  {step}%  {done} of {total}");
        }
    }
}

async fn demo(mut config: Config) -> Result<(), String> {
    // In development the secret is kept in the data folder, so the demo's
    // voting links still work when `serve` starts afterwards.
    config
        .ensure_signing_secret()
        .map_err(|e| format!("configuration: {e}"))?;
    let report = cli::demo::run(&config).await?;
    println!("{}", cli::demo::next_steps(&config, &report));
    Ok(())
}

/// glibc gives threads their own malloc arenas and keeps what each once
/// held; with the blocking pool's many threads a national analysis or
/// summary left its peak in several arenas at once (229 MB resident against
/// 100 MB with two arenas, docs/performance.md). `MALLOC_ARENA_MAX` in the
/// environment still wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes allocator settings; it is called
        // first thing in main, before the runtime starts any thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
