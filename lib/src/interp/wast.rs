//! The core of `wasm-tool wast`: runs a spec test script (`.wast`) against the interpreter and
//! reports each command as passed, failed (with why) or skipped (with the reason, for what the
//! interpreter does not support yet). It does no I/O: it takes the script's text.

use super::{
    Config, Extern, FuncType, HeapType, Instance, InstantiateError, Linker, Ref, Store, Trap,
    TrapKind, Val, ValType,
};
use crate::validate::validate;
use std::collections::BTreeMap;
use wasmparser::WasmFeatures;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::token::{F32, F64};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// How one command of a script went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// As the script expects.
    Passed,
    /// Not as the script expects: what happened.
    Failed(String),
    /// Not run: why.
    Skipped(String),
}

/// One command's outcome, with its 1-based line in the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandResult {
    /// The command's line.
    pub line: usize,
    /// How it went.
    pub outcome: Outcome,
}

/// The outcomes of every command of a script, in order.
#[derive(Clone, Debug, Default)]
pub struct ScriptReport {
    /// One entry per command.
    pub commands: Vec<CommandResult>,
}

impl ScriptReport {
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.commands.iter().filter(|c| f(&c.outcome)).count()
    }

    /// Commands that passed.
    pub fn passed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Passed))
    }

    /// Commands that failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }

    /// Commands skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped(_)))
    }
}

/// Runs the script `text` with modules validated under `features`. A script that does not
/// parse is an error (with its line and column, `path` naming it).
pub fn run_script(
    path: &str,
    text: &str,
    features: WasmFeatures,
) -> Result<ScriptReport, crate::Error> {
    let text_error = |err: wast::Error| {
        let (line, column) = err.span().linecol_in(text);
        crate::Error::new(crate::ErrorKind::Text {
            path: path.to_string(),
            line: line + 1,
            column: column + 1,
            message: err.message(),
        })
    };
    // The suite's `names.wast` uses confusable characters on purpose.
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).map_err(text_error)?;
    let script = parser::parse::<Wast<'_>>(&buf).map_err(text_error)?;
    let mut runner = Runner::new(features);
    let mut report = ScriptReport::default();
    for directive in script.directives {
        let line = directive.span().linecol_in(text).0 + 1;
        let outcome = runner.directive(directive);
        report.commands.push(CommandResult { line, outcome });
    }
    Ok(report)
}

/// An instance, or why its module could not be run.
type Slot = Result<Instance, String>;

struct Runner {
    store: Store,
    linker: Linker,
    features: WasmFeatures,
    current: Option<Slot>,
    named: BTreeMap<String, Slot>,
    /// Encoded `module definition`s by name, or why they could not be encoded.
    definitions: BTreeMap<String, Result<Vec<u8>, String>>,
    last_definition: Option<Result<Vec<u8>, String>>,
    /// Names registered for instances that could not run, with the reason.
    unavailable: BTreeMap<String, String>,
}

/// The error of a step: a failure, or a reason to skip.
enum Stop {
    Fail(String),
    Skip(String),
}

impl From<Stop> for Outcome {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::Fail(why) => Outcome::Failed(why),
            Stop::Skip(why) => Outcome::Skipped(why),
        }
    }
}

fn outcome(result: Result<(), Stop>) -> Outcome {
    match result {
        Ok(()) => Outcome::Passed,
        Err(stop) => stop.into(),
    }
}

impl Runner {
    fn new(features: WasmFeatures) -> Self {
        let mut store = Store::new(Config {
            features,
            ..Config::default()
        });
        let mut linker = Linker::new();
        let prints: [(&str, &[ValType]); 7] = [
            ("print", &[]),
            ("print_i32", &[ValType::I32]),
            ("print_i64", &[ValType::I64]),
            ("print_f32", &[ValType::F32]),
            ("print_f64", &[ValType::F64]),
            ("print_i32_f32", &[ValType::I32, ValType::F32]),
            ("print_f64_f64", &[ValType::F64, ValType::F64]),
        ];
        for (name, params) in prints {
            let f = store.add_host_func(FuncType::new(params, []), |_, _| Ok(Vec::new()));
            linker.define("spectest", name, f);
        }
        let globals = [
            ("global_i32", Val::I32(666)),
            ("global_i64", Val::I64(666)),
            ("global_f32", Val::f32(666.6)),
            ("global_f64", Val::f64(666.6)),
        ];
        for (name, value) in globals {
            let g = store.add_global(value, false);
            linker.define("spectest", name, g);
        }
        let table = store.add_table(10, Some(20));
        linker.define("spectest", "table", table);
        if let Some(memory) = store.add_memory(1, Some(2)) {
            linker.define("spectest", "memory", memory);
        }
        if let Some(memory) = store.add_shared_memory(1, 2) {
            linker.define("spectest", "shared_memory", memory);
        }
        Runner {
            store,
            linker,
            features,
            current: None,
            named: BTreeMap::new(),
            definitions: BTreeMap::new(),
            last_definition: None,
            unavailable: BTreeMap::new(),
        }
    }

    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Result<Instance, Stop> {
        let slot = match id {
            Some(id) => self.named.get(id.name()),
            None => self.current.as_ref(),
        };
        match slot {
            Some(Ok(instance)) => Ok(*instance),
            Some(Err(reason)) => Err(Stop::Skip(reason.clone())),
            None => Err(Stop::Fail("no module to run".into())),
        }
    }

    /// `assert_invalid` and `assert_malformed`: the module must fail to encode (the text parser
    /// rejects it) or to validate.
    fn expect_rejected<E>(
        &self,
        encoded: Result<Vec<u8>, E>,
        what: &str,
        message: &str,
    ) -> Result<(), Stop> {
        match encoded.map(|wasm| validate(&wasm, self.features)) {
            Ok(Ok(_)) => Err(Stop::Fail(format!(
                "expected {what} (`{message}`), it validated"
            ))),
            Err(_) | Ok(Err(_)) => Ok(()),
        }
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Instance, InstantiateError> {
        if let Some(why) = self.imports_unavailable(wasm) {
            return Err(InstantiateError::Unsupported(why));
        }
        self.store.instantiate(wasm, &self.linker)
    }

    /// Why a module cannot be linked, when it imports from a registered name whose instance could
    /// not be run: the reason it could not.
    fn imports_unavailable(&self, wasm: &[u8]) -> Option<String> {
        if self.unavailable.is_empty() {
            return None;
        }
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            let Ok(wasmparser::Payload::ImportSection(reader)) = payload else {
                continue;
            };
            for import in reader.into_imports().flatten() {
                if let Some(why) = self.unavailable.get(import.module) {
                    return Some(format!(
                        "imports from `{}`, which could not run: {}",
                        import.module,
                        why.strip_prefix("unsupported: ").unwrap_or(why)
                    ));
                }
            }
        }
        None
    }

    /// Instantiates an encoded module (or records why it could not be), as the current instance
    /// and under `name`.
    fn instantiate_into(&mut self, name: Option<String>, wasm: Result<Vec<u8>, Stop>) -> Outcome {
        let result = wasm.and_then(|wasm| {
            self.instantiate(&wasm).map_err(|err| match err {
                InstantiateError::Unsupported(what) => Stop::Skip(format!("unsupported: {what}")),
                other => Stop::Fail(format!("instantiation failed: {other}")),
            })
        });
        let slot = match &result {
            Ok(instance) => Ok(*instance),
            Err(Stop::Skip(why) | Stop::Fail(why)) => Err(why.clone()),
        };
        if let Some(name) = name {
            self.named.insert(name, slot.clone());
        }
        self.current = Some(slot);
        outcome(result.map(|_| ()))
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let result = encode(&mut module);
                self.instantiate_into(name, result)
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let result = encode(&mut module).and_then(|wasm| {
                    validate(&wasm, self.features)
                        .map(|_| wasm)
                        .map_err(|e| Stop::Fail(format!("invalid: {e}")))
                });
                let stored = match &result {
                    Ok(wasm) => Ok(wasm.clone()),
                    Err(Stop::Skip(why) | Stop::Fail(why)) => Err(why.clone()),
                };
                if let Some(name) = name {
                    self.definitions.insert(name, stored.clone());
                }
                self.last_definition = Some(stored);
                outcome(result.map(|_| ()))
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let definition = match module {
                    Some(id) => self.definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                let result = match definition {
                    Some(Ok(wasm)) => Ok(wasm),
                    Some(Err(why)) => Err(Stop::Skip(why)),
                    None => Err(Stop::Fail("no module definition to instantiate".into())),
                };
                self.instantiate_into(instance.map(|id| id.name().to_string()), result)
            }
            WastDirective::Register { name, module, .. } => {
                let result = self.instance(module);
                if let Err(Stop::Skip(why) | Stop::Fail(why)) = &result {
                    self.unavailable.insert(name.to_string(), why.clone());
                }
                outcome(result.map(|instance| {
                    self.unavailable.remove(name);
                    self.linker.define_instance(&self.store, name, instance);
                }))
            }
            WastDirective::Invoke(invoke) => outcome(self.invoke(&invoke).map(|_| ())),
            WastDirective::AssertReturn { exec, results, .. } => {
                outcome(self.assert_return(exec, &results))
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                outcome(self.assert_trap(exec, message))
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                outcome(match self.invoke(&call) {
                    Ok(values) => Err(Stop::Fail(format!(
                        "expected exhaustion `{message}`, got {}",
                        show_vals(&values)
                    ))),
                    Err(Stop::Fail(why)) => match_trap(&why, message),
                    Err(skip) => Err(skip),
                })
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => outcome(self.expect_rejected(module.encode(), "invalid", message)),
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => outcome(self.expect_rejected(module.encode(), "malformed", message)),
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => outcome(match module.encode() {
                Err(e) => Err(Stop::Fail(format!("cannot encode: {e}"))),
                Ok(wasm) => match self.instantiate(&wasm) {
                    Ok(_) => Err(Stop::Fail(format!(
                        "expected unlinkable (`{message}`), it instantiated"
                    ))),
                    Err(InstantiateError::Link(_) | InstantiateError::Limit(_)) => Ok(()),
                    Err(InstantiateError::Unsupported(what)) => {
                        Err(Stop::Skip(format!("unsupported: {what}")))
                    }
                    Err(other) => Err(Stop::Fail(format!(
                        "expected unlinkable (`{message}`), got {other}"
                    ))),
                },
            }),
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => {
                Outcome::Skipped("custom section assertions are not supported".into())
            }
            WastDirective::AssertException { exec, .. } => {
                let uncaught = TrapKind::Exception(Ref::NULL).message().to_string();
                outcome(match self.execute(exec) {
                    Ok(values) => Err(Stop::Fail(format!(
                        "expected an uncaught exception, got {}",
                        show_vals(&values)
                    ))),
                    Err(Stop::Fail(why)) if why == uncaught => Ok(()),
                    Err(Stop::Fail(why)) => Err(Stop::Fail(format!(
                        "expected an uncaught exception, got `{why}`"
                    ))),
                    Err(skip) => Err(skip),
                })
            }
            WastDirective::AssertSuspension { .. } => {
                Outcome::Skipped("unsupported: stack-switching".into())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Outcome::Skipped("unsupported: threads".into())
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, Stop> {
        let instance = self.instance(invoke.module)?;
        let args = invoke.args.iter().map(arg).collect::<Result<Vec<_>, _>>()?;
        self.store
            .call(instance, invoke.name, &args)
            .map_err(|trap: Trap| Stop::Fail(trap.kind.message().to_string()))
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, Stop> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                match self.store.export(instance, global) {
                    Some(Extern::Global(g)) => Ok(self.store.global(g).into_iter().collect()),
                    _ => Err(Stop::Fail(format!("no exported global `{global}`"))),
                }
            }
            WastExecute::Wat(mut wat) => {
                let wasm = wat
                    .encode()
                    .map_err(|e| Stop::Fail(format!("cannot encode: {e}")))?;
                match self.instantiate(&wasm) {
                    Ok(_) => Ok(Vec::new()),
                    Err(InstantiateError::Unsupported(what)) => {
                        Err(Stop::Skip(format!("unsupported: {what}")))
                    }
                    Err(InstantiateError::Trap(trap)) => {
                        Err(Stop::Fail(trap.kind.message().to_string()))
                    }
                    Err(other) => Err(Stop::Fail(format!("instantiation failed: {other}"))),
                }
            }
        }
    }

    fn assert_return(
        &mut self,
        exec: WastExecute<'_>,
        expected: &[WastRet<'_>],
    ) -> Result<(), Stop> {
        let got = self.execute(exec)?;
        if got.len() != expected.len() {
            return Err(Stop::Fail(format!(
                "expected {} results, got {got:?}",
                expected.len()
            )));
        }
        for (value, want) in got.iter().zip(expected) {
            let WastRet::Core(want) = want else {
                return Err(Stop::Skip("component-model results".into()));
            };
            if !matches_ret(&self.store, *value, want)? {
                return Err(Stop::Fail(format!(
                    "expected {}, got {}",
                    show_rets(expected),
                    show_vals(&got)
                )));
            }
        }
        Ok(())
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Result<(), Stop> {
        match self.execute(exec) {
            Ok(values) => Err(Stop::Fail(format!(
                "expected trap `{message}`, got {}",
                show_vals(&values)
            ))),
            Err(Stop::Fail(why)) => match_trap(&why, message),
            Err(skip) => Err(skip),
        }
    }
}

/// Whether a trap message satisfies the script's expected one (a prefix match either way, as the
/// spec interpreter's messages and the scripts' differ in their tails).
fn match_trap(got: &str, expected: &str) -> Result<(), Stop> {
    if got.starts_with(expected) || expected.starts_with(got) && !got.is_empty() {
        Ok(())
    } else {
        Err(Stop::Fail(format!(
            "expected trap `{expected}`, got `{got}`"
        )))
    }
}

/// Values as `i32:1 f32:nan (0x7fc00000)`, or `nothing`.
fn show_vals(values: &[Val]) -> String {
    if values.is_empty() {
        return "nothing".into();
    }
    values
        .iter()
        .map(Val::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Expected results in the same form as [`show_vals`].
fn show_rets(rets: &[WastRet<'_>]) -> String {
    fn one(ret: &WastRetCore<'_>) -> String {
        match ret {
            WastRetCore::I32(v) => Val::I32(*v).to_string(),
            WastRetCore::I64(v) => Val::I64(*v).to_string(),
            WastRetCore::F32(NanPattern::Value(v)) => Val::F32(v.bits).to_string(),
            WastRetCore::F64(NanPattern::Value(v)) => Val::F64(v.bits).to_string(),
            WastRetCore::F32(NanPattern::CanonicalNan) => "f32:nan:canonical".into(),
            WastRetCore::F32(NanPattern::ArithmeticNan) => "f32:nan:arithmetic".into(),
            WastRetCore::F64(NanPattern::CanonicalNan) => "f64:nan:canonical".into(),
            WastRetCore::F64(NanPattern::ArithmeticNan) => "f64:nan:arithmetic".into(),
            WastRetCore::Either(options) => {
                let options: Vec<String> = options.iter().map(one).collect();
                format!("either({})", options.join(" | "))
            }
            other => format!("{other:?}"),
        }
    }
    if rets.is_empty() {
        return "nothing".into();
    }
    rets.iter()
        .map(|r| match r {
            WastRet::Core(r) => one(r),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, Stop> {
    if let QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..) = module {
        return Err(Stop::Skip("unsupported: components".into()));
    }
    module
        .encode()
        .map_err(|e| Stop::Fail(format!("cannot encode the module: {e}")))
}

fn arg(arg: &WastArg<'_>) -> Result<Val, Stop> {
    match arg {
        WastArg::Core(WastArgCore::I32(v)) => Ok(Val::I32(*v)),
        WastArg::Core(WastArgCore::I64(v)) => Ok(Val::I64(*v)),
        WastArg::Core(WastArgCore::F32(v)) => Ok(Val::F32(v.bits)),
        WastArg::Core(WastArgCore::F64(v)) => Ok(Val::F64(v.bits)),
        WastArg::Core(WastArgCore::RefNull(_)) => Ok(Val::Ref(Ref::NULL)),
        WastArg::Core(WastArgCore::RefExtern(n)) => Ok(Val::Ref(Ref::host(*n))),
        // A host value seen from the `any` hierarchy, as `any.convert_extern` would give it.
        WastArg::Core(WastArgCore::RefHost(n)) => Ok(Val::Ref(Ref::host(*n).convert())),
        WastArg::Core(WastArgCore::V128(v)) => Ok(Val::V128(u128::from_le_bytes(v.to_le_bytes()))),
        other => Err(Stop::Skip(format!("unsupported argument {other:?}"))),
    }
}

fn matches_ret(store: &Store, value: Val, want: &WastRetCore<'_>) -> Result<bool, Stop> {
    Ok(match (value, want) {
        (Val::I32(v), WastRetCore::I32(w)) => v == *w,
        (Val::I64(v), WastRetCore::I64(w)) => v == *w,
        (Val::F32(v), WastRetCore::F32(w)) => f32_matches(v, w),
        (Val::F64(v), WastRetCore::F64(w)) => f64_matches(v, w),
        (Val::V128(v), WastRetCore::V128(w)) => v128_matches(v, w),
        (_, WastRetCore::Either(options)) => {
            for option in options {
                if matches_ret(store, value, option)? {
                    return Ok(true);
                }
            }
            false
        }
        (Val::Ref(r), WastRetCore::RefNull(_)) => r.is_null(),
        (Val::Ref(r), WastRetCore::RefExtern(None)) => {
            !r.is_null()
                && matches!(Val::Ref(r).ty(), ValType::Ref(t) if t.heap == HeapType::Extern)
        }
        (Val::Ref(r), WastRetCore::RefExtern(Some(n))) => r == Ref::host(*n),
        (Val::Ref(r), WastRetCore::RefHost(n)) => r == Ref::host(*n).convert(),
        (Val::Ref(r), WastRetCore::RefFunc(None)) => r.as_func().is_some(),
        // The GC patterns: a value of the `any` hierarchy (not one converted to `extern`).
        (Val::Ref(r), WastRetCore::RefAny) => matches!(
            store.ref_type_of(r),
            Some(t) if t == HeapType::Any || t == HeapType::I31 || store.is_struct(r).is_some()
        ),
        (Val::Ref(r), WastRetCore::RefEq) => {
            store.ref_type_of(r) == Some(HeapType::I31) || store.is_struct(r).is_some()
        }
        (Val::Ref(r), WastRetCore::RefI31) => store.ref_type_of(r) == Some(HeapType::I31),
        (Val::Ref(r), WastRetCore::RefStruct) => store.is_struct(r) == Some(true),
        (Val::Ref(r), WastRetCore::RefArray) => store.is_struct(r) == Some(false),
        (_, WastRetCore::RefFunc(Some(_)) | WastRetCore::RefI31Shared) => {
            return Err(Stop::Skip(format!("unsupported result {want:?}")));
        }
        _ => false,
    })
}

/// Whether `f32` bits match a value or NaN pattern.
fn f32_matches(v: u32, want: &NanPattern<F32>) -> bool {
    match want {
        NanPattern::CanonicalNan => v & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => v & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(w) => v == w.bits,
    }
}

/// Whether `f64` bits match a value or NaN pattern.
fn f64_matches(v: u64, want: &NanPattern<F64>) -> bool {
    match want {
        NanPattern::CanonicalNan => v & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => v & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(w) => v == w.bits,
    }
}

/// Whether a `v128` matches a lane pattern (integer lanes exactly, float lanes each with its
/// own value or NaN pattern).
fn v128_matches(v: u128, want: &V128Pattern) -> bool {
    let lane = |i: usize, bits: usize| (v >> (i * bits)) as u64;
    match want {
        V128Pattern::I8x16(w) => (0..16).all(|i| lane(i, 8) as u8 == w[i] as u8),
        V128Pattern::I16x8(w) => (0..8).all(|i| lane(i, 16) as u16 == w[i] as u16),
        V128Pattern::I32x4(w) => (0..4).all(|i| lane(i, 32) as u32 == w[i] as u32),
        V128Pattern::I64x2(w) => (0..2).all(|i| lane(i, 64) == w[i] as u64),
        V128Pattern::F32x4(w) => (0..4).all(|i| f32_matches(lane(i, 32) as u32, &w[i])),
        V128Pattern::F64x2(w) => (0..2).all(|i| f64_matches(lane(i, 64), &w[i])),
    }
}
