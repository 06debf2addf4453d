//! The incident domain without storage: what an incident is, how it moves, what its timeline
//! holds and how its response target counts down.

pub mod countdown;
pub mod evidence;
pub mod incident;
pub mod lifecycle;
pub mod postmortem;
pub mod severity;
pub mod timeline;
