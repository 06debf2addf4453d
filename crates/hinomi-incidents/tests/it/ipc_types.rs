//! Every type the UI sees must export to TypeScript: no 64-bit integers (specta refuses them,
//! since JavaScript numbers cannot hold them) and serde shapes specta understands.

use hinomi_incidents::*;
use specta::Types;

#[test]
fn ipc_types_export_to_typescript() {
    let types = Types::default()
        .register::<Incident>()
        .register::<NewIncident>()
        .register::<TimelineQuery>()
        .register::<TimelinePage>()
        .register::<EvidenceRecord>()
        .register::<ResponseTargets>()
        .register::<ResponseCountdown>()
        .register::<ThresholdCrossing>()
        .register::<Postmortem>()
        .register::<RuleFileProblem>()
        .register::<RuleFileSummary>()
        .register::<FiringAlertGroup>()
        .register::<SeverityMapping>()
        .register::<AlertIncidentOptions>()
        .register::<IncidentImportReport>()
        .register::<IncidentBundle>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .unwrap_or_else(|err| panic!("bindings do not export: {err}"));
    for expected in [
        "export type Incident",
        "export type TimelineEvent",
        "\"status_changed\"",
        "export type EvidenceData",
        "export type ResponseCountdown",
    ] {
        assert!(ts.contains(expected), "missing {expected:?} in:\n{ts}");
    }
    assert!(!ts.contains("bigint"), "{ts}");
}
