//! Item names: the name section first (Rust and C++ symbols demangled), then an export name,
//! then `kind[index]`.
//!
//! A malformed name section gives the names read before the damage: names are a convenience and
//! never make the profile fail.

use super::build::Spaces;
use super::items::{Item, ItemKind};
use super::refs::Space;
use rayon::prelude::*;
use wasmparser::{CustomSectionReader, KnownCustom, Name, NameMap};

/// Names per index space, read from the name section.
#[derive(Default)]
struct NameTable<'a> {
    funcs: Vec<Option<&'a str>>,
    globals: Vec<Option<&'a str>>,
    tables: Vec<Option<&'a str>>,
    memories: Vec<Option<&'a str>>,
    tags: Vec<Option<&'a str>>,
    types: Vec<Option<&'a str>>,
    elems: Vec<Option<&'a str>>,
    datas: Vec<Option<&'a str>>,
}

/// Fills a table from a name map, for indices below `len`; stops at the first bad entry.
fn fill<'a>(table: &mut Vec<Option<&'a str>>, len: usize, map: NameMap<'a>) {
    table.resize(len, None);
    for naming in map {
        let Ok(naming) = naming else { break };
        if let Some(slot) = table.get_mut(naming.index as usize) {
            slot.get_or_insert(naming.name);
        }
    }
}

impl<'a> NameTable<'a> {
    fn read(section: Option<&CustomSectionReader<'a>>, spaces: &Spaces) -> NameTable<'a> {
        let mut t = NameTable::default();
        let Some(KnownCustom::Name(reader)) = section.map(|s| s.as_known()) else {
            return t;
        };
        for subsection in reader {
            let Ok(subsection) = subsection else { break };
            match subsection {
                Name::Function(m) => fill(&mut t.funcs, spaces.funcs.len(), m),
                Name::Global(m) => fill(&mut t.globals, spaces.globals.len(), m),
                Name::Table(m) => fill(&mut t.tables, spaces.tables.len(), m),
                Name::Memory(m) => fill(&mut t.memories, spaces.memories.len(), m),
                Name::Tag(m) => fill(&mut t.tags, spaces.tags.len(), m),
                Name::Type(m) => fill(&mut t.types, spaces.types.len(), m),
                Name::Element(m) => fill(&mut t.elems, spaces.elems.len(), m),
                Name::Data(m) => fill(&mut t.datas, spaces.datas.len(), m),
                _ => {}
            }
        }
        t
    }
}

/// Gives every item without a name one.
pub(super) fn assign(
    items: &mut [Item],
    spaces: &Spaces,
    exports: &[(Space, u32, &str)],
    section: Option<&CustomSectionReader<'_>>,
) {
    let table = NameTable::read(section, spaces);
    // The first export of each item, by (space, index).
    let mut first_export: Vec<(Space, u32, &str)> = exports.to_vec();
    first_export.sort_by_key(|&(s, i, _)| (s, i));
    first_export.dedup_by_key(|&mut (s, i, _)| (s, i));
    let export_of = |space: Space, index: u32| {
        first_export
            .binary_search_by_key(&(space, index), |&(s, i, _)| (s, i))
            .ok()
            .map(|p| first_export[p].2)
    };
    items.par_iter_mut().with_min_len(256).for_each(|item| {
        if !item.name.is_empty() {
            return;
        }
        let i = item.index;
        let (from_section, space, prefix) = match item.kind {
            ItemKind::Func => (&table.funcs, Space::Func, "func"),
            ItemKind::Global => (&table.globals, Space::Global, "global"),
            ItemKind::Table => (&table.tables, Space::Table, "table"),
            ItemKind::Memory => (&table.memories, Space::Memory, "memory"),
            ItemKind::Tag => (&table.tags, Space::Tag, "tag"),
            ItemKind::Type => (&table.types, Space::Type, "type"),
            ItemKind::Elem => (&table.elems, Space::Elem, "elem"),
            ItemKind::Data => (&table.datas, Space::Data, "data"),
            _ => {
                item.name = format!("{}[{i}]", item.kind.name());
                return;
            }
        };
        item.name = match from_section.get(i as usize).copied().flatten() {
            Some(name) => demangle(name),
            None => match export_of(space, i) {
                Some(name) => demangle(name),
                None => format!("{prefix}[{i}]"),
            },
        };
    });
}

/// Demangles a Rust (legacy or v0) or Itanium C++ symbol; other names are returned as they are.
pub fn demangle(name: &str) -> String {
    let rust = rustc_demangle::try_demangle(name).ok();
    // A legacy Rust symbol is an Itanium-like `_ZN…E` with a hash path element; without the hash
    // it is more likely C++, which the C++ demangler reads in full (parameters included).
    // `{:#}` leaves out the hash.
    if let Some(d) = &rust
        && (name.starts_with("_R") || format!("{d}") != format!("{d:#}"))
    {
        return format!("{d:#}");
    }
    if name.starts_with("_Z")
        && let Ok(symbol) = cpp_demangle::Symbol::new(name)
        && let Ok(d) = symbol.demangle(&cpp_demangle::DemangleOptions::default())
    {
        return d;
    }
    match rust {
        Some(d) => format!("{d:#}"),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::demangle;

    #[test]
    fn demangles_rust_and_cpp() {
        assert_eq!(
            demangle("_ZN4core3ptr13drop_in_place17h0123456789abcdefE"),
            "core::ptr::drop_in_place"
        );
        assert_eq!(
            demangle("_ZNSt3__16vectorIiNS_9allocatorIiEEE9push_backERKi"),
            "std::__1::vector<int, std::__1::allocator<int> >::push_back(int const&)"
        );
        assert_eq!(demangle("_RNvCs1234_7mycrate3foo"), "mycrate::foo");
        assert_eq!(
            demangle("_ZN5arrow7compute8internal15GetNumericCastsEv"),
            "arrow::compute::internal::GetNumericCasts()"
        );
        assert_eq!(demangle("main"), "main");
        assert_eq!(demangle("_Zbogus"), "_Zbogus");
    }
}
