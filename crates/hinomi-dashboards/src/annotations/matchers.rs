//! Which alerts belong on a panel: the label matchers in the panel's PromQL (`{job="api"}`)
//! compared with an alert's labels. A query whose matchers share a label with the alert decides
//! (every shared label must match); when none shares one, the caller falls back to the panel's
//! datasource.

use regex::Regex;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub enum MatchOp {
    Equal(String),
    NotEqual(String),
    Regex(Regex),
    NotRegex(Regex),
}

impl MatchOp {
    fn accepts(&self, value: &str) -> bool {
        match self {
            MatchOp::Equal(want) => value == want,
            MatchOp::NotEqual(want) => value != want,
            MatchOp::Regex(re) => re.is_match(value),
            MatchOp::NotRegex(re) => !re.is_match(value),
        }
    }
}

/// The matchers of one query: label name → conditions (a selector may name a label twice).
#[derive(Debug, Clone, Default)]
pub struct QueryMatchers(pub Vec<(String, MatchOp)>);

/// What a query's matchers say about an alert's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No label in common: the query cannot tell.
    Unrelated,
    Matches,
    Differs,
}

impl QueryMatchers {
    pub fn judge(&self, labels: &BTreeMap<String, String>) -> Verdict {
        let mut shared = false;
        for (name, op) in &self.0 {
            if name == "__name__" {
                continue;
            }
            if let Some(value) = labels.get(name) {
                shared = true;
                if !op.accepts(value) {
                    return Verdict::Differs;
                }
            }
        }
        if shared {
            Verdict::Matches
        } else {
            Verdict::Unrelated
        }
    }
}

/// The verdict of a panel's queries together: any query that matches wins; one that differs
/// rules the alert out unless another matches; `Unrelated` when none shares a label.
pub fn judge_panel(queries: &[QueryMatchers], labels: &BTreeMap<String, String>) -> Verdict {
    let verdicts: Vec<Verdict> = queries.iter().map(|q| q.judge(labels)).collect();
    if verdicts.contains(&Verdict::Matches) {
        Verdict::Matches
    } else if verdicts.contains(&Verdict::Differs) {
        Verdict::Differs
    } else {
        Verdict::Unrelated
    }
}

/// Every label matcher inside `{…}` selectors of a PromQL expression (variables already
/// substituted). Strings are read with PromQL's escapes; a regex PromQL would reject is skipped.
pub fn query_matchers(expr: &str) -> QueryMatchers {
    let mut found = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' | '\'' | '`' => i = skip_string(&chars, i).1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '{' => i = read_selector(&chars, i + 1, &mut found),
            _ => i += 1,
        }
    }
    QueryMatchers(found)
}

/// Reads `name op "value", …}` from `i`; returns the index after the closing brace.
fn read_selector(chars: &[char], mut i: usize, found: &mut Vec<(String, MatchOp)>) -> usize {
    loop {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
            i += 1;
        }
        if i >= chars.len() {
            return i;
        }
        if chars[i] == '}' {
            return i + 1;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == ':')
        {
            i += 1;
        }
        let name: String = chars[start..i].iter().collect();
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let op_start = i;
        while i < chars.len() && matches!(chars[i], '=' | '!' | '~') {
            i += 1;
        }
        let op: String = chars[op_start..i].iter().collect();
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if name.is_empty() || i >= chars.len() || !matches!(chars[i], '"' | '\'' | '`') {
            // Not a selector we understand (a quoted label name, a typo): skip to its end.
            while i < chars.len() && chars[i] != '}' {
                i += 1;
            }
            return (i + 1).min(chars.len());
        }
        let (value, next) = skip_string(chars, i);
        i = next;
        let anchored = |v: &str| Regex::new(&format!("^(?:{v})$")).ok();
        let op = match op.as_str() {
            "=" => Some(MatchOp::Equal(value)),
            "!=" => Some(MatchOp::NotEqual(value)),
            "=~" => anchored(&value).map(MatchOp::Regex),
            "!~" => anchored(&value).map(MatchOp::NotRegex),
            _ => None,
        };
        if let Some(op) = op {
            found.push((name, op));
        }
    }
}

/// The string starting at `chars[i]` (a quote) unescaped, and the index after it.
fn skip_string(chars: &[char], i: usize) -> (String, usize) {
    let quote = chars[i];
    let mut out = String::new();
    let mut j = i + 1;
    while j < chars.len() {
        let c = chars[j];
        if c == quote {
            return (out, j + 1);
        }
        if c == '\\' && quote != '`' && j + 1 < chars.len() {
            j += 1;
            out.push(match chars[j] {
                'n' => '\n',
                't' => '\t',
                other => other,
            });
        } else {
            out.push(c);
        }
        j += 1;
    }
    (out, j)
}
