//! The `diff` view: growth and shrinkage between two profiles, per item and per section, and the
//! growth limit used by CI gates.
//!
//! Items are matched by kind and name; items sharing a kind and a name (two functions both named
//! `func[3]` are not, but two `drop` symbols can be) are summed. Sections are matched by their
//! label (`code`, `custom "name"`).

use super::{Profile, SCHEMA_VERSION};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// The differences between two profiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The old file's size.
    pub old_size: u64,
    /// The new file's size.
    pub new_size: u64,
    /// `new_size - old_size`.
    pub delta: i64,
    /// Items whose size changed, left out by the limit.
    pub omitted_items: u64,
    /// Their total change.
    pub omitted_delta: i64,
    /// Items whose size changed, largest change first (ties by kind and name).
    pub rows: Vec<DiffRow>,
    /// Every section whose size changed, in the new file's order, then the removed ones.
    pub sections: Vec<DiffRow>,
}

/// One changed item or section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffRow {
    /// The item kind, or `section`.
    pub kind: &'static str,
    /// The name (or the section label).
    pub name: String,
    /// Old size; 0 when it is new.
    pub old: u64,
    /// New size; 0 when it is gone.
    pub new: u64,
    /// `new - old`.
    pub delta: i64,
}

/// Computes the `diff` view, keeping at most `limit` item rows.
pub fn diff(old: &Profile, new: &Profile, limit: Option<usize>) -> DiffReport {
    let mut items: BTreeMap<(&'static str, &str), (u64, u64)> = BTreeMap::new();
    for item in &old.items {
        items.entry((item.kind.name(), &item.name)).or_default().0 += item.size;
    }
    for item in &new.items {
        items.entry((item.kind.name(), &item.name)).or_default().1 += item.size;
    }
    let mut rows: Vec<DiffRow> = items
        .into_iter()
        .filter(|(_, (o, n))| o != n)
        .map(|((kind, name), (o, n))| DiffRow {
            kind,
            name: name.to_string(),
            old: o,
            new: n,
            delta: n as i64 - o as i64,
        })
        .collect();
    // The BTreeMap gave (kind, name) order; a stable sort keeps it among equal changes.
    rows.sort_by_key(|r| std::cmp::Reverse(r.delta.unsigned_abs()));
    let keep = limit.unwrap_or(usize::MAX).min(rows.len());
    let rest = rows.split_off(keep);

    let mut old_sections: BTreeMap<String, u64> = BTreeMap::new();
    for s in &old.sections {
        *old_sections.entry(s.label()).or_default() += s.size;
    }
    let mut sections = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for s in &new.sections {
        *seen.entry(s.label()).or_default() += s.size;
    }
    let mut emitted = std::collections::BTreeSet::new();
    for s in &new.sections {
        let label = s.label();
        if !emitted.insert(label.clone()) {
            continue;
        }
        let n = seen[&label];
        let o = old_sections.get(&label).copied().unwrap_or(0);
        if o != n {
            sections.push(section_row(label, o, n));
        }
    }
    for (label, o) in old_sections {
        if !seen.contains_key(&label) {
            sections.push(section_row(label, o, 0));
        }
    }
    DiffReport {
        schema: SCHEMA_VERSION,
        old_size: old.file_size,
        new_size: new.file_size,
        delta: new.file_size as i64 - old.file_size as i64,
        omitted_items: rest.len() as u64,
        omitted_delta: rest.iter().map(|r| r.delta).sum(),
        rows,
        sections,
    }
}

fn section_row(name: String, old: u64, new: u64) -> DiffRow {
    DiffRow {
        kind: "section",
        name,
        old,
        new,
        delta: new as i64 - old as i64,
    }
}

/// How much a file may grow before a CI gate fails: a number of bytes or a percentage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GrowthLimit {
    /// At most this many bytes.
    Bytes(u64),
    /// At most this percentage of the old size.
    Percent(f64),
}

impl GrowthLimit {
    /// Parses `1024`, `10KB`/`10K`/`10KiB` (1024 bytes each), `2MB`/`2M`/`2MiB`, or `5%`.
    pub fn parse(s: &str) -> Result<GrowthLimit> {
        let bad = || {
            Error::usage(format!(
                "bad growth limit `{s}`: expected bytes (`4096`, `10KB`, `2MB`) or a percentage (`5%`)"
            ))
        };
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            let v: f64 = p.trim().parse().map_err(|_| bad())?;
            if !v.is_finite() || v < 0.0 {
                return Err(bad());
            }
            return Ok(GrowthLimit::Percent(v));
        }
        let upper = t.to_ascii_uppercase();
        let (digits, unit) = match upper.find(|c: char| !c.is_ascii_digit()) {
            Some(i) => upper.split_at(i),
            None => (upper.as_str(), ""),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        let scale: u64 = match unit.trim() {
            "" | "B" => 1,
            "K" | "KB" | "KIB" => 1 << 10,
            "M" | "MB" | "MIB" => 1 << 20,
            "G" | "GB" | "GIB" => 1 << 30,
            _ => return Err(bad()),
        };
        n.checked_mul(scale).map(GrowthLimit::Bytes).ok_or_else(bad)
    }

    /// Whether going from `old` to `new` bytes grows by more than the limit.
    pub fn exceeded(&self, old: u64, new: u64) -> bool {
        let growth = new.saturating_sub(old);
        match *self {
            GrowthLimit::Bytes(b) => growth > b,
            GrowthLimit::Percent(p) => {
                if old == 0 {
                    growth > 0
                } else {
                    growth as f64 * 100.0 / old as f64 > p
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::GrowthLimit;

    #[test]
    fn growth_limits() {
        assert_eq!(
            GrowthLimit::parse("4096").unwrap(),
            GrowthLimit::Bytes(4096)
        );
        assert_eq!(
            GrowthLimit::parse("10KB").unwrap(),
            GrowthLimit::Bytes(10240)
        );
        assert_eq!(
            GrowthLimit::parse("2m").unwrap(),
            GrowthLimit::Bytes(2 << 20)
        );
        assert_eq!(GrowthLimit::parse("5%").unwrap(), GrowthLimit::Percent(5.0));
        for bad in [
            "",
            "ten",
            "5%%",
            "-1",
            "1TB",
            "99999999999999999999G",
            "-3%",
        ] {
            assert!(GrowthLimit::parse(bad).is_err(), "{bad}");
        }
        let b = GrowthLimit::Bytes(10);
        assert!(!b.exceeded(100, 110));
        assert!(b.exceeded(100, 111));
        assert!(!b.exceeded(100, 50));
        let p = GrowthLimit::Percent(5.0);
        assert!(!p.exceeded(100, 105));
        assert!(p.exceeded(100, 106));
        assert!(p.exceeded(0, 1));
    }
}
