//! The binary panel frame (HNP1 with HNM1 frames inside), read back when a panel's answer is
//! kept as incident evidence or marked stale from the cache.
#![no_main]

use hinomi_core::{ErrorCode, HinomiError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|frame: &[u8]| {
    let _ = hinomi_metrics::frame::unpack(frame);
    let _ = hinomi_prometheus::frame_decode::decode_frame(frame);
    let error = HinomiError::new(ErrorCode::Backend, "down");
    if let Some(stale) = hinomi_metrics::frame::mark_stale(frame, 1.0, &error) {
        // A frame marked stale is still a frame: its queries read as before.
        assert_eq!(
            hinomi_metrics::frame::unpack(frame).map(|q| q.len()),
            hinomi_metrics::frame::unpack(&stale).map(|q| q.len()),
            "marking a frame stale changed what it holds"
        );
    }
});
