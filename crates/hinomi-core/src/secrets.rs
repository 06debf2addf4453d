//! Datasource secrets: Basic-auth passwords and bearer tokens.
//!
//! A secret never goes into settings.toml; it lives in the OS keyring (Secret Service on Linux)
//! under service [`KEYRING_SERVICE`], user = the datasource id. Access goes through
//! [`SecretStore`] so tests can use [`MemoryStore`]. The process-wide store is the keyring unless
//! [`install`] replaced it; [`crate::http::Endpoint::new`] reads it when a datasource has auth.
//! Errors name the datasource, never the secret.

use crate::error::{ErrorCode, HinomiError};
use crate::settings::Datasource;
use crate::texts::user_lang::say;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// The keyring service every Hinomi secret is stored under.
pub const KEYRING_SERVICE: &str = "app.hinomi.console";

/// Where datasource secrets are kept, keyed by datasource id.
pub trait SecretStore: Send + Sync {
    /// `Ok(None)` when nothing is stored; `Err` when the store cannot be read (locked, absent).
    fn get(&self, datasource_id: &str) -> Result<Option<String>, HinomiError>;
    fn set(&self, datasource_id: &str, secret: &str) -> Result<(), HinomiError>;
    /// Removing a secret that is not there is not an error.
    fn clear(&self, datasource_id: &str) -> Result<(), HinomiError>;
}

/// The OS keyring through the `keyring` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

/// What was being done with the keyring when it failed.
#[derive(Clone, Copy)]
enum KeyringAction {
    Open,
    Read,
    Store,
    Remove,
}

fn keyring_error(datasource_id: &str, action: KeyringAction, err: &keyring::Error) -> HinomiError {
    let (en, ja) = match action {
        KeyringAction::Open => ("open", "開けません"),
        KeyringAction::Read => ("read", "読み取れません"),
        KeyringAction::Store => ("store", "保存できません"),
        KeyringAction::Remove => ("remove", "削除できません"),
    };
    // keyring's messages describe the platform failure, not the secret.
    HinomiError::new(
        ErrorCode::Secret,
        say(
            format!(
                "Cannot {en} the secret of datasource \"{datasource_id}\" in the OS keyring; is the keyring unlocked?"
            ),
            format!(
                "OS のキーリングにあるデータソース「{datasource_id}」のシークレットを{ja}。キーリングのロックは解除されていますか？"
            ),
        ),
    )
    .with_detail(err.to_string())
}

fn entry(datasource_id: &str) -> Result<keyring::Entry, HinomiError> {
    keyring::Entry::new(KEYRING_SERVICE, datasource_id)
        .map_err(|err| keyring_error(datasource_id, KeyringAction::Open, &err))
}

impl SecretStore for KeyringStore {
    fn get(&self, datasource_id: &str) -> Result<Option<String>, HinomiError> {
        match entry(datasource_id)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(keyring_error(datasource_id, KeyringAction::Read, &err)),
        }
    }

    fn set(&self, datasource_id: &str, secret: &str) -> Result<(), HinomiError> {
        entry(datasource_id)?
            .set_password(secret)
            .map_err(|err| keyring_error(datasource_id, KeyringAction::Store, &err))
    }

    fn clear(&self, datasource_id: &str) -> Result<(), HinomiError> {
        match entry(datasource_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(keyring_error(datasource_id, KeyringAction::Remove, &err)),
        }
    }
}

/// Secrets in memory, for tests and for runs that must not touch the OS keyring.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<String, String>>);

impl SecretStore for MemoryStore {
    fn get(&self, datasource_id: &str) -> Result<Option<String>, HinomiError> {
        Ok(self.lock().get(datasource_id).cloned())
    }

    fn set(&self, datasource_id: &str, secret: &str) -> Result<(), HinomiError> {
        self.lock().insert(datasource_id.into(), secret.into());
        Ok(())
    }

    fn clear(&self, datasource_id: &str) -> Result<(), HinomiError> {
        self.lock().remove(datasource_id);
        Ok(())
    }
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Changes whenever a secret is stored or cleared through [`set_secret`] / [`clear_secret`], so
/// long-lived clients (the alert poller) know to rebuild with the new credentials.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Relaxed)
}

static STORE: RwLock<Option<Arc<dyn SecretStore>>> = RwLock::new(None);

/// Replaces the process-wide store (tests, `HINOMI_SECRET_STORE=memory`).
pub fn install(store: Arc<dyn SecretStore>) {
    *STORE
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(store);
}

/// The process-wide store: the OS keyring unless [`install`] replaced it.
pub fn store() -> Arc<dyn SecretStore> {
    STORE
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
        .unwrap_or_else(|| Arc::new(KeyringStore))
}

/// Stores a datasource's secret in the process-wide store; an empty secret is refused.
pub fn set_secret(datasource_id: &str, secret: &str) -> Result<(), HinomiError> {
    if secret.is_empty() {
        return Err(HinomiError::invalid_input(say(
            "The password or token is empty.",
            "パスワードまたはトークンが空です。",
        )));
    }
    let stored = store().set(datasource_id, secret);
    GENERATION.fetch_add(1, Ordering::Relaxed);
    stored
}

/// Removes a datasource's secret from the process-wide store.
pub fn clear_secret(datasource_id: &str) -> Result<(), HinomiError> {
    let cleared = store().clear(datasource_id);
    GENERATION.fetch_add(1, Ordering::Relaxed);
    cleared
}

/// Clears the secrets of datasources that `previous` had and `next` no longer has, so removing
/// a datasource in Settings does not leave its password in the keyring. Returns the ids cleared;
/// an id whose secret could not be removed is reported with its error and the rest go on.
pub fn clear_removed(
    store: &dyn SecretStore,
    previous: &[Datasource],
    next: &[Datasource],
) -> Vec<(String, Result<(), HinomiError>)> {
    let kept: HashSet<&str> = next.iter().map(|ds| ds.id.as_str()).collect();
    let mut seen = HashSet::new();
    let removed: Vec<(String, Result<(), HinomiError>)> = previous
        .iter()
        .map(|ds| ds.id.as_str())
        .filter(|id| !kept.contains(id) && seen.insert(*id))
        .map(|id| (id.to_string(), store.clear(id)))
        .collect();
    if !removed.is_empty() {
        GENERATION.fetch_add(1, Ordering::Relaxed);
    }
    removed
}

/// Whether the process-wide store holds a secret for the datasource (unreadable counts as no).
pub fn has_secret(datasource_id: &str) -> bool {
    matches!(store().get(datasource_id), Ok(Some(secret)) if !secret.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let store = MemoryStore::default();
        assert_eq!(store.get("a").unwrap(), None);
        store.set("a", "pw").unwrap();
        assert_eq!(store.get("a").unwrap().as_deref(), Some("pw"));
        store.clear("a").unwrap();
        store.clear("a").unwrap();
        assert_eq!(store.get("a").unwrap(), None);
    }

    fn datasource(id: &str) -> Datasource {
        Datasource {
            id: id.into(),
            ..crate::settings::demo_datasources()[0].clone()
        }
    }

    #[test]
    fn removing_a_datasource_clears_only_its_secret() {
        let store = MemoryStore::default();
        for id in ["kept", "removed", "other-removed"] {
            store.set(id, &format!("pw-{id}")).unwrap();
        }
        let previous = [
            datasource("kept"),
            datasource("removed"),
            datasource("other-removed"),
        ];
        let next = [datasource("kept"), datasource("new")];
        let cleared: Vec<String> = clear_removed(&store, &previous, &next)
            .into_iter()
            .map(|(id, result)| {
                result.unwrap();
                id
            })
            .collect();
        assert_eq!(cleared, ["removed", "other-removed"]);
        assert_eq!(store.get("kept").unwrap().as_deref(), Some("pw-kept"));
        assert_eq!(store.get("removed").unwrap(), None);
        assert_eq!(store.get("other-removed").unwrap(), None);
    }

    #[test]
    fn saving_the_same_datasources_clears_nothing() {
        let store = MemoryStore::default();
        store.set("a", "pw").unwrap();
        let list = [datasource("a")];
        assert!(clear_removed(&store, &list, &list).is_empty());
        assert_eq!(store.get("a").unwrap().as_deref(), Some("pw"));
    }

    #[test]
    fn keyring_failures_and_an_empty_secret_are_worded_in_japanese() {
        use crate::texts::{Lang, user_lang::with};
        let failed = || keyring_error("prom", KeyringAction::Read, &keyring::Error::NoEntry);
        let (en, ja) = (with(Lang::En, failed), with(Lang::Ja, failed));
        assert_eq!((ja.code, &ja.detail), (en.code, &en.detail));
        assert_eq!(
            ja.message,
            "OS のキーリングにあるデータソース「prom」のシークレットを読み取れません。キーリングのロックは解除されていますか？"
        );
        let empty = with(Lang::Ja, || set_secret("prom", "").unwrap_err());
        assert_eq!(empty.message, "パスワードまたはトークンが空です。");
    }
}
