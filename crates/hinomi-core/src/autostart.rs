//! Starting Hinomi at login: an XDG autostart entry (`~/.config/autostart/*.desktop`, read by
//! every freedesktop session: GNOME, KDE, Xfce, …) that runs `hinomi --minimized`, so alerts
//! notify from the tray without anyone opening the console.
//!
//! The entry itself is the setting: the switch in Settings shows whether it is there, and a
//! person who deletes it by hand has turned autostart off. Written here rather than with the
//! `auto-launch` crate (what Tauri's autostart plugin wraps), which writes under `~/.config`
//! even when `XDG_CONFIG_HOME` says otherwise and leaves `Exec` unquoted, so an app installed
//! under a path with a space would never start.

use crate::atomic_file::{Access, write_atomically};
use crate::error::{ErrorCode, HinomiError};
use crate::texts::user_lang::say;
use std::path::{Path, PathBuf};

/// The entry's file name: the app identifier, as desktops expect.
pub const ENTRY_NAME: &str = "app.hinomi.console.desktop";

/// The autostart entry of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autostart {
    entry: PathBuf,
}

impl Autostart {
    /// The entry in the user's autostart directory: `$XDG_CONFIG_HOME/autostart`, else
    /// `~/.config/autostart` (XDG Base Directory and Desktop Application Autostart specs).
    pub fn for_user() -> Option<Self> {
        let var = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
        let config = var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
            .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".config")))?;
        Some(Self::in_config_dir(&config))
    }

    pub fn in_config_dir(config: &Path) -> Self {
        Self {
            entry: config.join("autostart").join(ENTRY_NAME),
        }
    }

    pub fn entry_path(&self) -> &Path {
        &self.entry
    }

    /// Whether the session will start Hinomi: the entry is there and not switched off with
    /// `Hidden=true` or `X-GNOME-Autostart-enabled=false` (how some desktops' own settings
    /// disable an entry instead of deleting it).
    pub fn is_enabled(&self) -> bool {
        std::fs::read_to_string(&self.entry).is_ok_and(|text| {
            !text.lines().any(|line| {
                matches!(
                    line.trim(),
                    "Hidden=true" | "X-GNOME-Autostart-enabled=false"
                )
            })
        })
    }

    /// Writes the entry so the session runs `program --minimized` at login.
    pub fn enable(&self, program: &Path) -> Result<(), HinomiError> {
        let dir = self.entry.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|err| self.failed(&err))?;
        write_atomically(&self.entry, entry_text(program).as_bytes(), Access::Shared)
    }

    /// Removes the entry; nothing to do when it is not there.
    pub fn disable(&self) -> Result<(), HinomiError> {
        match std::fs::remove_file(&self.entry) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(self.failed(&err)),
        }
    }

    fn failed(&self, err: &std::io::Error) -> HinomiError {
        HinomiError::new(
            ErrorCode::Io,
            say(
                "The autostart entry could not be changed.",
                "自動起動の設定を変更できませんでした。",
            ),
        )
        .with_detail(format!("{}: {err}", self.entry.display()))
    }
}

/// The desktop entry that starts `program` in the tray.
pub fn entry_text(program: &Path) -> String {
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Name=Hinomi\n\
         Comment=Alerts from the tray; the incident console opens from its icon\n\
         Comment[ja]=トレイからアラートを通知します。アイコンからコンソールを開けます\n\
         Exec={} --minimized\n\
         Icon=hinomi\n\
         Terminal=false\n\
         X-GNOME-Autostart-enabled=true\n",
        exec_argument(&program.to_string_lossy())
    )
}

/// One `Exec` argument as the Desktop Entry spec wants it: quoted when it holds a reserved
/// character, with `"`, `` ` ``, `$` and `\` escaped inside the quotes; `%` doubled, since a
/// lone `%` starts a field code.
fn exec_argument(arg: &str) -> String {
    let arg = arg.replace('%', "%%");
    let reserved = |c: char| " \t\n\"'\\><~|&;$*?#()`".contains(c);
    if !arg.contains(reserved) {
        return arg;
    }
    let mut quoted = String::from("\"");
    for c in arg.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_runs_the_program_minimized() {
        let text = entry_text(Path::new("/usr/bin/hinomi"));
        assert!(text.starts_with("[Desktop Entry]\n"));
        assert!(
            text.contains("\nExec=/usr/bin/hinomi --minimized\n"),
            "{text}"
        );
        assert!(text.contains("\nType=Application\n"));
    }

    #[test]
    fn exec_quotes_what_the_spec_reserves() {
        assert_eq!(exec_argument("/opt/hinomi/hinomi"), "/opt/hinomi/hinomi");
        assert_eq!(
            exec_argument("/home/kei/My Apps/hinomi"),
            "\"/home/kei/My Apps/hinomi\""
        );
        assert_eq!(exec_argument("/tmp/a$b\"c"), "\"/tmp/a\\$b\\\"c\"");
        assert_eq!(exec_argument("/tmp/100%/hinomi"), "/tmp/100%%/hinomi");
    }

    #[test]
    fn enable_writes_the_entry_and_disable_removes_it() {
        let config = tempfile::tempdir().unwrap();
        let autostart = Autostart::in_config_dir(config.path());
        assert!(!autostart.is_enabled());
        autostart.enable(Path::new("/usr/bin/hinomi")).unwrap();
        assert!(autostart.is_enabled());
        let written = std::fs::read_to_string(config.path().join("autostart").join(ENTRY_NAME));
        assert!(
            written
                .unwrap()
                .contains("Exec=/usr/bin/hinomi --minimized")
        );
        autostart.disable().unwrap();
        assert!(!autostart.is_enabled());
        assert!(!autostart.entry_path().exists());
        // Removing what is not there is not an error.
        autostart.disable().unwrap();
    }

    #[test]
    fn an_entry_the_desktop_switched_off_counts_as_off() {
        let config = tempfile::tempdir().unwrap();
        let autostart = Autostart::in_config_dir(config.path());
        autostart.enable(Path::new("/usr/bin/hinomi")).unwrap();
        let path = autostart.entry_path().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}Hidden=true\n")).unwrap();
        assert!(!autostart.is_enabled());
        std::fs::write(
            &path,
            text.replace(
                "X-GNOME-Autostart-enabled=true",
                "X-GNOME-Autostart-enabled=false",
            ),
        )
        .unwrap();
        assert!(!autostart.is_enabled());
    }

    #[test]
    fn a_failed_change_names_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the autostart directory should be: the entry cannot be written.
        std::fs::write(dir.path().join("autostart"), "").unwrap();
        let err = Autostart::in_config_dir(dir.path())
            .enable(Path::new("/usr/bin/hinomi"))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Io);
        assert!(err.detail.unwrap().contains("autostart"));
    }
}
