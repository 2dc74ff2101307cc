//! Startup modules for `bench interp`: a corpus module turned into a WASI command that does
//! nothing but instantiate.
//!
//! Every import becomes a local definition: a function whose body is `unreachable`, a global
//! initialized to zero (or null), a memory, table or tag of the imported type. Imported items
//! come first in their index spaces, so putting their stand-ins first among the definitions keeps
//! every index, and function bodies are copied byte for byte. Constant expressions may read only
//! imported globals, so there a `global.get` of one becomes its zero (an Emscripten module's data
//! offsets from `__memory_base` become 0). The start function is dropped (it would call the
//! stand-ins), and so are custom sections; a new empty function is exported as `_start`
//! (replacing any `_start` export), and the first memory as `memory` if no export has that name.

use anyhow::{Context, bail};
use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{ConstExpr, Encode, Instruction};

/// A WASI command that does nothing: one page of memory and an empty `_start`.
pub(super) fn empty_command() -> Vec<u8> {
    use wasm_encoder::{
        CodeSection, ExportKind, ExportSection, Function, FunctionSection, MemorySection,
        MemoryType, Module, TypeSection,
    };
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    module.section(&types);
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    module.section(&funcs);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("_start", ExportKind::Func, 0);
    exports.export("memory", ExportKind::Memory, 0);
    module.section(&exports);
    let mut code = CodeSection::new();
    let mut body = Function::new([]);
    body.instructions().end();
    code.function(&body);
    module.section(&code);
    module.finish()
}

/// The reencoder of [`stub_imports`]: in constant expressions (global initializers, segment
/// offsets), a `global.get` of an imported global becomes that global's zero, because only
/// imported globals may be read there in Wasm 2.0 and the stand-ins are not imports.
struct Stubber {
    imported_globals: Vec<wasmparser::ValType>,
}

impl Stubber {
    /// The zero (or null) constant of `ty`. A non-nullable reference has no such constant: the
    /// import section rejects such globals before any use.
    fn zero(
        &mut self,
        ty: wasmparser::ValType,
    ) -> Result<Instruction<'static>, reencode::Error<std::convert::Infallible>> {
        use wasmparser::ValType;
        Ok(match ty {
            ValType::I32 => Instruction::I32Const(0),
            ValType::I64 => Instruction::I64Const(0),
            ValType::F32 => Instruction::F32Const(0.0.into()),
            ValType::F64 => Instruction::F64Const(0.0.into()),
            ValType::V128 => Instruction::V128Const(0),
            ValType::Ref(r) => Instruction::RefNull(self.heap_type(r.heap_type())?),
        })
    }
}

impl Reencode for Stubber {
    type Error = std::convert::Infallible;

    fn const_expr(
        &mut self,
        expr: wasmparser::ConstExpr,
    ) -> Result<ConstExpr, reencode::Error<Self::Error>> {
        let mut ops = expr.get_operators_reader();
        let mut bytes = Vec::new();
        while !ops.is_end_then_eof() {
            let insn = match ops.read()? {
                wasmparser::Operator::GlobalGet { global_index }
                    if (global_index as usize) < self.imported_globals.len() =>
                {
                    self.zero(self.imported_globals[global_index as usize])?
                }
                op => self.instruction(op)?,
            };
            insn.encode(&mut bytes);
        }
        Ok(ConstExpr::raw(bytes))
    }
}

/// Rewrites `wasm` into a WASI command that only instantiates (see the module docs).
pub(super) fn stub_imports(wasm: &[u8]) -> anyhow::Result<Vec<u8>> {
    use wasm_encoder::{
        CodeSection, DataSection, ElementSection, ExportKind, ExportSection, FunctionSection,
        GlobalSection, MemorySection, Module, RawSection, TableSection, TagSection, TypeSection,
    };
    use wasmparser::{Parser, Payload, TypeRef};

    let mut re = Stubber {
        imported_globals: Vec::new(),
    };
    let mut types = TypeSection::new();
    let mut type_count = 0u32;
    let mut funcs = FunctionSection::new();
    let mut tables = TableSection::new();
    let mut memories = MemorySection::new();
    let mut tags = TagSection::new();
    let mut globals = GlobalSection::new();
    let mut elements = ElementSection::new();
    let mut data_count = None;
    let mut code = CodeSection::new();
    let mut data = DataSection::new();
    let mut exports = Vec::new();
    let mut imported_funcs = 0u32;
    let mut defined_funcs = 0u32;
    let mut has_memory = false;

    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for group in reader.clone() {
                    type_count += u32::try_from(group?.types().len())?;
                }
                re.parse_type_section(&mut types, reader)?;
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import?.ty {
                        TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                            funcs.function(ty);
                            imported_funcs += 1;
                        }
                        TypeRef::Table(ty) => {
                            if !ty.element_type.is_nullable() {
                                bail!("imports a table of non-nullable references");
                            }
                            tables.table(re.table_type(ty)?);
                        }
                        TypeRef::Memory(ty) => {
                            memories.memory(re.memory_type(ty)?);
                            has_memory = true;
                        }
                        TypeRef::Global(ty) => {
                            if let wasmparser::ValType::Ref(r) = ty.content_type
                                && !r.is_nullable()
                            {
                                bail!("imports a global of a non-nullable reference");
                            }
                            let init = re.zero(ty.content_type)?;
                            globals.global(re.global_type(ty)?, &ConstExpr::extended([init]));
                            re.imported_globals.push(ty.content_type);
                        }
                        TypeRef::Tag(ty) => {
                            tags.tag(re.tag_type(ty)?);
                        }
                    }
                }
                // The stand-ins' bodies come first in the code section: no locals, `unreachable`.
                for _ in 0..imported_funcs {
                    code.raw(&[0, 0x00, 0x0b]);
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    funcs.function(ty?);
                    defined_funcs += 1;
                }
            }
            Payload::TableSection(reader) => re.parse_table_section(&mut tables, reader)?,
            Payload::MemorySection(reader) => {
                has_memory |= reader.count() > 0;
                re.parse_memory_section(&mut memories, reader)?;
            }
            Payload::TagSection(reader) => re.parse_tag_section(&mut tags, reader)?,
            Payload::GlobalSection(reader) => re.parse_global_section(&mut globals, reader)?,
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.name != "_start" {
                        let kind = ExportKind::from(export.kind);
                        exports.push((export.name.to_owned(), kind, export.index));
                    }
                }
            }
            Payload::ElementSection(reader) => re.parse_element_section(&mut elements, reader)?,
            Payload::DataCountSection { range, .. } => data_count = Some(range),
            Payload::DataSection(reader) => re.parse_data_section(&mut data, reader)?,
            Payload::CodeSectionEntry(body) => {
                code.raw(body.as_bytes());
            }
            Payload::StartSection { .. }
            | Payload::CustomSection(_)
            | Payload::Version { .. }
            | Payload::CodeSectionStart { .. }
            | Payload::End(_) => {}
            other => bail!("unsupported section {other:?}"),
        }
    }

    // The new `_start`: an empty function of a new type `[] -> []`.
    types.ty().function([], []);
    funcs.function(type_count);
    code.raw(&[0, 0x0b]);
    let start = imported_funcs + defined_funcs;

    let mut module = Module::new();
    module.section(&types);
    module.section(&funcs);
    module.section(&tables);
    module.section(&memories);
    if !tags.is_empty() {
        module.section(&tags);
    }
    module.section(&globals);
    let mut export_section = ExportSection::new();
    let mut exports_memory = false;
    for (name, kind, index) in &exports {
        exports_memory |= name == "memory";
        export_section.export(name, *kind, *index);
    }
    export_section.export("_start", ExportKind::Func, start);
    if has_memory && !exports_memory {
        export_section.export("memory", ExportKind::Memory, 0);
    }
    module.section(&export_section);
    if !elements.is_empty() {
        module.section(&elements);
    }
    if let Some(range) = data_count {
        let data = usize::try_from(range.start)
            .ok()
            .zip(usize::try_from(range.end).ok())
            .and_then(|(start, end)| wasm.get(start..end))
            .context("data count section out of bounds")?;
        module.section(&RawSection { id: 12, data });
    }
    module.section(&code);
    if !data.is_empty() {
        module.section(&data);
    }
    Ok(module.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_tool_lib::interp::{Config, Linker, Store, TrapKind, Val};

    fn validate(wasm: &[u8]) {
        wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
            .validate_all(wasm)
            .unwrap_or_else(|e| panic!("invalid stub: {e}"));
    }

    #[test]
    fn stub_keeps_indices_and_instantiates_alone() {
        let wasm = wat::parse_str(
            r#"(module
                (type $v (func))
                (import "env" "log" (func $log (param i32)))
                (import "env" "base" (global $base i32))
                (import "env" "mem" (memory 1 2))
                (import "env" "tab" (table 2 funcref))
                (import "env" "now" (func $now (result i64)))
                (global $g (mut i32) (i32.const 5))
                (global $h i32 (global.get $base))
                (func $start (call $log (i32.const 1)))
                (func $answer (export "answer") (result i32) (i32.add (global.get $g) (i32.const 37)))
                (func (export "_start") (call $log (i32.const 2)))
                (func (export "calls_import") (drop (call $now)))
                (func (export "load") (result i32) (i32.load (global.get $h)))
                (elem (i32.const 0) $answer $log)
                (data (global.get $base) "\2a")
                (start $start))"#,
        )
        .unwrap();
        let stub = stub_imports(&wasm).unwrap();
        validate(&stub);
        let mut store = Store::new(Config::default());
        // The start function would call the `log` stand-in and trap: it is gone.
        let instance = store.instantiate(&stub, &Linker::new()).unwrap();
        assert_eq!(store.call(instance, "_start", &[]).unwrap(), []);
        // Defined functions and globals kept their indices.
        assert_eq!(store.call(instance, "answer", &[]).unwrap(), [Val::I32(42)]);
        // The imported global became a zero, so the data landed at address 0.
        assert_eq!(store.call(instance, "load", &[]).unwrap(), [Val::I32(42)]);
        let trap = store.call(instance, "calls_import", &[]).unwrap_err();
        assert!(matches!(trap.kind, TrapKind::Unreachable), "{trap}");
        // The memory got exported for WASI.
        assert!(store.export(instance, "memory").is_some());
    }

    #[test]
    fn empty_command_runs() {
        let wasm = empty_command();
        validate(&wasm);
        let mut store = Store::new(Config::default());
        let instance = store.instantiate(&wasm, &Linker::new()).unwrap();
        assert_eq!(store.call(instance, "_start", &[]).unwrap(), []);
    }

    #[test]
    fn stubs_a_corpus_module() {
        let dir = crate::corpus::corpus_dir();
        let Ok(wasm) = std::fs::read(dir.join("sqlite3.wasm")) else {
            eprintln!("corpus absent ({}): skipped", dir.display());
            return;
        };
        let stub = stub_imports(&wasm).unwrap();
        validate(&stub);
        let exports = wasmparser::Parser::new(0)
            .parse_all(&stub)
            .filter_map(|p| match p {
                Ok(wasmparser::Payload::ExportSection(r)) => Some(r),
                _ => None,
            })
            .flat_map(|r| r.into_iter().map(|e| e.unwrap().name.to_owned()))
            .collect::<Vec<_>>();
        assert!(exports.iter().any(|e| e == "_start"), "{exports:?}");
        assert!(exports.iter().any(|e| e == "memory"), "{exports:?}");
    }
}
