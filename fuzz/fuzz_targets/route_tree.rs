//! An Alertmanager configuration's route tree (YAML), then routing a few label sets through it.
#![no_main]

use hinomi_alerts::LabelSet;
use hinomi_alerts::routing::RouteTree;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tree) = RouteTree::from_yaml(yaml) else {
        return;
    };
    let labels: [LabelSet; 3] = [
        LabelSet::new(),
        [
            ("alertname", "HighLatency"),
            ("severity", "critical"),
            ("team", "db"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into(),
        [("service", "x"), ("severity", "")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
    ];
    for labels in &labels {
        let routes = tree.routes_for(labels);
        assert!(
            !routes.is_empty(),
            "an alert always reaches at least the root route"
        );
        let _ = tree.first_route(labels);
        let _ = tree.explain(labels);
    }
});
