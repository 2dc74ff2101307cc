//! The size profiler: where a module's bytes go, and the views that show it.

pub mod report;
