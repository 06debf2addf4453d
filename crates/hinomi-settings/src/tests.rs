//! Over 400 lines: one table of settings cases (defaults, problems, file round trips).

use super::*;
use hinomi_core::error::ErrorCode;
use hinomi_core::settings::*;

#[test]
fn defaults_point_at_the_demo_stack_and_have_no_problems() {
    let settings = Settings::default();
    assert!(settings.problems().is_empty(), "{:?}", settings.problems());
    let prom = settings.datasource("demo-prometheus").unwrap();
    assert_eq!(prom.url, "http://127.0.0.1:19090");
    assert_eq!(prom.kind, DatasourceKind::Prometheus);
    let kinds: Vec<_> = settings.datasources.iter().map(|ds| ds.kind).collect();
    assert_eq!(
        kinds,
        [
            DatasourceKind::Prometheus,
            DatasourceKind::Alertmanager,
            DatasourceKind::Elasticsearch,
            DatasourceKind::LocalFiles,
        ]
    );
    let logs = settings.datasource("demo-opensearch").unwrap();
    assert_eq!(logs.url, "http://127.0.0.1:19200");
    assert_eq!(logs.log_options().index_pattern, "dataset-management-*");
    assert_eq!(logs.log_options().time_field, "@timestamp");
    let files = settings.datasource("demo-log-files").unwrap();
    assert_eq!(files.log_options().paths, [DEMO_LOG_FOLDER]);
    assert_eq!(
        files.log_options().time_field,
        "",
        "detected from the lines"
    );
}

/// The default settings' "Local files" datasource, to edit.
fn local_files(settings: &mut Settings) -> &mut Datasource {
    settings
        .datasources
        .iter_mut()
        .find(|ds| ds.kind == DatasourceKind::LocalFiles)
        .unwrap()
}

#[test]
fn local_files_need_a_path_not_a_url() {
    let mut settings = Settings::default();
    local_files(&mut settings).logs = Some(LogSourceOptions::local_files(vec!["  ".into()]));
    let problems = settings.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].datasource_id, "demo-log-files");
    assert_eq!(problems[0].field, "logs.paths");
}

#[test]
fn a_local_files_time_zone_must_name_a_zone() {
    let mut settings = Settings::default();
    let mut logs = LogSourceOptions::local_files(vec!["/var/log/app".into()]);
    logs.time_zone = "Asia/Tokio".into();
    local_files(&mut settings).logs = Some(logs.clone());
    let problems = settings.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "logs.time_zone");
    assert!(problems[0].error.message.contains("Asia/Tokio"));
    for good in ["", "Asia/Tokyo", "UTC", "+09:00"] {
        logs.time_zone = good.into();
        local_files(&mut settings).logs = Some(logs.clone());
        assert!(settings.problems().is_empty(), "{good}");
    }
}

#[test]
fn a_leading_tilde_is_the_home_folder() {
    let options = LogSourceOptions::local_files(vec![
        "~/logs/*.log".into(),
        "/var/log/app".into(),
        "a/~/b".into(),
    ]);
    let home = std::env::var("HOME").unwrap();
    assert_eq!(
        options.expanded_paths(),
        [
            format!("{home}/logs/*.log"),
            "/var/log/app".into(),
            "a/~/b".into()
        ]
    );
}

#[test]
fn local_files_round_trip_through_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(dir.path().join("settings.toml"));
    let mut settings = Settings::default();
    settings
        .datasources
        .retain(|ds| ds.kind == DatasourceKind::LocalFiles);
    file.save(&settings).unwrap();
    let text = std::fs::read_to_string(dir.path().join("settings.toml")).unwrap();
    assert!(text.contains("kind = \"local_files\""), "{text}");
    assert_eq!(file.load().settings, settings);
}

#[test]
fn log_options_are_optional_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(
        &path,
        "version = 1\n[[datasources]]\nid = \"es\"\nname = \"ES\"\nkind = \"elasticsearch\"\nurl = \"https://es:9200\"\nauth = { type = \"api_key\" }\n",
    )
    .unwrap();
    let file = SettingsFile::new(&path);
    let loaded = file.load();
    assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
    let es = &loaded.settings.datasources[0];
    assert_eq!(es.logs, None);
    assert_eq!(es.auth, DatasourceAuth::ApiKey);
    assert_eq!(es.log_options(), LogSourceOptions::default());
    assert_eq!(es.log_options().time_field, "@timestamp");

    let mut settings = loaded.settings;
    settings.datasources[0].logs = Some(LogSourceOptions {
        index_pattern: "app-*".into(),
        ..LogSourceOptions::default()
    });
    file.save(&settings).unwrap();
    assert_eq!(file.load().settings, settings);
    std::fs::write(
        &path,
        "version = 1\n[[datasources]]\nid = \"es\"\nname = \"ES\"\nkind = \"elasticsearch\"\nurl = \"https://es:9200\"\n[datasources.logs]\nindex_patern = \"x\"\n",
    )
    .unwrap();
    assert!(
        file.load().load_error.is_some(),
        "a misspelled log option is reported"
    );
}

#[test]
fn a_bad_url_is_reported_on_its_datasource_only() {
    let mut settings = Settings::default();
    settings.datasources[1].url = "htp:/nope".into();
    let problems = settings.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].datasource_id, "demo-alertmanager");
    assert_eq!(problems[0].field, "url");
    assert!(
        problems[0].error.message.contains("http://"),
        "{}",
        problems[0].error.message
    );
}

#[test]
fn url_errors_say_what_is_wrong() {
    assert!(parse_endpoint_url("").unwrap_err().contains("empty"));
    assert!(parse_endpoint_url("localhost:9090").is_err());
    assert!(parse_endpoint_url("ftp://x").unwrap_err().contains("ftp"));
    assert!(
        parse_endpoint_url("http://x/?a=b")
            .unwrap_err()
            .contains("query")
    );
    assert!(parse_endpoint_url("https://prom.example:9090/prefix").is_ok());
}

#[test]
fn skipping_verification_and_a_half_set_client_certificate_are_problems() {
    let mut settings = Settings::default();
    assert!(settings.problems().is_empty());
    let id = settings.datasources[0].id.clone();
    settings.datasources[0].tls = TlsOptions {
        insecure_skip_verify: true,
        client_cert_file: Some("/etc/hinomi/client.pem".into()),
        client_key_file: Some("  ".into()),
        ..TlsOptions::default()
    };
    let problems = settings.problems();
    let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["tls.client_key_file", "tls.insecure_skip_verify"],
        "{problems:?}"
    );
    assert!(problems.iter().all(|p| p.datasource_id == id));
    assert_eq!(problems[1].error.code, ErrorCode::Tls);
    assert!(problems[1].error.message.contains("verification is off"));

    // The settings file keeps the switch; older files without the new fields still load.
    let text = toml::to_string(&settings).unwrap();
    assert!(text.contains("insecure_skip_verify = true"), "{text}");
    let old: TlsOptions = toml::from_str("ca_file = \"/ca.pem\"").unwrap();
    assert!(!old.insecure_skip_verify && old.client_cert_file.is_none());
}

#[test]
fn credentials_in_a_url_are_a_problem_that_never_repeats_the_password() {
    for typed in [
        "http://admin:hunter2@prom.example:9090",
        "https://hunter2@prom.example",
        // Not a URL at all (the password holds a `/`): still refused, still hidden.
        "http://admin:hun/ter2@prom.example",
    ] {
        let mut settings = Settings::default();
        settings.datasources[0].url = typed.into();
        let problems = settings.problems();
        assert_eq!(problems.len(), 1, "{typed}: {problems:?}");
        assert_eq!(problems[0].datasource_id, settings.datasources[0].id);
        assert_eq!(problems[0].field, "url");
        let message = &problems[0].error.message;
        assert!(message.contains("datasource's auth"), "{message}");
        assert!(message.contains("OS keyring"), "{message}");
        assert!(!message.contains("hunter2"), "{typed}: {message}");
        assert!(!message.contains("ter2"), "{typed}: {message}");
        let shown = format!("{:?}", problems[0].error);
        assert!(
            !shown.contains("hunter2") && !shown.contains("ter2"),
            "{shown}"
        );
    }
    // The endpoint refuses it as well: no request carries them.
    assert!(parse_endpoint_url("http://a:b@h").is_err());
}

#[test]
fn settings_shown_have_url_credentials_hidden() {
    let mut settings = Settings::default();
    settings.datasources[0].url = "http://admin:hunter2@prom.example:9090".into();
    let untouched = settings.datasources[1].url.clone();
    settings.hide_url_credentials();
    assert_eq!(
        settings.datasources[0].url,
        "http://admin:***@prom.example:9090"
    );
    assert_eq!(settings.datasources[1].url, untouched);
    // Still a problem, with the same hint, once shown and saved back.
    assert_eq!(settings.problems()[0].field, "url");
}

#[test]
fn duplicate_ids_and_silly_timeouts_are_problems() {
    let mut settings = Settings::default();
    settings.datasources[1].id = settings.datasources[0].id.clone();
    settings.datasources[0].timeout_ms = 5;
    let fields: Vec<_> = settings.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(fields, vec!["timeout_ms", "id"]);
}

#[test]
fn missing_file_is_a_first_run_with_no_datasources_and_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = SettingsFile::new(dir.path().join("settings.toml")).load();
    assert!(loaded.first_run);
    assert!(loaded.settings.datasources.is_empty());
    // Everything else is the usual default.
    assert_eq!(
        loaded.settings,
        Settings {
            datasources: Vec::new(),
            ..Settings::default()
        }
    );
    assert!(loaded.load_error.is_none());
}

#[test]
fn missing_file_with_the_demo_flag_loads_the_embedded_default() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = SettingsFile::new(dir.path().join("settings.toml"))
        .when_missing(WhenMissing::Demo)
        .load();
    assert!(loaded.first_run);
    assert_eq!(loaded.settings, Settings::default());
    assert_eq!(
        loaded.settings.datasources,
        hinomi_core::settings::demo_datasources()
    );
}

#[test]
fn a_saved_file_is_no_longer_a_first_run_even_with_the_demo_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(dir.path().join("settings.toml")).when_missing(WhenMissing::Demo);
    // The user removed every datasource: that choice stands, the demo does not come back.
    file.save(&Settings::without_datasources()).unwrap();
    let loaded = file.load();
    assert!(!loaded.first_run);
    assert!(loaded.settings.datasources.is_empty());
}

#[test]
fn a_broken_file_is_not_a_first_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "version = [").unwrap();
    let loaded = SettingsFile::new(&path).load();
    assert!(!loaded.first_run);
    assert!(loaded.load_error.is_some());
}

#[test]
fn a_file_without_notification_prefs_loads_with_their_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "version = 1\nrefresh_interval_secs = 7\n").unwrap();
    let loaded = SettingsFile::new(&path).load();
    assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
    assert_eq!(loaded.settings.refresh_interval_secs, 7);
    assert_eq!(
        loaded.settings.alert_notifications,
        AlertNotificationPrefs::default()
    );
}

#[test]
fn the_series_limit_defaults_to_a_thousand_round_trips_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "version = 1\n").unwrap();
    let file = SettingsFile::new(&path);
    assert_eq!(file.load().settings.series_limit, 1_000, "older files");
    let mut settings = file.load().settings;
    settings.series_limit = 5_000;
    file.save(&settings).unwrap();
    assert_eq!(file.load().settings.series_limit, 5_000);
    settings.series_limit = 0;
    let problems = settings.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "series_limit");
}

#[test]
fn auth_round_trips_without_its_secret_and_old_files_load_without_auth() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(
        &path,
        "version = 1\n[[datasources]]\nid = \"p\"\nname = \"P\"\nkind = \"prometheus\"\nurl = \"http://h:9090\"\n",
    )
    .unwrap();
    let file = SettingsFile::new(&path);
    let loaded = file.load();
    assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
    assert_eq!(loaded.settings.datasources[0].auth, DatasourceAuth::None);

    let secrets = hinomi_core::secrets::MemoryStore::default();
    hinomi_core::secrets::SecretStore::set(&secrets, "p", "hunter2-in-keyring").unwrap();
    let mut settings = loaded.settings;
    settings.datasources[0].auth = DatasourceAuth::Basic {
        username: "alice".into(),
    };
    settings.datasources.push(Datasource {
        id: "b".into(),
        auth: DatasourceAuth::Bearer,
        ..settings.datasources[0].clone()
    });
    file.save(&settings).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("alice") && text.contains("bearer"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(file.load().settings, settings);
}

#[test]
fn bad_quiet_hours_and_escalation_are_problems() {
    let mut settings = Settings::default();
    settings.alert_notifications.quiet_hours_start = Some("25:00".into());
    settings.alert_notifications.quiet_hours_end = Some("07:00".into());
    settings.alert_notifications.escalate_after_minutes = 5000;
    let fields: Vec<String> = settings.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            "alert_notifications.quiet_hours_start",
            "alert_notifications.escalate_after_minutes"
        ]
    );
}

#[test]
fn save_then_load_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(dir.path().join("nested/settings.toml"));
    let mut settings = Settings {
        language: Language::Ja,
        ..Settings::default()
    };
    settings.datasources[0].tls.ca_file = Some("/etc/ssl/company-ca.pem".into());
    settings.alert_notifications.do_not_disturb = true;
    settings.alert_notifications.quiet_hours_start = Some("22:00".into());
    settings.alert_notifications.quiet_hours_end = Some("07:00".into());
    file.save(&settings).unwrap();
    let loaded = file.load();
    assert!(loaded.load_error.is_none());
    assert_eq!(loaded.settings, settings);
}

#[test]
fn unparseable_file_is_reported_and_kept_aside_on_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "datasources = [ { id = \"x\", ").unwrap();
    let file = SettingsFile::new(&path);

    let loaded = file.load();
    let err = loaded.load_error.expect("a parse error");
    assert_eq!(err.code, ErrorCode::InvalidConfig);
    assert!(err.message.contains("settings.toml"));
    assert!(err.detail.unwrap().contains("line 1"));
    assert_eq!(loaded.settings, Settings::default());

    file.save(&Settings::default()).unwrap();
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("settings.toml.broken-"))
        .collect();
    assert_eq!(
        kept.len(),
        1,
        "the broken file must be kept, not overwritten"
    );
    let kept_text = std::fs::read_to_string(dir.path().join(&kept[0])).unwrap();
    assert!(kept_text.starts_with("datasources = [ { id"));
    assert!(file.load().load_error.is_none());
}

#[test]
fn a_misspelled_key_is_an_error_and_the_file_survives_a_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let text = "[[datasource]]\nid = \"mine\"\nname = \"Mine\"\nkind = \"prometheus\"\nurl = \"http://prom:9090\"\n";
    std::fs::write(&path, text).unwrap();
    let file = SettingsFile::new(&path);
    let err = file.load().load_error.expect("unknown key reported");
    assert!(err.detail.unwrap().contains("datasource"), "names the key");
    file.save(&Settings::default()).unwrap();
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("broken-"))
        .expect("kept aside");
    assert_eq!(std::fs::read_to_string(kept).unwrap(), text);
}

#[test]
fn a_newer_or_non_utf8_file_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let file = SettingsFile::new(&path);
    std::fs::write(&path, "version = 99\n").unwrap();
    let err = file.load().load_error.expect("newer version refused");
    assert!(err.detail.unwrap().contains("newer"));

    std::fs::write(&path, b"language = \"\xff\"\n").unwrap();
    assert!(file.load().load_error.is_some());
    file.save(&Settings::default()).unwrap();
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("broken-")
        })
        .count();
    assert_eq!(kept, 1, "the non-UTF-8 file was kept, not overwritten");
}

#[test]
fn a_file_without_incident_settings_loads_and_incident_settings_round_trip() {
    use hinomi_incidents::Severity;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "version = 1\nlanguage = \"ja\"\n").unwrap();
    let file = SettingsFile::new(&path);
    let loaded = file.load();
    assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
    assert_eq!(loaded.settings.incidents, Default::default());

    let mut settings = loaded.settings;
    settings.incidents.response_targets.p1_minutes = 30;
    settings
        .incidents
        .severity_mapping
        .values
        .insert("page".into(), Severity::P0);
    file.save(&settings).unwrap();
    let again = file.load();
    assert!(again.load_error.is_none(), "{:?}", again.load_error);
    assert_eq!(again.settings.incidents.response_targets.p1_minutes, 30);
    assert_eq!(
        again.settings.incidents.severity_mapping.map(Some("PAGE")),
        Severity::P0
    );
}

#[cfg(unix)]
#[test]
fn saved_file_is_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(dir.path().join("settings.toml"));
    file.save(&Settings::default()).unwrap();
    let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
