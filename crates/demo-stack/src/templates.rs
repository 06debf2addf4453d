//! The Prometheus and Alertmanager configuration, rendered for one stack.
//!
//! The templates live in `tests/demo-stack/` where people read and review them; they are
//! compiled in so that `hinomi-demo` works from any directory. A placeholder is a lowercase
//! name in double braces, such as `{{prometheus_port}}`. Go template actions in alert
//! annotations (`{{ $labels.job }}`) have spaces and a `$`, so they are left alone.

use crate::config::StackConfig;
use crate::duration::prometheus_duration;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

pub const PROMETHEUS_YML: &str = include_str!("../../../tests/demo-stack/prometheus.yml");
pub const ALERT_RULES: &str = include_str!("../../../tests/demo-stack/alert.rules");
pub const ALERTMANAGER_YML: &str = include_str!("../../../tests/demo-stack/alertmanager.yml");

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error("template {template} uses the unknown placeholder {{{{{name}}}}}")]
    UnknownPlaceholder {
        template: &'static str,
        name: String,
    },
}

/// The three files Prometheus and Alertmanager read, with every placeholder filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedConfigs {
    pub prometheus_yml: String,
    pub alert_rules: String,
    pub alertmanager_yml: String,
}

impl RenderedConfigs {
    pub fn for_stack(config: &StackConfig) -> Result<Self, TemplateError> {
        let values = placeholder_values(config);
        Ok(Self {
            prometheus_yml: render("prometheus.yml", PROMETHEUS_YML, &values)?,
            alert_rules: override_for(
                render("alert.rules", ALERT_RULES, &values)?,
                config.rule_for_override,
            ),
            alertmanager_yml: render("alertmanager.yml", ALERTMANAGER_YML, &values)?,
        })
    }

    /// Writes `prometheus.yml`, `alert.rules` and `alertmanager.yml` into `dir`. They must sit
    /// together: `prometheus.yml` names `alert.rules` relative to itself.
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)?;
        fs::write(dir.join("prometheus.yml"), &self.prometheus_yml)?;
        fs::write(dir.join("alert.rules"), &self.alert_rules)?;
        fs::write(dir.join("alertmanager.yml"), &self.alertmanager_yml)?;
        // Has no placeholders; written next to the others so the exporters find it.
        fs::write(
            dir.join(crate::postgres::EXPORTER_QUERIES_FILE),
            crate::postgres::EXPORTER_QUERIES,
        )
    }
}

fn placeholder_values(config: &StackConfig) -> BTreeMap<&'static str, String> {
    let ports = &config.ports;
    let timing = &config.route_timing;
    BTreeMap::from([
        (
            "scrape_interval",
            prometheus_duration(config.scrape_interval),
        ),
        (
            "evaluation_interval",
            prometheus_duration(config.evaluation_interval),
        ),
        ("demo_api_port", ports.demo_api.to_string()),
        ("prometheus_port", ports.prometheus.to_string()),
        ("alertmanager_port", ports.alertmanager.to_string()),
        ("node_exporter_port", ports.node_exporter.to_string()),
        (
            "postgres_exporter_port",
            ports.postgres_exporter.to_string(),
        ),
        (
            "postgres_replica_exporter_port",
            ports.postgres_replica_exporter.to_string(),
        ),
        ("control_port", ports.control.to_string()),
        ("control_token", config.control_token.clone()),
        ("group_wait", prometheus_duration(timing.group_wait)),
        ("group_interval", prometheus_duration(timing.group_interval)),
        (
            "repeat_interval",
            prometheus_duration(timing.repeat_interval),
        ),
    ])
}

/// Replaces every `{{name}}` in `template` by `values[name]`; an unknown name is an error, so a
/// typo in a template cannot reach Prometheus as literal braces.
pub fn render(
    template_name: &'static str,
    template: &str,
    values: &BTreeMap<&'static str, String>,
) -> Result<String, TemplateError> {
    let mut output = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        output.push_str(&rest[..start]);
        let after_open = &rest[start + 2..];
        let name = after_open
            .find("}}")
            .map(|end| &after_open[..end])
            .filter(|name| is_placeholder_name(name));
        match name {
            Some(name) => {
                let value = values
                    .get(name)
                    .ok_or_else(|| TemplateError::UnknownPlaceholder {
                        template: template_name,
                        name: name.to_owned(),
                    })?;
                output.push_str(value);
                rest = &after_open[name.len() + 2..];
            }
            None => {
                output.push_str("{{");
                rest = after_open;
            }
        }
    }
    output.push_str(rest);
    Ok(output)
}

/// With `Some(duration)`, every rule's `for:` line says `duration` instead (see
/// [`StackConfig::rule_for_override`]).
fn override_for(rules: String, duration: Option<std::time::Duration>) -> String {
    let Some(duration) = duration else {
        return rules;
    };
    let value = prometheus_duration(duration);
    let mut output = String::with_capacity(rules.len());
    for line in rules.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("for:") {
            let indent = &line[..line.len() - trimmed.len()];
            let newline = if line.ends_with('\n') { "\n" } else { "" };
            output.push_str(&format!("{indent}for: {value}{newline}"));
        } else {
            output.push_str(line);
        }
    }
    output
}

fn is_placeholder_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RouteTiming;
    use crate::ports::Ports;
    use std::time::Duration;

    fn demo_configs() -> RenderedConfigs {
        RenderedConfigs::for_stack(&StackConfig::new("/state", Ports::demo_defaults())).unwrap()
    }

    #[test]
    fn a_for_override_changes_only_for_lines() {
        let mut config = StackConfig::new("/state", Ports::demo_defaults());
        config.rule_for_override = Some(Duration::from_secs(10));
        let rules = RenderedConfigs::for_stack(&config).unwrap().alert_rules;
        assert!(!rules.contains("for: 5m"));
        assert!(rules.contains("    for: 10s\n"));
        assert_eq!(
            rules.lines().count(),
            demo_configs().alert_rules.lines().count()
        );
        assert!(rules.contains("alert: HighErrorRate"));
    }

    #[test]
    fn every_placeholder_is_substituted() {
        let configs = demo_configs();
        assert!(
            !configs.prometheus_yml.contains("{{"),
            "{}",
            configs.prometheus_yml
        );
        assert!(
            !configs.alertmanager_yml.contains("{{"),
            "{}",
            configs.alertmanager_yml
        );
        // alert.rules has no placeholders, only Go templates for Prometheus to expand.
        assert_eq!(configs.alert_rules, ALERT_RULES);
        for line in configs
            .alert_rules
            .lines()
            .filter(|line| line.contains("{{"))
        {
            assert!(
                line.contains("{{ $"),
                "unexpected braces in alert.rules: {line}"
            );
        }
    }

    #[test]
    fn ports_and_intervals_land_where_they_belong() {
        let ports = Ports {
            control: 40005,
            ..Ports::free().unwrap()
        };
        let config = StackConfig::new("/state", ports).with_interval(Duration::from_secs(2));
        let configs = RenderedConfigs::for_stack(&config).unwrap();
        let prometheus = &configs.prometheus_yml;
        assert!(prometheus.contains("  scrape_interval: 2s\n"));
        assert!(prometheus.contains("  evaluation_interval: 2s\n"));
        for port in [
            ports.demo_api,
            ports.node_exporter,
            ports.prometheus,
            ports.alertmanager,
        ] {
            assert!(
                prometheus.contains(&format!("['127.0.0.1:{port}']")),
                "{port}"
            );
        }
        assert!(
            configs
                .alertmanager_yml
                .contains("url: 'http://127.0.0.1:40005/webhook/alertmanager'")
        );
    }

    #[test]
    fn default_rendering_keeps_the_specs_route_and_intervals() {
        let configs = demo_configs();
        assert!(
            configs
                .prometheus_yml
                .contains("global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n")
        );
        // §4.2 of the monitoring spec, verbatim.
        assert!(configs.alertmanager_yml.contains(
            "route:
  group_by: ['alertname', 'severity']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  receiver: 'team-dataset'
"
        ));
    }

    #[test]
    fn fast_route_timing_is_rendered() {
        let mut config = StackConfig::new("/state", Ports::demo_defaults());
        config.route_timing = RouteTiming::fast();
        let configs = RenderedConfigs::for_stack(&config).unwrap();
        assert!(configs.alertmanager_yml.contains("  group_wait: 1s\n"));
        assert!(configs.alertmanager_yml.contains("  group_interval: 5s\n"));
        assert!(
            configs
                .alertmanager_yml
                .contains("  repeat_interval: 30s\n")
        );
    }

    #[test]
    fn the_specs_rules_are_kept_verbatim() {
        // §4.1 of the monitoring spec, verbatim (its first rule is the rule-file tests' shared
        // fixture).
        let spec_rules = concat!(
            include_str!("../../../tests/demo-stack/spec-high-error-rate.rules"),
            r#"
  - alert: HighLatency
    expr: histogram_quantile(0.95, rate(api_request_duration_seconds_bucket[5m])) > 1
    for: 5m
    labels:
      severity: warning
    annotations:
      summary: "高レイテンシを検出"
      description: "95パーセンタイルのレイテンシが1秒を超えています"
"#
        );
        assert!(demo_configs().alert_rules.contains(spec_rules));
    }

    #[test]
    fn unknown_placeholders_are_errors_and_go_templates_are_not_placeholders() {
        let values = BTreeMap::from([("port", "9".to_owned())]);
        assert_eq!(
            render("t", "a {{port}} {{ $labels.job }} {{x}", &values).unwrap(),
            "a 9 {{ $labels.job }} {{x}"
        );
        assert_eq!(
            render("t", "{{prot}}", &values),
            Err(TemplateError::UnknownPlaceholder {
                template: "t",
                name: "prot".to_owned()
            })
        );
    }
}
