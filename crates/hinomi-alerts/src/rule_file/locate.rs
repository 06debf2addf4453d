//! Where a problem found after parsing is written: the checker names the group and the rule's
//! index, and this finds their lines, so an editor can point at the line like `promtool` points
//! at the rule.

use super::RuleFileError;

/// Fills in the line and column of a rule problem from where its group and rule are written.
pub fn locate(text: &str, mut error: RuleFileError) -> RuleFileError {
    if error.line.is_some() {
        return error;
    }
    let Some(group) = error.group.as_deref() else {
        return error;
    };
    let lines: Vec<&str> = text.lines().collect();
    let Some(group_line) = lines.iter().position(|line| {
        let item = line.trim_start().trim_start_matches("- ").trim_start();
        item.strip_prefix("name:")
            .is_some_and(|name| unquote(name.trim()) == group)
    }) else {
        return error;
    };
    // The group ends where the next group starts.
    let group_end = lines
        .iter()
        .enumerate()
        .skip(group_line + 1)
        .find(|(_, line)| {
            let item = line.trim_start().trim_start_matches("- ").trim_start();
            line.trim_start().starts_with("- ") && item.starts_with("name:")
        })
        .map_or(lines.len(), |(index, _)| index);
    let mut at = (group_line, indent(lines[group_line]));
    if let Some(rule_index) = error.rule_index {
        let rule_starts: Vec<usize> = (group_line + 1..group_end)
            .filter(|&index| {
                let item = lines[index].trim_start();
                item.strip_prefix("- ").is_some_and(|rest| {
                    let rest = rest.trim_start();
                    [
                        "alert:",
                        "record:",
                        "expr:",
                        "for:",
                        "labels:",
                        "annotations:",
                    ]
                    .iter()
                    .any(|key| rest.starts_with(key))
                })
            })
            .collect();
        let Some(&start) = (rule_index as usize)
            .checked_sub(1)
            .and_then(|index| rule_starts.get(index))
        else {
            return error;
        };
        let end = rule_starts
            .get(rule_index as usize)
            .copied()
            .unwrap_or(group_end);
        at = (start, indent(lines[start]) + 2);
        if let Some(field) = error.field.as_deref() {
            let key = format!("{}:", field.split('.').next().unwrap_or(field));
            if let Some(index) = (start..end).find(|&index| {
                lines[index]
                    .trim_start()
                    .trim_start_matches("- ")
                    .starts_with(&key)
            }) {
                let line = lines[index];
                let column = line.len() - line.trim_start().trim_start_matches("- ").len();
                at = (index, column);
            }
        }
    }
    error.line = u32::try_from(at.0 + 1).ok();
    error.column = u32::try_from(at.1 + 1).ok();
    error
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn unquote(text: &str) -> &str {
    text.trim_matches(|c| c == '"' || c == '\'')
}
