//! One Hinomi per set of files: launching it again (from the menu, the autostart entry, a
//! script) brings the running window forward and the new process exits, instead of a second
//! process opening the same incident store and alert history.
//!
//! The running instance owns a name on the D-Bus session bus (tauri-plugin-single-instance).
//! The name is keyed on where Hinomi keeps its files, so a portable copy (`HINOMI_HOME`) or a
//! test with its own `XDG_CONFIG_HOME` is an instance of its own, while every launch of the
//! installed app by one person finds the same one.

use crate::cli::Options;
use std::hash::{Hash, Hasher};
use tauri::plugin::TauriPlugin;

/// The plugin that makes this process the instance, or hands its arguments to the running one
/// and exits (code 0) before any window opens.
pub fn plugin() -> TauriPlugin<tauri::Wry> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(bus_id(&files_location()))
        .callback(|app, args, _cwd| {
            let forwarded = Options::from_forwarded(&args);
            // The autostart entry launching at login while Hinomi already runs: stay hidden.
            if forwarded.minimized {
                tracing::info!("another launch (--minimized) left the running window as it is");
                return;
            }
            tracing::info!("another launch brought the running window forward");
            crate::alerts::tray::show_window(app);
        })
        .build()
}

/// Where this process keeps its files, as `paths::resolve` will find them: `HINOMI_HOME`, or
/// the XDG config directory (`$XDG_CONFIG_HOME`, else `~/.config`) that Tauri's path resolver
/// uses on Linux.
fn files_location() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    var("HINOMI_HOME")
        .map(|home| format!("home:{home}"))
        .or_else(|| var("XDG_CONFIG_HOME").map(|config| format!("config:{config}")))
        .or_else(|| var("HOME").map(|home| format!("config:{home}/.config")))
        .unwrap_or_default()
}

/// A D-Bus well-known name for one location: the app identifier and a hash of the location
/// (a name's elements allow only `[A-Za-z0-9_-]` and may not start with a digit). FNV, not
/// std's hasher, which may change between Rust releases: two builds of Hinomi on one desktop
/// must find each other.
fn bus_id(location: &str) -> String {
    let mut hash = fnv::FnvHasher::default();
    location.hash(&mut hash);
    format!("app.hinomi.console.i{:016x}", hash.finish())
}

#[cfg(test)]
mod tests {
    use super::bus_id;

    #[test]
    fn each_location_has_its_own_valid_bus_name() {
        let installed = bus_id("config:/home/kei/.config");
        assert_eq!(installed, bus_id("config:/home/kei/.config"), "stable");
        assert_ne!(installed, bus_id("home:/media/usb/hinomi"));
        assert_ne!(installed, bus_id("config:/tmp/hinomi-e2e-app-1/config"));
        // A D-Bus name: dot-separated elements of [A-Za-z0-9_-], none starting with a digit.
        for element in installed.split('.') {
            assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()));
            assert!(
                element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            );
        }
        assert!(installed.len() <= 255);
    }
}
