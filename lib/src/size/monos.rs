//! The `monos` view: generic instantiations (Rust monomorphizations, C++ template
//! instantiations) grouped by their generic name, with the bloat each family causes.
//!
//! A function's generic name is its demangled name with the contents of every generic argument
//! list removed: `core::ptr::drop_in_place<foo::Bar>` and `core::ptr::drop_in_place<u8>` are
//! both `core::ptr::drop_in_place<…>`. A qualified path such as `<Vec<u8> as Drop>::drop` keeps
//! its outer brackets: only brackets that follow a name are argument lists. A family's bloat is
//! its total size minus its largest member: what would remain if one copy served them all.

use super::items::ItemKind;
use super::{Profile, SCHEMA_VERSION};
use serde::Serialize;
use std::collections::BTreeMap;

/// Options of [`monos`].
#[derive(Debug, Clone)]
pub struct MonosOptions {
    /// How many families to keep.
    pub limit: Option<usize>,
    /// How many members to list per family.
    pub members: usize,
    /// Keep only families whose generic name matches.
    pub filter: Option<regex::Regex>,
}

impl Default for MonosOptions {
    fn default() -> Self {
        MonosOptions {
            limit: Some(20),
            members: 5,
            filter: None,
        }
    }
}

/// Families of instantiations, the most bloated first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonosReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The file's size.
    pub file_size: u64,
    /// How many families have at least two instantiations.
    pub total_families: u64,
    /// The bloat of all of them.
    pub total_bloat: u64,
    /// The families, most bloat first (ties by name).
    pub rows: Vec<MonoRow>,
}

/// One generic function and its instantiations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonoRow {
    /// The name with its generic arguments removed.
    pub generic: String,
    /// How many functions share it.
    pub instantiations: u32,
    /// Their total size.
    pub total_size: u64,
    /// The total minus the largest member.
    pub bloat: u64,
    /// `bloat` as a percentage of the file.
    pub bloat_percent: f64,
    /// The largest members, largest first.
    pub members: Vec<MonoMember>,
}

/// One instantiation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonoMember {
    /// The item id.
    pub id: u32,
    /// The full name.
    pub name: String,
    /// Its size.
    pub size: u64,
}

/// The generic name of a demangled symbol, or `None` when it has no generic arguments.
pub fn generic_name(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    let mut generic = false;
    let mut prev: Option<char> = None;
    for c in name.chars() {
        match c {
            '<' if depth > 0 => depth += 1,
            '<' if prev.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '>') => {
                // `operator<` and `operator<<` are names, not argument lists.
                if out.ends_with("operator") || out.ends_with("operator<") {
                    out.push(c);
                } else {
                    depth = 1;
                    generic = true;
                    out.push_str("<…");
                }
            }
            '>' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push('>');
                }
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
        prev = Some(c);
    }
    (generic && depth == 0).then_some(out)
}

/// Computes the `monos` view.
pub fn monos(profile: &Profile, options: &MonosOptions) -> MonosReport {
    let mut families: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (id, item) in profile.items.iter().enumerate() {
        if item.kind != ItemKind::Func {
            continue;
        }
        if let Some(generic) = generic_name(&item.name) {
            families.entry(generic).or_default().push(id as u32);
        }
    }
    let mut rows: Vec<MonoRow> = families
        .into_iter()
        .filter(|(_, members)| members.len() >= 2)
        .map(|(generic, mut members)| {
            let size = |i: &u32| profile.items[*i as usize].size;
            members.sort_by(|a, b| size(b).cmp(&size(a)).then(a.cmp(b)));
            let total_size: u64 = members.iter().map(size).sum();
            let bloat = total_size - size(&members[0]);
            MonoRow {
                generic,
                instantiations: members.len() as u32,
                total_size,
                bloat,
                bloat_percent: profile.percent(bloat),
                members: members
                    .iter()
                    .take(options.members)
                    .map(|&i| MonoMember {
                        id: i,
                        name: profile.items[i as usize].name.clone(),
                        size: profile.items[i as usize].size,
                    })
                    .collect(),
            }
        })
        .collect();
    let total_families = rows.len() as u64;
    let total_bloat = rows.iter().map(|r| r.bloat).sum();
    if let Some(re) = &options.filter {
        rows.retain(|r| re.is_match(&r.generic));
    }
    rows.sort_by(|a, b| {
        b.bloat
            .cmp(&a.bloat)
            .then_with(|| a.generic.cmp(&b.generic))
    });
    rows.truncate(options.limit.unwrap_or(usize::MAX));
    MonosReport {
        schema: SCHEMA_VERSION,
        file_size: profile.file_size,
        total_families,
        total_bloat,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::generic_name;

    #[test]
    fn generic_names() {
        assert_eq!(
            generic_name("core::ptr::drop_in_place<alloc::vec::Vec<u8>>").as_deref(),
            Some("core::ptr::drop_in_place<…>")
        );
        assert_eq!(
            generic_name("<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop").as_deref(),
            Some("<alloc::vec::Vec<…> as core::ops::drop::Drop>::drop")
        );
        assert_eq!(
            generic_name("std::vector<int>::push_back(int const&)").as_deref(),
            Some("std::vector<…>::push_back(int const&)")
        );
        assert_eq!(generic_name("operator<(a, b)"), None);
        assert_eq!(generic_name("plain::name"), None);
        // Unbalanced brackets never panic and are not a family.
        assert_eq!(generic_name("broken<name"), None);
    }
}
