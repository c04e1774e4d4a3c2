//! The commands whose runners are more than a dispatch: each in its file.

pub mod export;
pub mod filter;
pub mod follow;
pub mod ladder;
pub mod report;
