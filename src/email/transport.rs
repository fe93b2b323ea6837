//! Where built messages go: an SMTP server, or `.eml` files when none is
//! configured (the embedded default, and what a developer opens to read the
//! mail the application would have sent).

use std::path::PathBuf;
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::redact_url;

/// A failed delivery; `permanent` when the server refused the message itself
/// (5xx), so that trying again soon cannot help.
#[derive(Debug, Clone)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub enum Transport {
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
    /// The folder that receives one `<outbox id>.eml` per message.
    Files(PathBuf),
}

/// A stalled server should not hold a worker (and its lease) for long.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

impl Transport {
    /// `smtp://host:port` (plain), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://user:pass@host` (TLS from the start); without a
    /// URL, files under `mail_dir`.
    pub fn new(smtp_url: Option<&str>, mail_dir: PathBuf) -> Result<Transport, String> {
        match smtp_url {
            None => Ok(Transport::Files(mail_dir)),
            Some(url) => {
                let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("SAMKJOP_SMTP_URL '{}': {e}", redact_url(url)))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build();
                Ok(Transport::Smtp(Box::new(smtp)))
            }
        }
    }

    /// Sends `message`; `id` names the file when writing files, so that a
    /// retried message overwrites its earlier copy instead of adding one.
    pub async fn send(&self, id: &str, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: format!("smtp: {e}"),
            }),
            Transport::Files(dir) => {
                let dir = dir.clone();
                let name = format!("{id}.eml");
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || write_atomically(&dir, &name, &bytes))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r)
                    .map_err(|message| SendError {
                        message,
                        permanent: false,
                    })
            }
        }
    }
}

/// Written beside, then renamed: whoever watches the folder never reads half
/// a message. A message holds a voting link, so the folder and the files are
/// the owner's alone.
fn write_atomically(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", dir.join(name).display());
    crate::files::create_private_dir(dir).map_err(fail)?;
    let partial = dir.join(format!(".{name}.partial"));
    // Left over from an attempt that died: made anew, so that its mode is ours.
    match std::fs::remove_file(&partial) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(e)),
        _ => {}
    }
    crate::files::write_new_private(&partial, bytes).map_err(fail)?;
    std::fs::rename(&partial, dir.join(name)).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(url: &str) -> Result<Transport, String> {
        Transport::new(Some(url), PathBuf::from("unused"))
    }

    #[test]
    fn the_three_smtp_url_forms_are_understood() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://bruker:passord@smtp.example.no:587?tls=required",
            "smtps://bruker:passord@smtp.example.no",
        ] {
            assert!(matches!(smtp(url), Ok(Transport::Smtp(_))), "{url}");
        }
        assert!(matches!(
            Transport::new(None, PathBuf::from("data/mail")),
            Ok(Transport::Files(dir)) if dir == std::path::Path::new("data/mail")
        ));
    }

    #[cfg(unix)]
    #[test]
    fn mail_files_and_their_folder_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let root =
            std::env::temp_dir().join(format!("samkjop_mail_{:016x}", rand::random::<u64>()));
        let dir = root.join("mail");
        write_atomically(&dir, "1.eml", b"first").unwrap();
        write_atomically(&dir, "1.eml", b"again").unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("1.eml")), 0o600);
        assert_eq!(std::fs::read(dir.join("1.eml")).unwrap(), b"again");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_bad_smtp_url_is_refused_without_showing_its_password() {
        let err = smtp("ftp://bruker:hemmelig@smtp.example.no")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("SAMKJOP_SMTP_URL"), "{err}");
        assert!(!err.contains("hemmelig"), "{err}");
    }
}
