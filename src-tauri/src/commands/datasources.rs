//! What a command that queries datasources needs, taken from the invoke as one argument: the
//! datasources in force and the one client per datasource ([`EndpointCache`]). Commands name
//! what they do with them, not the two managed states behind them.

use crate::state::SettingsState;
use hinomi_core::HinomiError;
use hinomi_core::http::{Endpoint, EndpointCache};
use hinomi_core::settings::{Datasource, DatasourceKind};

pub struct Datasources<'r> {
    settings: tauri::State<'r, SettingsState>,
    clients: tauri::State<'r, EndpointCache>,
}

impl Datasources<'_> {
    /// The datasources of the settings in force, as they are now.
    pub fn list(&self) -> Vec<Datasource> {
        self.settings.snapshot().settings.datasources
    }

    /// `id`'s settings, if it is configured.
    pub fn find(&self, id: &str) -> Option<Datasource> {
        self.settings.snapshot().settings.datasource(id).cloned()
    }

    /// The datasources of one kind, in settings order.
    pub fn of_kind(&self, kind: DatasourceKind) -> Vec<Datasource> {
        let mut list = self.list();
        list.retain(|ds| ds.kind == kind);
        list
    }

    /// How many series a panel draws unless it sets its own limit (the settings in force).
    pub fn series_limit(&self) -> u32 {
        self.settings.snapshot().settings.series_limit
    }

    pub fn clients(&self) -> &EndpointCache {
        &self.clients
    }

    /// Asks every datasource of `kind` at once, each over its endpoint from the cache: one
    /// answer per datasource, in settings order, so a failing one never hides the others.
    pub async fn ask_each<T, E>(
        &self,
        kind: DatasourceKind,
        ask: impl AsyncFn(Endpoint) -> Result<T, E>,
    ) -> Vec<(Datasource, Result<T, HinomiError>)>
    where
        HinomiError: From<E>,
    {
        let (clients, ask) = (self.clients(), &ask);
        let asks = self.of_kind(kind).into_iter().map(|ds| async move {
            let answer = match clients.endpoint(&ds).await {
                Ok(endpoint) => ask(endpoint).await.map_err(HinomiError::from),
                Err(error) => Err(error),
            };
            (ds, answer)
        });
        futures::future::join_all(asks).await
    }
}

/// Takes a managed state from the invoke, as `tauri::State` does, for extractors that bundle
/// several.
pub fn managed<'r, 'de: 'r, T: Send + Sync + 'static, R: tauri::Runtime>(
    command: &tauri::ipc::CommandItem<'de, R>,
) -> Result<tauri::State<'r, T>, tauri::ipc::InvokeError> {
    use tauri::Manager;
    command.message.webview_ref().try_state().ok_or_else(|| {
        tauri::ipc::InvokeError::from(format!(
            "{} is not managed yet (command {})",
            std::any::type_name::<T>(),
            command.name
        ))
    })
}

impl<'r, 'de: 'r, R: tauri::Runtime> tauri::ipc::CommandArg<'de, R> for Datasources<'r> {
    fn from_command(
        command: tauri::ipc::CommandItem<'de, R>,
    ) -> Result<Self, tauri::ipc::InvokeError> {
        Ok(Self {
            settings: managed(&command)?,
            clients: managed(&command)?,
        })
    }
}

/// Not an IPC argument: the bindings skip it, as they skip `tauri::State`.
impl specta::function::FunctionArg for Datasources<'_> {
    fn to_datatype(_: &mut specta::Types) -> Option<specta::datatype::DataType> {
        None
    }
}
