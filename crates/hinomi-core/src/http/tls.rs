//! A datasource's TLS set-up (extra CA, client certificate, the explicit skip-verify switch) and
//! TLS failures explained in plain words.
//!
//! rustls does the work (through reqwest, with the OS's root store); its typed errors are read
//! out of reqwest's error chain instead of matching message texts, which change between
//! versions.

use crate::error::{ErrorCode, HinomiError};
use crate::settings::TlsOptions;

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
            return Err(config_error(
                "A client certificate is set without its private key file.".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(config_error(
                "A private key file is set without its client certificate file.".into(),
            ));
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

fn read_file(path: &str, what: &str) -> Result<Vec<u8>, HinomiError> {
    std::fs::read(path).map_err(|err| config_error(format!("Cannot read the {what} {path}: {err}")))
}

fn read_ca(ca_file: &str) -> Result<Vec<reqwest::Certificate>, HinomiError> {
    let pem = read_file(ca_file, "CA file")?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|err| config_error(format!("{ca_file} holds no usable PEM certificate: {err}")))?;
    if certs.is_empty() {
        return Err(config_error(format!(
            "{ca_file} holds no PEM certificate (a DER file must be converted)."
        )));
    }
    Ok(certs)
}

fn read_identity(cert_file: &str, key_file: &str) -> Result<reqwest::Identity, HinomiError> {
    let cert = read_file(cert_file, "client certificate file")?;
    let key = read_file(key_file, "private key file")?;
    if !contains(&cert, b"-----BEGIN CERTIFICATE-----") {
        return Err(config_error(format!(
            "{cert_file} holds no PEM certificate (a DER or PKCS#12 file must be converted)."
        )));
    }
    // An encrypted key would need a passphrase Hinomi does not ask for.
    if contains(&key, b"ENCRYPTED") {
        return Err(config_error(format!(
            "The private key in {key_file} is encrypted; Hinomi reads unencrypted PEM keys \
             (e.g. `openssl pkey -in key.pem -out plain-key.pem`, then make the file readable \
             only by you)."
        )));
    }
    if !contains(&key, b"PRIVATE KEY-----") {
        return Err(config_error(format!(
            "{key_file} holds no PEM private key."
        )));
    }
    // reqwest's rustls identity wants the key and the chain in one PEM.
    let mut both = cert;
    both.push(b'\n');
    both.extend_from_slice(&key);
    reqwest::Identity::from_pem(&both).map_err(|err| {
        config_error(format!(
            "The client certificate {cert_file} and key {key_file} cannot be used: {}",
            super::error_chain(&err)
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
        rustls::Error::NoCertificatesPresented => {
            "the server presented no certificate.".to_string()
        }
        other => format!("the TLS handshake failed ({other})."),
    };
    Some(format!("TLS with {shown_url} failed: {what}"))
}

fn certificate_problem(cert: &rustls::CertificateError, host: Option<&str>) -> String {
    use rustls::CertificateError as E;
    let host = host.unwrap_or("this host");
    match cert {
        E::UnknownIssuer => "the server's certificate is signed by an unknown certificate \
             authority (CA). If the server uses a private CA, add its CA file to the datasource \
             in Settings."
            .into(),
        E::Expired => "the server's certificate has expired.".into(),
        E::ExpiredContext { not_after, .. } => format!(
            "the server's certificate has expired (it was valid until {}).",
            date(not_after)
        ),
        E::NotValidYet => "the server's certificate is not valid yet (check this computer's \
             clock)."
            .into(),
        E::NotValidYetContext { not_before, .. } => format!(
            "the server's certificate is not valid yet (it starts on {}; check this computer's \
             clock).",
            date(not_before)
        ),
        E::NotValidForName => {
            format!("the server's certificate is not valid for the host name \"{host}\".")
        }
        E::NotValidForNameContext { presented, .. } => format!(
            "the server's certificate is not valid for the host name \"{host}\" (it names {}).",
            if presented.is_empty() {
                "no host".to_string()
            } else {
                presented
                    .iter()
                    .map(|name| bare_name(name))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        E::Revoked => "the server's certificate has been revoked.".into(),
        E::BadSignature => "the server's certificate has a bad signature.".into(),
        other => format!("the server's certificate was not accepted ({other:?})."),
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
        A::CertificateRequired => "the server requires a client certificate (mutual TLS) and \
             none was sent; set the datasource's client certificate and key in Settings."
            .into(),
        A::BadCertificate
        | A::UnknownCA
        | A::CertificateUnknown
        | A::CertificateExpired
        | A::CertificateRevoked
        | A::AccessDenied => {
            let why = match alert {
                A::UnknownCA => "it is not signed by a CA the server trusts",
                A::CertificateExpired => "it has expired",
                A::CertificateRevoked => "it has been revoked",
                A::AccessDenied => "access denied",
                _ => "bad certificate",
            };
            format!(
                "the server refused the client certificate ({why}); check the datasource's \
                 client certificate and key in Settings."
            )
        }
        other => format!("the server ended the TLS handshake ({other:?})."),
    }
}

fn date(time: &rustls::pki_types::UnixTime) -> String {
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "an unreadable date".into())
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
