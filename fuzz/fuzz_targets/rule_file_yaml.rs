//! Rule-file YAML: the watch rules Hinomi evaluates itself (first byte even) and the Prometheus
//! rule files checked before an incident rule is saved (odd).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [pick, text @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    if pick % 2 == 0 {
        let _ = hinomi_alerts::local_rules::parse_rule_file("fuzz.yml", text);
    } else {
        let _ = hinomi_incidents::validate_rule_file(text);
    }
});
