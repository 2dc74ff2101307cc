//! Parsing the `--features` specification into a [`WasmFeatures`] set.
//!
//! A spec is a comma-separated list of items applied left to right:
//!
//! - a preset adds (or with `-`, removes) its whole set: `mvp` (alias `wasm1`), `wasm2`, `wasm3`,
//!   `lime1`, or `all` (every feature wasmparser knows, legacy exceptions included);
//! - `name` or `+name` adds one feature, `-name` removes one.
//!
//! Feature names are wasmparser's flag names in lower case with `-` for `_` (`simd`,
//! `relaxed-simd`, `bulk-memory`, `legacy-exceptions`, …). The list is derived from
//! [`WasmFeatures`]'s bitflags names, so it follows wasmparser with no table of ours.
//!
//! A spec whose first item starts with `+` or `-` edits the `all` set (`-threads` means "everything
//! but threads"); any other spec starts from the empty set (`mvp,+simd`). Note that wasmparser
//! treats `floats` and `gc-types` as features too: the presets include them, so start from a
//! preset rather than from bare names.

use crate::{Error, Result};
use bitflags::Flags;

/// The feature set type, re-exported so that callers need no wasmparser dependency of their own.
pub use wasmparser::WasmFeatures;

/// The presets, in the order they are listed in messages.
const PRESETS: &[(&str, WasmFeatures)] = &[
    ("mvp", WasmFeatures::WASM1),
    ("wasm1", WasmFeatures::WASM1),
    ("wasm2", WasmFeatures::WASM2),
    ("wasm3", WasmFeatures::WASM3),
    ("lime1", WasmFeatures::LIME1),
    ("all", WasmFeatures::all()),
];

/// The CLI name of a wasmparser flag name: `RELAXED_SIMD` → `relaxed-simd`.
fn cli_name(flag: &str) -> String {
    flag.to_ascii_lowercase().replace('_', "-")
}

/// Every named flag of [`WasmFeatures`], in wasmparser's declaration order.
///
/// This reads the bitflags `FLAGS` table rather than `all().iter_names()`, which skips a flag
/// whose bits an earlier flag already covered (`call-indirect-overlong` is part of
/// `reference-types`).
fn flags() -> impl Iterator<Item = (&'static str, WasmFeatures)> {
    WasmFeatures::FLAGS
        .iter()
        .map(|flag| (flag.name(), *flag.value()))
}

/// Every feature name accepted in a spec, in wasmparser's declaration order.
pub fn feature_names() -> Vec<String> {
    flags().map(|(name, _)| cli_name(name)).collect()
}

/// The preset names accepted in a spec.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|(name, _)| *name).collect()
}

/// A one-paragraph description of the accepted names, for `--help` and error messages.
pub fn describe() -> String {
    format!(
        "presets: {}; features: {}",
        preset_names().join(", "),
        feature_names().join(", ")
    )
}

/// Looks up one feature by its CLI name.
fn lookup(name: &str) -> Option<WasmFeatures> {
    flags()
        .find(|(flag, _)| cli_name(flag) == name)
        .map(|(_, f)| f)
}

/// Parses a feature spec such as `mvp,+simd,-floats` or `-threads`.
///
/// Fails with [`crate::ErrorKind::Usage`] naming the bad item and listing the valid names.
pub fn parse(spec: &str) -> Result<WasmFeatures> {
    let spec = spec.trim();
    let mut features = if spec.starts_with(['+', '-']) {
        WasmFeatures::all()
    } else {
        WasmFeatures::empty()
    };
    for item in spec.split(',') {
        let item = item.trim();
        if item.is_empty() {
            return Err(Error::usage(format!(
                "empty item in feature spec `{spec}`: items are separated by single commas"
            )));
        }
        let (add, name) = match item.as_bytes()[0] {
            b'+' => (true, &item[1..]),
            b'-' => (false, &item[1..]),
            _ => (true, item),
        };
        let name = name.trim();
        let set = match PRESETS.iter().find(|(preset, _)| *preset == name) {
            Some((_, set)) => *set,
            None => lookup(name).ok_or_else(|| {
                Error::usage(format!(
                    "unknown feature `{name}` in `{spec}` ({})",
                    describe()
                ))
            })?,
        };
        if add {
            features.insert(set);
        } else {
            features.remove(set);
        }
    }
    Ok(features)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn names_come_from_wasmparser() {
        let names = feature_names();
        for expected in [
            "simd",
            "relaxed-simd",
            "bulk-memory",
            "legacy-exceptions",
            "memory64",
            "call-indirect-overlong",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} missing from {names:?}"
            );
        }
        assert!(
            names
                .iter()
                .all(|n| !n.contains('_') && n.to_lowercase() == *n),
            "{names:?}"
        );
        // Every name parses back to a non-empty flag.
        for name in &names {
            assert!(!parse(name).unwrap().is_empty(), "{name}");
        }
    }

    #[test]
    fn presets() {
        assert_eq!(parse("mvp").unwrap(), WasmFeatures::WASM1);
        assert_eq!(parse("wasm2").unwrap(), WasmFeatures::WASM2);
        assert_eq!(parse("wasm3").unwrap(), WasmFeatures::WASM3);
        let all = parse("all").unwrap();
        assert_eq!(all, WasmFeatures::all());
        assert!(all.legacy_exceptions());
    }

    #[test]
    fn add_and_remove() {
        let f = parse("mvp,+simd,bulk-memory").unwrap();
        assert!(f.simd() && f.bulk_memory() && f.floats());
        assert!(!f.threads());
        let f = parse("wasm3,-simd").unwrap();
        assert!(!f.simd() && f.gc());
        // Left to right: a later item wins.
        assert!(parse("-simd,+simd").unwrap().simd());
    }

    #[test]
    fn leading_sign_starts_from_all() {
        let f = parse("-threads").unwrap();
        assert!(!f.threads());
        assert_eq!(f, WasmFeatures::all().difference(WasmFeatures::THREADS));
        assert_eq!(parse("+simd").unwrap(), WasmFeatures::all());
    }

    #[test]
    fn bare_name_starts_from_empty() {
        assert_eq!(parse("simd").unwrap(), WasmFeatures::SIMD);
    }

    #[test]
    fn unknown_name_lists_valid_names() {
        let err = parse("mvp,+simdd").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Usage(_)));
        let msg = err.to_string();
        assert!(msg.contains("unknown feature `simdd`"), "{msg}");
        assert!(
            msg.contains("relaxed-simd") && msg.contains("wasm2"),
            "{msg}"
        );
    }

    #[test]
    fn empty_item_is_an_error() {
        assert!(parse("mvp,,simd").is_err());
        assert!(parse("").is_err());
        assert!(parse("+").is_err());
    }
}
