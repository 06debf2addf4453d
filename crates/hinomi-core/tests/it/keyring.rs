//! The real OS keyring (Secret Service). Ignored by a plain test run, so it never touches the
//! desktop's keyring; `scripts/test-keyring` runs it (`--ignored`) against an unlocked
//! gnome-keyring on a private D-Bus, and `scripts/test` calls that script.

use hinomi_core::secrets::{KeyringStore, SecretStore};

#[test]
#[ignore = "needs a private Secret Service: run scripts/test-keyring"]
fn keyring_store_round_trips_a_secret() {
    let id = format!("hinomi-keyring-test-{}", std::process::id());
    let store = KeyringStore;
    assert_eq!(store.get(&id).unwrap(), None);
    store.set(&id, "hinomi-test-secret-keyring").unwrap();
    assert_eq!(
        store.get(&id).unwrap().as_deref(),
        Some("hinomi-test-secret-keyring")
    );
    store.set(&id, "replaced").unwrap();
    assert_eq!(store.get(&id).unwrap().as_deref(), Some("replaced"));
    store.clear(&id).unwrap();
    store.clear(&id).unwrap();
    assert_eq!(store.get(&id).unwrap(), None);
}
