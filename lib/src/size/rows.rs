//! The row shared by the item views: an item with its shallow and retained sizes.

use super::Profile;
use super::items::ItemKind;
use serde::Serialize;

/// One item in a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemRow {
    /// The item's id (its position in [`Profile::items`]).
    pub id: u32,
    /// What it is.
    pub kind: ItemKind,
    /// Its index in its own index space.
    pub index: u32,
    /// Its name.
    pub name: String,
    /// Its own bytes.
    pub size: u64,
    /// `size` as a percentage of the file.
    pub size_percent: f64,
    /// Its bytes plus those of everything only it keeps alive; 0 for unreachable items.
    pub retained: u64,
    /// `retained` as a percentage of the file.
    pub retained_percent: f64,
}

impl ItemRow {
    /// The row of item `id`.
    pub fn new(profile: &Profile, id: u32) -> ItemRow {
        let item = &profile.items[id as usize];
        let retained = profile.dominators().retained(id);
        ItemRow {
            id,
            kind: item.kind,
            index: item.index,
            name: item.name.clone(),
            size: item.size,
            size_percent: profile.percent(item.size),
            retained,
            retained_percent: profile.percent(retained),
        }
    }
}
