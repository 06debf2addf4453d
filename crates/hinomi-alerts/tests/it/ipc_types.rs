//! Every type the UI sees must export to TypeScript: no 64-bit integers (specta refuses them,
//! since JavaScript numbers cannot hold them) and serde shapes specta understands.

use hinomi_alerts::board::{Board, BoardOptions};
use hinomi_alerts::changes::AlertChange;
use hinomi_alerts::grouping::GroupBy;
use hinomi_alerts::history::AlertEpisode;
use hinomi_alerts::local_rules::{RuleEvaluation, RuleFileErrors};
use hinomi_alerts::matcher::ParseError;
use hinomi_alerts::notify::{NotificationGroupStatus, NotificationSettings, TickOutcome};
use hinomi_alerts::poller::PollOutcome;
use hinomi_alerts::routing::{Receiver, RouteMatch};
use hinomi_alerts::silences::{Silence, SilenceDraft};
use hinomi_alerts::sources::{
    AlertGroupStatus, AlertmanagerAlert, AlertmanagerStatus, RuleGroupStatus,
};
use specta::Types;

#[test]
fn ipc_types_export_to_typescript() {
    let types = Types::default()
        .register::<Board>()
        .register::<BoardOptions>()
        .register::<AlertChange>()
        .register::<AlertEpisode>()
        .register::<PollOutcome>()
        .register::<Silence>()
        .register::<SilenceDraft>()
        .register::<AlertmanagerAlert>()
        .register::<AlertGroupStatus>()
        .register::<AlertmanagerStatus>()
        .register::<RuleGroupStatus>()
        .register::<RouteMatch>()
        .register::<Receiver>()
        .register::<GroupBy>()
        .register::<NotificationSettings>()
        .register::<TickOutcome>()
        .register::<NotificationGroupStatus>()
        .register::<RuleFileErrors>()
        .register::<RuleEvaluation>()
        .register::<ParseError>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .unwrap_or_else(|err| panic!("bindings do not export: {err}"));
    for expected in [
        "export type Alert ",
        "export type Board ",
        "export type PlannedNotification ",
        "\"watchdog_silent\"",
        "export type SourceHealth ",
    ] {
        assert!(ts.contains(expected), "missing {expected:?} in:\n{ts}");
    }
    assert!(!ts.contains("bigint"), "{ts}");
}
