//! The real OS keyring (Secret Service). Runs only with `HINOMI_KEYRING_TEST=1`, which
//! `scripts/test-keyring` sets after starting an unlocked gnome-keyring on a private D-Bus;
//! elsewhere it passes without touching the desktop's keyring.

use hinomi_core::secrets::{KeyringStore, SecretStore};

#[test]
fn keyring_store_round_trips_a_secret() {
    if std::env::var("HINOMI_KEYRING_TEST").as_deref() != Ok("1") {
        eprintln!("skipped: set HINOMI_KEYRING_TEST=1 (see scripts/test-keyring)");
        return;
    }
    let id = format!("hinomi-keyring-test-{}", std::process::id());
    let store = KeyringStore;
    assert_eq!(store.get(&id).unwrap(), None);
    store.set(&id, "pw-in-the-keyring").unwrap();
    assert_eq!(
        store.get(&id).unwrap().as_deref(),
        Some("pw-in-the-keyring")
    );
    store.set(&id, "replaced").unwrap();
    assert_eq!(store.get(&id).unwrap().as_deref(), Some("replaced"));
    store.clear(&id).unwrap();
    store.clear(&id).unwrap();
    assert_eq!(store.get(&id).unwrap(), None);
}
