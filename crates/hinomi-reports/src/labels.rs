//! The fixed words of a report, in English or Japanese.
//!
//! Reports are read by Japanese teams, so a report exported while the app is in Japanese gets
//! Japanese headings, field names, statuses and timeline wording (the seed's terms: 概要, 影響,
//! 根本原因, 再発防止策...). What people wrote (titles, notes, postmortem text) is never changed.

use hinomi_incidents::Status;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportLanguage {
    #[default]
    En,
    Ja,
}

impl ReportLanguage {
    pub fn labels(self) -> &'static Labels {
        match self {
            ReportLanguage::En => &EN,
            ReportLanguage::Ja => &JA,
        }
    }
}

/// Every fixed string a report uses.
#[derive(Debug)]
pub struct Labels {
    pub lang: &'static str,
    pub severity: &'static str,
    pub status: &'static str,
    pub commander: &'static str,
    pub assignees: &'static str,
    pub detected: &'static str,
    pub time_to_acknowledge: &'static str,
    pub time_to_mitigate: &'static str,
    pub time_to_resolve: &'static str,
    pub summary: &'static str,
    pub impact: &'static str,
    pub root_cause: &'static str,
    pub timeline_narrative: &'static str,
    pub action_items: &'static str,
    pub action: &'static str,
    pub owner: &'static str,
    pub due: &'static str,
    pub monitoring_improvements: &'static str,
    pub timeline: &'static str,
    pub evidence: &'static str,
    pub query: &'static str,
    pub note: &'static str,
    pub series: &'static str,
    pub incident_created: &'static str,
    pub alert_fired: &'static str,
    pub alert_resolved: &'static str,
    pub acknowledged: &'static str,
    pub assignee_added: &'static str,
    pub assignee_removed: &'static str,
    pub evidence_pinned: &'static str,
    pub annotations: &'static str,
    /// detected … closed, in `Status` order.
    pub statuses: [&'static str; 8],
}

impl Labels {
    pub fn status_name(&self, status: Status) -> &'static str {
        let index = match status {
            Status::Detected => 0,
            Status::Assessed => 1,
            Status::Assigned => 2,
            Status::Investigating => 3,
            Status::Mitigated => 4,
            Status::Resolved => 5,
            Status::Reported => 6,
            Status::Closed => 7,
        };
        self.statuses[index]
    }
}

pub static EN: Labels = Labels {
    lang: "en",
    severity: "Severity",
    status: "Status",
    commander: "Commander",
    assignees: "Assignees",
    detected: "Detected",
    time_to_acknowledge: "Time to acknowledge",
    time_to_mitigate: "Time to mitigate",
    time_to_resolve: "Time to resolve",
    summary: "Summary",
    impact: "Impact",
    root_cause: "Root cause",
    timeline_narrative: "Timeline narrative",
    action_items: "Action items",
    action: "Action",
    owner: "Owner",
    due: "Due",
    monitoring_improvements: "Monitoring improvements",
    timeline: "Timeline",
    evidence: "Evidence",
    query: "Query",
    note: "note",
    series: "series",
    incident_created: "Incident created",
    alert_fired: "Alert fired",
    alert_resolved: "Alert resolved",
    acknowledged: "Acknowledged",
    assignee_added: "Assignee added",
    assignee_removed: "Assignee removed",
    evidence_pinned: "Evidence pinned",
    annotations: "Annotations",
    statuses: [
        "detected",
        "assessed",
        "assigned",
        "investigating",
        "mitigated",
        "resolved",
        "reported",
        "closed",
    ],
};

pub static JA: Labels = Labels {
    lang: "ja",
    severity: "重大度",
    status: "ステータス",
    commander: "インシデントコマンダー",
    assignees: "担当者",
    detected: "検知日時",
    time_to_acknowledge: "確認までの時間",
    time_to_mitigate: "緩和までの時間",
    time_to_resolve: "解決までの時間",
    summary: "概要",
    impact: "影響範囲",
    root_cause: "根本原因",
    timeline_narrative: "経緯",
    action_items: "再発防止策",
    action: "対策",
    owner: "担当",
    due: "期限",
    monitoring_improvements: "監視の改善",
    timeline: "タイムライン",
    evidence: "エビデンス",
    query: "クエリ",
    note: "メモ",
    series: "系列",
    incident_created: "インシデント作成",
    alert_fired: "アラート発火",
    alert_resolved: "アラート解消",
    acknowledged: "確認済み",
    assignee_added: "担当者追加",
    assignee_removed: "担当者削除",
    evidence_pinned: "エビデンス追加",
    annotations: "注釈",
    statuses: [
        "検知",
        "初期評価",
        "担当割当",
        "調査中",
        "緩和済み",
        "解決済み",
        "報告済み",
        "クローズ",
    ],
};
