//! Text round trip of every corpus module: print → parse gives a valid module that prints to
//! the same text again (a fixpoint: the module and its reparse are equivalent instruction for
//! instruction, names included). The one allowed difference is the order of custom sections
//! (`@custom` annotations) relative to the name section, which the text format does not pin
//! down: the text parser places the name section it builds from `$names` itself.
//!
//! Modules are taken one at a time, largest last, because the text of the biggest is about a
//! gigabyte.

mod support;

use wasm_tool_lib::print::{PrintOptions, print};

fn to_text(wasm: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(wasm.len() * 16);
    print(wasm, &PrintOptions::default(), &mut text).expect("printing a corpus module");
    text
}

/// Whether two printed modules are equal, up to the order of their `@custom` lines.
fn same_text(a: &[u8], b: &[u8]) -> bool {
    split_customs(a) == split_customs(b)
}

/// The `@custom` lines, sorted, and the other lines in order.
fn split_customs(text: &[u8]) -> (Vec<&[u8]>, Vec<&[u8]>) {
    let (mut custom, rest): (Vec<&[u8]>, Vec<&[u8]>) = text
        .split(|&c| c == b'\n')
        .partition(|line| line.trim_ascii_start().starts_with(b"(@custom"));
    custom.sort();
    (custom, rest)
}

#[test]
fn corpus_print_parse_round_trip() {
    let Some(mut modules) = support::corpus_modules() else {
        return;
    };
    modules.sort_by_key(|m| std::fs::metadata(&m.path).map(|m| m.len()).unwrap_or(0));
    let mut failures = Vec::new();
    for module in &modules {
        let wasm = std::fs::read(&module.path).unwrap();
        let text = to_text(&wasm);
        let reparsed = match wasm_tool_lib::input::to_binary(&text, &module.name) {
            Ok(bin) => bin.into_owned(),
            Err(e) => {
                failures.push(format!("{}: printed text does not parse: {e}", module.name));
                continue;
            }
        };
        if let Err(e) =
            wasm_tool_lib::validate::validate(&reparsed, wasmparser::WasmFeatures::all())
        {
            failures.push(format!("{}: reparsed module is invalid: {e}", module.name));
            continue;
        }
        if !same_text(&to_text(&reparsed), &text) {
            failures.push(format!(
                "{}: reparsed module prints differently",
                module.name
            ));
        }
        eprintln!(
            "{}: {} bytes, {} bytes of text",
            module.name,
            wasm.len(),
            text.len()
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
