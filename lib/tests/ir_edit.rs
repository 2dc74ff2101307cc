//! Editing a module through the IR: ids stay put, indices are reassigned at emit, names follow
//! their items, and sections that describe code are dropped only when the code changed.

use wasm_tool_lib::ir::*;
use wasm_tool_lib::{ErrorKind, Module};

fn module(wat: &str) -> Module {
    Module::parse(&wat::parse_str(wat).unwrap()).unwrap()
}

fn valid(bytes: &[u8]) {
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(bytes)
        .unwrap_or_else(|e| {
            panic!(
                "invalid output: {e}\n{}",
                wasmprinter::print_bytes(bytes).unwrap()
            )
        });
}

fn text(bytes: &[u8]) -> String {
    wasmprinter::print_bytes(bytes).unwrap()
}

const THREE_FUNCS: &str = r#"(module
  (import "env" "log" (func $log (param i32)))
  (func $a (export "a") (call $c))
  (func $unused (local $x i32) (local.set $x (i32.const 1)))
  (func $c (call $log (i32.const 7)))
  (table 1 funcref) (elem (i32.const 0) func $c))"#;

#[test]
fn removing_a_function_renumbers_the_rest() {
    let mut m = module(THREE_FUNCS);
    let unused = FuncId::from_index(2);
    assert_eq!(m.func_name(unused), Some("unused"));
    m.funcs.remove(unused);
    let out = m.emit().unwrap();
    valid(&out);
    let t = text(&out);
    // `$c` was index 3 and is now 2: the call in `$a`, the element segment and the name all
    // follow it, although `$a`'s body was never decoded by anyone.
    assert!(
        t.contains("(func $a (;1;) (type") && t.contains("call $c"),
        "{t}"
    );
    assert!(t.contains("(func $c (;2;)"), "{t}");
    assert!(t.contains("(elem (;0;) (i32.const 0) func $c)"), "{t}");
    assert!(!t.contains("unused"), "{t}");
}

#[test]
fn adding_an_import_shifts_defined_functions() {
    let mut m = module(THREE_FUNCS);
    let ty = m.funcs[FuncId::from_index(0)].ty;
    let import = ImportId::from_index(m.imports.slots() as u32);
    let new = m.funcs.push(Func {
        ty,
        kind: FuncKind::Import(import),
    });
    m.imports.push(Import {
        module: "env".into(),
        name: "trace".into(),
        item: ImportItem::Func {
            func: new,
            exact: false,
        },
    });
    m.names.funcs.insert(new, "trace".into());
    let out = m.emit().unwrap();
    valid(&out);
    let t = text(&out);
    assert!(
        t.contains(r#"(import "env" "trace" (func $trace (;1;)"#),
        "{t}"
    );
    assert!(t.contains("(func $a (;2;)"), "{t}");
    assert!(t.contains("call $c") && t.contains("call $log"), "{t}");
    assert!(t.contains(r#"(export "a" (func $a))"#), "{t}");
}

#[test]
fn removing_a_referenced_function_is_an_error_not_a_panic() {
    let mut m = module(THREE_FUNCS);
    m.funcs.remove(FuncId::from_index(3));
    let err = m.emit().unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Emit(_) | ErrorKind::BinaryInFunc { .. }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("removed or unknown function"),
        "{err}"
    );
}

/// A module with DWARF-like, producers and placement-sensitive custom sections.
fn with_customs() -> Vec<u8> {
    let mut module = wasm_encoder::Module::new();
    let custom = |name: &'static str, data: &'static [u8]| wasm_encoder::CustomSection {
        name: name.into(),
        data: data.into(),
    };
    module.section(&custom("dylink.0", b"\x01\x04\x00\x00\x00\x00"));
    let mut types = wasm_encoder::TypeSection::new();
    types.ty().function([], []);
    module.section(&types);
    module.section(&custom("between", b"kept here"));
    let mut funcs = wasm_encoder::FunctionSection::new();
    funcs.function(0);
    funcs.function(0);
    module.section(&funcs);
    let mut code = wasm_encoder::CodeSection::new();
    for _ in 0..2 {
        let mut f = wasm_encoder::Function::new([]);
        f.instruction(&wasm_encoder::Instruction::Nop);
        f.instruction(&wasm_encoder::Instruction::End);
        code.function(&f);
    }
    module.section(&code);
    module.section(&custom(".debug_info", b"dwarf"));
    module.section(&custom("producers", b"\x00"));
    module.finish()
}

fn custom_names(bytes: &[u8]) -> Vec<String> {
    wasmparser::Parser::new(0)
        .parse_all(bytes)
        .filter_map(|p| match p.unwrap() {
            wasmparser::Payload::CustomSection(c) => Some(c.name().to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn unchanged_code_keeps_every_custom_section_in_place() {
    let input = with_customs();
    let m = Module::parse(&input).unwrap();
    let (out, report) = m.emit_with_report().unwrap();
    assert_eq!(out, input);
    assert!(report.dropped_sections.is_empty());
    assert_eq!(report.copied_bodies, 2);
    assert_eq!(report.encoded_bodies, 0);
}

#[test]
fn changed_code_drops_dwarf_and_keeps_the_rest() {
    let input = with_customs();
    let mut m = Module::parse(&input).unwrap();
    let f = FuncId::from_index(1);
    let body = m.funcs[f].local_mut().unwrap().instrs_mut().unwrap();
    body.insert(0, Instr::Nop);
    let (out, report) = m.emit_with_report().unwrap();
    valid(&out);
    assert_eq!(report.dropped_sections, vec![".debug_info".to_string()]);
    assert_eq!((report.copied_bodies, report.encoded_bodies), (1, 1));
    assert_eq!(custom_names(&out), ["dylink.0", "between", "producers"]);
    // `dylink.0` is still the first section, and `between` still follows the type section.
    let mut parser = wasmparser::Parser::new(0).parse_all(&out);
    parser.next(); // version
    assert!(
        matches!(parser.next().unwrap().unwrap(), wasmparser::Payload::CustomSection(c) if c.name() == "dylink.0")
    );
    assert!(matches!(
        parser.next().unwrap().unwrap(),
        wasmparser::Payload::TypeSection(_)
    ));
    assert!(
        matches!(parser.next().unwrap().unwrap(), wasmparser::Payload::CustomSection(c) if c.name() == "between")
    );
}

#[test]
fn local_and_label_names_survive_re_encoding() {
    let mut m = module(
        r#"(module (func $f (param $p i32) (local $tmp i64)
             block $outer (br $outer) end))"#,
    );
    m.funcs[FuncId::from_index(0)]
        .local_mut()
        .unwrap()
        .instrs_mut()
        .unwrap();
    let out = m.emit().unwrap();
    valid(&out);
    let t = text(&out);
    assert!(
        t.contains("(param $p i32)") && t.contains("(local $tmp i64)"),
        "{t}"
    );
    assert!(t.contains("block $outer"), "{t}");
}

#[test]
fn instrs_reads_without_marking_the_body_changed() {
    let m = module(THREE_FUNCS);
    let f = m.funcs[FuncId::from_index(1)].local().unwrap();
    let instrs = f.instrs().unwrap();
    assert_eq!(
        instrs[0],
        Instr::Call {
            function_index: FuncId::from_index(3)
        }
    );
    assert!(!f.is_modified());
    assert_eq!(m.emit().unwrap(), wat::parse_str(THREE_FUNCS).unwrap());
}
