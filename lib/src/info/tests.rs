//! Tests for `info`: each builds a small module from text and checks what the report says.

use super::*;

fn info_of(wat: &str) -> ModuleInfo {
    let wasm = wat::parse_str(wat).unwrap();
    module_info(&wasm, &InfoOptions::default()).unwrap()
}

fn feature(info: &ModuleInfo, f: Feature) -> Option<&FeatureUse> {
    info.features.iter().find(|u| u.feature == f)
}

fn feature_names(info: &ModuleInfo) -> Vec<&'static str> {
    info.features.iter().map(|u| u.feature.name()).collect()
}

#[test]
fn mvp_module_uses_no_features() {
    let info = info_of(
        r#"(module
            (memory 1 2)
            (table 1 funcref)
            (elem (i32.const 0) $f)
            (global $g (mut i32) (i32.const 0))
            (func $f (param i32) (result i32)
              local.get 0
              i32.const 1
              i32.add
              global.set $g
              block (result i32) i32.const 2 end
              i32.load offset=4
            )
            (export "f" (func $f)))"#,
    );
    assert_eq!(feature_names(&info), Vec::<&str>::new());
}

#[test]
fn simd_operator_is_reported() {
    let info = info_of(
        r#"(module
            (func)
            (func (param v128 v128) (result v128)
              local.get 0 local.get 1 i32x4.add
              local.get 1 i32x4.add))"#,
    );
    let simd = feature(&info, Feature::Simd).expect("simd reported");
    assert_eq!(simd.operators, 2);
    assert_eq!(simd.functions, 1);
    assert_eq!(simd.first_operator.as_deref(), Some("I32x4Add"));
    assert_eq!(simd.first_operator_function, Some(1));
    assert_eq!(simd.evidence, vec![Evidence::V128Type]);
    assert_eq!(feature_names(&info), vec!["simd"]);
}

#[test]
fn tail_call_is_reported() {
    let info = info_of(
        r#"(module
            (func $a (result i32) i32.const 1)
            (func $b (result i32) return_call $a))"#,
    );
    let tc = feature(&info, Feature::TailCall).expect("tail-call reported");
    assert_eq!(tc.first_operator.as_deref(), Some("ReturnCall"));
    assert_eq!(tc.first_operator_function, Some(1));
    assert_eq!(feature_names(&info), vec!["tail-call"]);
}

#[test]
fn legacy_exceptions_are_reported() {
    let info = info_of(
        r#"(module
            (tag $e (param i32))
            (func
              try
                i32.const 1
                throw $e
              catch $e
                drop
              end))"#,
    );
    let legacy = feature(&info, Feature::LegacyExceptions).expect("legacy exceptions reported");
    assert!(legacy.operators >= 2, "{legacy:?}");
    assert_eq!(legacy.first_operator.as_deref(), Some("Try"));
    // `throw` and the tag belong to the exception-handling proposal proper.
    let eh = feature(&info, Feature::Exceptions).unwrap();
    assert_eq!(eh.first_operator.as_deref(), Some("Throw"));
    assert_eq!(eh.evidence, vec![Evidence::Tags]);
    assert_eq!(
        info.tags,
        ItemCounts {
            imported: 0,
            defined: 1
        }
    );
}

#[test]
fn new_exceptions_are_not_legacy() {
    let info = info_of(
        r#"(module
            (tag $e)
            (func
              block $h
                try_table (catch $e $h)
                  throw $e
                end
              end))"#,
    );
    assert!(feature(&info, Feature::LegacyExceptions).is_none());
    assert_eq!(feature(&info, Feature::Exceptions).unwrap().operators, 2);
}

#[test]
fn memory_features_come_from_types_and_immediates() {
    let info = info_of(
        r#"(module
            (import "env" "m" (memory $m 1 10 shared))
            (memory $big i64 1)
            (memory $tiny 0 1 (pagesize 1))
            (func (result i32)
              i32.const 0
              i32.atomic.load $m
              i64.const 0
              i32.load $big
              i32.add))"#,
    );
    assert_eq!(
        feature_names(&info),
        vec!["threads", "multi-memory", "memory64", "custom-page-sizes"]
    );
    let threads = feature(&info, Feature::Threads).unwrap();
    assert_eq!(threads.evidence, vec![Evidence::SharedMemory]);
    assert_eq!(threads.first_operator.as_deref(), Some("I32AtomicLoad"));
    let mm = feature(&info, Feature::MultiMemory).unwrap();
    assert_eq!(
        mm.evidence,
        vec![Evidence::MultipleMemories, Evidence::NonZeroMemoryIndex]
    );
    assert_eq!(mm.functions, 1);
    assert_eq!(
        info.memories,
        vec![
            MemoryInfo {
                index: 0,
                imported: true,
                min: 1,
                max: Some(10),
                memory64: false,
                shared: true,
                page_size: 65536
            },
            MemoryInfo {
                index: 1,
                imported: false,
                min: 1,
                max: None,
                memory64: true,
                shared: false,
                page_size: 65536
            },
            MemoryInfo {
                index: 2,
                imported: false,
                min: 0,
                max: Some(1),
                memory64: false,
                shared: false,
                page_size: 1
            },
        ]
    );
    assert_eq!(info.imports[0].kind, "memory");
    assert_eq!(info.imports[0].r#type, "1 10 shared");
}

#[test]
fn gc_and_typed_references_are_reported() {
    let info = info_of(
        r#"(module
            (rec
              (type $node (sub (struct (field i32) (field (ref null $node)))))
              (type $leaf (sub final $node (struct (field i32) (field (ref null $node))))))
            (type $arr (array (mut i8)))
            (func (result (ref $node))
              i32.const 1
              ref.null $node
              struct.new $node))"#,
    );
    let gc = feature(&info, Feature::Gc).unwrap();
    assert_eq!(gc.first_operator.as_deref(), Some("StructNew"));
    assert_eq!(
        gc.evidence,
        vec![
            Evidence::StructType,
            Evidence::ArrayType,
            Evidence::RecGroup,
            Evidence::Subtyping
        ]
    );
    assert!(
        feature(&info, Feature::FunctionReferences)
            .unwrap()
            .evidence
            .contains(&Evidence::TypedRef)
    );
    assert_eq!(
        info.types,
        TypeCounts {
            total: 4,
            rec_groups: 3,
            func: 1,
            r#struct: 2,
            array: 1,
            cont: 0
        }
    );
}

#[test]
fn multi_value_and_reference_types() {
    let info = info_of(
        r#"(module
            (table 1 funcref)
            (table 1 externref)
            (func (param i32) (result i32 i32)
              local.get 0
              block (param i32) (result i32) end
              local.get 0)
            (func (param externref) (result externref)
              local.get 0))"#,
    );
    let mv = feature(&info, Feature::MultiValue).unwrap();
    assert_eq!(
        mv.evidence,
        vec![Evidence::MultiResultFuncType, Evidence::BlockTypeIndex]
    );
    assert_eq!(mv.functions, 1);
    assert_eq!(mv.operators, 0);
    let rt = feature(&info, Feature::ReferenceTypes).unwrap();
    assert_eq!(
        rt.evidence,
        vec![
            Evidence::RefValueType,
            Evidence::MultipleTables,
            Evidence::NonFuncrefTable
        ]
    );
    assert_eq!(info.tables.len(), 2);
    assert_eq!(info.tables[1].element_type, "externref");
}

#[test]
fn extended_const_and_bulk_memory_from_segments() {
    let info = info_of(
        r#"(module
            (import "env" "base" (global $base i32))
            (memory 1)
            (global i32 (i32.add (global.get $base) (i32.const 16)))
            (data (i32.const 0) "abc")
            (data "passive!")
            (func (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 1))))"#,
    );
    let ec = feature(&info, Feature::ExtendedConst).unwrap();
    assert_eq!(ec.evidence, vec![Evidence::ConstArithmetic]);
    assert_eq!(ec.functions, 0);
    let bm = feature(&info, Feature::BulkMemory).unwrap();
    assert_eq!(bm.first_operator.as_deref(), Some("MemoryInit"));
    assert!(bm.evidence.contains(&Evidence::PassiveData));
    assert!(bm.evidence.contains(&Evidence::DataCountSection));
    assert_eq!(
        info.data,
        DataCounts {
            active: 1,
            passive: 1,
            bytes: 11
        }
    );
}

#[test]
fn arithmetic_in_function_bodies_is_not_extended_const() {
    let info = info_of(
        "(module (global i32 (i32.const 1)) (func (drop (i32.add (i32.const 1) (i32.const 2)))))",
    );
    assert!(feature(&info, Feature::ExtendedConst).is_none());
}

#[test]
fn mutable_globals_imports_and_exports() {
    let info = info_of(
        r#"(module
            (import "env" "g" (global (mut i32)))
            (global $h (mut i64) (i64.const 0))
            (global $c i32 (i32.const 0))
            (export "h" (global $h))
            (export "c" (global $c)))"#,
    );
    let mg = feature(&info, Feature::MutableGlobal).unwrap();
    assert_eq!(
        mg.evidence,
        vec![Evidence::MutableGlobalImport, Evidence::MutableGlobalExport]
    );
    assert_eq!(
        info.globals,
        GlobalCounts {
            imported: 1,
            defined: 2,
            mutable: 2
        }
    );
    assert_eq!(info.imports[0].r#type, "(mut i32)");
}

#[test]
fn sections_tile_the_file() {
    let wasm = wat::parse_str(
        r#"(module
            (type (func (param i32)))
            (import "env" "f" (func (type 0)))
            (memory 1)
            (global i32 (i32.const 7))
            (export "g" (global 0))
            (func $main (type 0))
            (start 1)
            (elem (i32.const 0) func 1)
            (table 1 funcref)
            (data (i32.const 0) "hello")
            (@custom "extra" "payload"))"#,
    )
    .unwrap();
    let info = module_info(&wasm, &InfoOptions::default()).unwrap();
    assert_eq!(info.size, wasm.len() as u64);
    let mut end = 8;
    for s in &info.sections {
        assert_eq!(s.offset, end, "{s:?}");
        assert!(s.payload_offset > s.offset);
        assert_eq!(wasm[s.offset as usize], s.id);
        end = s.payload_offset + s.size;
    }
    assert_eq!(end, wasm.len() as u64);
    let kinds: Vec<&str> = info.sections.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "type", "import", "function", "table", "memory", "global", "export", "start",
            "element", "code", "data", "custom", "custom"
        ]
    );
    // `wat` puts the name section (for `$main`) last.
    assert_eq!(info.sections[12].name.as_deref(), Some("name"));
    let custom = &info.sections[11];
    assert_eq!(custom.name.as_deref(), Some("extra"));
    // The payload of a custom section includes its name.
    assert_eq!(
        custom.size,
        1 + "extra".len() as u64 + "payload".len() as u64
    );
    let count = |kind: &str| info.sections.iter().find(|s| s.kind == kind).unwrap().count;
    assert_eq!(count("import"), Some(1));
    assert_eq!(count("code"), Some(1));
    assert_eq!(count("start"), None);
    assert_eq!(info.start.as_ref().map(|s| s.index), Some(1));
    assert_eq!(info.start.as_ref().unwrap().name.as_deref(), Some("main"));
}

#[test]
fn largest_functions_are_sorted_and_named() {
    let info = info_of(
        r#"(module
            (import "env" "f" (func))
            (func $small nop)
            (func $big nop nop nop nop nop nop nop nop)
            (func $medium nop nop nop nop)
            (func $medium2 nop nop nop nop)
            (export "run" (func $big)))"#,
    );
    let rows: Vec<(u32, Option<&str>, u64)> = info
        .largest_functions
        .iter()
        .map(|f| (f.index, f.name.as_deref(), f.size))
        .collect();
    assert_eq!(
        rows,
        vec![
            (2, Some("big"), 10),
            (3, Some("medium"), 6),
            (4, Some("medium2"), 6),
            (1, Some("small"), 3)
        ]
    );
    // Each body has a one-byte size prefix, and the section a one-byte count.
    let code = info.sections.iter().find(|s| s.kind == "code").unwrap();
    assert_eq!(code.size, 1 + 4 + 10 + 6 + 6 + 3);
    let total: f64 = info.largest_functions.iter().map(|f| f.percent).sum();
    assert!((total - 25.0 / 30.0 * 100.0).abs() < 1e-9, "{total}");
    assert_eq!(info.exports[0].function_name.as_deref(), Some("big"));
    assert_eq!(
        info.functions,
        ItemCounts {
            imported: 1,
            defined: 4
        }
    );

    let wasm = wat::parse_str("(module (func nop) (func nop nop) (func))").unwrap();
    let two = module_info(
        &wasm,
        &InfoOptions {
            largest_functions: 2,
        },
    )
    .unwrap();
    assert_eq!(
        two.largest_functions
            .iter()
            .map(|f| f.index)
            .collect::<Vec<_>>(),
        vec![1, 0]
    );
    assert_eq!(two.largest_functions[0].name, None);
}

#[test]
fn custom_sections_are_decoded() {
    let info = info_of(
        r#"(module
            (func $f)
            (@producers (language "Rust" "1.80") (processed-by "rustc" "1.80.0 (abc)") (processed-by "wasm-opt" ""))
            (@custom "target_features" "\02+\07simd128-\07atomics")
            (@custom "sourceMappingURL" "\0ahttp://x/y")
            (@custom ".debug_info" "0123456789")
            (@custom ".debug_line" "01234")
            (@custom "reloc.CODE" "")
            (@custom "linking" "\02")
            (@custom "metadata.code.branch_hint" "\00")
            (@custom "component-type:foo" "xyz"))"#,
    );
    let c = &info.custom;
    let producers = c.producers.as_ref().unwrap();
    assert_eq!(producers.len(), 2);
    assert_eq!(producers[0].name, "language");
    assert_eq!(
        producers[0].values,
        vec![ProducerValue {
            name: "Rust".into(),
            version: "1.80".into()
        }]
    );
    assert_eq!(producers[1].values.len(), 2);
    assert_eq!(producers[1].values[1].name, "wasm-opt");
    assert_eq!(
        c.target_features.as_ref().unwrap(),
        &vec![
            TargetFeature {
                prefix: "+".into(),
                name: "simd128".into()
            },
            TargetFeature {
                prefix: "-".into(),
                name: "atomics".into()
            },
        ]
    );
    assert_eq!(c.source_mapping_url.as_deref(), Some("http://x/y"));
    assert_eq!(
        c.dwarf.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        vec![".debug_info", ".debug_line"]
    );
    assert_eq!(c.dwarf_size, 15);
    assert_eq!(c.reloc.len(), 1);
    assert_eq!(c.linking, Some(1));
    assert_eq!(c.code_metadata[0].name, "metadata.code.branch_hint");
    assert_eq!(c.component_type[0].size, 3);
    let names = c.name_section.as_ref().unwrap();
    assert_eq!(names.subsections[0].kind, "function");
    assert_eq!(names.subsections[0].count, Some(1));
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    // The target_features section does not make the module use SIMD.
    assert!(feature(&info, Feature::Simd).is_none());
}

#[test]
fn bad_custom_section_is_reported_not_fatal() {
    let info = info_of(r#"(module (@custom "target_features" "\05+"))"#);
    assert_eq!(info.custom.errors.len(), 1);
    assert_eq!(info.custom.errors[0].section, "target_features");
    assert!(info.custom.target_features.is_none());
}

#[test]
fn truncated_input_is_an_error_with_offset_never_a_panic() {
    let wasm = wat::parse_str(
        r#"(module
            (memory 1)
            (func $f (param i32) (result i32) local.get 0 i32.const 3 i32.mul)
            (export "f" (func $f))
            (data (i32.const 0) "hello"))"#,
    )
    .unwrap();
    let full = module_info(&wasm, &InfoOptions::default()).unwrap();
    // A prefix that stops between two sections is a smaller, well-formed module.
    let boundaries: Vec<usize> = full.sections.iter().map(|s| s.offset as usize).collect();
    for len in 0..wasm.len() {
        match module_info(&wasm[..len], &InfoOptions::default()) {
            Ok(info) => {
                assert!(boundaries.contains(&len), "prefix of {len} bytes accepted");
                assert_eq!(
                    info.sections.len(),
                    boundaries.iter().position(|&b| b == len).unwrap()
                );
            }
            // Cutting between sections can still leave the module incomplete (functions
            // declared without a code section).
            Err(e) => {
                let msg = e.to_string();
                assert!(e.offset().is_some(), "{msg}");
                assert!(!msg.contains('\n'), "{msg}");
            }
        }
    }
}

#[test]
fn malformed_body_names_the_function() {
    let mut wasm = wat::parse_str("(module (func $first) (func $broken nop nop nop))").unwrap();
    let at = wasm
        .windows(4)
        .position(|w| w == [0x01, 0x01, 0x01, 0x0b])
        .unwrap();
    wasm[at + 1] = 0xff;
    let err = module_info(&wasm, &InfoOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("in func 1 `broken`: "), "{msg}");
    assert_eq!(err.offset(), Some(at as u64 + 1));
}

#[test]
fn result_does_not_depend_on_thread_count() {
    // Enough functions to be split between threads, with features spread among them.
    let mut wat = String::from("(module (memory 1 1 shared) (func $a (result i32) i32.const 0)");
    for i in 0..600 {
        match i % 4 {
            0 => wat.push_str(
                "(func (result v128) v128.const i32x4 1 2 3 4 v128.const i32x4 0 0 0 0 i32x4.add)",
            ),
            1 => wat.push_str("(func (result i32) return_call $a)"),
            2 => wat.push_str("(func (result i32) i32.const 0 i32.atomic.load)"),
            _ => wat.push_str("(func (result i32) i32.const 1 i32.extend8_s)"),
        }
    }
    wat.push(')');
    let wasm = wat::parse_str(&wat).unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| module_info(&wasm, &InfoOptions::default()).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(4));
    let simd = feature(&one, Feature::Simd).unwrap();
    assert_eq!(simd.functions, 150);
    assert_eq!(simd.operators, 450);
    assert_eq!(simd.first_operator_function, Some(1));
    assert_eq!(
        feature(&one, Feature::TailCall)
            .unwrap()
            .first_operator_function,
        Some(2)
    );
    assert_eq!(
        feature(&one, Feature::SignExtension).unwrap().functions,
        150
    );
}

#[test]
fn component_lists_top_level_sections_only() {
    let wasm = wat::parse_str(
        r#"(component
            (core module $m (func (export "f")) (memory 1))
            (core instance (instantiate $m)))"#,
    )
    .unwrap();
    let info = module_info(&wasm, &InfoOptions::default()).unwrap();
    assert_eq!(info.kind, InputKind::Component);
    let kinds: Vec<&str> = info.sections.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, vec!["core-module", "core-instance", "custom"]);
    assert_eq!(info.sections[2].name.as_deref(), Some("component-name"));
    assert_eq!(
        info.sections.last().map(|s| s.payload_offset + s.size),
        Some(wasm.len() as u64)
    );
    assert!(
        info.features.is_empty() && info.memories.is_empty() && info.largest_functions.is_empty()
    );
}
