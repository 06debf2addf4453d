//! Who is using this laptop: the one name every change made from the app is recorded under —
//! the `createdBy` of a silence, the author of an incident's timeline entry, the default
//! commander of a new incident. One function, so an acknowledgement's silence and its incident
//! entry never name two different people.

use std::sync::OnceLock;

/// The laptop user's name: `$USER`, else `$LOGNAME`, else `$USERNAME` (Windows), else `whoami`,
/// else "me". Read once per process: it does not change while the app runs, and `whoami` is a
/// child process nobody should wait for twice.
pub fn current_user() -> String {
    static USER: OnceLock<String> = OnceLock::new();
    USER.get_or_init(|| {
        from_env(|name| std::env::var(name).ok())
            .or_else(from_whoami)
            .unwrap_or_else(|| "me".to_string())
    })
    .clone()
}

fn from_env(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["USER", "LOGNAME", "USERNAME"].iter().find_map(|name| {
        var(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    })
}

fn from_whoami() -> Option<String> {
    std::process::Command::new("whoami")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_always_a_user() {
        assert!(!current_user().is_empty());
        assert_eq!(current_user(), current_user());
    }

    #[test]
    fn the_first_non_blank_variable_names_the_user() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        assert_eq!(
            from_env(env(&[("USER", " "), ("LOGNAME", "sato ")])),
            Some("sato".into())
        );
        assert_eq!(
            from_env(env(&[("USERNAME", "tanaka")])),
            Some("tanaka".into())
        );
        assert_eq!(from_env(env(&[])), None);
    }
}
