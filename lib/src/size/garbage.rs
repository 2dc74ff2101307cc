//! The `garbage` view: items that nothing reachable from the roots refers to.

use super::rows::ItemRow;
use super::{Profile, SCHEMA_VERSION};
use serde::Serialize;

/// Unreachable items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GarbageReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The file's size.
    pub file_size: u64,
    /// How many items are unreachable.
    pub total_items: u64,
    /// Their total size.
    pub total_size: u64,
    /// Unreachable items left out by the limit.
    pub omitted_items: u64,
    /// The unreachable items, largest first (ties in file order).
    pub rows: Vec<ItemRow>,
}

/// Computes the `garbage` view, keeping at most `limit` rows.
pub fn garbage(profile: &Profile, limit: Option<usize>) -> GarbageReport {
    let doms = profile.dominators();
    let mut ids: Vec<u32> = (0..profile.items.len() as u32)
        .filter(|&i| !doms.is_reachable(i))
        .collect();
    let total_size = ids.iter().map(|&i| profile.items[i as usize].size).sum();
    ids.sort_by(|&a, &b| {
        let (sa, sb) = (
            profile.items[a as usize].size,
            profile.items[b as usize].size,
        );
        sb.cmp(&sa).then(a.cmp(&b))
    });
    let total_items = ids.len() as u64;
    ids.truncate(limit.unwrap_or(usize::MAX));
    GarbageReport {
        schema: SCHEMA_VERSION,
        file_size: profile.file_size,
        total_items,
        total_size,
        omitted_items: total_items - ids.len() as u64,
        rows: ids.iter().map(|&i| ItemRow::new(profile, i)).collect(),
    }
}
