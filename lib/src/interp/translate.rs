//! Translation of one function body into [`FuncCode`], validating in the same walk.
//!
//! wasmparser's `FuncValidator` checks every operator and tells the operand stack height and
//! whether the code is reachable; a control stack of our own records each label's height and
//! arity and the forward branches to patch when its `end` is met. Unreachable code is validated
//! but not emitted. Operands live in frame cells known at translation (`translate/regs.rs`).

use super::InstantiateError;
use super::code::{
    BrTarget, CATCH_ALL, Catch, FuncCode, Handler, LoadKind, NO_SLOT, Op, StoreKind,
};
use super::value::{FuncType, Ref, ValType};
use super::{atomic, simd, threaded};
use crate::error::{Error, ErrorKind, FuncContext};
mod ctrl;
mod gc;
mod regs;
mod vector;

use regs::{Numeric, Src};

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
    /// The ops translated so far (they become `code.slots` at the end).
    ops: Vec<Op>,
    ctrl: Vec<Ctrl>,
    /// The frame cells below the operands (parameters, declared locals, legacy catch
    /// slots): operand heights are counted above them.
    base: u32,
    /// The cells of the parameters and declared locals: the legacy catch slots start here.
    locals_end: u32,
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
    /// The op index of the latest label: ops before it are never rewritten by later ones
    /// (`translate/regs.rs`).
    fence: usize,
    /// Whether a label may be bound at `fence` (false until the body's first block boundary).
    fenced: bool,
    /// Operands deferred as providers, by position (`translate/regs.rs`).
    providers: Vec<(u32, Src)>,
    /// Whether the stack pointer is known to be right above the operands (for stack ops).
    synced: bool,
    /// The latest op, when it writes only the home cell of the operand at this position.
    last: Option<(usize, u32)>,
    /// While a register op is translated with cell tracking on: `cells_below` of the positions
    /// from `popped_from` as they were before validation popped them.
    popped: Vec<u32>,
    popped_from: u32,
}

/// Translates (and validates) the body of a function of type `ty`.
pub(crate) fn translate(
    env: &Env<'_>,
    validator: FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    ty: &FuncType,
    func: &FuncContext,
) -> Result<FuncCode, InstantiateError> {
    // Operand cells sit above the frame cells of legacy `catch` blocks, whose number is known
    // only at the end: a body that needs more than assumed is translated again.
    let (code, catch_slots) = translate_with(env, validator.clone(), body, ty, func, 0)?;
    if catch_slots == 0 {
        return Ok(code);
    }
    translate_with(env, validator, body, ty, func, catch_slots).map(|(code, _)| code)
}

/// [`translate`] with `catch_slots` frame cells kept for legacy `catch` blocks; returns the
/// code and the number the body needs.
fn translate_with(
    env: &Env<'_>,
    validator: FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    ty: &FuncType,
    func: &FuncContext,
    catch_slots: u32,
) -> Result<(FuncCode, u32), InstantiateError> {
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
        ops: Vec::new(),
        ctrl: Vec::new(),
        base: params,
        locals_end: params,
        max_operands: 0,
        catch_slots: 0,
        cells: vec![0],
        locals: Vec::with_capacity(ty.params.len()),
        track: env.has_v128,
        fence: 0,
        fenced: false,
        providers: Vec::new(),
        synced: false,
        last: None,
        popped: Vec::new(),
        popped_from: 0,
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
    t.code.locals = next - params + catch_slots;
    t.locals_end = next;
    t.base = next + catch_slots;
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
            t.fence = t.ops.len();
            t.fenced = true;
            t.synced = false;
            t.last = None;
        }
    }
    if t.v.control_stack_height() != 0 {
        return Err(InstantiateError::Invalid(Error::malformed(
            reader.original_position(),
            format!("in {func}: control frames remain at end of function body"),
        )));
    }
    if t.catch_slots > catch_slots {
        return Ok((t.code, t.catch_slots));
    }
    for c in &mut t.code.catches {
        c.height += t.base;
    }
    t.code.max_height = t.base + t.max_operands + 2;
    t.code.slots = threaded::slots(&t.ops, &labels(&t.ops, &t.code));
    Ok((t.code, catch_slots))
}

/// Which ops of a body execution may reach other than from the op before them: the targets
/// of its jumps, `br_table` entries and catches.
fn labels(ops: &[Op], code: &FuncCode) -> Vec<bool> {
    let mut labels = vec![false; ops.len()];
    for op in ops {
        if let Some(&mut target) = regs::target_mut(&mut op.clone()) {
            labels[target as usize] = true;
        }
    }
    let br_tables = code.br_targets.iter().map(|b| b.target);
    for target in br_tables.chain(code.catches.iter().map(|c| c.target)) {
        labels[target as usize] = true;
    }
    labels
}

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
        self.ops.len() as u32
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

    /// Emits a stack op branching to label `depth` when the popped i32 is not zero, from an
    /// operand height (in cells, below the condition) of `height`, and records its patch.
    fn emit_br_if_stack(&mut self, depth: u32, height: u32) {
        let (t, label) = self.branch(depth, height);
        let at = self.emit(if t.drop == 0 {
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
            Patch::Op(at) => {
                if let Some(t) = regs::target_mut(&mut self.ops[at]) {
                    *t = target;
                }
            }
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
        let simd_op = simd::simd_op(op);
        if simd_op.is_some() && !self.track {
            self.start_tracking();
        }
        let vector = simd_op.and_then(|s| self.vector(op, s));
        let register = vector.is_some() || self.is_register_op(op);
        let live = self.live();
        let height = self.height();
        let values = self.v.operand_stack_height();
        if live && !register {
            self.sync(height);
        }
        self.popped.clear();
        if !self.track {
            self.v.op(offset, op).map_err(invalid)?;
        } else {
            let pops = op.operator_arity(&self.v).map(|(pops, _)| pops);
            if register {
                // Validation forgets the cells of the operands it pops: keep them.
                let from = values - pops.unwrap_or(values).min(values);
                self.popped_from = from;
                for pos in from..=values {
                    let cells = self.cells_below(pos);
                    self.popped.push(cells);
                }
            }
            self.v.op(offset, op).map_err(invalid)?;
            self.track_cells(values, pops);
        }
        self.max_operands = self.max_operands.max(self.height());
        if register {
            self.synced = false;
            let done = match vector {
                Some(v) => {
                    if live {
                        self.emit_vector(v, values);
                    }
                    Ok(())
                }
                None => self.register_op(op, live, values, height, invalid),
            };
            // The popped operands' cells are for this op only.
            self.popped.clear();
            return done;
        }
        // A stack op: it leaves the stack pointer right.
        self.synced = true;
        if self.track
            && matches!(op, Operator::Select | Operator::TypedSelect { .. })
            && self.height() >= 2
            && self.height() - self.cells_below(self.v.operand_stack_height() - 1) == 2
        {
            self.emit_if(live, Op::Select2);
            return Ok(());
        }
        // SIMD (simd.rs).
        if let Some(s) = simd_op {
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
        // GC (translate/gc.rs).
        if self.gc_op(op, live, height)? {
            return Ok(());
        }
        match *op {
            Operator::GlobalGet { global_index } => {
                self.emit_if(
                    live,
                    Op::GlobalGet2(self.env.globals[global_index as usize]),
                );
            }
            Operator::GlobalSet { global_index } => {
                self.emit_if(
                    live,
                    Op::GlobalSet2(self.env.globals[global_index as usize]),
                );
            }
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
                // Not memory 0 with a 32-bit offset: a general stack op.
                let (mem, offset) = self.memarg(op, memarg)?;
                self.emit_if(live, self.general_memory_op(op, mem, offset));
            }

            // ---- refs: reference types, tables, segments, multi-memory ----
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

    /// Whether `op` translates to register ops (else it is a stack op).
    fn is_register_op(&self, op: &Operator<'_>) -> bool {
        let wide =
            |t: Option<Option<wasmparser::ValType>>| t == Some(Some(wasmparser::ValType::V128));
        match *op {
            Operator::Nop
            | Operator::Unreachable
            | Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Else
            | Operator::End
            | Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::Return
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::Drop
            | Operator::I32Const { .. }
            | Operator::I64Const { .. }
            | Operator::F32Const { .. }
            | Operator::F64Const { .. }
            | Operator::RefNull { .. }
            | Operator::RefFunc { .. }
            | Operator::RefIsNull
            | Operator::RefEq
            | Operator::I32ReinterpretF32
            | Operator::F32ReinterpretI32
            | Operator::I64ReinterpretF64
            | Operator::F64ReinterpretI64 => true,
            Operator::Select => !wide(self.v.get_operand_type(1)),
            Operator::TypedSelect { ty } => ty != wasmparser::ValType::V128,
            Operator::LocalGet { local_index }
            | Operator::LocalSet { local_index }
            | Operator::LocalTee { local_index } => (local_index as usize) < self.locals.len(),
            Operator::GlobalGet { global_index } | Operator::GlobalSet { global_index } => self
                .env
                .global_v128
                .get(global_index as usize)
                .is_some_and(|&wide| !wide),
            _ => match regs::numeric(op) {
                Some(Numeric::Load { memarg: m, .. } | Numeric::Store { memarg: m, .. }) => {
                    self.fast_memarg(&m).is_some()
                }
                Some(_) => true,
                None => false,
            },
        }
    }

    /// The offset of a load or store that takes the register ops: memory 0, 32-bit.
    fn fast_memarg(&self, memarg: &MemArg) -> Option<u32> {
        let first = matches!(memarg.target, wasmparser::MemArgTarget::Memory(0));
        if !first || !self.env.fast_memory0 || memarg.ordering.is_some() {
            return None;
        }
        u32::try_from(memarg.offset).ok()
    }

    /// Translates an operator that [`Translator::is_register_op`] accepts, already validated;
    /// the stack held `values` values (`height` cells) before it.
    fn register_op(
        &mut self,
        op: &Operator<'_>,
        live: bool,
        values: u32,
        height: u32,
        invalid: &dyn Fn(wasmparser::BinaryReaderError) -> InstantiateError,
    ) -> Result<(), InstantiateError> {
        let dead = !live;
        match *op {
            Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
                let ((param_values, params), results) = self.block_arity(blockty);
                let is_if = matches!(op, Operator::If { .. });
                let below =
                    self.cells_below(values.saturating_sub(param_values + u32::from(is_if)));
                let mut else_patch = None;
                if live {
                    if is_if {
                        else_patch = Some(self.emit_cond_jump(values - 1, 0, true));
                    } else {
                        self.flush();
                    }
                }
                let mut ctrl = Ctrl {
                    kind: Kind::Block,
                    height: below,
                    arity: results,
                    start: self.pc(),
                    patches: Vec::new(),
                    else_patch,
                    dead,
                    try_: None,
                };
                if matches!(op, Operator::Loop { .. }) {
                    ctrl.kind = Kind::Loop;
                    ctrl.arity = params;
                } else if is_if {
                    ctrl.kind = Kind::If;
                }
                self.ctrl.push(ctrl);
                return Ok(());
            }
            Operator::Else => {
                if live {
                    self.flush();
                    let at = self.emit(Op::Jump(0));
                    if let Some(c) = self.ctrl.last_mut() {
                        c.patches.push(Patch::Op(at));
                    }
                }
                self.providers.clear();
                let pc = self.pc();
                if let Some(at) = self.ctrl.last_mut().and_then(|c| c.else_patch.take()) {
                    self.patch(Patch::Op(at), pc);
                }
                return Ok(());
            }
            Operator::End => {
                let is_func = self.ctrl.len() == 1;
                if live {
                    if is_func {
                        self.emit_return(values, height);
                    } else {
                        self.flush();
                    }
                }
                self.providers.clear();
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
                    // Branches to the function's label leave its results at the frame base.
                    self.emit(Op::Return(self.base));
                }
                return Ok(());
            }
            _ => {}
        }
        if dead {
            return Ok(());
        }
        match *op {
            Operator::Nop
            | Operator::I32ReinterpretF32
            | Operator::F32ReinterpretI32
            | Operator::I64ReinterpretF64
            | Operator::F64ReinterpretI64 => {}
            Operator::Unreachable => {
                self.emit(Op::Unreachable);
            }
            Operator::Br { relative_depth } => {
                let (t, label) = self.branch(relative_depth, height);
                if self.ctrl[label].kind == Kind::Func {
                    self.emit_return(values, height);
                } else {
                    self.flush();
                    if t.drop > 0 {
                        let to = self.base + self.ctrl[label].height;
                        let from = self.base + height - t.keep;
                        for i in 0..t.keep {
                            self.emit(Op::Copy {
                                dst: to + i,
                                src: from + i,
                            });
                        }
                    }
                    let at = self.emit(Op::Jump(t.target));
                    self.add_patch(label, Patch::Op(at));
                }
            }
            Operator::BrIf { relative_depth } => {
                let (t, label) = self.branch(relative_depth, height - 1);
                if self.ctrl[label].kind == Kind::Func {
                    // Skip a return when the condition is zero.
                    let at = self.emit_cond_jump(values - 1, 0, true);
                    self.emit_return(values - 1, height - 1);
                    let pc = self.pc();
                    self.patch(Patch::Op(at), pc);
                } else if t.drop == 0 || t.keep == 0 {
                    let at = self.emit_cond_jump(values - 1, t.target, false);
                    self.add_patch(label, Patch::Op(at));
                } else {
                    // The branch moves values: a stack op.
                    self.sync(height);
                    self.emit_br_if_stack(relative_depth, height - 1);
                }
            }
            Operator::BrTable { ref targets } => {
                let start = self.code.br_targets.len() as u32;
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for depth in targets.targets() {
                    depths.push(depth.map_err(invalid)?);
                }
                depths.push(targets.default());
                let mut moves = false;
                for depth in &depths {
                    let (t, label) = self.branch(*depth, height - 1);
                    moves |= t.drop > 0 && t.keep > 0;
                    self.add_patch(label, Patch::Table(self.code.br_targets.len()));
                    self.code.br_targets.push(t);
                }
                let len = depths.len() as u32;
                if moves {
                    self.sync(height);
                    self.emit(Op::BrTable { start, len });
                } else {
                    self.flush_below(values - 1);
                    let index = self.slot(values - 1);
                    self.emit(Op::BrTableAt { index, start, len });
                }
            }
            Operator::Return => self.emit_return(values, height),
            Operator::Call { function_index } => {
                self.flush();
                let func = self.env.funcs[function_index as usize];
                let top = self.base + height;
                self.emit(Op::Call { func, top });
                self.synced = true;
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                self.flush();
                let sig = self.env.sigs[type_index as usize];
                let table = self.env.tables[table_index as usize];
                let top = self.base + height;
                self.emit(Op::CallIndirect { sig, table, top });
                self.synced = true;
            }
            Operator::Drop => self.remove_provider(values - 1),
            Operator::Select | Operator::TypedSelect { .. } => {
                for pos in values - 3..values {
                    self.materialize(pos);
                }
                self.emit(Op::Select(self.home(values - 3)));
            }
            Operator::LocalGet { local_index } => {
                let (cell, _) = self.locals[local_index as usize];
                self.push_provider(values, Src::Local(cell));
            }
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let (cell, _) = self.locals[local_index as usize];
                let tee = matches!(op, Operator::LocalTee { .. });
                self.emit_local_set(cell, values, tee);
            }
            Operator::GlobalGet { global_index } => {
                let global = self.env.globals[global_index as usize];
                let dst = self.home(values);
                self.emit_result(Op::GlobalGet { dst, global }, values);
            }
            Operator::GlobalSet { global_index } => {
                let global = self.env.globals[global_index as usize];
                let src = self.slot(values - 1);
                self.remove_provider(values - 1);
                self.emit(Op::GlobalSet { src, global });
            }
            Operator::I32Const { value } => {
                self.push_provider(values, Src::Const(u64::from(value as u32)));
            }
            Operator::I64Const { value } => {
                self.push_provider(values, Src::Const(value as u64));
            }
            Operator::F32Const { value } => {
                self.push_provider(values, Src::Const(u64::from(value.bits())));
            }
            Operator::F64Const { value } => self.push_provider(values, Src::Const(value.bits())),
            Operator::RefNull { .. } => self.push_provider(values, Src::Const(0)),
            Operator::RefFunc { function_index } => {
                let bits = Ref::func(self.env.funcs[function_index as usize]).to_bits();
                self.push_provider(values, Src::Const(bits));
            }
            // A reference is null when its cell is zero; equal when the cells are.
            Operator::RefIsNull => self.emit_numeric_of(&Operator::I64Eqz, values, 0),
            Operator::RefEq => self.emit_numeric_of(&Operator::I64Eq, values, 0),
            _ => match regs::numeric(op) {
                Some(n @ (Numeric::Load { memarg: m, .. } | Numeric::Store { memarg: m, .. })) => {
                    let offset = self.fast_memarg(&m).unwrap_or_default();
                    self.emit_numeric(n, values, offset);
                }
                Some(n) => self.emit_numeric(n, values, 0),
                None => unreachable!("is_register_op accepts only the operators above"),
            },
        }
        Ok(())
    }

    /// [`Translator::emit_numeric`] of the numeric operator `op`.
    fn emit_numeric_of(&mut self, op: &Operator<'_>, values: u32, offset: u32) {
        if let Some(n) = regs::numeric(op) {
            self.emit_numeric(n, values, offset);
        }
    }

    /// Returns from the function with its results the top of a stack of `values` values
    /// (`height` cells).
    fn emit_return(&mut self, values: u32, height: u32) {
        let n = self.code.results;
        if n == 1
            && values >= 1
            && let Some(Src::Local(cell)) = self.provider_at(values - 1)
        {
            self.emit(Op::Return(cell));
        } else {
            self.flush();
            self.emit(Op::Return(self.base + height - n));
        }
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
    use super::super::code::{AddTo, Cmp};
    use super::super::simd::SimdOp;
    use super::super::{Config, FuncInst, Instance, Linker, Store, Val};
    use super::*;

    /// The translation of a module's first function, with its ops as a list.
    struct Code {
        ops: Vec<Op>,
        br_targets: Vec<BrTarget>,
    }

    /// The ops of every function body of the module `wat`, in function index order.
    fn bodies(wat: &str) -> Vec<Vec<Op>> {
        let mut store = Store::new(Config::default());
        store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        let ops = |f: &FuncInst| match f {
            FuncInst::Wasm { code, .. } => code.ops(),
            FuncInst::Host { .. } => Vec::new(),
        };
        store.funcs.iter().map(ops).collect()
    }

    /// Runs `check` on an instance of the module `wat` whose code the threaded handlers run,
    /// then on one that the interpreter loop runs (fuel counted).
    fn with_and_without_fuel(wat: &str, mut check: impl FnMut(&mut Store, Instance)) {
        let wasm = wat::parse_str(wat).unwrap();
        for fuel in [None, Some(1 << 40)] {
            let mut store = Store::new(Config {
                fuel,
                ..Config::default()
            });
            let i = store.instantiate(&wasm, &Linker::new()).unwrap();
            check(&mut store, i);
        }
    }

    fn code_of(wat: &str) -> Code {
        let wasm = wat::parse_str(wat).unwrap();
        let mut store = Store::new(Config::default());
        store.instantiate(&wasm, &Linker::new()).unwrap();
        match &store.funcs[0] {
            FuncInst::Wasm { code, .. } => Code {
                ops: code.ops(),
                br_targets: code.br_targets.clone(),
            },
            FuncInst::Host { .. } => panic!("not a wasm function"),
        }
    }

    #[test]
    fn forward_branch_moves_its_values_to_the_label() {
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
                // The constants are materialized at the branch, the kept one moved down.
                Op::Const { dst: 0, bits: 1 },
                Op::Const { dst: 1, bits: 2 },
                Op::Const { dst: 2, bits: 3 },
                Op::Copy { dst: 0, src: 2 },
                Op::Jump(5),
                Op::Return(0),
                Op::Return(0),
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
                // Conditions are read from the local's cell.
                Op::BrIfNonZero { cond: 0, target: 0 },
                Op::BrIfZero { cond: 0, target: 4 },
                Op::Const { dst: 1, bits: 1 },
                Op::Jump(5),
                Op::Const { dst: 1, bits: 2 },
                Op::Return(1),
                Op::Return(1),
            ]
        );
    }

    #[test]
    fn operands_are_cells_and_results_go_to_locals_but_never_across_a_label() {
        let wat = "(module (func (export \"f\") (param i32) (result i32)
            (local.get 0) (i32.const 1) (i32.add) (local.set 0)
            (local.get 0)
            (block (result i32) (i32.const 2) (local.get 0) (br_if 0) (drop) (i32.const 3))
            (i32.add)))";
        let code = code_of(wat);
        assert_eq!(
            code.ops,
            [
                // `local.get`, `i32.const`, `i32.add` and `local.set`: one op.
                Op::I32AddImm {
                    dst: 0,
                    a: 0,
                    imm: 1
                },
                // The deferred `local.get` is materialized when the block opens.
                Op::Copy { dst: 1, src: 0 },
                Op::Const { dst: 2, bits: 2 },
                Op::BrIfNonZero { cond: 0, target: 5 },
                Op::Const { dst: 2, bits: 3 },
                Op::I32Add { dst: 1, a: 1, b: 2 },
                Op::Return(1),
                Op::Return(1),
            ]
        );
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        assert_eq!(store.call(i, "f", &[Val::I32(4)]).unwrap(), [Val::I32(7)]);
        assert_eq!(store.call(i, "f", &[Val::I32(-1)]).unwrap(), [Val::I32(3)]);

        // A label between an op and the `local.set` of its result keeps a copy.
        let code = code_of(
            "(module (func (param i32)
                (i32.add (local.get 0) (i32.const 1)) (block) (local.set 0)))",
        );
        assert_eq!(
            code.ops[..2],
            [
                Op::I32AddImm {
                    dst: 1,
                    a: 0,
                    imm: 1
                },
                Op::Copy { dst: 0, src: 1 },
            ]
        );
    }

    #[test]
    fn a_local_written_while_deferred_is_read_first() {
        let wat = "(module (func (export \"f\") (param i32) (result i32)
            (local.get 0) (local.set 0 (i32.const 5)) (local.get 0) (i32.sub)))";
        let code = code_of(wat);
        assert_eq!(code.ops[0], Op::Copy { dst: 1, src: 0 });
        assert_eq!(code.ops[1], Op::Const { dst: 0, bits: 5 });
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        assert_eq!(store.call(i, "f", &[Val::I32(9)]).unwrap(), [Val::I32(4)]);
    }

    #[test]
    fn copies_of_a_local_go_before_the_op_whose_result_overwrites_it() {
        let wat = "(module
            (func (export \"f\") (param i32) (result i32)
                (local.get 0)
                (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                (i32.sub (local.get 0)))
            (func (export \"g\") (param i32) (result i32)
                (loop (result i32)
                    (local.get 0)
                    (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                    (i32.sub (local.get 0)))))";
        let code = code_of(wat);
        assert_eq!(code.ops[0], Op::Copy { dst: 1, src: 0 }, "{:?}", code.ops);
        assert_eq!(
            code.ops[1],
            Op::I32AddImm {
                dst: 0,
                a: 0,
                imm: 1
            }
        );
        assert_eq!(code.ops[2], Op::I32Sub { dst: 1, a: 1, b: 0 });
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        assert_eq!(store.call(i, "f", &[Val::I32(7)]).unwrap(), [Val::I32(-1)]);
        assert_eq!(store.call(i, "g", &[Val::I32(7)]).unwrap(), [Val::I32(-1)]);
        // In `g` the add is the loop's first op: a copy put before it would run before the
        // label instead of after; it stays after the add, and the add is not redirected.
        let FuncInst::Wasm { code, .. } = &store.funcs[1] else {
            panic!("not a wasm function")
        };
        let ops = code.ops();
        assert!(matches!(ops[0], Op::I32AddImm { dst: 2, .. }), "{ops:?}");
    }

    #[test]
    fn a_result_feeds_the_next_op_through_the_accumulator_but_not_across_a_label() {
        let wat = r#"(module (func (export "f") (param i32) (result i32) (local i32 i32)
            (local.set 1 (i32.add (local.get 0) (i32.const 1)))
            (loop
                (local.set 1 (i32.mul (local.get 1) (i32.const 3)))
                (local.set 2 (i32.add (local.get 1) (i32.const 7)))
                (br_if 0 (i32.lt_u (local.get 2) (i32.const 1000))))
            (local.get 1)))"#;
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        let FuncInst::Wasm { code, .. } = &store.funcs[0] else {
            panic!("not a wasm function")
        };
        let ops = code.ops();
        assert_eq!(
            ops[..4],
            [
                Op::I32AddImm {
                    dst: 1,
                    a: 0,
                    imm: 1
                },
                Op::I32MulImm {
                    dst: 1,
                    a: 1,
                    imm: 3
                },
                Op::I32AddImm {
                    dst: 2,
                    a: 1,
                    imm: 7
                },
                Op::BrI32LtUImm {
                    a: 2,
                    imm: 1000,
                    target: 1
                },
            ]
        );
        // The multiplication reads the local written just before the loop, but it is the
        // loop's label: coming back from the branch, the accumulator holds the other local.
        let plan = threaded::acc_plan(&ops, &labels(&ops, code));
        assert_eq!(plan[..4], [(0, false), (0, true), (1, true), (1, false)]);
        for x in [0u32, 5, 100, 2000] {
            let mut l = x.wrapping_add(1);
            loop {
                l = l.wrapping_mul(3);
                if l.wrapping_add(7) >= 1000 {
                    break;
                }
            }
            let got = store.call(i, "f", &[Val::I32(x as i32)]).unwrap();
            assert_eq!(got, [Val::I32(l as i32)], "f({x})");
        }
    }

    #[test]
    fn a_loop_increment_is_fused_into_its_branch_unless_a_label_separates_them() {
        let wat = r#"(module
            (func (export "imm") (param i32 i32) (result i32)
                (loop
                    (local.set 0 (i32.add (local.get 0) (i32.const 3)))
                    (br_if 0 (i32.lt_u (local.get 0) (local.get 1))))
                (local.get 0))
            (func (export "k") (param i32) (result i32) (local i32)
                (loop
                    (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                    (local.set 0 (i32.add (local.get 0) (i32.const -7)))
                    (br_if 0 (i32.gt_s (local.get 0) (i32.const 10))))
                (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const 1000))))
            (func (export "cell") (param i32 i32 i32) (result i32)
                (loop
                    (local.set 0 (i32.add (local.get 1) (local.get 0)))
                    (br_if 0 (i32.le_s (local.get 0) (local.get 2))))
                (local.get 0))
            (func (export "label") (param i32 i32) (result i32)
                (local.set 0 (i32.add (local.get 0) (i32.const 3)))
                (block (br_if 0 (i32.ne (local.get 0) (local.get 1))) (local.set 0 (i32.const 99)))
                (local.get 0)))"#;
        let ops = bodies(wat);
        let (imm, k, cell, label) = (&ops[0], &ops[1], &ops[2], &ops[3]);
        let target = 0;
        assert_eq!(
            imm[0],
            Op::AddImmBr {
                x: 0,
                imm: 3,
                b: 1,
                cmp: Cmp::I32LtU,
                target
            },
            "{imm:?}"
        );
        assert_eq!(
            k[1],
            Op::AddImmBrImm {
                x: 0,
                imm: -7,
                cmp: Cmp::I32GtS,
                k: 10,
                target
            },
            "{k:?}"
        );
        assert_eq!(
            cell[0],
            Op::AddBr {
                x: 0,
                c: 1,
                b: 2,
                cmp: Cmp::I32LeS,
                target
            },
            "{cell:?}"
        );
        // The block's label sits between the add and the branch: they stay apart.
        assert_eq!(
            label[0],
            Op::I32AddImm {
                dst: 0,
                a: 0,
                imm: 3
            },
            "{label:?}"
        );
        assert!(
            matches!(label[1], Op::BrI32Ne { a: 0, b: 1, .. }),
            "{label:?}"
        );

        // The threaded handlers run them, and with fuel the interpreter loop does.
        with_and_without_fuel(wat, |store, i| {
            check_fused_loops(&mut |f: &str, args: &[i32]| {
                let args: Vec<Val> = args.iter().map(|&a| Val::I32(a)).collect();
                match store.call(i, f, &args).unwrap()[..] {
                    [Val::I32(r)] => r,
                    ref r => panic!("{f}: {r:?}"),
                }
            })
        });
    }

    fn check_fused_loops(call: &mut impl FnMut(&str, &[i32]) -> i32) {
        // Unsigned compare after a wrapping add: from -5 (0xffff_fffb) the first add wraps
        // to -2, not below 10 unsigned, so one iteration.
        assert_eq!(call("imm", &[-5, 10]), -2);
        assert_eq!(call("imm", &[0, 10]), 12);
        // 100 - 7n <= 10 first at n = 13.
        assert_eq!(call("k", &[100]), 9 + 13 * 1000);
        assert_eq!(call("k", &[-50]), -57 + 1000);
        assert_eq!(call("cell", &[1, 5, 20]), 21);
        // MAX + MAX wraps to -2, which is <= 0; -2 + MAX is not.
        assert_eq!(call("cell", &[i32::MAX, i32::MAX, 0]), i32::MAX - 2);
        assert_eq!(call("label", &[1, 4]), 99);
        assert_eq!(call("label", &[1, 5]), 4);
    }

    #[test]
    fn an_add_feeding_an_address_is_fused_unless_the_value_reuses_its_cell() {
        let code = code_of(
            "(module (memory 1) (func (param i32 i32)
                (i32.store8 (i32.add (local.get 0) (local.get 1)) (i32.const 1))))",
        );
        assert_eq!(
            code.ops[0],
            Op::I32Store8ImmIdx {
                base: 0,
                index: 1,
                scaled: false,
                imm: 1,
                offset: 0
            }
        );
        // The f64 constant has no immediate form: it is materialized into the cell that holds
        // the shifted index, so the address must be computed before.
        let wat = "(module (memory 1) (func (export \"f\") (param i32 i32) (result f64)
            (f64.store (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3)))
                (f64.const 1.5))
            (f64.load offset=16 (local.get 0))))";
        let code = code_of(wat);
        assert!(matches!(code.ops[1], Op::I32Add { .. }), "{:?}", code.ops);
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        assert_eq!(
            store.call(i, "f", &[Val::I32(8), Val::I32(2)]).unwrap(),
            [Val::F64(1.5f64.to_bits())]
        );
    }

    #[test]
    fn an_add_of_a_constant_feeding_a_load_or_store_is_fused_and_wraps() {
        let wat = "(module (memory 1) (data (i32.const 4) \"\\2a\")
            (func (export \"f\") (param i32) (result i32)
                (i32.load8_u offset=1 (i32.add (local.get 0) (i32.const 7)))))";
        let code = code_of(wat);
        let fused = Op::I32Load8UAdd {
            addr: 0,
            dst: 1,
            to: AddTo::Cell,
            imm: 7,
            offset: 1,
        };
        assert_eq!(code.ops[0], fused, "{:?}", code.ops);
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        // The i32.add wraps before the offset is added: -4 + 7 + 1 is address 4.
        assert_eq!(store.call(i, "f", &[Val::I32(-4)]).unwrap(), [Val::I32(42)]);
        // No wrap: 65,535 + 7 + 1 is past the page.
        assert!(store.call(i, "f", &[Val::I32(65_535)]).is_err());
        // A store's address too (its value in a cell: no room for an immediate one).
        let wat = "(module (memory 1)
            (func (export \"g\") (param i32 i32) (result i32)
                (i32.store8 offset=1 (i32.add (local.get 0) (i32.const 7)) (local.get 1))
                (i32.load8_u (i32.const 4))))";
        let code = code_of(wat);
        let fused = Op::I32Store8Add {
            addr: 0,
            value: 1,
            to: AddTo::Cell,
            imm: 7,
            offset: 1,
        };
        assert_eq!(code.ops[0], fused, "{:?}", code.ops);
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        let g = |store: &mut Store, a| store.call(i, "g", &[Val::I32(a), Val::I32(9)]);
        assert_eq!(g(&mut store, -4).unwrap(), [Val::I32(9)]);
        assert!(g(&mut store, 65_535).is_err());
    }

    #[test]
    fn a_shift_by_the_access_size_goes_into_the_address_and_wraps() {
        // Words 1 to 4 hold 8, 200, 33 and 44; the first word 0.
        let wat = r#"(module (memory 1)
            (data (i32.const 4) "\08\00\00\00\c8\00\00\00\21\00\00\00\2c\00\00\00")
            (func (export "idx") (param i32 i32) (result i32)
                (i32.load (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))
            (func (export "imm") (param i32) (result i32)
                (i32.load offset=4 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 4))))
            (func (export "store") (param i32 i32 i64) (result i64)
                (i64.store (i32.add (i32.shl (local.get 1) (i32.const 3)) (local.get 0))
                    (local.get 2))
                (i64.load (i32.const 16)))
            (func (export "other") (param i32 i32) (result i32)
                (i32.load (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3)))))
            (func (export "tee") (param i32 i32) (result i32)
                (i32.load (i32.add (local.get 0) (local.tee 1 (i32.shl (local.get 1) (i32.const 2)))))
                (local.get 1)
                (i32.add))
            (func (export "label") (param i32 i32) (result i32)
                (i32.shl (local.get 1) (i32.const 2))
                (loop (param i32) (result i32)
                    (i32.load (i32.add (local.get 0)))
                    (local.tee 1)
                    (br_if 0 (i32.lt_u (local.get 1) (i32.const 100))))))"#;
        let bodies = bodies(wat);
        let ops = |f: usize| &bodies[f];
        let scaled = |op: &Op| {
            matches!(
                op,
                Op::I32LoadIdx { scaled: true, .. }
                    | Op::I32LoadAdd {
                        to: AddTo::Scaled,
                        ..
                    }
                    | Op::I64StoreIdx { scaled: true, .. }
            )
        };
        // One op for the shift, the add and the access; the shift stays when it is not by
        // log2 of the access size, when a local keeps its result, and when a label (the
        // loop's) lies between it and the add.
        for (f, fused) in [
            (0, true),
            (1, true),
            (2, true),
            (3, false),
            (4, false),
            (5, false),
        ] {
            let ops = ops(f);
            assert_eq!(scaled(&ops[0]), fused, "function {f}: {ops:?}");
            let shifts = ops
                .iter()
                .filter(|op| matches!(op, Op::I32ShlImm { .. }))
                .count();
            assert_eq!(shifts, usize::from(!fused), "function {f}: {ops:?}");
        }
        // The threaded handlers run them, and with fuel the interpreter loop does.
        with_and_without_fuel(wat, |store, i| {
            check_scaled(&mut |name: &str, args: &[Val]| store.call(i, name, args))
        });
    }

    fn check_scaled(call: &mut impl FnMut(&str, &[Val]) -> Result<Vec<Val>, crate::interp::Trap>) {
        let word = |v: i32| Ok(vec![Val::I32(v)]);
        assert_eq!(call("idx", &[Val::I32(0), Val::I32(2)]), word(200));
        // The shift wraps before the add: 0x4000_0003 << 2 is 12.
        assert_eq!(call("idx", &[Val::I32(0), Val::I32(0x4000_0003)]), word(33));
        assert_eq!(call("idx", &[Val::I32(-4), Val::I32(2)]), word(8));
        assert_eq!(call("imm", &[Val::I32(1)]), word(33));
        assert_eq!(call("imm", &[Val::I32(-1)]), word(8));
        assert!(call("imm", &[Val::I32(0x3fff_ffff)]).is_ok());
        assert!(call("idx", &[Val::I32(65_532), Val::I32(1)]).is_err());
        assert_eq!(
            call("store", &[Val::I32(8), Val::I32(1), Val::I64(-5)]),
            Ok(vec![Val::I64(-5)])
        );
        assert_eq!(call("other", &[Val::I32(0), Val::I32(1)]), word(200));
        assert_eq!(call("tee", &[Val::I32(0), Val::I32(1)]), word(12));
        // Word 1 (8) is below 100: the loop goes again from the add, with 8 unshifted as
        // the index of word 2 (200).
        assert_eq!(call("label", &[Val::I32(0), Val::I32(1)]), word(200));
    }

    #[test]
    fn a_constant_address_is_an_immediate_and_its_offset_does_not_wrap() {
        let wat = r#"(module (memory 1) (data (i32.const 8) "\2a")
            (func (export "load") (result i32) (i32.load8_u offset=4 (i32.const 4)))
            (func (export "store") (param i32) (result i32)
                (i32.store8 offset=1 (i32.const 8) (local.get 0))
                (i32.load8_u (i32.const 9)))
            (func (export "far") (result i32)
                (i32.load offset=0xfffffff0 (i32.const 0x20))))"#;
        let bodies = bodies(wat);
        let ops = |f: usize| &bodies[f];
        let load = Op::I32Load8UAdd {
            addr: 0,
            dst: 0,
            to: AddTo::Nothing,
            imm: 4,
            offset: 4,
        };
        assert_eq!(ops(0)[0], load, "{:?}", ops(0));
        let store8 = Op::I32Store8Add {
            addr: 0,
            value: 0,
            to: AddTo::Nothing,
            imm: 8,
            offset: 1,
        };
        assert_eq!(ops(1)[0], store8, "{:?}", ops(1));
        // The threaded handlers run them, and with fuel the interpreter loop does.
        with_and_without_fuel(wat, |store, i| {
            assert_eq!(store.call(i, "load", &[]).unwrap(), [Val::I32(42)]);
            assert_eq!(
                store.call(i, "store", &[Val::I32(7)]).unwrap(),
                [Val::I32(7)]
            );
            // 0x20 + 0xffff_fff0 is past 4 GiB: a trap, not address 0x10.
            assert!(store.call(i, "far", &[]).is_err());
        });
    }

    #[test]
    fn a_float_op_takes_a_constant_right_operand_inline() {
        let wat = r#"(module
            (func (export "sub") (param f64) (result f64) (f64.sub (local.get 0) (f64.const 0.25)))
            (func (export "rsub") (param f64) (result f64) (f64.sub (f64.const 0.25) (local.get 0)))
            (func (export "le") (param f32) (result i32) (f32.le (local.get 0) (f32.const 4)))
            (func (export "chain") (param f64) (result f64)
                (f64.mul (f64.add (local.get 0) (f64.const 1.5)) (f64.const -2))))"#;
        let bodies = bodies(wat);
        let ops = |f: usize| &bodies[f];
        let sub = Op::F64SubImm {
            dst: 1,
            a: 0,
            imm: 0.25f64.to_bits(),
        };
        assert_eq!(ops(0)[0], sub, "{:?}", ops(0));
        // A constant left operand is materialized: `c - x` is not `x - c`.
        assert!(
            matches!(ops(1)[..2], [Op::Const { .. }, Op::F64Sub { .. }]),
            "{:?}",
            ops(1)
        );
        let le = Op::F32LeImm {
            dst: 1,
            a: 0,
            imm: u64::from(4f32.to_bits()),
        };
        assert_eq!(ops(2)[0], le, "{:?}", ops(2));
        assert!(
            matches!(ops(3)[..2], [Op::F64AddImm { .. }, Op::F64MulImm { .. }]),
            "{:?}",
            ops(3)
        );
        // The threaded handlers run them (the add's result reaching the multiply through the
        // accumulator), and with fuel the interpreter loop does.
        with_and_without_fuel(wat, |store, i| {
            let mut call = |name: &str, arg: Val| store.call(i, name, &[arg]).unwrap();
            let f64 = |v: f64| vec![Val::F64(v.to_bits())];
            assert_eq!(call("sub", Val::F64(1f64.to_bits())), f64(0.75));
            assert_eq!(call("rsub", Val::F64(1f64.to_bits())), f64(-0.75));
            assert_eq!(call("le", Val::F32(4f32.to_bits())), vec![Val::I32(1)]);
            assert_eq!(call("le", Val::F32(4.5f32.to_bits())), vec![Val::I32(0)]);
            assert_eq!(call("le", Val::F32(f32::NAN.to_bits())), vec![Val::I32(0)]);
            assert_eq!(call("chain", Val::F64(0.5f64.to_bits())), f64(-4.0));
        });
    }

    #[test]
    fn an_and_tested_by_a_branch_is_fused_with_it() {
        let wat = "(module
            (func (export \"f\") (param i32) (result i32)
                (block (br_if 0 (i32.and (local.get 0) (i32.const 4))) (return (i32.const 1)))
                (i32.const 2))
            (func (export \"g\") (param i32 i32) (result i32)
                (if (result i32) (i32.and (local.get 0) (local.get 1))
                    (then (i32.const 10)) (else (i32.const 20)))))";
        let code = code_of(wat);
        assert!(
            matches!(code.ops[0], Op::BrI32AndImmNonZero { a: 0, imm: 4, .. }),
            "{:?}",
            code.ops
        );
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        assert_eq!(store.call(i, "f", &[Val::I32(12)]).unwrap(), [Val::I32(2)]);
        assert_eq!(store.call(i, "f", &[Val::I32(3)]).unwrap(), [Val::I32(1)]);
        let g = |store: &mut Store, a, b| store.call(i, "g", &[Val::I32(a), Val::I32(b)]).unwrap();
        assert_eq!(g(&mut store, 6, 3), [Val::I32(10)]);
        assert_eq!(g(&mut store, 4, 3), [Val::I32(20)]);
        // `if` jumps to its `else` when the `and` is zero.
        let code = code_of(
            "(module (func (param i32 i32) (result i32)
                (if (result i32) (i32.and (local.get 0) (local.get 1))
                    (then (i32.const 10)) (else (i32.const 20)))))",
        );
        assert!(
            matches!(code.ops[0], Op::BrI32AndZero { a: 0, b: 1, .. }),
            "{:?}",
            code.ops
        );
    }

    #[test]
    fn calls_returns_and_indirect_calls_run_between_frames() {
        // Direct and indirect calls and returns (threaded in optimized builds, the handlers'
        // loop under `cargo test` and Miri), with a v128 local to exercise the stack ops.
        let wat = "(module
            (type $t (func (param i32) (result i32)))
            (table funcref (elem $fib))
            (func $fib (type $t) (local v128)
                (local.set 1 (v128.const i32x4 1 2 3 4))
                (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                    (then (i32x4.extract_lane 0 (local.get 1)))
                    (else (i32.add
                        (call $fib (i32.sub (local.get 0) (i32.const 1)))
                        (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 2))
                            (i32.const 0))))))
            (func (export \"f\") (param i32) (result i32) (call $fib (local.get 0))))";
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        // fib with fib(0) = fib(1) = 1.
        assert_eq!(store.call(i, "f", &[Val::I32(10)]).unwrap(), [Val::I32(89)]);
    }

    #[test]
    fn simd_operands_are_cell_pairs_and_v128_locals_are_deferred() {
        // Cells: the parameter 0, the v128 locals 1-2 and 3-4, operands from 5.
        let wat = "(module (func (export \"f\") (param i32) (result i32) (local v128 v128)
            (local.set 1 (i32x4.splat (local.get 0)))
            (local.get 1)
            (local.set 1 (i32x4.add (local.get 1) (local.get 1)))
            (i32x4.sub (local.get 1))
            (i32x4.extract_lane 2)))";
        let code = code_of(wat);
        let op = |o: SimdOp, dst, a, b, c| Op::SimdR {
            op: o,
            dst,
            a,
            b,
            c,
        };
        assert_eq!(
            code.ops[0],
            op(SimdOp::I32x4Splat, 1, 0, 0, 0),
            "{:?}",
            code.ops
        );
        // The deferred `local.get 1` keeps the old value: copied out before the add, whose
        // result then still goes straight to the local.
        assert_eq!(code.ops[1], Op::Copy2 { dst: 5, src: 1 });
        assert_eq!(code.ops[2], op(SimdOp::I32x4Add, 1, 1, 1, 1));
        assert_eq!(code.ops[3], op(SimdOp::I32x4Sub, 5, 5, 1, 5));
        let extract = Op::SimdExtractR {
            op: SimdOp::I32x4ExtractLane,
            lane: 2,
            dst: 5,
            a: 5,
        };
        assert_eq!(code.ops[4], extract);
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(wat).unwrap(), &Linker::new())
            .unwrap();
        // x - 2x with x = splat(5).
        assert_eq!(store.call(i, "f", &[Val::I32(5)]).unwrap(), [Val::I32(-5)]);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "an 80,000-cell frame takes minutes under Miri; the stack ops it \
        falls back to are the ones the other tests run"
    )]
    fn simd_beyond_16_bit_cells_runs_on_the_stack() {
        // 40,000 v128 locals: 80,000 cells, past the 16-bit cell fields of `Op::SimdR`.
        let locals = "v128 ".repeat(40_000);
        let wat = format!(
            "(module (memory 1) (func (export \"f\") (result i32) (local {locals})
                (local.set 39999 (v128.const i32x4 1 2 3 4))
                (v128.store (i32.const 16) (i32x4.add (local.get 39999) (local.get 39999)))
                (i32x4.extract_lane 3 (v128.load (i32.const 16)))))"
        );
        let code = code_of(&wat);
        assert!(
            code.ops.contains(&Op::Simd(SimdOp::I32x4Add)),
            "{:?}",
            code.ops
        );
        let mut store = Store::new(Config::default());
        let i = store
            .instantiate(&wat::parse_str(&wat).unwrap(), &Linker::new())
            .unwrap();
        assert_eq!(store.call(i, "f", &[]).unwrap(), [Val::I32(8)]);
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
        assert_eq!(
            code.ops,
            [
                Op::BrTableAt {
                    index: 0,
                    start: 0,
                    len: 2
                },
                Op::Const { dst: 1, bits: 10 },
                Op::Return(1),
                Op::Const { dst: 1, bits: 20 },
                Op::Return(1),
                Op::Return(1),
            ]
        );
        let targets: Vec<u32> = code.br_targets.iter().map(|t| t.target).collect();
        assert_eq!(targets, [1, 3]);
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
