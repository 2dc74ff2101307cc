//! Threaded execution of the register ops: each op has a handler function that does its work
//! and then calls the handler of the next op as a tail call, so that every handler ends in an
//! indirect jump of its own (which the CPU predicts far better than the one jump of a central
//! `match`) and the frame base, memory 0 and the op pointer stay in argument registers.
//!
//! [`run`] executes register ops from `ip` until it meets an op that is not one (or a trap) and
//! returns where it stopped; the interpreter loop (`exec.rs`) runs that op and comes back. The
//! handlers are generated from the numeric table ([`for_each_numeric`]) plus a few control
//! ops; every other op maps to [`stop`]. Each op of a body sits in a [`Slot`] with the address
//! of its handler (see [`slots`]), in an accumulator form where its result feeds the next op
//! (see [`Handler`] and [`acc_plan`]).
//!
//! A tail call becomes a jump only in optimized code. The cfg `interp_tail_calls` (set by
//! `lib/build.rs` for optimized builds on x86_64 and aarch64) selects it; otherwise each
//! handler returns the next op and [`run`] loops, so that the native stack never grows with
//! the number of ops executed.
//!
//! Like `exec.rs`, this module reads ops, frame cells and memory without bounds checks; the
//! same invariants justify it (see the `SAFETY` comments) and debug builds check them.

#![allow(
    unsafe_code,
    reason = "unchecked op, register and memory access in the threaded handlers"
)]

use super::code::{AddTo, BrTarget, Cmp, FuncCode, Op, Slot, for_each_numeric};
use super::exec::indirect_callee;
use super::memory;
use super::numeric as num;
use super::simd::{self, SimdOp, stack2};
use super::table::Table;
use super::trap::TrapKind;
use super::value::Cell;
use super::{FuncInst, Global, gc};

/// A suspended caller (its memory is its code's [`FuncCode::memory`]).
pub(super) struct Frame<'a> {
    pub(super) code: &'a FuncCode,
    pub(super) func: u32,
    /// Where it goes on: an op of `code.slots`.
    pub(super) ip: *const Slot,
    pub(super) fp: usize,
}

/// What the handlers share beyond their register arguments; set by the interpreter loop before
/// each [`run`], and read back after it (calls and returns change the frame).
pub(super) struct Fast<'a> {
    /// The store's functions.
    funcs: &'a [FuncInst],
    /// The most frames the call stack may hold.
    max_depth: usize,
    /// The running function's code, store address and memory (store address).
    pub(super) code: &'a FuncCode,
    pub(super) func: u32,
    mem: usize,
    /// The frames of the suspended callers (the interpreter loop's).
    pub(super) frames: *mut Vec<Frame<'a>>,
    /// The store's tables (as raw parts) and type registry, for `call_indirect`.
    pub(super) tables: (*const Table, usize),
    pub(super) types: *const gc::Types,
    /// The current body's ops (for jumps).
    pub(super) ops: *const Slot,
    /// The number of ops of the body (for debug checks).
    pub(super) ops_len: usize,
    /// The current body's `br_table` targets.
    pub(super) br_targets: *const BrTarget,
    /// The store's globals.
    pub(super) globals: *mut Global,
    /// The frame's cells from its base to the end of the stack (for debug checks).
    pub(super) regs_len: usize,
    /// Set when a handler traps; `run` returns the trapping op.
    pub(super) trap: Option<TrapKind>,
    /// Set by [`stop`]: the op at the returned pointer is not a register op.
    pub(super) stopped: bool,
    /// The stack (`regs` is its cell `fp`) and its length, for the stack ops on `v128`s.
    pub(super) stack: *mut u64,
    pub(super) stack_len: usize,
    /// The stack pointer and frame base, as indices into the stack.
    pub(super) sp: usize,
    pub(super) fp: usize,
    /// The current body's `v128` immediates.
    pub(super) v128_consts: *const u128,
    /// The accumulator between two handlers when they return to [`run`]'s loop instead of
    /// calling each other.
    #[cfg(not(interp_tail_calls))]
    acc: (u64, f64),
}

impl<'a> Fast<'a> {
    pub(super) fn new(funcs: &'a [FuncInst], code: &'a FuncCode, max_depth: usize) -> Self {
        Fast {
            funcs,
            max_depth,
            code,
            func: 0,
            mem: usize::MAX,
            frames: std::ptr::null_mut(),
            tables: (std::ptr::null(), 0),
            types: std::ptr::null(),
            ops: std::ptr::null(),
            ops_len: 0,
            br_targets: std::ptr::null(),
            globals: std::ptr::null_mut(),
            regs_len: 0,
            trap: None,
            stopped: false,
            stack: std::ptr::null_mut(),
            stack_len: 0,
            sp: 0,
            fp: 0,
            v128_consts: std::ptr::null(),
            #[cfg(not(interp_tail_calls))]
            acc: (0, 0.0),
        }
    }

    /// Sets the running function: its code, store address, frame base and memory.
    pub(super) fn enter(&mut self, code: &'a FuncCode, func: u32, fp: usize, mem: usize) {
        self.code = code;
        self.func = func;
        self.fp = fp;
        self.mem = mem;
        self.ops = code.slots.as_ptr();
        self.ops_len = code.slots.len();
        self.br_targets = code.br_targets.as_ptr();
        self.v128_consts = code.v128_consts.as_ptr();
    }
}

/// A handler: runs the op at `ip` with the frame base `regs` and memory 0's bytes `mem`
/// (`len` of them), then goes on; returns the op where execution left the threaded code.
///
/// `acc`/`facc` are the accumulator: an op whose handler is an accumulator form (`OUT`) passes
/// its result's cell there as well as to its cell (`facc` holds the same bits as an `f64`, so
/// that an `f64` stays in a floating-point register), and the op right after it (never a
/// label: see [`acc_plan`]) may read that operand from there instead of from the cell, sparing
/// a load that waits for the store just before it.
pub(super) type Handler =
    for<'a> fn(&mut Fast<'a>, *const Slot, *mut u64, *mut u8, usize, u64, f64) -> *const Slot;

/// Runs register ops from `ip` until an op that is not one, or a trap (`ctx.trap`); returns
/// that op.
///
/// # Safety
///
/// `ip` points at an op of the body `ctx.ops`, `regs` at the frame base of a function running
/// that body with its `max_height` cells available, and `mem`/`len` are the raw parts of the
/// bytes of the instance's memory 0, which nothing else uses until `run` returns; the `ctx`
/// pointers are those of the same body and store.
pub(super) unsafe fn run(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
) -> *const Slot {
    ctx.stopped = false;
    // No op reads the accumulator before the op before it has written it.
    #[cfg(interp_tail_calls)]
    {
        handler(ip)(ctx, ip, regs, mem, len, 0, 0.0)
    }
    #[cfg(not(interp_tail_calls))]
    {
        let mut ip = ip;
        let mut regs = regs;
        loop {
            ip = handler(ip)(ctx, ip, regs, mem, len, ctx.acc.0, ctx.acc.1);
            // A call or return moves the frame base.
            // SAFETY: `fp` is within the stack (see `call` and `ret`).
            regs = unsafe { ctx.stack.add(ctx.fp) };
            if ctx.stopped || ctx.trap.is_some() {
                return ip;
            }
        }
    }
}

/// The handler of the op at `ip`.
#[inline(always)]
fn handler(ip: *const Slot) -> Handler {
    // SAFETY: `ip` points at a slot of the body.
    unsafe { (*ip).handler }
}

/// The handler of `op`: the one of its variant, for an [`Op::SimdR`] the one of its
/// instruction and for a fused add-and-branch the one of its comparison.
pub(super) fn handler_of(op: &Op) -> Handler {
    match *op {
        // `SimdOp` lists the instructions in the order `SIMD_HANDLERS` does.
        Op::SimdR { op, .. } => SIMD_HANDLERS[op as usize],
        Op::AddImmBr { cmp, .. } => ADD_IMM_BR[cmp as usize],
        Op::AddImmBrImm { cmp, .. } => ADD_IMM_BR_IMM[cmp as usize],
        Op::AddBr { cmp, .. } => ADD_BR[cmp as usize],
        _ => HANDLERS[tag(op)],
    }
}

/// The slots of a body: each op with its handler, in its accumulator form (see [`acc_plan`]).
pub(super) fn slots(ops: &[Op], labels: &[bool]) -> Box<[Slot]> {
    plan_slots(ops, labels, |_, _| {})
}

/// The accumulator form of each op (`IN`, `OUT`; see [`handlers`]): where an op's result
/// feeds the op right after it, the first passes it in the accumulator and the second reads
/// that operand there — unless the second is a label (`labels[i]`: some jump, `br_table`
/// entry or catch goes to op `i`, so the op before it need not be the one that ran last).
/// Otherwise the op before a consumer always ran just before it: it is a numeric op, a load, a
/// copy or a constant, which goes on to the next op or traps.
#[cfg(test)]
pub(super) fn acc_plan(ops: &[Op], labels: &[bool]) -> Vec<(u8, bool)> {
    let mut plan = vec![(0, false); ops.len()];
    plan_slots(ops, labels, |i, form| plan[i] = form);
    plan
}

/// An op's accumulator form: the cell its result goes to when it can pass it on (`None` for
/// stores and branches), the cells it could take from the accumulator (the `IN` forms 1 to 3),
/// and its handler for an `IN` and `OUT`.
type AccForm = (Option<u32>, [Option<u32>; 3], fn(u8, bool) -> Handler);

/// [`slots`], telling `plan` each op's accumulator form (the op before's is final once the
/// next one is told).
fn plan_slots(ops: &[Op], labels: &[bool], mut plan: impl FnMut(usize, (u8, bool))) -> Box<[Slot]> {
    let mut slots: Vec<Slot> = Vec::with_capacity(ops.len());
    // The op before: its accumulator form and the `IN` it reads with.
    let mut prev: Option<AccForm> = None;
    let mut prev_in = 0;
    for (i, &op) in ops.iter().enumerate() {
        let form = acc_form(&op);
        let mut input = 0;
        if let (Some((Some(dst), _, pick)), Some((_, operands, _))) = (prev, form)
            && !labels[i]
            && let Some(k) = operands.iter().position(|&c| c == Some(dst))
        {
            input = k as u8 + 1;
            slots[i - 1].handler = pick(prev_in, true);
            plan(i - 1, (prev_in, true));
        }
        // An op with an accumulator form has its handler there (a scaled access's, for one).
        let handler = match form {
            Some((_, _, pick)) => pick(input, false),
            None => handler_of(&op),
        };
        slots.push(Slot { op, handler });
        plan(i, (input, false));
        (prev, prev_in) = (form, input);
    }
    slots.into_boxed_slice()
}

/// Goes on with the op at `$ip`: a tail call to its handler, or a return to [`run`]'s loop.
macro_rules! next {
    ($ctx:ident, $ip:expr, $regs:ident, $mem:ident, $len:ident, $acc:expr, $facc:expr) => {{
        let ip: *const Slot = $ip;
        let (acc, facc): (u64, f64) = ($acc, $facc);
        #[cfg(interp_tail_calls)]
        {
            return handler(ip)($ctx, ip, $regs, $mem, $len, acc, facc);
        }
        #[cfg(not(interp_tail_calls))]
        {
            let _ = ($regs, $mem, $len);
            $ctx.acc = (acc, facc);
            return ip;
        }
    }};
}

/// Goes on with op `$target` of the body when `$cond` holds, else with the op after `$ip`.
///
/// The taken side holds an empty `asm!` block, which LLVM cannot speculate: the choice stays a
/// predicted branch rather than a `cmov`, which would make the next op's fetch wait for
/// `$cond`'s operands (a dependency through every loop iteration).
macro_rules! branch {
    ($ctx:ident, $cond:expr, $target:expr, $ip:ident, $regs:ident, $mem:ident, $len:ident, $acc:ident, $facc:ident) => {{
        if $cond {
            #[cfg(interp_tail_calls)]
            // SAFETY: an empty block: it reads and writes nothing.
            unsafe {
                std::arch::asm!("", options(nomem, nostack, preserves_flags));
            }
            next!($ctx, target!($ctx, $target), $regs, $mem, $len, $acc, $facc)
        } else {
            next!($ctx, step!($ip), $regs, $mem, $len, $acc, $facc)
        }
    }};
}

/// The op after `ip`.
macro_rules! step {
    ($ip:ident) => {
        // SAFETY: every body ends with a `Return`, which is not a register op: the op after a
        // register op is in the body.
        unsafe { $ip.add(1) }
    };
}

/// The op at index `$t` of the body.
macro_rules! target {
    ($ctx:ident, $t:expr) => {{
        let t = $t as usize;
        debug_assert!(t < $ctx.ops_len, "jump to op {t} of {}", $ctx.ops_len);
        // SAFETY: jump targets are op indices of the same body, resolved by the translator.
        unsafe { $ctx.ops.add(t) }
    }};
}

/// The fields of the op at `$ip`, which the handler table guarantees is a `$variant`.
macro_rules! fields {
    ($ip:ident, $variant:ident { $($f:ident),* }) => {
        // SAFETY: `ip` points at an op (see `run`).
        let Op::$variant { $($f),* } = (unsafe { (*$ip).op }) else {
            debug_assert!(false, "handler of {} on another op", stringify!($variant));
            // SAFETY: `HANDLERS` maps each tag to the handler of that variant only.
            unsafe { std::hint::unreachable_unchecked() }
        };
    };
}

/// The whole stack, for a stack op.
macro_rules! stack {
    ($ctx:ident) => {
        // SAFETY: `ctx.stack`/`ctx.stack_len` are the raw parts of the stack that `regs` points
        // into (derived together); this slice lives for one op, while no register is accessed.
        unsafe { std::slice::from_raw_parts_mut($ctx.stack, $ctx.stack_len) }
    };
}

/// The payload of a tuple variant `$variant` at `$ip`.
macro_rules! payload {
    ($ip:ident, $variant:ident) => {{
        // SAFETY: `ip` points at an op (see `run`).
        let Op::$variant(x) = (unsafe { (*$ip).op }) else {
            debug_assert!(false, "handler of {} on another op", stringify!($variant));
            // SAFETY: `HANDLERS` maps each tag to the handler of that variant only.
            unsafe { std::hint::unreachable_unchecked() }
        };
        x
    }};
}

/// Reads register `$r` as a `$t`.
macro_rules! reg {
    ($ctx:ident, $regs:ident, $t:ty, $r:expr) => {{
        let r = $r as usize;
        debug_assert!(r < $ctx.regs_len, "register {r} out of the stack");
        // SAFETY: a register is a cell of the frame, below its `max_height`, which was checked
        // against the stack's length on entry.
        <$t as Cell>::from_cell(unsafe { *$regs.add(r) })
    }};
}

/// Writes `$v` to register `$r`.
macro_rules! set_reg {
    ($ctx:ident, $regs:ident, $r:expr, $v:expr) => {{
        let r = $r as usize;
        let v: u64 = Cell::to_cell($v);
        debug_assert!(r < $ctx.regs_len, "register {r} out of the stack");
        // SAFETY: as for `reg!`.
        unsafe { *$regs.add(r) = v }
    }};
}

/// Reads operand `$r` as a `$t`: from the accumulator when `$from_acc` (a constant of the
/// handler's accumulator form), else from its register. The accumulator then holds what the op
/// before wrote to that register, in the same form.
macro_rules! operand {
    ($ctx:ident, $regs:ident, $acc:expr, $t:ty, $r:expr, $from_acc:expr) => {
        if $from_acc {
            <$t as Acc>::get($acc.0, $acc.1)
        } else {
            reg!($ctx, $regs, $t, $r)
        }
    };
}

/// Writes `$v` to register `$r` and evaluates to the accumulator to go on with: the value's
/// cell when `$out` (in both halves), else `$acc` unchanged.
macro_rules! result {
    ($ctx:ident, $regs:ident, $acc:expr, $r:expr, $v:expr, $out:expr) => {{
        let v: u64 = Cell::to_cell($v);
        set_reg!($ctx, $regs, $r, v);
        if $out { (v, f64::from_bits(v)) } else { $acc }
    }};
}

/// The [`AddTo`] of a handler's const generic parameter (its `repr(u8)` value).
#[inline(always)]
const fn add_to(to: u8) -> AddTo {
    match to {
        0 => AddTo::Cell,
        1 => AddTo::Scaled,
        _ => AddTo::Nothing,
    }
}

/// How an operand is read from the accumulator: an `f64` from its floating-point half, any
/// other type from its integer half (both hold the cell of the op before).
trait Acc: Cell {
    #[inline(always)]
    fn get(acc: u64, _: f64) -> Self {
        Self::from_cell(acc)
    }
}

impl Acc for u32 {}
impl Acc for i32 {}
impl Acc for u64 {}
impl Acc for i64 {}
impl Acc for f32 {}

impl Acc for f64 {
    #[inline(always)]
    fn get(_: u64, facc: f64) -> Self {
        facc
    }
}

/// The instance of the generic handler `$f` for the accumulator form `$in` (one of the
/// literals) and, for a handler with a result, `$out`.
macro_rules! pick {
    ($f:ident, $in:expr, $out:expr, $($i:literal)*) => {
        match ($in, $out) {
            $(
                ($i, false) => $f::<$i, false> as Handler,
                ($i, true) => $f::<$i, true> as Handler,
            )*
            _ => unreachable!("no accumulator form {:?}", ($in, $out)),
        }
    };
    ($f:ident, $in:expr, $($i:literal)*) => {
        match $in {
            $($i => $f::<$i> as Handler,)*
            _ => unreachable!("no accumulator form {}", $in),
        }
    };
}

/// Stops with a trap at `$ip` when `$e` is an error.
macro_rules! tri {
    ($ctx:ident, $ip:ident, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(kind) => {
                $ctx.trap = Some(kind);
                return $ip;
            }
        }
    };
}

/// The value of a table entry's expression: `pure` ones are values, `trap` ones results.
macro_rules! value {
    ($ctx:ident, $ip:ident, pure, $e:expr) => {
        $e
    };
    ($ctx:ident, $ip:ident, trap, $e:expr) => {
        tri!($ctx, $ip, $e)
    };
}

/// The bytes of memory 0.
macro_rules! mem0 {
    ($mem:ident, $len:ident) => {
        // SAFETY: `mem`/`len` are the raw parts of memory 0's bytes, which only these handlers
        // use while `run` runs (see `run`), one op at a time.
        unsafe { std::slice::from_raw_parts_mut($mem, $len) }
    };
}

/// The handler of every op that is not a register op: leaves the threaded code.
fn stop(
    ctx: &mut Fast,
    ip: *const Slot,
    _: *mut u64,
    _: *mut u8,
    _: usize,
    _: u64,
    _: f64,
) -> *const Slot {
    ctx.stopped = true;
    ip
}

fn copy<const IN: u8, const OUT: bool>(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, Copy { dst, src });
    let v = operand!(ctx, regs, (acc, facc), u64, src, IN == 1);
    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, v, OUT);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn constant<const IN: u8, const OUT: bool>(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, Const { dst, bits });
    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, bits, OUT);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn jump(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    next!(
        ctx,
        target!(ctx, payload!(ip, Jump)),
        regs,
        mem,
        len,
        acc,
        facc
    )
}

fn br_if_non_zero<const IN: u8>(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, BrIfNonZero { cond, target });
    branch!(
        ctx,
        operand!(ctx, regs, (acc, facc), u32, cond, IN == 1) != 0,
        target,
        ip,
        regs,
        mem,
        len,
        acc,
        facc
    )
}

fn br_if_zero<const IN: u8>(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, BrIfZero { cond, target });
    branch!(
        ctx,
        operand!(ctx, regs, (acc, facc), u32, cond, IN == 1) == 0,
        target,
        ip,
        regs,
        mem,
        len,
        acc,
        facc
    )
}

/// The conditional jumps on `a & b` (`$zero`: when it is zero).
macro_rules! br_and {
    ($name:ident, $variant:ident, $zero:literal) => {
        fn $name(
            ctx: &mut Fast,
            ip: *const Slot,
            regs: *mut u64,
            mem: *mut u8,
            len: usize,
            acc: u64,
            facc: f64,
        ) -> *const Slot {
            fields!(ip, $variant { a, b, target });
            let bits = reg!(ctx, regs, u32, a) & reg!(ctx, regs, u32, b);
            branch!(
                ctx,
                (bits == 0) == $zero,
                target,
                ip,
                regs,
                mem,
                len,
                acc,
                facc
            )
        }
    };
    ($name:ident, $variant:ident imm, $zero:literal) => {
        fn $name(
            ctx: &mut Fast,
            ip: *const Slot,
            regs: *mut u64,
            mem: *mut u8,
            len: usize,
            acc: u64,
            facc: f64,
        ) -> *const Slot {
            fields!(ip, $variant { a, imm, target });
            let bits = reg!(ctx, regs, u32, a) & imm as u32;
            branch!(
                ctx,
                (bits == 0) == $zero,
                target,
                ip,
                regs,
                mem,
                len,
                acc,
                facc
            )
        }
    };
}
br_and!(br_and_non_zero, BrI32AndNonZero, false);
br_and!(br_and_zero, BrI32AndZero, true);
br_and!(br_and_imm_non_zero, BrI32AndImmNonZero imm, false);
br_and!(br_and_imm_zero, BrI32AndImmZero imm, true);

fn br_table<const IN: u8>(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    size: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, BrTableAt { index, start, len });
    let (n, len) = (len, size);
    let i = operand!(ctx, regs, (acc, facc), u32, index, IN == 1).min(n - 1);
    // SAFETY: `start + i` is one of this `br_table`'s entries of the body's branch table.
    let t = unsafe { (*ctx.br_targets.add((start + i) as usize)).target };
    next!(ctx, target!(ctx, t), regs, mem, len, acc, facc)
}

fn select(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    let at = payload!(ip, Select);
    if reg!(ctx, regs, u32, at + 2) == 0 {
        set_reg!(ctx, regs, at, reg!(ctx, regs, u64, at + 1));
    }
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn global_get(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, GlobalGet { dst, global });
    // SAFETY: the translator resolved `global` to the address of a global of the store.
    let v = unsafe { (*ctx.globals.add(global as usize)).value };
    set_reg!(ctx, regs, dst, v as u64);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn global_set(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, GlobalSet { src, global });
    let v = reg!(ctx, regs, u64, src);
    // SAFETY: as in `global_get`.
    unsafe { (*ctx.globals.add(global as usize)).value = u128::from(v) };
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

/// Calls a wasm function of the same memory (anything else, and a call that would exhaust
/// the call stack, leaves for the interpreter loop, which does the same checks).
fn call(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    _: u64,
    _: f64,
) -> *const Slot {
    fields!(ip, Call { func, top });
    enter_callee(ctx, ip, func, top, regs, mem, len)
}

/// `call_indirect`: the table lookup and signature check, then as [`call`].
fn call_indirect(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    _: u64,
    _: f64,
) -> *const Slot {
    fields!(ip, CallIndirect { sig, table, top });
    // An `i32` index is a zero-extended cell, so one `u64` read serves table64 too.
    let i = reg!(ctx, regs, u64, top - 1);
    // SAFETY: the raw parts and the registry are the store's, which nothing changes while
    // `run` runs (no handler touches tables or types).
    let (tables, types) = unsafe {
        (
            std::slice::from_raw_parts(ctx.tables.0, ctx.tables.1),
            &*ctx.types,
        )
    };
    let callee = tri!(
        ctx,
        ip,
        indirect_callee(ctx.funcs, types, tables, table, sig, i)
    );
    enter_callee(ctx, ip, callee, top - 1, regs, mem, len)
}

/// Enters function `func` (store address) called by the op at `ip` with its arguments below
/// cell `top`. A call never feeds the accumulator, and the callee's first op has no op before
/// it: the accumulator starts at 0.
#[inline(always)]
fn enter_callee(
    ctx: &mut Fast,
    ip: *const Slot,
    func: u32,
    top: u32,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
) -> *const Slot {
    let Some(FuncInst::Wasm { code: c, .. }) = ctx.funcs.get(func as usize) else {
        return stop(ctx, ip, regs, mem, len, 0, 0.0);
    };
    let sp = ctx.fp + top as usize;
    let new_fp = sp - c.params as usize;
    // SAFETY: `frames` is the interpreter loop's frame stack, which it does not touch while
    // `run` runs.
    let frames = unsafe { &mut *ctx.frames };
    if c.memory != ctx.mem
        || frames.len() + 1 >= ctx.max_depth
        || new_fp + c.max_height as usize > ctx.stack_len
    {
        return stop(ctx, ip, regs, mem, len, 0, 0.0);
    }
    frames.push(Frame {
        code: ctx.code,
        func: ctx.func,
        ip: step!(ip),
        fp: ctx.fp,
    });
    let locals = c.locals as usize;
    // Usually a few cells: a loop beats a `memset` call (which the volatile writes keep the
    // compiler from turning it into).
    for i in sp..sp + locals {
        // SAFETY: the callee's locals are below its `max_height`, checked above.
        unsafe { ctx.stack.add(i).write_volatile(0) };
    }
    ctx.sp = sp + locals;
    ctx.enter(c, func, new_fp, ctx.mem);
    ctx.regs_len = ctx.stack_len - new_fp;
    // SAFETY: as above, the callee's frame is within the stack.
    let regs = unsafe { ctx.stack.add(new_fp) };
    next!(ctx, ctx.ops, regs, mem, len, 0, 0.0)
}

/// Returns to a caller of the same memory (the entry frame's return, and a return to another
/// memory's code, leave for the interpreter loop).
fn ret(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    let from = payload!(ip, Return) as usize;
    // SAFETY: as in `call`.
    let frames = unsafe { &mut *ctx.frames };
    let Some(f) = frames.pop_if(|f| f.code.memory == ctx.mem) else {
        return stop(ctx, ip, regs, mem, len, acc, facc);
    };
    let n = ctx.code.results as usize;
    // Usually one cell or none, moving down: a loop beats a `memmove` call.
    for i in 0..n {
        set_reg!(ctx, regs, i, reg!(ctx, regs, u64, from + i));
    }
    ctx.sp = ctx.fp + n;
    ctx.enter(f.code, f.func, f.fp, ctx.mem);
    ctx.regs_len = ctx.stack_len - f.fp;
    // SAFETY: the caller's frame base is within the stack.
    let regs = unsafe { ctx.stack.add(f.fp) };
    next!(ctx, f.ip, regs, mem, len, acc, facc)
}

fn set_sp(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    ctx.sp = ctx.fp + payload!(ip, SetSp) as usize;
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn simd(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    ctx.sp = simd::exec(payload!(ip, Simd), stack!(ctx), ctx.sp);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn simd_lane(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, SimdLane { op, lane });
    ctx.sp = simd::exec_lane(op, lane, stack!(ctx), ctx.sp);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn simd_mem(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, SimdMem { op, lane, offset });
    let data = mem0!(mem, len);
    ctx.sp = tri!(
        ctx,
        ip,
        simd::exec_mem(op, lane, offset.into(), data, stack!(ctx), ctx.sp)
    );
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

/// Reads the `v128` in registers `$r` (low half) and `$r + 1`.
///
/// On a little-endian host it is one 16-byte load (into a vector register, where the lane
/// operations want it): the pair was written by one 16-byte store (`set_reg2!`), from which it
/// is forwarded. On x86-64 both go through SSE2's unaligned vector load and store: a `u128`
/// read or write alone is split into two 8-byte halves when the value is computed in general
/// registers (the integer lane operations), and a 16-byte load of a pair written as two
/// halves is not forwarded (a stall of some 15 cycles; `simd` bench 1.12 → 1.04 of wasmi's
/// time).
macro_rules! reg2 {
    ($ctx:ident, $regs:ident, $r:expr) => {{
        let r = $r as usize;
        #[cfg(target_endian = "little")]
        {
            debug_assert!(r + 1 < $ctx.regs_len, "register {} out of the stack", r + 1);
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as for `reg!`, for both cells; a little-endian `u128` is its low half
            // then its high half, the cells' order, as in an `__m128i`.
            unsafe {
                use std::arch::x86_64::{__m128i, _mm_loadu_si128};
                std::mem::transmute::<__m128i, u128>(_mm_loadu_si128(
                    $regs.add(r).cast::<__m128i>(),
                ))
            }
            #[cfg(not(target_arch = "x86_64"))]
            // SAFETY: as for `reg!`, for both cells; a little-endian `u128` is its low half
            // then its high half, the cells' order.
            unsafe {
                $regs.add(r).cast::<u128>().read_unaligned()
            }
        }
        #[cfg(not(target_endian = "little"))]
        {
            u128::from(reg!($ctx, $regs, u64, r))
                | (u128::from(reg!($ctx, $regs, u64, r + 1)) << 64)
        }
    }};
}

/// Writes the `v128` `$v` to registers `$r` and `$r + 1`: as one 16-byte store on a
/// little-endian host, so that a 16-byte load of the pair (a `v128.store`, a copy) is
/// forwarded from it (see `reg2!`).
macro_rules! set_reg2 {
    ($ctx:ident, $regs:ident, $r:expr, $v:expr) => {{
        let (r, v): (usize, u128) = ($r as usize, $v);
        #[cfg(target_endian = "little")]
        {
            debug_assert!(r + 1 < $ctx.regs_len, "register {} out of the stack", r + 1);
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as for `set_reg!`, for both cells; a little-endian `u128` is its low
            // half then its high half, the cells' order, as in an `__m128i`.
            unsafe {
                use std::arch::x86_64::{__m128i, _mm_storeu_si128};
                _mm_storeu_si128(
                    $regs.add(r).cast::<__m128i>(),
                    std::mem::transmute::<u128, __m128i>(v),
                )
            }
            #[cfg(not(target_arch = "x86_64"))]
            // SAFETY: as for `set_reg!`, for both cells; a little-endian `u128` is its low
            // half then its high half, the cells' order.
            unsafe {
                $regs.add(r).cast::<u128>().write_unaligned(v)
            }
        }
        #[cfg(not(target_endian = "little"))]
        {
            set_reg!($ctx, $regs, r, v as u64);
            set_reg!($ctx, $regs, r + 1, (v >> 64) as u64);
        }
    }};
}

fn copy2(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, Copy2 { dst, src });
    set_reg2!(ctx, regs, dst, reg2!(ctx, regs, src));
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

macro_rules! define_simd_handlers {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The handler of each [`Op::SimdR`] instruction, in [`SimdOp`]'s order (those with
        /// immediates are never an `SimdR`: theirs is unused).
        static SIMD_HANDLERS: [Handler; [$(SimdOp::$op),*].len()] = [$(simd_handlers::$op),*];

        #[allow(non_snake_case, reason = "named after the instruction's `SimdOp` variant")]
        mod simd_handlers {
            use super::*;
            $(
                pub(super) fn $op(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, SimdR { op, dst, a, b, c });
                    let _ = op;
                    let (a, b, c) = (reg2!(ctx, regs, a), reg2!(ctx, regs, b), reg2!(ctx, regs, c));
                    set_reg2!(ctx, regs, dst, simd::apply_inline(a, b, c, SimdOp::$op));
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
            )*
        }
    };
}
wasmparser::for_each_visit_simd_operator!(define_simd_handlers);

fn simd_test_r(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, SimdTestR { op, dst, a });
    let r = simd::apply(reg2!(ctx, regs, a), 0, 0, op);
    set_reg!(ctx, regs, dst, r as u64);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn simd_extract_r(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, SimdExtractR { op, lane, dst, a });
    let r = simd::lane_op(op, lane, reg2!(ctx, regs, a), 0);
    set_reg!(ctx, regs, dst, r as u64);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn simd_replace_r(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(
        ip,
        SimdReplaceR {
            op,
            lane,
            dst,
            a,
            x
        }
    );
    let r = simd::lane_op(op, lane, reg2!(ctx, regs, a), reg!(ctx, regs, u64, x));
    set_reg2!(ctx, regs, dst, r);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn v128_const_r(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, V128ConstR { dst, index });
    // SAFETY: the translator made the index one of the body's `v128` immediates.
    let v = unsafe { *ctx.v128_consts.add(index as usize) };
    set_reg2!(ctx, regs, dst, v);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn shuffle_r(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, ShuffleR { dst, a, b, lanes });
    // SAFETY: as in `v128_const_r`.
    let lanes = unsafe { *ctx.v128_consts.add(lanes as usize) };
    let r = simd::shuffle(reg2!(ctx, regs, a), reg2!(ctx, regs, b), lanes);
    set_reg2!(ctx, regs, dst, r);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn v128_load_r(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(ip, V128LoadR { dst, addr, offset });
    let addr = reg!(ctx, regs, u32, addr);
    let bytes = tri!(ctx, ip, memory::load::<16>(mem0!(mem, len), addr, offset));
    set_reg2!(ctx, regs, dst, u128::from_le_bytes(bytes));
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn v128_store_r(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    fields!(
        ip,
        V128StoreR {
            addr,
            value,
            offset
        }
    );
    let (addr, bytes) = (
        reg!(ctx, regs, u32, addr),
        reg2!(ctx, regs, value).to_le_bytes(),
    );
    tri!(
        ctx,
        ip,
        memory::store::<16>(mem0!(mem, len), addr, offset, bytes)
    );
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn v128_const(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    let i = payload!(ip, V128Const) as usize;
    // SAFETY: the translator made the index one of the body's `v128` immediates.
    let v = unsafe { *ctx.v128_consts.add(i) };
    ctx.sp = stack2::push(stack!(ctx), ctx.sp, v);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn shuffle(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    let i = payload!(ip, I8x16Shuffle) as usize;
    // SAFETY: as in `v128_const`.
    let lanes = unsafe { *ctx.v128_consts.add(i) };
    ctx.sp = stack2::shuffle2(stack!(ctx), ctx.sp, lanes);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn select2(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    ctx.sp = stack2::select(stack!(ctx), ctx.sp);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn global_get2(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    let g = payload!(ip, GlobalGet2) as usize;
    // SAFETY: the translator resolved the global to the address of a global of the store.
    let v = unsafe { (*ctx.globals.add(g)).value };
    ctx.sp = stack2::push(stack!(ctx), ctx.sp, v);
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

fn global_set2(
    ctx: &mut Fast,
    ip: *const Slot,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    acc: u64,
    facc: f64,
) -> *const Slot {
    let (v, sp) = stack2::pop(stack!(ctx), ctx.sp);
    ctx.sp = sp;
    let g = payload!(ip, GlobalSet2) as usize;
    // SAFETY: as in `global_get2`.
    unsafe { (*ctx.globals.add(g)).value = v };
    next!(ctx, step!(ip), regs, mem, len, acc, facc)
}

/// The tag of an op (`Op` is `repr(u16)`), below `TABLE_LEN`.
const fn tag(op: &Op) -> usize {
    // SAFETY: a `repr(u16)` enum starts with its `u16` tag.
    (unsafe { *(op as *const Op).cast::<u16>() }) as usize
}

/// More than the number of `Op` variants (a tag beyond it fails to compile the table).
const TABLE_LEN: usize = 1024;

macro_rules! define_handlers {
    (
        ()
        binary_imm { $($bi:ident $bi_imm:ident $bi_c:ident $bi_k:ident $bi_t:ty => |$bi_a:ident, $bi_b:ident| $bi_e:expr;)* }
        compare { $($c:ident $c_imm:ident $c_br:ident $c_bri:ident ! $c_nbr:ident $c_nbri:ident $c_c:ident $c_t:ty => |$c_a:ident, $c_b:ident| $c_e:expr;)* }
        binary { $($b:ident $b_imm:ident $b_k:ident $b_t:ty => |$b_a:ident, $b_b:ident| $b_e:expr;)* }
        unary { $($u:ident $u_k:ident $u_t:ty => |$u_a:ident| $u_e:expr;)* }
        load { $($l:ident $l_idx:ident $l_add:ident $l_n:literal => |$l_b:ident| $l_e:expr;)* }
        store { $($s:ident $s_imm:ident $s_idx:ident $s_imm_idx:ident $s_add:ident $s_t:ty => |$s_v:ident| $s_e:expr;)* }
    ) => {
        /// The handlers of the numeric table, one module per entry. Each is generic over its
        /// accumulator form: `IN` names the operand it reads from the accumulator instead of
        /// its cell (0: none, else the first, second or third cell field) and `OUT` whether it
        /// passes its result in the accumulator too.
        #[allow(non_snake_case, reason = "each module is named after its operator")]
        mod handlers {
            use super::*;
            $(pub(super) mod $bi {
                use super::*;
                pub(in super::super) fn rr<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $bi { dst, a, b });
                    let ($bi_a, $bi_b) = (operand!(ctx, regs, (acc, facc), $bi_t, a, IN == 1), operand!(ctx, regs, (acc, facc), $bi_t, b, IN == 2));
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, value!(ctx, ip, $bi_k, $bi_e), OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn ri<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $bi_imm { dst, a, imm });
                    let ($bi_a, $bi_b) = (operand!(ctx, regs, (acc, facc), $bi_t, a, IN == 1), i64::from(imm) as $bi_t);
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, value!(ctx, ip, $bi_k, $bi_e), OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
            })*
            $(pub(super) mod $c {
                use super::*;
                pub(in super::super) fn rr<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $c { dst, a, b });
                    let ($c_a, $c_b) = (operand!(ctx, regs, (acc, facc), $c_t, a, IN == 1), operand!(ctx, regs, (acc, facc), $c_t, b, IN == 2));
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, $c_e, OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn ri<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $c_imm { dst, a, imm });
                    let ($c_a, $c_b) = (operand!(ctx, regs, (acc, facc), $c_t, a, IN == 1), i64::from(imm) as $c_t);
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, $c_e, OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn br<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $c_br { a, b, target });
                    let ($c_a, $c_b) = (operand!(ctx, regs, (acc, facc), $c_t, a, IN == 1), operand!(ctx, regs, (acc, facc), $c_t, b, IN == 2));
                    branch!(ctx, $c_e, target, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn add_imm_br(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, AddImmBr { x, imm, b, cmp, target });
                    let _ = cmp;
                    let v = reg!(ctx, regs, u32, x).wrapping_add(imm as u32);
                    set_reg!(ctx, regs, x, v);
                    let ($c_a, $c_b) = (<$c_t as Cell>::from_cell(u64::from(v)), reg!(ctx, regs, $c_t, b));
                    branch!(ctx, $c_e, target, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn add_imm_br_imm(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, AddImmBrImm { x, imm, cmp, k, target });
                    let _ = cmp;
                    let v = reg!(ctx, regs, u32, x).wrapping_add(imm as u32);
                    set_reg!(ctx, regs, x, v);
                    let ($c_a, $c_b) = (<$c_t as Cell>::from_cell(u64::from(v)), <$c_t as Cell>::from_cell(u64::from(k as u32)));
                    branch!(ctx, $c_e, target, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn add_br(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, AddBr { x, c, b, cmp, target });
                    let _ = cmp;
                    let v = reg!(ctx, regs, u32, x).wrapping_add(reg!(ctx, regs, u32, c));
                    set_reg!(ctx, regs, x, v);
                    let ($c_a, $c_b) = (<$c_t as Cell>::from_cell(u64::from(v)), reg!(ctx, regs, $c_t, b));
                    branch!(ctx, $c_e, target, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn bri<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $c_bri { a, imm, target });
                    let ($c_a, $c_b) = (operand!(ctx, regs, (acc, facc), $c_t, a, IN == 1), i64::from(imm) as $c_t);
                    branch!(ctx, $c_e, target, ip, regs, mem, len, acc, facc)
                }
            })*
            $(pub(super) mod $b {
                use super::*;
                pub(in super::super) fn rr<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $b { dst, a, b });
                    let ($b_a, $b_b) = (operand!(ctx, regs, (acc, facc), $b_t, a, IN == 1), operand!(ctx, regs, (acc, facc), $b_t, b, IN == 2));
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, value!(ctx, ip, $b_k, $b_e), OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn ri<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $b_imm { dst, a, imm });
                    let ($b_a, $b_b) = (operand!(ctx, regs, (acc, facc), $b_t, a, IN == 1), <$b_t as Cell>::from_cell(imm));
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, value!(ctx, ip, $b_k, $b_e), OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
            })*
            $(pub(super) mod $u {
                use super::*;
                pub(in super::super) fn r<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $u { dst, a });
                    let $u_a = operand!(ctx, regs, (acc, facc), $u_t, a, IN == 1);
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, value!(ctx, ip, $u_k, $u_e), OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
            })*
            $(pub(super) mod $l {
                use super::*;
                pub(in super::super) fn r<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $l { dst, addr, offset });
                    let addr = operand!(ctx, regs, (acc, facc), u32, addr, IN == 1);
                    let $l_b = tri!(ctx, ip, memory::load::<$l_n>(mem0!(mem, len), addr, offset));
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, $l_e, OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn idx<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    idx_at::<IN, OUT, false>(ctx, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn scaled_idx<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    idx_at::<IN, OUT, true>(ctx, ip, regs, mem, len, acc, facc)
                }
                #[inline(always)]
                fn idx_at<const IN: u8, const OUT: bool, const SCALED: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $l_idx { scaled, dst, base, index, offset });
                    debug_assert_eq!(scaled, SCALED);
                    let index = memory::index(operand!(ctx, regs, (acc, facc), u32, index, IN == 2), SCALED, $l_n);
                    let addr = operand!(ctx, regs, (acc, facc), u32, base, IN == 1).wrapping_add(index);
                    let $l_b = tri!(ctx, ip, memory::load::<$l_n>(mem0!(mem, len), addr, offset));
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, $l_e, OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn add<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    add_at::<IN, OUT, { AddTo::Cell as u8 }>(ctx, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn scaled_add<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    add_at::<IN, OUT, { AddTo::Scaled as u8 }>(ctx, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn at<const IN: u8, const OUT: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    add_at::<IN, OUT, { AddTo::Nothing as u8 }>(ctx, ip, regs, mem, len, acc, facc)
                }
                #[inline(always)]
                fn add_at<const IN: u8, const OUT: bool, const TO: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $l_add { addr, dst, to, imm, offset });
                    debug_assert_eq!(to as u8, TO);
                    let base = memory::add_base(|| operand!(ctx, regs, (acc, facc), u32, addr, IN == 1), add_to(TO), $l_n);
                    let addr = base.wrapping_add(imm as u32);
                    let $l_b = tri!(ctx, ip, memory::load::<$l_n>(mem0!(mem, len), addr, offset));
                    let (acc, facc) = result!(ctx, regs, (acc, facc), dst, $l_e, OUT);
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
            })*
            $(pub(super) mod $s {
                use super::*;
                pub(in super::super) fn rr<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $s { addr, value, offset });
                    let $s_v = operand!(ctx, regs, (acc, facc), $s_t, value, IN == 2);
                    let addr = operand!(ctx, regs, (acc, facc), u32, addr, IN == 1);
                    tri!(ctx, ip, memory::store(mem0!(mem, len), addr, offset, $s_e));
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn ri<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $s_imm { addr, imm, offset });
                    let $s_v = i64::from(imm) as $s_t;
                    let addr = operand!(ctx, regs, (acc, facc), u32, addr, IN == 1);
                    tri!(ctx, ip, memory::store(mem0!(mem, len), addr, offset, $s_e));
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn rr_idx<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    rr_idx_at::<IN, false>(ctx, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn scaled_rr_idx<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    rr_idx_at::<IN, true>(ctx, ip, regs, mem, len, acc, facc)
                }
                #[inline(always)]
                fn rr_idx_at<const IN: u8, const SCALED: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $s_idx { base, index, scaled, value, offset });
                    debug_assert_eq!(scaled, SCALED);
                    let $s_v = operand!(ctx, regs, (acc, facc), $s_t, value, IN == 3);
                    let bytes = $s_e;
                    let index = memory::index(operand!(ctx, regs, (acc, facc), u32, index, IN == 2), SCALED, bytes.len());
                    let addr = operand!(ctx, regs, (acc, facc), u32, base, IN == 1).wrapping_add(index);
                    tri!(ctx, ip, memory::store(mem0!(mem, len), addr, offset, bytes));
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn ri_idx<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    ri_idx_at::<IN, false>(ctx, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn scaled_ri_idx<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    ri_idx_at::<IN, true>(ctx, ip, regs, mem, len, acc, facc)
                }
                #[inline(always)]
                fn ri_idx_at<const IN: u8, const SCALED: bool>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $s_imm_idx { base, index, scaled, imm, offset });
                    debug_assert_eq!(scaled, SCALED);
                    let $s_v = i64::from(imm) as $s_t;
                    let bytes = $s_e;
                    let index = memory::index(operand!(ctx, regs, (acc, facc), u32, index, IN == 2), SCALED, bytes.len());
                    let addr = operand!(ctx, regs, (acc, facc), u32, base, IN == 1).wrapping_add(index);
                    tri!(ctx, ip, memory::store(mem0!(mem, len), addr, offset, bytes));
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
                pub(in super::super) fn add<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    add_at::<IN, { AddTo::Cell as u8 }>(ctx, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn scaled_add<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    add_at::<IN, { AddTo::Scaled as u8 }>(ctx, ip, regs, mem, len, acc, facc)
                }
                pub(in super::super) fn at<const IN: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    add_at::<IN, { AddTo::Nothing as u8 }>(ctx, ip, regs, mem, len, acc, facc)
                }
                #[inline(always)]
                fn add_at<const IN: u8, const TO: u8>(ctx: &mut Fast, ip: *const Slot, regs: *mut u64, mem: *mut u8, len: usize, acc: u64, facc: f64) -> *const Slot {
                    fields!(ip, $s_add { addr, value, to, imm, offset });
                    debug_assert_eq!(to as u8, TO);
                    let $s_v = operand!(ctx, regs, (acc, facc), $s_t, value, IN == 2);
                    let bytes = $s_e;
                    let base = memory::add_base(|| operand!(ctx, regs, (acc, facc), u32, addr, IN == 1), add_to(TO), bytes.len());
                    let addr = base.wrapping_add(imm as u32);
                    tri!(ctx, ip, memory::store(mem0!(mem, len), addr, offset, bytes));
                    next!(ctx, step!(ip), regs, mem, len, acc, facc)
                }
            })*
        }

        /// The accumulator form ([`AccForm`]) of an op that has one (see [`handlers`]).
        pub(super) fn acc_form(op: &Op) -> Option<AccForm> {
            Some(match *op {
                $(
                    Op::$bi { dst, a, b } => (Some(u32::from(dst)), [Some(u32::from(a)), Some(u32::from(b)), None], |i, o| { use handlers::$bi::rr as f; pick!(f, i, o, 0 1 2) }),
                    Op::$bi_imm { dst, a, .. } => (Some(u32::from(dst)), [Some(u32::from(a)), None, None], |i, o| { use handlers::$bi::ri as f; pick!(f, i, o, 0 1) }),
                )*
                $(
                    Op::$c { dst, a, b } => (Some(u32::from(dst)), [Some(u32::from(a)), Some(u32::from(b)), None], |i, o| { use handlers::$c::rr as f; pick!(f, i, o, 0 1 2) }),
                    Op::$c_imm { dst, a, .. } => (Some(u32::from(dst)), [Some(u32::from(a)), None, None], |i, o| { use handlers::$c::ri as f; pick!(f, i, o, 0 1) }),
                    Op::$c_br { a, b, .. } => (None, [Some(u32::from(a)), Some(u32::from(b)), None], |i, _| { use handlers::$c::br as f; pick!(f, i, 0 1 2) }),
                    Op::$c_bri { a, .. } => (None, [Some(u32::from(a)), None, None], |i, _| { use handlers::$c::bri as f; pick!(f, i, 0 1) }),
                )*
                $(
                    Op::$b { dst, a, b } => (Some(u32::from(dst)), [Some(u32::from(a)), Some(u32::from(b)), None], |i, o| { use handlers::$b::rr as f; pick!(f, i, o, 0 1 2) }),
                    Op::$b_imm { dst, a, .. } => (Some(u32::from(dst)), [Some(u32::from(a)), None, None], |i, o| { use handlers::$b::ri as f; pick!(f, i, o, 0 1) }),
                )*
                $(Op::$u { dst, a } => (Some(u32::from(dst)), [Some(u32::from(a)), None, None], |i, o| { use handlers::$u::r as f; pick!(f, i, o, 0 1) }),)*
                $(
                    Op::$l { dst, addr, .. } => (Some(u32::from(dst)), [Some(u32::from(addr)), None, None], |i, o| { use handlers::$l::r as f; pick!(f, i, o, 0 1) }),
                    Op::$l_idx { scaled: false, dst, base, index, .. } => (Some(u32::from(dst)), [Some(u32::from(base)), Some(u32::from(index)), None], |i, o| { use handlers::$l::idx as f; pick!(f, i, o, 0 1 2) }),
                    Op::$l_idx { scaled: true, dst, base, index, .. } => (Some(u32::from(dst)), [Some(u32::from(base)), Some(u32::from(index)), None], |i, o| { use handlers::$l::scaled_idx as f; pick!(f, i, o, 0 1 2) }),
                    Op::$l_add { to: AddTo::Cell, addr, dst, .. } => (Some(u32::from(dst)), [Some(u32::from(addr)), None, None], |i, o| { use handlers::$l::add as f; pick!(f, i, o, 0 1) }),
                    Op::$l_add { to: AddTo::Scaled, addr, dst, .. } => (Some(u32::from(dst)), [Some(u32::from(addr)), None, None], |i, o| { use handlers::$l::scaled_add as f; pick!(f, i, o, 0 1) }),
                    Op::$l_add { to: AddTo::Nothing, dst, .. } => (Some(u32::from(dst)), [None, None, None], |i, o| { use handlers::$l::at as f; pick!(f, i, o, 0) }),
                )*
                $(
                    Op::$s { addr, value, .. } => (None, [Some(u32::from(addr)), Some(u32::from(value)), None], |i, _| { use handlers::$s::rr as f; pick!(f, i, 0 1 2) }),
                    Op::$s_imm { addr, .. } => (None, [Some(u32::from(addr)), None, None], |i, _| { use handlers::$s::ri as f; pick!(f, i, 0 1) }),
                    Op::$s_idx { scaled: false, base, index, value, .. } => (None, [Some(u32::from(base)), Some(u32::from(index)), Some(u32::from(value))], |i, _| { use handlers::$s::rr_idx as f; pick!(f, i, 0 1 2 3) }),
                    Op::$s_idx { scaled: true, base, index, value, .. } => (None, [Some(u32::from(base)), Some(u32::from(index)), Some(u32::from(value))], |i, _| { use handlers::$s::scaled_rr_idx as f; pick!(f, i, 0 1 2 3) }),
                    Op::$s_imm_idx { scaled: false, base, index, .. } => (None, [Some(u32::from(base)), Some(u32::from(index)), None], |i, _| { use handlers::$s::ri_idx as f; pick!(f, i, 0 1 2) }),
                    Op::$s_imm_idx { scaled: true, base, index, .. } => (None, [Some(u32::from(base)), Some(u32::from(index)), None], |i, _| { use handlers::$s::scaled_ri_idx as f; pick!(f, i, 0 1 2) }),
                    Op::$s_add { to: AddTo::Cell, addr, value, .. } => (None, [Some(u32::from(addr)), Some(u32::from(value)), None], |i, _| { use handlers::$s::add as f; pick!(f, i, 0 1 2) }),
                    Op::$s_add { to: AddTo::Scaled, addr, value, .. } => (None, [Some(u32::from(addr)), Some(u32::from(value)), None], |i, _| { use handlers::$s::scaled_add as f; pick!(f, i, 0 1 2) }),
                    Op::$s_add { to: AddTo::Nothing, value, .. } => (None, [None, Some(u32::from(value)), None], |i, _| { use handlers::$s::at as f; pick!(f, i, 0 2) }),
                )*
                Op::Copy { dst, src } => (Some(dst), [Some(src), None, None], |i, o| { use copy as f; pick!(f, i, o, 0 1) }),
                Op::Const { dst, .. } => (Some(dst), [None, None, None], |i, o| { use constant as f; pick!(f, i, o, 0) }),
                Op::BrIfNonZero { cond, .. } => (None, [Some(u32::from(cond)), None, None], |i, _| { use br_if_non_zero as f; pick!(f, i, 0 1) }),
                Op::BrIfZero { cond, .. } => (None, [Some(u32::from(cond)), None, None], |i, _| { use br_if_zero as f; pick!(f, i, 0 1) }),
                Op::BrTableAt { index, .. } => (None, [Some(u32::from(index)), None, None], |i, _| { use br_table as f; pick!(f, i, 0 1) }),
                _ => return None,
            })
        }

        /// The handlers of the fused add-and-branch ops, in [`Cmp`]'s order (the same as
        /// the table's).
        static ADD_IMM_BR: [Handler; [$(Cmp::$c),*].len()] = [$(handlers::$c::add_imm_br),*];
        static ADD_IMM_BR_IMM: [Handler; [$(Cmp::$c),*].len()] = [$(handlers::$c::add_imm_br_imm),*];
        static ADD_BR: [Handler; [$(Cmp::$c),*].len()] = [$(handlers::$c::add_br),*];

        /// The handler of each op tag.
        static HANDLERS: [Handler; TABLE_LEN] = {
            let mut t = [stop as Handler; TABLE_LEN];
            $(
                t[tag(&Op::$bi { dst: 0, a: 0, b: 0 })] = handlers::$bi::rr::<0, false>;
                t[tag(&Op::$bi_imm { dst: 0, a: 0, imm: 0 })] = handlers::$bi::ri::<0, false>;
            )*
            $(
                t[tag(&Op::$c { dst: 0, a: 0, b: 0 })] = handlers::$c::rr::<0, false>;
                t[tag(&Op::$c_imm { dst: 0, a: 0, imm: 0 })] = handlers::$c::ri::<0, false>;
                t[tag(&Op::$c_br { a: 0, b: 0, target: 0 })] = handlers::$c::br::<0>;
                t[tag(&Op::$c_bri { a: 0, imm: 0, target: 0 })] = handlers::$c::bri::<0>;
            )*
            $(
                t[tag(&Op::$b { dst: 0, a: 0, b: 0 })] = handlers::$b::rr::<0, false>;
                t[tag(&Op::$b_imm { dst: 0, a: 0, imm: 0 })] = handlers::$b::ri::<0, false>;
            )*
            $(t[tag(&Op::$u { dst: 0, a: 0 })] = handlers::$u::r::<0, false>;)*
            $(
                t[tag(&Op::$l { dst: 0, addr: 0, offset: 0 })] = handlers::$l::r::<0, false>;
                t[tag(&Op::$l_idx { scaled: false, dst: 0, base: 0, index: 0, offset: 0 })] = handlers::$l::idx::<0, false>;
                t[tag(&Op::$l_add { addr: 0, dst: 0, to: AddTo::Cell, imm: 0, offset: 0 })] = handlers::$l::add::<0, false>;
            )*
            $(
                t[tag(&Op::$s { addr: 0, value: 0, offset: 0 })] = handlers::$s::rr::<0>;
                t[tag(&Op::$s_imm { addr: 0, imm: 0, offset: 0 })] = handlers::$s::ri::<0>;
                t[tag(&Op::$s_idx { base: 0, index: 0, scaled: false, value: 0, offset: 0 })] = handlers::$s::rr_idx::<0>;
                t[tag(&Op::$s_imm_idx { base: 0, index: 0, scaled: false, imm: 0, offset: 0 })] = handlers::$s::ri_idx::<0>;
                t[tag(&Op::$s_add { addr: 0, value: 0, to: AddTo::Cell, imm: 0, offset: 0 })] = handlers::$s::add::<0>;
            )*
            t[tag(&Op::Copy { dst: 0, src: 0 })] = copy::<0, false>;
            t[tag(&Op::Const { dst: 0, bits: 0 })] = constant::<0, false>;
            t[tag(&Op::Jump(0))] = jump;
            t[tag(&Op::BrIfNonZero { cond: 0, target: 0 })] = br_if_non_zero::<0>;
            t[tag(&Op::BrIfZero { cond: 0, target: 0 })] = br_if_zero::<0>;
            t[tag(&Op::BrTableAt { index: 0, start: 0, len: 0 })] = br_table::<0>;
            t[tag(&Op::BrI32AndNonZero { a: 0, b: 0, target: 0 })] = br_and_non_zero;
            t[tag(&Op::BrI32AndZero { a: 0, b: 0, target: 0 })] = br_and_zero;
            t[tag(&Op::BrI32AndImmNonZero { a: 0, imm: 0, target: 0 })] = br_and_imm_non_zero;
            t[tag(&Op::BrI32AndImmZero { a: 0, imm: 0, target: 0 })] = br_and_imm_zero;
            t[tag(&Op::Select(0))] = select;
            t[tag(&Op::GlobalGet { dst: 0, global: 0 })] = global_get;
            t[tag(&Op::GlobalSet { src: 0, global: 0 })] = global_set;
            t[tag(&Op::SetSp(0))] = set_sp;
            t[tag(&Op::Call { func: 0, top: 0 })] = call;
            t[tag(&Op::CallIndirect { sig: 0, table: 0, top: 0 })] = call_indirect;
            t[tag(&Op::Return(0))] = ret;
            t[tag(&Op::Simd(SimdOp::V128Not))] = simd;
            t[tag(&Op::SimdLane { op: SimdOp::V128Not, lane: 0 })] = simd_lane;
            t[tag(&Op::SimdMem { op: SimdOp::V128Not, lane: 0, offset: 0 })] = simd_mem;
            t[tag(&Op::V128Const(0))] = v128_const;
            t[tag(&Op::I8x16Shuffle(0))] = shuffle;
            t[tag(&Op::Select2)] = select2;
            t[tag(&Op::Copy2 { dst: 0, src: 0 })] = copy2;
            let v = SimdOp::V128Not;
            t[tag(&Op::SimdTestR { op: v, dst: 0, a: 0 })] = simd_test_r;
            t[tag(&Op::SimdExtractR { op: v, lane: 0, dst: 0, a: 0 })] = simd_extract_r;
            t[tag(&Op::SimdReplaceR { op: v, lane: 0, dst: 0, a: 0, x: 0 })] = simd_replace_r;
            t[tag(&Op::V128ConstR { dst: 0, index: 0 })] = v128_const_r;
            t[tag(&Op::ShuffleR { dst: 0, a: 0, b: 0, lanes: 0 })] = shuffle_r;
            t[tag(&Op::V128LoadR { dst: 0, addr: 0, offset: 0 })] = v128_load_r;
            t[tag(&Op::V128StoreR { addr: 0, value: 0, offset: 0 })] = v128_store_r;
            t[tag(&Op::GlobalGet2(0))] = global_get2;
            t[tag(&Op::GlobalSet2(0))] = global_set2;
            t
        };
    };
}
for_each_numeric!(define_handlers());
