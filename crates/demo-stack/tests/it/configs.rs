//! The rendered configs are what Prometheus and Alertmanager accept: checked by their own
//! tools (`promtool`, `amtool` from Debian's packages), and the alert rules unit-tested with
//! `promtool test rules` against `tests/demo-stack/alert.rules.test.yml`.

use hinomi_demo_stack::templates::RenderedConfigs;
use hinomi_demo_stack::{Ports, RouteTiming, StackConfig};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const RULE_TESTS: &str = include_str!("../../../../tests/demo-stack/alert.rules.test.yml");

fn run(dir: &Path, program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program} (Debian package missing?): {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{program} {args:?} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}

fn check(config: &StackConfig) {
    let dir = tempfile::tempdir().unwrap();
    RenderedConfigs::for_stack(config)
        .unwrap()
        .write_to(dir.path())
        .unwrap();
    // `check config` also loads the rule files it names.
    run(
        dir.path(),
        "promtool",
        &["check", "config", "prometheus.yml"],
    );
    run(dir.path(), "promtool", &["check", "rules", "alert.rules"]);
    run(dir.path(), "amtool", &["check-config", "alertmanager.yml"]);
}

#[test]
fn the_demo_configs_pass_promtool_and_amtool() {
    check(&StackConfig::new("/state", Ports::demo_defaults()));
}

#[test]
fn the_test_configs_pass_promtool_and_amtool() {
    let mut config = StackConfig::new("/state", Ports::free().unwrap())
        .with_interval(Duration::from_millis(1500));
    config.route_timing = RouteTiming::fast();
    check(&config);
}

#[test]
fn the_alert_rules_fire_as_specified() {
    let dir = tempfile::tempdir().unwrap();
    let configs =
        RenderedConfigs::for_stack(&StackConfig::new("/state", Ports::demo_defaults())).unwrap();
    configs.write_to(dir.path()).unwrap();
    std::fs::write(dir.path().join("alert.rules.test.yml"), RULE_TESTS).unwrap();
    run(
        dir.path(),
        "promtool",
        &["test", "rules", "alert.rules.test.yml"],
    );
}
