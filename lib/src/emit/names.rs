//! Encoding [`Names`] as a `name` section, with ids mapped to the emitted indices. Names of
//! removed items are dropped.

use super::{IndexMaps, SpaceMap};
use crate::ir::{ArenaId, Names};
use std::collections::BTreeMap;
use wasm_encoder::{IndirectNameMap, NameMap, NameSection};

pub(super) fn encode(names: &Names, maps: &IndexMaps) -> NameSection {
    let mut s = NameSection::new();
    if let Some(module) = &names.module {
        s.module(module);
    }
    let direct = |s: &mut NameSection, map: &NameMap, f: fn(&mut NameSection, &NameMap)| {
        if !map.is_empty() {
            f(s, map);
        }
    };
    direct(
        &mut s,
        &name_map(&names.funcs, &maps.funcs),
        NameSection::functions,
    );
    if let Some(map) = indirect(&names.locals, &maps.funcs) {
        s.locals(&map);
    }
    if let Some(map) = indirect(&names.labels, &maps.funcs) {
        s.labels(&map);
    }
    direct(
        &mut s,
        &name_map(&names.types, &maps.types),
        NameSection::types,
    );
    direct(
        &mut s,
        &name_map(&names.tables, &maps.tables),
        NameSection::tables,
    );
    direct(
        &mut s,
        &name_map(&names.memories, &maps.memories),
        NameSection::memories,
    );
    direct(
        &mut s,
        &name_map(&names.globals, &maps.globals),
        NameSection::globals,
    );
    direct(
        &mut s,
        &name_map(&names.elems, &maps.elems),
        NameSection::elements,
    );
    direct(
        &mut s,
        &name_map(&names.datas, &maps.datas),
        NameSection::data,
    );
    if let Some(map) = indirect(&names.fields, &maps.types) {
        s.fields(&map);
    }
    direct(
        &mut s,
        &name_map(&names.tags, &maps.tags),
        NameSection::tags,
    );
    if let Some(map) = indirect(&names.params, &maps.funcs) {
        s.parameters(&map);
    }
    if let Some(map) = indirect(&names.tag_params, &maps.tags) {
        s.tag_parameters(&map);
    }
    for (id, data) in &names.unknown {
        s.raw(*id, data);
    }
    s
}

/// Maps ids to indices, dropping removed items, in index order.
fn mapped<'a, I: ArenaId + Ord, T>(map: &'a BTreeMap<I, T>, space: &SpaceMap) -> Vec<(u32, &'a T)> {
    let mut out: Vec<(u32, &T)> = map
        .iter()
        .filter_map(|(id, v)| Some((space.lookup(id.index())?, v)))
        .collect();
    if !space.identity {
        out.sort_by_key(|(i, _)| *i);
    }
    out
}

fn name_map<I: ArenaId + Ord>(map: &BTreeMap<I, String>, space: &SpaceMap) -> NameMap {
    let mut out = NameMap::new();
    for (i, name) in mapped(map, space) {
        out.append(i, name);
    }
    out
}

fn plain_map(map: &BTreeMap<u32, String>) -> NameMap {
    let mut out = NameMap::new();
    for (i, name) in map {
        out.append(*i, name);
    }
    out
}

/// The indirect map, or `None` if it is empty.
fn indirect<I: ArenaId + Ord>(
    map: &BTreeMap<I, BTreeMap<u32, String>>,
    space: &SpaceMap,
) -> Option<IndirectNameMap> {
    let mut out = IndirectNameMap::new();
    let mut any = false;
    for (i, inner) in mapped(map, space) {
        out.append(i, &plain_map(inner));
        any = true;
    }
    any.then_some(out)
}
