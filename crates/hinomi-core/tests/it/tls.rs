//! The shared HTTP client against real TLS servers on loopback (rustls through tokio-rustls),
//! with certificates made here by rcgen: each way a handshake can fail must come back as a TLS
//! error that says which failure it was, and the working set-ups must work.

use hinomi_core::error::ErrorCode;
use hinomi_core::http::Endpoint;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

/// A certificate authority made for one test.
struct TestCa {
    pem: String,
    der: rustls::pki_types::CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl TestCa {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self {
            pem: cert.pem(),
            der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A leaf certificate for `names`; `expired` makes one that ran out in 2021.
    fn leaf(&self, names: &[&str], purpose: ExtendedKeyUsagePurpose, expired: bool) -> Leaf {
        let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, "leaf");
        params.extended_key_usages = vec![purpose];
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            key_pem: key.serialize_pem(),
            key_der: key.serialize_der(),
        }
    }

    fn server_leaf(&self, names: &[&str]) -> Leaf {
        self.leaf(names, ExtendedKeyUsagePurpose::ServerAuth, false)
    }
}

struct Leaf {
    cert_pem: String,
    cert_der: rustls::pki_types::CertificateDer<'static>,
    key_pem: String,
    key_der: Vec<u8>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Serves `ok` over HTTPS on 127.0.0.1 with `leaf`; with `client_ca`, a client certificate
/// signed by it is required. Returns the port.
async fn serve(leaf: &Leaf, client_ca: Option<&TestCa>) -> u16 {
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca.der.clone()).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                roots.into(),
                provider(),
            )
            .build()
            .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
    };
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf.key_der.clone().into());
    let config = builder
        .with_single_cert(vec![leaf.cert_der.clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A refused handshake is what several tests want; the client reports it.
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn datasource(port: u16, tls: TlsOptions) -> Datasource {
    Datasource {
        id: "tls".into(),
        name: "TLS".into(),
        kind: DatasourceKind::Prometheus,
        url: format!("https://127.0.0.1:{port}"),
        timeout_ms: 5_000,
        tls,
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    }
}

async fn fetch(ds: &Datasource) -> Result<String, hinomi_core::HinomiError> {
    let endpoint = Endpoint::new(ds)?;
    let response = endpoint.get("/", &[]).await?;
    assert_eq!(response.status(), 200);
    Ok(response.text().await.unwrap())
}

/// The error of a request that must fail its handshake, checked to be a TLS error naming the URL.
async fn tls_failure(ds: &Datasource) -> String {
    let err = fetch(ds).await.expect_err("the handshake must fail");
    assert_eq!(err.code, ErrorCode::Tls, "{err:?}");
    assert!(
        err.message.contains(&ds.url),
        "names the URL: {}",
        err.message
    );
    eprintln!("shown: {}", err.message);
    err.message
}

#[tokio::test]
async fn a_certificate_from_the_configured_ca_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Hinomi test CA");
    let port = serve(&ca.server_leaf(&["127.0.0.1"]), None).await;
    let tls = TlsOptions {
        ca_file: Some(write(dir.path(), "ca.pem", &ca.pem)),
        ..TlsOptions::default()
    };
    assert_eq!(fetch(&datasource(port, tls)).await.unwrap(), "ok");
}

#[tokio::test]
async fn an_unknown_ca_is_named_and_skip_verify_is_the_only_way_past_it() {
    let ca = TestCa::new("Hinomi test CA");
    let port = serve(&ca.server_leaf(&["127.0.0.1"]), None).await;

    let message = tls_failure(&datasource(port, TlsOptions::default())).await;
    assert!(
        message.contains("unknown certificate authority"),
        "{message}"
    );

    let skip = TlsOptions {
        insecure_skip_verify: true,
        ..TlsOptions::default()
    };
    assert_eq!(fetch(&datasource(port, skip)).await.unwrap(), "ok");
}

#[tokio::test]
async fn an_expired_certificate_is_named_with_its_end_date() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Hinomi test CA");
    let leaf = ca.leaf(&["127.0.0.1"], ExtendedKeyUsagePurpose::ServerAuth, true);
    let port = serve(&leaf, None).await;
    let tls = TlsOptions {
        ca_file: Some(write(dir.path(), "ca.pem", &ca.pem)),
        ..TlsOptions::default()
    };
    let message = tls_failure(&datasource(port, tls)).await;
    assert!(
        message.contains("has expired") && message.contains("2021-01-01"),
        "{message}"
    );
}

#[tokio::test]
async fn a_certificate_for_another_host_names_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Hinomi test CA");
    let port = serve(&ca.server_leaf(&["metrics.example.internal"]), None).await;
    let tls = TlsOptions {
        ca_file: Some(write(dir.path(), "ca.pem", &ca.pem)),
        ..TlsOptions::default()
    };
    let message = tls_failure(&datasource(port, tls)).await;
    assert!(
        message.contains("not valid for the host name \"127.0.0.1\"")
            && message.contains("(it names metrics.example.internal)"),
        "{message}"
    );
}

#[tokio::test]
async fn mutual_tls_works_with_the_client_certificate_and_says_so_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let server_ca = TestCa::new("Hinomi test server CA");
    let client_ca = TestCa::new("Hinomi test client CA");
    let port = serve(&server_ca.server_leaf(&["127.0.0.1"]), Some(&client_ca)).await;
    let client = client_ca.leaf(&["hinomi"], ExtendedKeyUsagePurpose::ClientAuth, false);
    let ca_file = Some(write(dir.path(), "ca.pem", &server_ca.pem));

    let with_cert = TlsOptions {
        ca_file: ca_file.clone(),
        client_cert_file: Some(write(dir.path(), "client.pem", &client.cert_pem)),
        client_key_file: Some(write(dir.path(), "client-key.pem", &client.key_pem)),
        ..TlsOptions::default()
    };
    assert_eq!(fetch(&datasource(port, with_cert)).await.unwrap(), "ok");

    let without = TlsOptions {
        ca_file: ca_file.clone(),
        ..TlsOptions::default()
    };
    let message = tls_failure(&datasource(port, without)).await;
    assert!(
        message.contains("requires a client certificate"),
        "{message}"
    );

    // A certificate from a CA the server does not trust is refused, and said so.
    let stranger = TestCa::new("Someone else's CA").leaf(
        &["hinomi"],
        ExtendedKeyUsagePurpose::ClientAuth,
        false,
    );
    let wrong_cert = TlsOptions {
        ca_file,
        client_cert_file: Some(write(dir.path(), "other.pem", &stranger.cert_pem)),
        client_key_file: Some(write(dir.path(), "other-key.pem", &stranger.key_pem)),
        ..TlsOptions::default()
    };
    let message = tls_failure(&datasource(port, wrong_cert)).await;
    assert!(
        message.contains(
            "refused the client certificate (it is not signed by a CA the server trusts)"
        ),
        "{message}"
    );
}

#[test]
fn an_encrypted_or_missing_client_key_is_a_config_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Hinomi test CA");
    let client = ca.leaf(&["hinomi"], ExtendedKeyUsagePurpose::ClientAuth, false);
    let cert_file = write(dir.path(), "client.pem", &client.cert_pem);
    let encrypted = write(
        dir.path(),
        "encrypted-key.pem",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n",
    );
    let tls = TlsOptions {
        client_cert_file: Some(cert_file.clone()),
        client_key_file: Some(encrypted.clone()),
        ..TlsOptions::default()
    };
    let err = Endpoint::new(&datasource(1, tls)).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidConfig);
    assert!(
        err.message.contains("encrypted") && err.message.contains(&encrypted),
        "{}",
        err.message
    );

    let tls = TlsOptions {
        client_cert_file: Some(cert_file),
        client_key_file: None,
        ..TlsOptions::default()
    };
    let err = Endpoint::new(&datasource(1, tls)).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidConfig);
    assert!(err.message.contains("private key"), "{}", err.message);
}
