//! Answering the Discover view's requests from the index: pages, histogram, top values, the
//! field list, surrounding lines, live tail and export, in the model of `hinomi-logs`.

pub mod collect;
pub mod hits;
