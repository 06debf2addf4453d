//! Label matchers as Alertmanager configurations, silences and the board filter write them.
#![no_main]

use hinomi_alerts::LabelSet;
use hinomi_alerts::matcher::{all_match, parse_matchers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_matchers(text) {
        Ok(matchers) => {
            let labels: LabelSet = [("alertname", "X"), ("severity", "critical")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into();
            let _ = all_match(&matchers, &labels);
        }
        Err(err) => {
            // The position points into the text the user typed (in characters).
            assert!(
                err.position as usize <= text.chars().count(),
                "{err:?} in {text:?}"
            );
        }
    }
});
