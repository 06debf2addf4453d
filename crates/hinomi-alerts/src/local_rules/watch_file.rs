//! The person's watch-rule file on disk: read, checked, and written only when it is valid, so
//! the rules being evaluated are always the ones in the file.
//!
//! Rule problems found after the YAML parsed (a bad `expr`, an unknown `for`) are located on
//! their line too ([`crate::rule_file::locate`]), so the editor can point at the line like
//! `promtool` points at the rule.

use crate::rule_file::{RuleFileError, WatchRules, locate, parse_rule_file};
use hinomi_core::HinomiError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How the file is named in messages.
pub const WATCH_RULES_FILE: &str = "watch-rules.yml";

#[derive(Debug, Clone)]
pub struct WatchRulesFile {
    path: PathBuf,
}

/// The file's text and what checking it found.
#[derive(Debug, Clone)]
pub struct LoadedWatchRules {
    pub text: String,
    pub rules: Option<WatchRules>,
    pub errors: Vec<RuleFileError>,
}

impl WatchRulesFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads and checks the file; a missing file is no rules.
    pub fn load(&self) -> Result<LoadedWatchRules, HinomiError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(err) => {
                return Err(HinomiError::from(err).with_detail(self.path.display().to_string()));
            }
        };
        let (rules, errors) = match check(&text) {
            Ok(rules) => (Some(rules), Vec::new()),
            Err(errors) => (None, errors),
        };
        Ok(LoadedWatchRules {
            text,
            rules,
            errors,
        })
    }

    /// Writes `text` atomically if it checks out; otherwise leaves the file alone and returns
    /// the problems.
    pub fn save(&self, text: &str) -> Result<Result<WatchRules, Vec<RuleFileError>>, HinomiError> {
        let rules = match check(text) {
            Ok(rules) => rules,
            Err(errors) => return Ok(Err(errors)),
        };
        let io = |err: std::io::Error| {
            HinomiError::from(err).with_detail(self.path.display().to_string())
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        let temp = self.path.with_extension("yml.tmp");
        let mut file = std::fs::File::create(&temp).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&temp, &self.path).map_err(io)?;
        Ok(Ok(rules))
    }
}

/// Checks rule-file text; an empty file (or only comments) is valid and has no rules.
pub fn check(text: &str) -> Result<WatchRules, Vec<RuleFileError>> {
    if text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    }) {
        return Ok(WatchRules { groups: Vec::new() });
    }
    parse_rule_file(WATCH_RULES_FILE, text).map_err(|errors| {
        errors
            .errors
            .into_iter()
            .map(|error| locate(text, error))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "\
groups:
- name: mine
  rules:
  - alert: Fine
    expr: up == 1
  - alert: BadFor
    expr: up == 0
    for: 5 minutes
- name: other
  rules:
  - alert: NoExpr
    labels:
      severity: warning
";

    #[test]
    fn rule_problems_are_located_on_their_line_and_column() {
        let errors = check(RULES).unwrap_err();
        let found: Vec<String> = errors
            .iter()
            .map(|e| {
                format!(
                    "{:?} {:?}:{:?} {:?}",
                    e.rule_name, e.line, e.column, e.field
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                r#"Some("BadFor") Some(8):Some(5) Some("for")"#,
                r#"Some("NoExpr") Some(11):Some(5) Some("expr")"#,
            ],
            "{errors:#?}"
        );
        assert!(
            errors[0]
                .to_string()
                .starts_with("watch-rules.yml:8:5: group \"mine\", rule 2"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn yaml_errors_keep_the_parsers_position_and_empty_files_have_no_rules() {
        let errors = check("groups:\n- name: x\n  rules: [\n").unwrap_err();
        assert!(errors[0].line.is_some(), "{errors:#?}");
        assert!(check("").unwrap().groups.is_empty());
        assert!(check("# nothing yet\n\n").unwrap().groups.is_empty());
    }

    #[test]
    fn only_valid_rules_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = WatchRulesFile::new(dir.path().join("nested/watch-rules.yml"));
        assert_eq!(file.load().unwrap().text, "");
        let refused = file.save(RULES).unwrap().unwrap_err();
        assert_eq!(refused.len(), 2);
        assert!(!file.path().exists(), "an invalid file is not written");
        let good = "groups:\n- name: mine\n  rules:\n  - alert: Up\n    expr: up == 1\n";
        let rules = file.save(good).unwrap().unwrap();
        assert_eq!(rules.groups[0].rules[0].alert, "Up");
        let loaded = file.load().unwrap();
        assert_eq!(loaded.text, good);
        assert!(loaded.errors.is_empty());
        assert_eq!(loaded.rules.unwrap().groups.len(), 1);
    }
}
