//! An acknowledged alert group joins "my" incident: the open incident the acknowledging user
//! commands or is assigned to, the most recently updated one. Finding it and pinning every
//! alert of the group happen in one transaction, so the group is on the incident whole or not
//! at all — a failure half-way through never leaves some of its alerts pinned.

use super::IncidentStore;
use super::changes::pin;
use super::reading::{load_incidents, person};
use crate::error::{Invalid, Result};
use crate::model::evidence::{AlertSnapshot, EvidenceData};
use crate::model::incident::Incident;
use crate::model::timeline::TimelineEntry;

/// Where an acknowledged group went: the incident and one "evidence pinned" entry per alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachedToMine {
    pub incident: Incident,
    pub entries: Vec<TimelineEntry>,
}

impl IncidentStore {
    /// Pins `alerts` on `user`'s open incident, all in one transaction; `None` (and nothing
    /// written) when the user has no open incident.
    pub fn attach_to_incident_of(
        &self,
        user: &str,
        alerts: &[AlertSnapshot],
    ) -> Result<Option<AttachedToMine>> {
        let data: Vec<EvidenceData> = alerts.iter().cloned().map(EvidenceData::Alert).collect();
        for one in &data {
            one.check().map_err(Invalid::Evidence)?;
        }
        let actor = person(Some(user));
        self.write(|tx, now| {
            let Some(incident) = incident_of(user, load_incidents(tx, true)?) else {
                return Ok(None);
            };
            let entries = data
                .into_iter()
                .map(|one| pin(tx, &incident.id, one, now, actor.clone()))
                .collect::<Result<Vec<_>>>()?;
            Ok(Some(AttachedToMine { incident, entries }))
        })
    }
}

/// The open incident `user` commands or is assigned to; the most recently updated wins, and
/// of two updated at the same moment the one listed first (the newer detection).
fn incident_of(user: &str, open: Vec<Incident>) -> Option<Incident> {
    let user = user.trim();
    open.into_iter()
        .filter(|incident| {
            incident.commander.as_deref() == Some(user)
                || incident.assignees.iter().any(|name| name == user)
        })
        .reduce(|best, next| {
            if next.updated_at > best.updated_at {
                next
            } else {
                best
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::IncidentError;
    use crate::model::evidence::AlertState;
    use crate::model::incident::NewIncident;
    use crate::model::lifecycle::Status;
    use crate::model::severity::Severity;
    use crate::model::timeline::{TimelineEvent, TimelineQuery};
    use hinomi_core::clock::FakeClock;
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::time::Duration;

    fn at(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .to_utc()
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        clock: FakeClock,
        store: IncidentStore,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let clock = FakeClock::at(at("2026-11-24T09:00:00Z"));
        let store =
            IncidentStore::open(&dir.path().join("i.sqlite"), Arc::new(clock.clone())).unwrap();
        Fixture {
            _dir: dir,
            clock,
            store,
        }
    }

    fn incident(f: &Fixture, title: &str, commander: &str) -> Incident {
        let created = f
            .store
            .create_incident(NewIncident {
                title: title.into(),
                severity: Severity::P1,
                description: String::new(),
                commander: Some(commander.into()),
                assignees: Vec::new(),
                labels: BTreeMap::new(),
                actor: Some(commander.into()),
            })
            .unwrap();
        f.clock.advance(Duration::from_secs(60));
        created
    }

    fn alert(instance: &str) -> AlertSnapshot {
        AlertSnapshot {
            labels: BTreeMap::from([
                ("alertname".to_string(), "HighErrorRate".to_string()),
                ("instance".to_string(), instance.to_string()),
            ]),
            annotations: BTreeMap::new(),
            starts_at: at("2026-11-24T08:55:00Z"),
            ends_at: None,
            state: AlertState::Firing,
            source: "demo-alertmanager".into(),
            generator_url: None,
            fingerprint: None,
        }
    }

    fn pinned_on(f: &Fixture, id: &str) -> Vec<TimelineEntry> {
        f.store
            .timeline_page(&TimelineQuery {
                incident_id: id.into(),
                order: Default::default(),
                after: None,
                limit: 100,
            })
            .unwrap()
            .entries
            .into_iter()
            .filter(|e| matches!(e.event, TimelineEvent::EvidencePinned { .. }))
            .collect()
    }

    #[test]
    fn the_group_joins_the_open_incident_i_command_or_am_assigned_to() {
        let f = fixture();
        let theirs = incident(&f, "Someone else's", "other");
        let older = incident(&f, "Older of mine", "sato");
        let mine = incident(&f, "Mine", "other");
        f.store
            .add_assignee(&mine.id, "sato", Some("other"))
            .unwrap();
        let attached = f
            .store
            .attach_to_incident_of("sato", &[alert("a:1"), alert("a:2")])
            .unwrap()
            .expect("sato has an open incident");
        assert_eq!(
            attached.incident.id, mine.id,
            "the most recently updated one"
        );
        assert_eq!(attached.entries.len(), 2);
        assert!(
            attached
                .entries
                .iter()
                .all(|e| e.author.as_deref() == Some("sato"))
        );
        assert_eq!(pinned_on(&f, &mine.id).len(), 2);
        assert!(pinned_on(&f, &theirs.id).is_empty());
        assert!(pinned_on(&f, &older.id).is_empty());
        let evidence = f.store.list_evidence(&mine.id).unwrap();
        assert!(
            matches!(&evidence[1].data, EvidenceData::Alert(a) if a.labels["instance"] == "a:2")
        );
    }

    #[test]
    fn nothing_is_written_without_an_open_incident_of_mine() {
        let f = fixture();
        let closed = incident(&f, "Closed", "sato");
        for to in [
            Status::Assessed,
            Status::Assigned,
            Status::Investigating,
            Status::Resolved,
            Status::Reported,
            Status::Closed,
        ] {
            f.store.transition(&closed.id, to, Some("sato")).unwrap();
        }
        let theirs = incident(&f, "Someone else's", "other");
        assert_eq!(
            f.store
                .attach_to_incident_of("sato", &[alert("a:1")])
                .unwrap(),
            None
        );
        assert!(pinned_on(&f, &closed.id).is_empty());
        assert!(pinned_on(&f, &theirs.id).is_empty());
    }

    #[test]
    fn a_failure_half_way_leaves_no_alert_of_the_group_pinned() {
        let f = fixture();
        let mine = incident(&f, "Mine", "sato");
        // The second alert's evidence row is refused by the database itself (as a full disk
        // or an I/O error would refuse it), after the first one was written.
        f.store
            .lock()
            .execute_batch(
                "CREATE TRIGGER refuse_second BEFORE INSERT ON evidence \
                 WHEN NEW.data_json LIKE '%a:2%' \
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            )
            .unwrap();
        let failed = f
            .store
            .attach_to_incident_of("sato", &[alert("a:1"), alert("a:2"), alert("a:3")]);
        assert!(failed.is_err(), "{failed:?}");
        assert!(
            pinned_on(&f, &mine.id).is_empty(),
            "the first pin was rolled back"
        );
        assert!(f.store.list_evidence(&mine.id).unwrap().is_empty());

        f.store
            .lock()
            .execute_batch("DROP TRIGGER refuse_second;")
            .unwrap();
        let attached = f
            .store
            .attach_to_incident_of("sato", &[alert("a:1"), alert("a:2"), alert("a:3")])
            .unwrap()
            .unwrap();
        assert_eq!(attached.entries.len(), 3);
        assert_eq!(pinned_on(&f, &mine.id).len(), 3);
    }

    #[test]
    fn an_invalid_alert_refuses_the_whole_group_before_writing() {
        let f = fixture();
        let mine = incident(&f, "Mine", "sato");
        let mut broken = alert("a:2");
        broken.labels.clear();
        let refused = f
            .store
            .attach_to_incident_of("sato", &[alert("a:1"), broken]);
        assert!(
            matches!(refused, Err(IncidentError::InvalidInput(_))),
            "{refused:?}"
        );
        assert!(pinned_on(&f, &mine.id).is_empty());
    }
}
