//! Translation of one function body into [`FuncCode`], validating in the same walk.
//!
//! wasmparser's `FuncValidator` checks every operator and tells the operand stack height and
//! whether the code is reachable; a control stack of our own records each label's height and
//! arity and the forward branches to patch when its `end` is met. Unreachable code is validated
//! but not emitted.

use super::InstantiateError;
use super::code::{
    BrTarget, CATCH_ALL, Catch, FuncCode, Handler, LoadKind, NO_SLOT, Op, StoreKind,
    for_each_simple_op,
};
use super::value::{FuncType, Ref, ValType};
use super::{atomic, simd};
use crate::error::{Error, ErrorKind, FuncContext};
mod ctrl;
mod fuse;
mod gc;

use wasmparser::{BlockType, FuncValidator, FunctionBody, MemArg, Operator, ValidatorResources};

/// What a body refers to, resolved to store addresses.
pub(crate) struct Env<'a> {
    /// The module's function types by type index.
    pub(crate) types: &'a [FuncType],
    /// Store signature id by type index.
    pub(crate) sigs: &'a [u32],
    /// Store address by function index.
    pub(crate) funcs: &'a [u32],
    /// Store address by global index.
    pub(crate) globals: &'a [u32],
    /// Whether each global (by index) holds a `v128` (two cells).
    pub(crate) global_v128: &'a [bool],
    /// Whether a `v128` appears in the module's function types or globals.
    pub(crate) has_v128: bool,
    /// Store address by table index.
    pub(crate) tables: &'a [u32],
    /// Store address by memory index.
    pub(crate) memories: &'a [u32],
    /// Whether memory 0 exists and is 32-bit: its loads and stores take the fast ops.
    pub(crate) fast_memory0: bool,
    /// Store address by element segment index.
    pub(crate) elems: &'a [u32],
    /// Store address by data segment index.
    pub(crate) datas: &'a [u32],
    /// Store address by tag index.
    pub(crate) tags: &'a [u32],
    /// The store's type registry (struct layouts, array elements), by the ids of `sigs`.
    pub(crate) gc_types: &'a super::gc::Types,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
}

/// Where a forward branch's target is to be written.
#[derive(Clone, Copy)]
enum Patch {
    Op(usize),
    Table(usize),
    /// A `try_table` catch clause's target.
    Catch(usize),
}

/// What makes a block a `try_table` or a legacy `try` (exception handling).
enum Try {
    /// A `try_table` whose catch clauses are `catches[first..first + len]`.
    Table { start: u32, first: u32, len: u32 },
    /// A legacy `try`: its body starts at `start`, ends at `end` (once its first `catch` is
    /// met); its catch clauses so far; the frame cell that keeps a caught exception.
    Legacy {
        start: u32,
        end: Option<u32>,
        catches: Vec<Catch>,
        slot: u32,
    },
}

struct Ctrl {
    kind: Kind,
    /// The operand stack height at the label (in cells), below the block's parameters.
    height: u32,
    /// The number of cells a branch to this label carries.
    arity: u32,
    /// A loop's first op.
    start: u32,
    patches: Vec<Patch>,
    /// An `if`'s jump to its `else`, until the `else` is met.
    else_patch: Option<usize>,
    /// Opened in unreachable code: nothing inside is emitted.
    dead: bool,
    /// Exception handling of a `try_table` or legacy `try`.
    try_: Option<Try>,
}

struct Translator<'a> {
    env: &'a Env<'a>,
    v: FuncValidator<ValidatorResources>,
    code: FuncCode,
    ctrl: Vec<Ctrl>,
    /// Parameters and declared locals, in cells: operand heights are counted above them.
    base: u32,
    max_operands: u32,
    /// Frame cells kept for legacy `catch` blocks (for `rethrow`), after the declared locals.
    catch_slots: u32,
    /// `cells[k]` is the height in cells of the validator's first `k` operands: a `v128` takes
    /// two cells, every other value one.
    cells: Vec<u32>,
    /// Each local's first cell (from the frame base) and whether it is a `v128`.
    locals: Vec<(u32, bool)>,
    /// Whether `cells` is kept: until a `v128` can be on the stack, every value is one cell
    /// and the heights are the validator's.
    track: bool,
    /// The op index of the latest label: ops before it are never fused with later ones
    /// (`translate/fuse.rs`).
    fence: usize,
}

/// Translates (and validates) the body of a function of type `ty`.
pub(crate) fn translate(
    env: &Env<'_>,
    validator: FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    ty: &FuncType,
    func: &FuncContext,
) -> Result<FuncCode, InstantiateError> {
    let invalid = |source: wasmparser::BinaryReaderError| {
        InstantiateError::Invalid(Error::new(ErrorKind::Invalid {
            func: Some(func.clone()),
            source,
        }))
    };
    let params = ty.param_cells();
    let mut t = Translator {
        env,
        v: validator,
        code: FuncCode {
            params,
            results: ty.result_cells(),
            memory: env.memories.first().map_or(usize::MAX, |&m| m as usize),
            ..FuncCode::default()
        },
        ctrl: Vec::new(),
        base: params,
        max_operands: 0,
        catch_slots: 0,
        cells: vec![0],
        locals: Vec::with_capacity(ty.params.len()),
        track: env.has_v128,
        fence: 0,
    };
    let mut next = 0u32;
    for p in &ty.params {
        t.locals.push((next, *p == ValType::V128));
        next += p.cells();
    }
    let mut locals = body.get_locals_reader().map_err(invalid)?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, vt) = locals.read().map_err(invalid)?;
        // The validator bounds the number of locals, so this loop is bounded too.
        t.v.define_locals(offset, count, vt).map_err(invalid)?;
        let wide = vt == wasmparser::ValType::V128;
        t.track |= wide;
        for _ in 0..count {
            t.locals.push((next, wide));
            next += 1 + u32::from(wide);
        }
    }
    t.code.locals = next - params;
    t.base = next;
    t.ctrl.push(Ctrl {
        kind: Kind::Func,
        height: 0,
        arity: t.code.results,
        start: 0,
        patches: Vec::new(),
        else_patch: None,
        dead: false,
        try_: None,
    });
    let mut reader = body.get_operators_reader().map_err(invalid)?;
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read().map_err(invalid)?;
        t.op(offset, &op, &invalid)?;
        // A block boundary may bind a label at the current op index: fence it off.
        if matches!(
            op,
            Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::Else
                | Operator::End
                | Operator::TryTable { .. }
                | Operator::Try { .. }
                | Operator::Catch { .. }
                | Operator::CatchAll
                | Operator::Delegate { .. }
        ) {
            t.fence = t.code.ops.len();
        }
    }
    if t.v.control_stack_height() != 0 {
        return Err(InstantiateError::Invalid(Error::malformed(
            reader.original_position(),
            format!("in {func}: control frames remain at end of function body"),
        )));
    }
    // Legacy catch slots sit between the declared locals and the operands: catch heights were
    // recorded above the locals and move up by the slots.
    let base = t.base + t.catch_slots;
    t.code.locals += t.catch_slots;
    for c in &mut t.code.catches {
        c.height += base;
    }
    t.code.max_height = base + t.max_operands + 2;
    Ok(t.code)
}

macro_rules! define_simple {
    ($($name:ident)*) => {
        /// The op of an operator that maps one to one, if it is one.
        fn simple_op(op: &Operator<'_>) -> Option<Op> {
            match op {
                $(Operator::$name => Some(Op::$name),)*
                _ => None,
            }
        }
    };
}
for_each_simple_op!(define_simple);

macro_rules! define_describe {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The proposal and name of an operator, for the `unsupported` message.
        fn describe(op: &Operator<'_>) -> (&'static str, &'static str) {
            match op {
                $(Operator::$op { .. } => (stringify!($proposal), stringify!($op)),)*
                _ => ("unknown", "operator"),
            }
        }
    };
}
wasmparser::for_each_operator!(define_describe);

/// The `unsupported` error for an operator.
fn unsupported_op(op: &Operator<'_>) -> InstantiateError {
    let (proposal, name) = describe(op);
    InstantiateError::Unsupported(format!("{proposal} operator {name}"))
}

impl Translator<'_> {
    /// Whether the code being read can run.
    fn live(&self) -> bool {
        let reachable = self.v.get_control_frame(0).is_some_and(|f| !f.unreachable);
        reachable && self.ctrl.last().is_some_and(|c| !c.dead)
    }

    /// The operand stack height in cells.
    fn height(&self) -> u32 {
        if !self.track {
            return self.v.operand_stack_height();
        }
        self.cells.last().copied().unwrap_or(0)
    }

    /// The height in cells of the first `values` operands.
    fn cells_below(&self, values: u32) -> u32 {
        if !self.track {
            return values;
        }
        self.cells
            .get(values as usize)
            .copied()
            .unwrap_or_else(|| self.height())
    }

    /// Starts tracking cell heights (at the first SIMD operator of a function that had no
    /// `v128` before it: every value so far is one cell).
    fn start_tracking(&mut self) {
        let values = self.v.operand_stack_height();
        self.cells = (0..=values).collect();
        self.track = true;
    }

    /// Brings [`Translator::cells`] up to date after an operator that popped at most `pops`
    /// values (`None`: unknown, recount everything) from a stack of `before` values.
    fn track_cells(&mut self, before: u32, pops: Option<u32>) {
        let after = self.v.operand_stack_height();
        let keep = pops.map_or(0, |p| before.saturating_sub(p)).min(after);
        self.cells.truncate(keep as usize + 1);
        for k in keep..after {
            let depth = (after - 1 - k) as usize;
            let wide = matches!(
                self.v.get_operand_type(depth),
                Some(Some(wasmparser::ValType::V128))
            );
            let top = self.height();
            self.cells.push(top + 1 + u32::from(wide));
        }
    }

    fn pc(&self) -> u32 {
        self.code.ops.len() as u32
    }

    /// A block type's parameters as (values, cells) and its results in cells.
    fn block_arity(&self, ty: BlockType) -> ((u32, u32), u32) {
        match ty {
            BlockType::Empty => ((0, 0), 0),
            BlockType::Type(vt) => ((0, 0), 1 + u32::from(vt == wasmparser::ValType::V128)),
            BlockType::FuncType(i) => match self.env.types.get(i as usize) {
                Some(f) => ((f.params.len() as u32, f.param_cells()), f.result_cells()),
                None => ((0, 0), 0),
            },
        }
    }

    /// The branch to label `depth` from an operand height of `height`: its target (0 when
    /// still to be patched), drop and keep, and the label it goes to.
    fn branch(&self, depth: u32, height: u32) -> (BrTarget, usize) {
        let i = self.ctrl.len() - 1 - (depth as usize).min(self.ctrl.len() - 1);
        let c = &self.ctrl[i];
        let keep = c.arity;
        let drop = height.saturating_sub(keep).saturating_sub(c.height);
        let target = if c.kind == Kind::Loop { c.start } else { 0 };
        (BrTarget { target, drop, keep }, i)
    }

    /// Emits a branch to label `depth` taken when the popped i32 is not zero, from an operand
    /// height (in cells, below the condition) of `height`, and records its patch at the index
    /// where `emit` put it (a fusion may have moved it).
    fn emit_br_if(&mut self, depth: u32, height: u32) {
        let (t, label) = self.branch(depth, height);
        let at = self.emit(if t.drop == 0 || self.ctrl[label].kind == Kind::Func {
            Op::JumpIfNonZero(t.target)
        } else {
            Op::BrIf {
                target: t.target,
                drop: t.drop,
                keep: t.keep,
            }
        });
        self.add_patch(label, Patch::Op(at));
    }

    /// Records a forward branch at `patch` to label `label`; loops need none.
    fn add_patch(&mut self, label: usize, patch: Patch) {
        if self.ctrl[label].kind != Kind::Loop {
            self.ctrl[label].patches.push(patch);
        }
    }

    fn patch(&mut self, patch: Patch, target: u32) {
        match patch {
            Patch::Op(at) => match &mut self.code.ops[at] {
                Op::Jump(t) | Op::JumpIfZero(t) | Op::JumpIfNonZero(t) => *t = target,
                Op::Br { target: t, .. } | Op::BrIf { target: t, .. } => *t = target,
                Op::BrOnNull { target: t, .. } | Op::BrOnNonNull { target: t, .. } => *t = target,
                op => {
                    if let Some(t) = fuse::target_mut(op) {
                        *t = target;
                    }
                }
            },
            Patch::Table(at) => self.code.br_targets[at].target = target,
            Patch::Catch(at) => self.code.catches[at].target = target,
        }
    }

    /// The memory index and offset of a load or store; threads' atomic orderings are not run.
    fn memarg(&self, op: &Operator<'_>, memarg: &MemArg) -> Result<(u32, u64), InstantiateError> {
        let wasmparser::MemArgTarget::Memory(mem) = memarg.target else {
            return Err(InstantiateError::Unsupported(format!(
                "memory operator {} on a non-memory target",
                describe(op).1,
            )));
        };
        if memarg.ordering.is_some() {
            return Err(InstantiateError::Unsupported(format!(
                "threads operator {}",
                describe(op).1,
            )));
        }
        Ok((mem, memarg.offset))
    }

    /// The store address of memory `mem`.
    fn memory(&self, mem: u32) -> u32 {
        self.env.memories[mem as usize]
    }

    fn op(
        &mut self,
        offset: u64,
        op: &Operator<'_>,
        invalid: &dyn Fn(wasmparser::BinaryReaderError) -> InstantiateError,
    ) -> Result<(), InstantiateError> {
        if !self.track && matches!(describe(op).0, "simd" | "relaxed_simd") {
            self.start_tracking();
        }
        let live = self.live();
        let height = self.height();
        let values = self.v.operand_stack_height();
        if !self.track {
            self.v.op(offset, op).map_err(invalid)?;
            self.max_operands = self.max_operands.max(self.height());
        } else {
            let pops = op.operator_arity(&self.v).map(|(pops, _)| pops);
            // The type of the top operand before the operator, for `drop` and `select`.
            let top_wide = matches!(
                self.v.get_operand_type(0),
                Some(Some(wasmparser::ValType::V128))
            );
            self.v.op(offset, op).map_err(invalid)?;
            self.track_cells(values, pops);
            self.max_operands = self.max_operands.max(self.height());
            if top_wide && matches!(op, Operator::Drop) {
                self.emit_if(live, Op::Drop2);
                return Ok(());
            }
            if matches!(op, Operator::Select | Operator::TypedSelect { .. })
                && self.height() >= 2
                && self.height() - self.cells_below(self.v.operand_stack_height() - 1) == 2
            {
                self.emit_if(live, Op::Select2);
                return Ok(());
            }
        }
        // SIMD (simd.rs).
        if let Some(s) = simd::simd_op(op) {
            let mut consts = std::mem::take(&mut self.code.v128_consts);
            let simd = simd::translate(op, s, &mut consts, |m| {
                let (mem, offset) = self.memarg(op, m)?;
                Ok(match u32::try_from(offset) {
                    Ok(offset) if mem == 0 && self.env.fast_memory0 => simd::MemAt::First(offset),
                    _ => simd::MemAt::Any {
                        mem: self.memory(mem),
                        offset,
                    },
                })
            });
            self.code.v128_consts = consts;
            self.emit_if(live, simd?);
            return Ok(());
        }
        // Atomics (atomic.rs): threads with single-threaded semantics.
        if let Some((kind, bytes, memarg)) = atomic::atomic_op(op) {
            // On one thread every memory ordering holds: `memarg.ordering` needs nothing.
            let wasmparser::MemArgTarget::Memory(mem) = memarg.target else {
                return Err(unsupported_op(op));
            };
            let (mem, offset) = (self.memory(mem), memarg.offset);
            self.emit_if(
                live,
                Op::Atomic {
                    kind,
                    bytes,
                    mem,
                    offset,
                },
            );
            return Ok(());
        }
        if let Operator::AtomicFence { .. } = op {
            return Ok(());
        }
        if let Some(simple) = simple_op(op) {
            if live {
                self.emit(simple);
            }
            return Ok(());
        }
        // GC (translate/gc.rs).
        if self.gc_op(op, live, height)? {
            return Ok(());
        }
        let dead = !live;
        match *op {
            Operator::Nop => {}
            Operator::Unreachable => {
                if live {
                    self.emit(Op::Unreachable);
                }
            }
            Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
                let ((param_values, params), results) = self.block_arity(blockty);
                let is_if = matches!(op, Operator::If { .. });
                let below =
                    self.cells_below(values.saturating_sub(param_values + u32::from(is_if)));
                let mut ctrl = Ctrl {
                    kind: Kind::Block,
                    height: below,
                    arity: results,
                    start: self.pc(),
                    patches: Vec::new(),
                    else_patch: None,
                    dead,
                    try_: None,
                };
                if matches!(op, Operator::Loop { .. }) {
                    ctrl.kind = Kind::Loop;
                    ctrl.arity = params;
                } else if is_if {
                    ctrl.kind = Kind::If;
                    if live {
                        ctrl.else_patch = Some(self.emit(Op::JumpIfZero(0)));
                    }
                }
                self.ctrl.push(ctrl);
            }
            Operator::Else => {
                if live {
                    let at = self.code.ops.len();
                    self.emit(Op::Jump(0));
                    if let Some(c) = self.ctrl.last_mut() {
                        c.patches.push(Patch::Op(at));
                    }
                }
                let pc = self.pc();
                if let Some(at) = self.ctrl.last_mut().and_then(|c| c.else_patch.take()) {
                    self.patch(Patch::Op(at), pc);
                }
            }
            Operator::End => {
                let Some(mut c) = self.ctrl.pop() else {
                    return Ok(());
                };
                let pc = self.pc();
                self.end_try(c.try_.take(), c.dead, pc, u32::MAX);
                if let Some(at) = c.else_patch {
                    self.patch(Patch::Op(at), pc);
                }
                for p in c.patches {
                    self.patch(p, pc);
                }
                if c.kind == Kind::Func {
                    self.emit(Op::Return);
                }
            }
            Operator::Br { relative_depth } => {
                if live {
                    let (t, label) = self.branch(relative_depth, height);
                    if self.ctrl[label].kind == Kind::Func {
                        self.emit(Op::Return);
                    } else {
                        let at = self.code.ops.len();
                        self.emit(if t.drop == 0 {
                            Op::Jump(t.target)
                        } else {
                            Op::Br {
                                target: t.target,
                                drop: t.drop,
                                keep: t.keep,
                            }
                        });
                        self.add_patch(label, Patch::Op(at));
                    }
                }
            }
            Operator::BrIf { relative_depth } => {
                if live {
                    self.emit_br_if(relative_depth, height - 1);
                }
            }
            Operator::BrTable { ref targets } => {
                if live {
                    let start = self.code.br_targets.len() as u32;
                    let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                    for depth in targets.targets() {
                        depths.push(depth.map_err(invalid)?);
                    }
                    depths.push(targets.default());
                    for depth in &depths {
                        let (t, label) = self.branch(*depth, height - 1);
                        self.add_patch(label, Patch::Table(self.code.br_targets.len()));
                        self.code.br_targets.push(t);
                    }
                    self.emit(Op::BrTable {
                        start,
                        len: depths.len() as u32,
                    });
                }
            }
            Operator::Return => {
                if live {
                    self.emit(Op::Return);
                }
            }
            Operator::Call { function_index } => {
                if live {
                    let addr = self.env.funcs[function_index as usize];
                    self.emit(Op::Call(addr));
                }
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                if live {
                    let sig = self.env.sigs[type_index as usize];
                    let table = self.env.tables[table_index as usize];
                    self.emit(Op::CallIndirect { sig, table });
                }
            }
            Operator::TypedSelect { .. } => self.emit_if(live, Op::Select),
            Operator::LocalGet { local_index }
            | Operator::LocalSet { local_index }
            | Operator::LocalTee { local_index } => {
                let (at, wide) = self.locals[local_index as usize];
                let local_op = match (op, wide) {
                    (Operator::LocalGet { .. }, false) => Op::LocalGet(at),
                    (Operator::LocalSet { .. }, false) => Op::LocalSet(at),
                    (Operator::LocalTee { .. }, false) => Op::LocalTee(at),
                    (Operator::LocalGet { .. }, true) => Op::LocalGet2(at),
                    (Operator::LocalSet { .. }, true) => Op::LocalSet2(at),
                    (_, true) => Op::LocalTee2(at),
                    (_, false) => Op::LocalTee(at),
                };
                self.emit_if(live, local_op);
            }
            Operator::GlobalGet { global_index } | Operator::GlobalSet { global_index } => {
                let addr = self.env.globals[global_index as usize];
                let wide = self.env.global_v128[global_index as usize];
                let global_op = match (op, wide) {
                    (Operator::GlobalGet { .. }, false) => Op::GlobalGet(addr),
                    (Operator::GlobalGet { .. }, true) => Op::GlobalGet2(addr),
                    (_, false) => Op::GlobalSet(addr),
                    (_, true) => Op::GlobalSet2(addr),
                };
                self.emit_if(live, global_op);
            }
            Operator::I32Const { value } => self.emit_if(live, Op::I32Const(value)),
            Operator::I64Const { value } => self.emit_if(live, Op::I64Const(value)),
            Operator::F32Const { value } => self.emit_if(live, Op::F32Const(value.bits())),
            Operator::F64Const { value } => self.emit_if(live, Op::F64Const(value.bits())),
            Operator::I32ReinterpretF32
            | Operator::F32ReinterpretI32
            | Operator::I64ReinterpretF64
            | Operator::F64ReinterpretI64 => {}
            Operator::MemorySize { mem: 0 } => self.emit_if(live, Op::MemorySize),
            Operator::MemoryGrow { mem: 0 } => self.emit_if(live, Op::MemoryGrow),
            Operator::MemoryFill { mem: 0 } => self.emit_if(live, Op::MemoryFill),
            Operator::MemoryCopy {
                dst_mem: 0,
                src_mem: 0,
            } => self.emit_if(live, Op::MemoryCopy),
            Operator::I32Load { ref memarg }
            | Operator::I64Load { ref memarg }
            | Operator::F32Load { ref memarg }
            | Operator::F64Load { ref memarg }
            | Operator::I32Load8S { ref memarg }
            | Operator::I32Load8U { ref memarg }
            | Operator::I32Load16S { ref memarg }
            | Operator::I32Load16U { ref memarg }
            | Operator::I64Load8S { ref memarg }
            | Operator::I64Load8U { ref memarg }
            | Operator::I64Load16S { ref memarg }
            | Operator::I64Load16U { ref memarg }
            | Operator::I64Load32S { ref memarg }
            | Operator::I64Load32U { ref memarg }
            | Operator::I32Store { ref memarg }
            | Operator::I64Store { ref memarg }
            | Operator::F32Store { ref memarg }
            | Operator::F64Store { ref memarg }
            | Operator::I32Store8 { ref memarg }
            | Operator::I32Store16 { ref memarg }
            | Operator::I64Store8 { ref memarg }
            | Operator::I64Store16 { ref memarg }
            | Operator::I64Store32 { ref memarg } => {
                let (mem, offset) = self.memarg(op, memarg)?;
                let small = u32::try_from(offset).ok();
                let mem_op = match small {
                    Some(offset) if mem == 0 && self.env.fast_memory0 => match op {
                        Operator::I32Load { .. } => Op::I32Load { offset },
                        Operator::I64Load { .. } => Op::I64Load { offset },
                        Operator::F32Load { .. } => Op::F32Load { offset },
                        Operator::F64Load { .. } => Op::F64Load { offset },
                        Operator::I32Load8S { .. } => Op::I32Load8S { offset },
                        Operator::I32Load8U { .. } => Op::I32Load8U { offset },
                        Operator::I32Load16S { .. } => Op::I32Load16S { offset },
                        Operator::I32Load16U { .. } => Op::I32Load16U { offset },
                        Operator::I64Load8S { .. } => Op::I64Load8S { offset },
                        Operator::I64Load8U { .. } => Op::I64Load8U { offset },
                        Operator::I64Load16S { .. } => Op::I64Load16S { offset },
                        Operator::I64Load16U { .. } => Op::I64Load16U { offset },
                        Operator::I64Load32S { .. } => Op::I64Load32S { offset },
                        Operator::I64Load32U { .. } => Op::I64Load32U { offset },
                        Operator::I32Store { .. } => Op::I32Store { offset },
                        Operator::I64Store { .. } => Op::I64Store { offset },
                        Operator::F32Store { .. } => Op::F32Store { offset },
                        Operator::F64Store { .. } => Op::F64Store { offset },
                        Operator::I32Store8 { .. } => Op::I32Store8 { offset },
                        Operator::I32Store16 { .. } => Op::I32Store16 { offset },
                        Operator::I64Store8 { .. } => Op::I64Store8 { offset },
                        Operator::I64Store16 { .. } => Op::I64Store16 { offset },
                        _ => Op::I64Store32 { offset },
                    },
                    _ => self.general_memory_op(op, mem, offset),
                };
                self.emit_if(live, mem_op);
            }

            // ---- refs: reference types, tables, segments, multi-memory ----
            Operator::RefNull { .. } => self.emit_if(live, Op::I64Const(0)),
            Operator::RefIsNull => self.emit_if(live, Op::I64Eqz),
            Operator::RefFunc { function_index } => {
                let bits = Ref::func(self.env.funcs[function_index as usize]).to_bits();
                self.emit_if(live, Op::I64Const(bits as i64));
            }
            Operator::TableGet { table } => self.emit_if(live, Op::TableGet(self.table(table))),
            Operator::TableSet { table } => self.emit_if(live, Op::TableSet(self.table(table))),
            Operator::TableSize { table } => self.emit_if(live, Op::TableSize(self.table(table))),
            Operator::TableGrow { table } => self.emit_if(live, Op::TableGrow(self.table(table))),
            Operator::TableFill { table } => self.emit_if(live, Op::TableFill(self.table(table))),
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src) = (self.table(dst_table), self.table(src_table));
                self.emit_if(live, Op::TableCopy { dst, src });
            }
            Operator::TableInit { elem_index, table } => {
                let (table, elem) = (self.table(table), self.env.elems[elem_index as usize]);
                self.emit_if(live, Op::TableInit { table, elem });
            }
            Operator::ElemDrop { elem_index } => {
                self.emit_if(live, Op::ElemDrop(self.env.elems[elem_index as usize]));
            }
            Operator::MemoryInit { data_index, mem } => {
                let (mem, data) = (self.memory(mem), self.env.datas[data_index as usize]);
                self.emit_if(live, Op::MemoryInit { mem, data });
            }
            Operator::DataDrop { data_index } => {
                self.emit_if(live, Op::DataDrop(self.env.datas[data_index as usize]));
            }
            Operator::MemorySize { mem } => self.emit_if(live, Op::MemorySizeAt(self.memory(mem))),
            Operator::MemoryGrow { mem } => self.emit_if(live, Op::MemoryGrowAt(self.memory(mem))),
            Operator::MemoryFill { mem } => self.emit_if(live, Op::MemoryFillAt(self.memory(mem))),
            Operator::MemoryCopy { dst_mem, src_mem } => {
                let (dst, src) = (self.memory(dst_mem), self.memory(src_mem));
                self.emit_if(live, Op::MemoryCopyAt { dst, src });
            }
            _ => return self.ctrl_op(op, live, height, values, invalid),
        }
        Ok(())
    }

    /// The store address of table `table`.
    fn table(&self, table: u32) -> u32 {
        self.env.tables[table as usize]
    }

    /// The general load or store of `op` on memory index `mem` (a store address in the op).
    fn general_memory_op(&self, op: &Operator<'_>, mem: u32, offset: u64) -> Op {
        let mem = self.memory(mem);
        let load = |kind| Op::Load { kind, mem, offset };
        let store = |kind| Op::Store { kind, mem, offset };
        match op {
            Operator::I32Load { .. } => load(LoadKind::I32),
            Operator::I64Load { .. } => load(LoadKind::I64),
            Operator::F32Load { .. } => load(LoadKind::F32),
            Operator::F64Load { .. } => load(LoadKind::F64),
            Operator::I32Load8S { .. } => load(LoadKind::I32S8),
            Operator::I32Load8U { .. } => load(LoadKind::I32U8),
            Operator::I32Load16S { .. } => load(LoadKind::I32S16),
            Operator::I32Load16U { .. } => load(LoadKind::I32U16),
            Operator::I64Load8S { .. } => load(LoadKind::I64S8),
            Operator::I64Load8U { .. } => load(LoadKind::I64U8),
            Operator::I64Load16S { .. } => load(LoadKind::I64S16),
            Operator::I64Load16U { .. } => load(LoadKind::I64U16),
            Operator::I64Load32S { .. } => load(LoadKind::I64S32),
            Operator::I64Load32U { .. } => load(LoadKind::I64U32),
            Operator::I32Store8 { .. } | Operator::I64Store8 { .. } => store(StoreKind::B1),
            Operator::I32Store16 { .. } | Operator::I64Store16 { .. } => store(StoreKind::B2),
            Operator::I32Store { .. } | Operator::F32Store { .. } | Operator::I64Store32 { .. } => {
                store(StoreKind::B4)
            }
            _ => store(StoreKind::B8),
        }
    }

    fn emit_if(&mut self, live: bool, op: Op) {
        if live {
            self.emit(op);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Config, FuncInst, Linker, Store, Val};
    use super::*;

    fn code_of(wat: &str) -> FuncCode {
        let wasm = wat::parse_str(wat).unwrap();
        let mut store = Store::new(Config::default());
        store.instantiate(&wasm, &Linker::new()).unwrap();
        match &store.funcs[0] {
            FuncInst::Wasm { code, .. } => code.clone(),
            FuncInst::Host { .. } => panic!("not a wasm function"),
        }
    }

    #[test]
    fn forward_branch_is_patched_with_its_stack_adjustment() {
        let code = code_of(
            "(module (func (result i32)
                (block (result i32)
                    i32.const 1 i32.const 2 i32.const 3
                    br 0)
                ))",
        );
        assert_eq!(
            code.ops,
            [
                Op::I32Const(1),
                Op::I32Const(2),
                Op::I32Const(3),
                Op::Br {
                    target: 4,
                    drop: 2,
                    keep: 1
                },
                Op::Return,
            ]
        );
    }

    #[test]
    fn loops_branch_backward_and_if_else_jumps() {
        let code = code_of(
            "(module (func (param i32) (result i32)
                (loop $l (br_if $l (local.get 0)))
                (if (result i32) (local.get 0) (then i32.const 1) (else i32.const 2))))",
        );
        assert_eq!(
            code.ops,
            [
                // `local.get; br_if` and `local.get; if` are fused (`translate/fuse.rs`).
                Op::JumpIfLocalNonZero {
                    local: 0,
                    target: 0
                },
                Op::JumpIfLocalZero {
                    local: 0,
                    target: 4
                },
                Op::I32Const(1),
                Op::Jump(5),
                Op::I32Const(2),
                Op::Return,
            ]
        );
    }

    #[test]
    fn fuses_operands_but_never_across_a_label() {
        let wat = "(module (func (export \"f\") (param i32) (result i32)
            (local.get 0) (i32.const 1) (i32.add) (local.set 0)
            (local.get 0)
            (block (result i32) (i32.const 2) (local.get 0) (br_if 0) (drop) (i32.const 3))
            (i32.add)))";
        let code = code_of(wat);
        assert_eq!(
            code.ops,
            [
                Op::I32AddLCS {
                    local: 0,
                    c: 1,
                    dst: 0
                },
                Op::LocalGet(0),
                Op::I32Const(2),
                Op::JumpIfLocalNonZero {
                    local: 0,
                    target: 6
                },
                Op::Drop,
                Op::I32Const(3),
                // The block's end is a branch target: no `I32AddC(3)` here.
                Op::I32Add,
                Op::Return,
            ]
        );
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        assert_eq!(store.call(i, "f", &[Val::I32(4)]).unwrap(), [Val::I32(7)]);
        assert_eq!(store.call(i, "f", &[Val::I32(-1)]).unwrap(), [Val::I32(3)]);
    }

    #[test]
    fn br_table_targets_and_dead_code() {
        let code = code_of(
            "(module (func (param i32) (result i32)
                (block (block (br_table 0 1 (local.get 0)) unreachable i32.const 9 drop)
                    (return (i32.const 10)))
                i32.const 20))",
        );
        // Nothing after the br_table in its block is emitted.
        assert_eq!(code.ops[1], Op::BrTable { start: 0, len: 2 });
        assert_eq!(code.ops[2], Op::I32Const(10));
        let targets: Vec<u32> = code.br_targets.iter().map(|t| t.target).collect();
        assert_eq!(targets, [2, 4]);
        let wasm = wat::parse_str(
            "(module (func (export \"f\") (param i32) (result i32)
                (block (block (br_table 0 1 (local.get 0)))
                    (return (i32.const 10)))
                i32.const 20))",
        )
        .unwrap();
        let mut store = Store::new(Config::default());
        let i = store.instantiate(&wasm, &Linker::new()).unwrap();
        assert_eq!(store.call(i, "f", &[Val::I32(0)]).unwrap(), [Val::I32(10)]);
        assert_eq!(store.call(i, "f", &[Val::I32(7)]).unwrap(), [Val::I32(20)]);
    }

    #[test]
    fn unsupported_operators_are_named() {
        let wasm = wat::parse_str(
            "(module (memory 1) (func (memory.discard (i32.const 0) (i32.const 0))))",
        )
        .unwrap();
        let mut store = Store::new(Config::default());
        let err = store.instantiate(&wasm, &Linker::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unsupported: memory_control operator MemoryDiscard"
        );
    }
}
