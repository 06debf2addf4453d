//! A datasource's TLS set-up (extra CA, client certificate, the explicit skip-verify switch) and
//! TLS failures explained in plain words.
//!
//! rustls does the work (through reqwest, with the OS's root store); its typed errors are read
//! out of reqwest's error chain instead of matching message texts, which change between
//! versions.

use crate::error::{ErrorCode, HinomiError};
use crate::settings::TlsOptions;
use crate::texts::user_lang::say;

/// Adds the datasource's CA, client identity and verification choice to a client builder.
pub(super) fn configure(
    mut builder: reqwest::ClientBuilder,
    tls: &TlsOptions,
) -> Result<reqwest::ClientBuilder, HinomiError> {
    if let Some(ca_file) = TlsOptions::path(&tls.ca_file) {
        for cert in read_ca(ca_file)? {
            builder = builder.add_root_certificate(cert);
        }
    }
    match (
        TlsOptions::path(&tls.client_cert_file),
        TlsOptions::path(&tls.client_key_file),
    ) {
        (Some(cert_file), Some(key_file)) => {
            builder = builder.identity(read_identity(cert_file, key_file)?);
        }
        (None, None) => {}
        // Sending no certificate would fail later with a less helpful message.
        (Some(_), None) => {
            return Err(config_error(say(
                "A client certificate is set without its private key file.",
                "クライアント証明書が設定されていますが、秘密鍵ファイルがありません。",
            )));
        }
        (None, Some(_)) => {
            return Err(config_error(say(
                "A private key file is set without its client certificate file.",
                "秘密鍵ファイルが設定されていますが、クライアント証明書ファイルがありません。",
            )));
        }
    }
    if tls.insecure_skip_verify {
        builder = builder.danger_accept_invalid_certs(true);
    }
    Ok(builder)
}

fn config_error(message: String) -> HinomiError {
    HinomiError::new(ErrorCode::InvalidConfig, message)
}

/// The files a datasource's TLS set-up reads, named in the user's language.
#[derive(Clone, Copy)]
enum TlsFile {
    Ca,
    ClientCertificate,
    PrivateKey,
}

fn read_file(path: &str, what: TlsFile) -> Result<Vec<u8>, HinomiError> {
    let (en, ja) = match what {
        TlsFile::Ca => ("CA file", "CA ファイル"),
        TlsFile::ClientCertificate => ("client certificate file", "クライアント証明書ファイル"),
        TlsFile::PrivateKey => ("private key file", "秘密鍵ファイル"),
    };
    std::fs::read(path).map_err(|err| {
        config_error(say(
            format!("Cannot read the {en} {path}: {err}"),
            format!("{ja} {path} を読み込めません: {err}"),
        ))
    })
}

fn read_ca(ca_file: &str) -> Result<Vec<reqwest::Certificate>, HinomiError> {
    let pem = read_file(ca_file, TlsFile::Ca)?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|err| {
        config_error(say(
            format!("{ca_file} holds no usable PEM certificate: {err}"),
            format!("{ca_file} に使用できる PEM 証明書がありません: {err}"),
        ))
    })?;
    if certs.is_empty() {
        return Err(config_error(say(
            format!("{ca_file} holds no PEM certificate (a DER file must be converted)."),
            format!("{ca_file} に PEM 証明書がありません（DER ファイルは変換が必要です）。"),
        )));
    }
    Ok(certs)
}

fn read_identity(cert_file: &str, key_file: &str) -> Result<reqwest::Identity, HinomiError> {
    let cert = read_file(cert_file, TlsFile::ClientCertificate)?;
    let key = read_file(key_file, TlsFile::PrivateKey)?;
    if !contains(&cert, b"-----BEGIN CERTIFICATE-----") {
        return Err(config_error(say(
            format!(
                "{cert_file} holds no PEM certificate (a DER or PKCS#12 file must be converted)."
            ),
            format!(
                "{cert_file} に PEM 証明書がありません（DER や PKCS#12 のファイルは変換が必要です）。"
            ),
        )));
    }
    // An encrypted key would need a passphrase Hinomi does not ask for.
    if contains(&key, b"ENCRYPTED") {
        return Err(config_error(say(
            format!(
                "The private key in {key_file} is encrypted; Hinomi reads unencrypted PEM keys \
                 (e.g. `openssl pkey -in key.pem -out plain-key.pem`, then make the file readable \
                 only by you)."
            ),
            format!(
                "{key_file} の秘密鍵は暗号化されています。Hinomi が読み込めるのは暗号化されていない \
                 PEM の鍵です（例: `openssl pkey -in key.pem -out plain-key.pem` を実行し、\
                 ファイルを自分だけが読めるようにしてください）。"
            ),
        )));
    }
    if !contains(&key, b"PRIVATE KEY-----") {
        return Err(config_error(say(
            format!("{key_file} holds no PEM private key."),
            format!("{key_file} に PEM 形式の秘密鍵がありません。"),
        )));
    }
    // reqwest's rustls identity wants the key and the chain in one PEM.
    let mut both = cert;
    both.push(b'\n');
    both.extend_from_slice(&key);
    reqwest::Identity::from_pem(&both).map_err(|err| {
        let cause = super::error_chain(&err);
        config_error(say(
            format!(
                "The client certificate {cert_file} and key {key_file} cannot be used: {cause}"
            ),
            format!("クライアント証明書 {cert_file} と鍵 {key_file} を使用できません: {cause}"),
        ))
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Which TLS failure happened, in the user's words, when the error chain holds one.
pub(super) fn explain(
    err: &(dyn std::error::Error + 'static),
    shown_url: &str,
    host: Option<&str>,
) -> Option<String> {
    let failure = find_rustls_error(err)?;
    let what = match failure {
        rustls::Error::InvalidCertificate(cert) => certificate_problem(cert, host),
        rustls::Error::AlertReceived(alert) => alert_meaning(*alert),
        rustls::Error::NoCertificatesPresented => say(
            "the server presented no certificate.",
            "サーバーが証明書を提示しませんでした。",
        ),
        other => say(
            format!("the TLS handshake failed ({other})."),
            format!("TLS ハンドシェイクに失敗しました（{other}）。"),
        ),
    };
    Some(say(
        format!("TLS with {shown_url} failed: {what}"),
        format!("{shown_url} との TLS 接続に失敗しました: {what}"),
    ))
}

fn certificate_problem(cert: &rustls::CertificateError, host: Option<&str>) -> String {
    use rustls::CertificateError as E;
    let host_en = host.unwrap_or("this host");
    let host_ja = host.unwrap_or("このホスト");
    match cert {
        E::UnknownIssuer => say(
            "the server's certificate is signed by an unknown certificate \
             authority (CA). If the server uses a private CA, add its CA file to the datasource \
             in Settings.",
            "サーバーの証明書は不明な認証局（CA）によって署名されています。\
             サーバーがプライベート CA を使っている場合は、設定でその CA ファイルをデータソースに追加してください。",
        ),
        E::Expired => say(
            "the server's certificate has expired.",
            "サーバーの証明書は有効期限が切れています。",
        ),
        E::ExpiredContext { not_after, .. } => {
            let until = date(not_after);
            say(
                format!("the server's certificate has expired (it was valid until {until})."),
                format!("サーバーの証明書は有効期限が切れています（{until} まで有効でした）。"),
            )
        }
        E::NotValidYet => say(
            "the server's certificate is not valid yet (check this computer's \
             clock).",
            "サーバーの証明書はまだ有効になっていません（このコンピューターの時計を確認してください）。",
        ),
        E::NotValidYetContext { not_before, .. } => {
            let from = date(not_before);
            say(
                format!(
                    "the server's certificate is not valid yet (it starts on {from}; check this \
                     computer's clock)."
                ),
                format!(
                    "サーバーの証明書はまだ有効になっていません（{from} から有効です。\
                     このコンピューターの時計を確認してください）。"
                ),
            )
        }
        E::NotValidForName => say(
            format!("the server's certificate is not valid for the host name \"{host_en}\"."),
            format!("サーバーの証明書はホスト名「{host_ja}」に対して有効ではありません。"),
        ),
        E::NotValidForNameContext { presented, .. } => {
            let names = presented
                .iter()
                .map(|name| bare_name(name))
                .collect::<Vec<_>>()
                .join(", ");
            if presented.is_empty() {
                say(
                    format!(
                        "the server's certificate is not valid for the host name \"{host_en}\" \
                         (it names no host)."
                    ),
                    format!(
                        "サーバーの証明書はホスト名「{host_ja}」に対して有効ではありません\
                         （ホスト名が記載されていません）。"
                    ),
                )
            } else {
                say(
                    format!(
                        "the server's certificate is not valid for the host name \"{host_en}\" \
                         (it names {names})."
                    ),
                    format!(
                        "サーバーの証明書はホスト名「{host_ja}」に対して有効ではありません\
                         （証明書にあるのは {names} です）。"
                    ),
                )
            }
        }
        E::Revoked => say(
            "the server's certificate has been revoked.",
            "サーバーの証明書は失効しています。",
        ),
        E::BadSignature => say(
            "the server's certificate has a bad signature.",
            "サーバーの証明書の署名が不正です。",
        ),
        other => say(
            format!("the server's certificate was not accepted ({other:?})."),
            format!("サーバーの証明書が受け入れられませんでした（{other:?}）。"),
        ),
    }
}

/// `DnsName("host")` / `IpAddress(10.0.0.1)` as webpki reports them → `host` / `10.0.0.1`.
fn bare_name(presented: &str) -> &str {
    match presented.split_once('(') {
        Some((_, rest)) => rest.trim_end_matches(')').trim_matches('"'),
        None => presented,
    }
}

fn alert_meaning(alert: rustls::AlertDescription) -> String {
    use rustls::AlertDescription as A;
    match alert {
        A::CertificateRequired => say(
            "the server requires a client certificate (mutual TLS) and \
             none was sent; set the datasource's client certificate and key in Settings.",
            "サーバーはクライアント証明書（相互 TLS）を求めていますが、送られていません。\
             設定でデータソースのクライアント証明書と鍵を指定してください。",
        ),
        A::BadCertificate
        | A::UnknownCA
        | A::CertificateUnknown
        | A::CertificateExpired
        | A::CertificateRevoked
        | A::AccessDenied => {
            let (why, why_ja) = match alert {
                A::UnknownCA => (
                    "it is not signed by a CA the server trusts",
                    "サーバーが信頼する CA の署名がありません",
                ),
                A::CertificateExpired => ("it has expired", "有効期限が切れています"),
                A::CertificateRevoked => ("it has been revoked", "失効しています"),
                A::AccessDenied => ("access denied", "アクセスが拒否されました"),
                _ => ("bad certificate", "証明書が不正です"),
            };
            say(
                format!(
                    "the server refused the client certificate ({why}); check the datasource's \
                     client certificate and key in Settings."
                ),
                format!(
                    "サーバーがクライアント証明書を拒否しました（{why_ja}）。\
                     設定でデータソースのクライアント証明書と鍵を確認してください。"
                ),
            )
        }
        other => say(
            format!("the server ended the TLS handshake ({other:?})."),
            format!("サーバーが TLS ハンドシェイクを終了しました（{other:?}）。"),
        ),
    }
}

fn date(time: &rustls::pki_types::UnixTime) -> String {
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| say("an unreadable date", "読み取れない日付"))
}

/// rustls's error, wherever reqwest/hyper put it. `io::Error::source()` skips the error it
/// wraps, so each `io::Error` is opened with `get_ref()` as well.
fn find_rustls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(err);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(found) = find_rustls_error(inner)
        {
            return Some(found);
        }
        current = err.source();
    }
    None
}
