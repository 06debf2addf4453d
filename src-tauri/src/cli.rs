//! The command line: `hinomi [--minimized] [--demo]`, with `--help` and `--version` answered before any
//! window or tray exists (clap prints them and exits), so they work over SSH and in scripts.

use clap::Parser;

/// Hinomi: Prometheus dashboards, alerts, log search and incidents in one desktop console.
#[derive(Debug, Clone, Default, Parser)]
#[command(name = "hinomi", version)]
pub struct Options {
    /// Start in the tray with the window hidden; alerts keep notifying.
    ///
    /// The autostart entry uses this. Without a tray on the desktop the window opens anyway,
    /// or there would be no way to reach it.
    #[arg(long)]
    pub minimized: bool,

    /// With no settings file yet, watch the bundled demo stack (scripts/demo) instead of
    /// opening the welcome.
    ///
    /// Only the first run changes: once settings are saved, they are what Hinomi runs on.
    #[arg(long)]
    pub demo: bool,
}

impl Options {
    /// What to run on while there is no settings file.
    pub fn when_settings_missing(&self) -> hinomi_settings::WhenMissing {
        if self.demo {
            hinomi_settings::WhenMissing::Demo
        } else {
            hinomi_settings::WhenMissing::NoDatasources
        }
    }
}

impl Options {
    /// The process's arguments; `--help`, `--version` and a mistake end the process here.
    pub fn from_env() -> Self {
        Self::parse()
    }

    /// The arguments another launch forwarded to this instance (see `instance`); anything
    /// unreadable there counts as a plain launch.
    pub fn from_forwarded(args: &[String]) -> Self {
        Self::try_parse_from(args).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Options;
    use clap::Parser;

    #[test]
    fn a_forwarded_launch_reads_its_flags() {
        let args = |list: &[&str]| list.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        assert!(Options::from_forwarded(&args(&["hinomi", "--minimized"])).minimized);
        assert!(!Options::from_forwarded(&args(&["hinomi"])).minimized);
        // A flag this build does not know must not stop the running instance from answering.
        assert!(!Options::from_forwarded(&args(&["hinomi", "--no-such-flag"])).minimized);
    }

    #[test]
    fn the_demo_flag_chooses_the_demo_stack_for_a_first_run() {
        use hinomi_settings::WhenMissing;
        let parse = |list: &[&str]| Options::try_parse_from(list).expect("parses");
        assert_eq!(
            parse(&["hinomi", "--demo"]).when_settings_missing(),
            WhenMissing::Demo
        );
        assert_eq!(
            parse(&["hinomi"]).when_settings_missing(),
            WhenMissing::NoDatasources
        );
        assert!(parse(&["hinomi", "--demo", "--minimized"]).minimized);
    }
}
