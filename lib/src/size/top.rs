//! The `top` view: items by shallow (or retained) size.

use super::rows::ItemRow;
use super::{Profile, SCHEMA_VERSION};
use serde::Serialize;

/// Options of [`top`].
#[derive(Debug, Clone, Default)]
pub struct TopOptions {
    /// How many rows to keep; `None` for all.
    pub limit: Option<usize>,
    /// Sort by retained size instead of shallow size.
    pub retained: bool,
    /// Keep only items whose name matches.
    pub filter: Option<regex::Regex>,
}

/// The largest items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The file's size.
    pub file_size: u64,
    /// `shallow` or `retained`.
    pub sort: &'static str,
    /// Items that passed the filter but were left out by the limit.
    pub omitted_items: u64,
    /// Their total shallow size.
    pub omitted_size: u64,
    /// The items, largest first (ties in file order).
    pub rows: Vec<ItemRow>,
}

/// Computes the `top` view.
pub fn top(profile: &Profile, options: &TopOptions) -> TopReport {
    let doms = profile.dominators();
    let mut ids: Vec<u32> = (0..profile.items.len() as u32)
        .filter(|&i| {
            options
                .filter
                .as_ref()
                .is_none_or(|re| re.is_match(&profile.items[i as usize].name))
        })
        .collect();
    let key = |i: u32| {
        if options.retained {
            doms.retained(i)
        } else {
            profile.items[i as usize].size
        }
    };
    let cmp = |a: &u32, b: &u32| key(*b).cmp(&key(*a)).then(a.cmp(b));
    let n = options.limit.unwrap_or(usize::MAX).min(ids.len());
    if n > 0 && n < ids.len() {
        ids.select_nth_unstable_by(n - 1, cmp);
    }
    let (kept, rest) = ids.split_at_mut(n);
    kept.sort_by(cmp);
    TopReport {
        schema: SCHEMA_VERSION,
        file_size: profile.file_size,
        sort: if options.retained {
            "retained"
        } else {
            "shallow"
        },
        omitted_items: rest.len() as u64,
        omitted_size: rest.iter().map(|&i| profile.items[i as usize].size).sum(),
        rows: kept.iter().map(|&i| ItemRow::new(profile, i)).collect(),
    }
}
