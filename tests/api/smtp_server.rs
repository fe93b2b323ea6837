//! A small SMTP server on loopback for the email tests: it speaks enough of
//! RFC 5321 for lettre (greeting, EHLO/HELO, AUTH PLAIN/LOGIN accepting any
//! password, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and
//! keeps every message it accepts for the test to read.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The DATA section as the client meant it: unstuffed, without the final dot.
    pub data: Vec<u8>,
    /// The user name given with AUTH, if the client logged in.
    pub auth_user: Option<String>,
}

pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A port that was free a moment ago: for a server that starts later.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        SmtpServer::start_on(0).await
    }

    pub async fn start_on(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the SMTP test server binds");
        let port = listener.local_addr().expect("local address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, store.clone()));
            }
        });
        SmtpServer {
            port,
            received,
            accept,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("not poisoned").clone()
    }

    /// Waits until at least `n` messages arrived; panics after `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            crate::wait::again(deadline, || {
                format!(
                    "expected {n} messages, got {} within {timeout:?}",
                    got.len()
                )
            })
            .await;
        }
    }
}

async fn session(stream: TcpStream, store: Arc<Mutex<Vec<Received>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut from = String::new();
    let mut rcpt = Vec::new();
    let mut auth_user = None;
    macro_rules! reply {
        ($text:expr) => {
            if write.write_all($text.as_bytes()).await.is_err() {
                return;
            }
        };
    }
    reply!("220 test.local ESMTP samkjop-test\r\n");
    while let Some(line) = read_line(&mut lines).await {
        let line = String::from_utf8_lossy(&line).trim_end().to_string();
        let (verb, arg) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => reply!("250-test.local\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n"),
            "HELO" => reply!("250 test.local\r\n"),
            "AUTH" => {
                let (mechanism, initial) = arg.split_once(' ').unwrap_or((arg, ""));
                let user = match mechanism.to_ascii_uppercase().as_str() {
                    "PLAIN" => {
                        let payload = if initial.is_empty() {
                            reply!("334 \r\n");
                            read_text(&mut lines).await
                        } else {
                            Some(initial.to_string())
                        };
                        // authzid NUL authcid NUL password
                        payload.and_then(|p| decode_base64(&p)).and_then(|bytes| {
                            let text = String::from_utf8(bytes).ok()?;
                            text.split('\0').nth(1).map(str::to_string)
                        })
                    }
                    "LOGIN" => {
                        let user = if initial.is_empty() {
                            reply!("334 VXNlcm5hbWU6\r\n");
                            read_text(&mut lines).await
                        } else {
                            Some(initial.to_string())
                        };
                        reply!("334 UGFzc3dvcmQ6\r\n");
                        let _password = read_text(&mut lines).await;
                        user.and_then(|u| decode_base64(&u))
                            .and_then(|b| String::from_utf8(b).ok())
                    }
                    _ => None,
                };
                match user {
                    Some(u) => {
                        auth_user = Some(u);
                        reply!("235 2.7.0 Authentication successful\r\n");
                    }
                    None => reply!("535 5.7.8 Authentication failed\r\n"),
                }
            }
            "MAIL" => {
                from = angle_address(arg);
                rcpt.clear();
                reply!("250 2.1.0 OK\r\n");
            }
            "RCPT" => {
                rcpt.push(angle_address(arg));
                reply!("250 2.1.5 OK\r\n");
            }
            "DATA" => {
                reply!("354 End data with <CR><LF>.<CR><LF>\r\n");
                let mut data = Vec::new();
                loop {
                    let Some(line) = read_line(&mut lines).await else {
                        return;
                    };
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    let unstuffed = if line.starts_with(b"..") {
                        &line[1..]
                    } else {
                        &line[..]
                    };
                    data.extend_from_slice(unstuffed);
                }
                store.lock().expect("not poisoned").push(Received {
                    mail_from: std::mem::take(&mut from),
                    rcpt_to: std::mem::take(&mut rcpt),
                    data,
                    auth_user: auth_user.clone(),
                });
                reply!("250 2.0.0 OK queued\r\n");
            }
            "RSET" => {
                from.clear();
                rcpt.clear();
                reply!("250 2.0.0 OK\r\n");
            }
            "NOOP" => reply!("250 2.0.0 OK\r\n"),
            "QUIT" => {
                reply!("221 2.0.0 Bye\r\n");
                return;
            }
            _ => reply!("502 5.5.2 Command not recognized\r\n"),
        }
    }
}

async fn read_line<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    match reader.read_until(b'\n', &mut line).await {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line),
    }
}

async fn read_text<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<String> {
    read_line(reader)
        .await
        .map(|l| String::from_utf8_lossy(&l).trim_end().to_string())
}

/// `FROM:<a@b.no> SIZE=12` → `a@b.no`.
fn angle_address(arg: &str) -> String {
    match (arg.find('<'), arg.find('>')) {
        (Some(start), Some(end)) if start < end => arg[start + 1..end].to_string(),
        _ => arg
            .split_once(':')
            .map_or(arg, |(_, a)| a)
            .trim()
            .to_string(),
    }
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.trim().bytes().filter(|&c| c != b'=') {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}
