//! Execution: one loop over the current function's ops, with a program counter, a flat stack of
//! 64-bit cells and a Vec of frames (wasm calls never recurse on the host stack).
//!
//! A frame's parameters and locals live in the value stack from its base `fp`; operands sit above
//! them. Fuel is one unit per executed op (the loop is compiled without the check when fuel is
//! unlimited). Calls check the call depth and that the callee's precomputed maximum stack height
//! fits, so deep recursion traps with "call stack exhausted".
//!
//! This is the crate's one module with `unsafe`: unchecked reads of the op array and of stack
//! cells in the hot loop, each justified by an invariant of the translated code (see the
//! `SAFETY` comments) and checked by `debug_assert!` in debug builds.

#![allow(
    unsafe_code,
    reason = "unchecked stack and op access in the interpreter loop"
)]

use super::code::{FuncCode, NO_SLOT, Op};
use super::exception;
use super::memory::{self, Memory};
use super::numeric as num;
use super::simd;
use super::trap::{BacktraceFrame, Trap, TrapKind};
use super::value::{self, Ref, Val};
use super::{FuncInst, Store, atomic, bulk, gc, table};

/// A value stored in a stack cell.
trait Cell: Sized {
    fn from_cell(cell: u64) -> Self;
    fn to_cell(self) -> u64;
}

macro_rules! cell_int {
    ($($t:ty => $u:ty),*) => {$(
        impl Cell for $t {
            #[inline(always)]
            fn from_cell(cell: u64) -> Self { cell as $u as $t }
            #[inline(always)]
            fn to_cell(self) -> u64 { self as $u as u64 }
        }
    )*};
}
cell_int!(i32 => u32, u32 => u32, i64 => u64, u64 => u64);

impl Cell for f32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f32::from_bits(cell as u32)
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Cell for f64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f64::from_bits(cell)
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        self.to_bits()
    }
}

impl Cell for bool {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        cell != 0
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        u64::from(self)
    }
}

/// A suspended caller (its memory is its code's [`FuncCode::memory`]).
struct Frame<'a> {
    code: &'a FuncCode,
    func: u32,
    pc: usize,
    fp: usize,
}

/// Runs function `func` of the store with `args`.
pub(crate) fn invoke(store: &mut Store, func: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
    let bad = |message: String| Trap::new(TrapKind::BadInvocation(message));
    let (sig, code, instance) = match store.funcs.get(func as usize) {
        Some(FuncInst::Wasm {
            sig,
            code,
            instance,
            ..
        }) => (*sig, Some(code), *instance),
        Some(FuncInst::Host { sig, .. }) => (*sig, None, 0),
        None => return Err(bad(format!("no function at address {func}"))),
    };
    let ty = store.sigs[sig as usize].clone();
    let fits =
        |a: &Val, t: &value::ValType| gc::val_fits(&store.types, &store.heap, &store.funcs, *a, *t);
    if args.len() != ty.params.len() || args.iter().zip(&ty.params).any(|(a, t)| !fits(a, t)) {
        return Err(bad(format!(
            "wrong arguments: expected ({}), got ({})",
            ty.params
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            args.iter()
                .map(|a| a.ty().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        )));
    }
    let Some(code) = code else {
        let FuncInst::Host { func, .. } = &store.funcs[func as usize] else {
            unreachable!("checked above")
        };
        // Called from the embedder: there is no calling instance, hence no memory.
        let func = func.clone();
        return func(&mut super::Caller::new(&mut store.memories, None), args);
    };
    debug_assert_eq!(
        code.memory,
        store.instances[instance as usize]
            .memory
            .map_or(usize::MAX, |m| m as usize),
        "a function's code names its instance's memory"
    );
    let mut stack = std::mem::take(&mut store.stack);
    let cells = store.config.max_stack_cells as usize;
    if stack.len() != cells {
        stack = vec![0; cells];
    }
    let mut fuel = store.config.fuel.unwrap_or(u64::MAX);
    let params = value::vals_to_cells(args, &mut stack);
    let result = if store.config.fuel.is_some() {
        run::<true>(store, &mut stack, func, params, &mut fuel)
    } else {
        run::<false>(store, &mut stack, func, params, &mut fuel)
    };
    if store.config.fuel.is_some() {
        store.fuel_left = Some(fuel);
    }
    let out = result.map(|_| value::vals_from_cells(&ty.results, &stack));
    store.stack = stack;
    out
}

/// The data of memory `mem`, empty when the instance has none.
#[inline(always)]
fn mem_data(memories: &[Memory], mem: usize) -> &[u8] {
    memories.get(mem).map_or(&[], |m| &m.data)
}

#[inline(always)]
fn mem_data_mut(memories: &mut [Memory], mem: usize) -> &mut [u8] {
    memories.get_mut(mem).map_or(&mut [], |m| &mut m.data)
}

/// Runs from an entry frame whose `params` arguments are at the bottom of the stack; returns the
/// number of result cells left there. `FUEL` says whether fuel is counted: without a limit the
/// loop is compiled without the check.
fn run<const FUEL: bool>(
    store: &mut Store,
    stack: &mut [u64],
    entry: u32,
    params: usize,
    fuel: &mut u64,
) -> Result<usize, Trap> {
    let Store {
        config,
        funcs,
        sigs,
        memories,
        tables,
        globals,
        instances,
        elems,
        datas,
        tags,
        exceptions,
        types,
        heap,
        ..
    } = store;
    let table_limit = u64::from(config.max_table_elements);
    let funcs: &[FuncInst] = funcs;
    let max_depth = config.max_call_depth as usize;
    let mut frames: Vec<Frame<'_>> = Vec::with_capacity(64);
    let FuncInst::Wasm {
        code: entry_code, ..
    } = &funcs[entry as usize]
    else {
        return Err(Trap::new(TrapKind::BadInvocation(
            "not a wasm function".into(),
        )));
    };
    let mut code: &FuncCode = entry_code;
    let mut ops: &[Op] = &code.ops;
    let mut func = entry;
    let mut pc: usize = 0;
    let mut fp: usize = 0;
    let mut sp: usize = params;
    if code.max_height as usize > stack.len() {
        return Err(Trap::new(TrapKind::CallStackExhausted));
    }
    stack[sp..sp + code.locals as usize].fill(0);
    sp += code.locals as usize;
    let mut mem = code.memory;
    let mut fuel_left = *fuel;

    macro_rules! tri {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(kind) => break Err(kind),
            }
        };
    }
    // Stack cells are read and written without bounds checks: every function's `max_height`
    // (the most cells it uses above its frame base, computed by the translator from the
    // validated operand stack) is checked against the stack's length when the function is
    // entered, and `sp` stays within `fp + max_height`. Debug builds (and so the spec suite in
    // `cargo test`) check every access anyway.
    macro_rules! cell {
        ($i:expr) => {{
            let i: usize = $i;
            debug_assert!(i < stack.len(), "stack cell {i} out of {}", stack.len());
            // SAFETY: `i < stack.len()`, as the comment above argues.
            unsafe { *stack.get_unchecked(i) }
        }};
    }
    macro_rules! set_cell {
        ($i:expr, $v:expr) => {{
            let i: usize = $i;
            let v: u64 = $v;
            debug_assert!(i < stack.len(), "stack cell {i} out of {}", stack.len());
            // SAFETY: `i < stack.len()`, as the comment above argues.
            unsafe { *stack.get_unchecked_mut(i) = v }
        }};
    }
    macro_rules! pop {
        ($t:ty) => {{
            sp -= 1;
            <$t as Cell>::from_cell(cell!(sp))
        }};
    }
    macro_rules! push {
        ($e:expr) => {{
            set_cell!(sp, Cell::to_cell($e));
            sp += 1;
        }};
    }
    macro_rules! un {
        ($t:ty, |$a:ident| $e:expr) => {{
            let $a = <$t as Cell>::from_cell(cell!(sp - 1));
            set_cell!(sp - 1, Cell::to_cell($e));
        }};
    }
    macro_rules! un_t {
        ($t:ty, |$a:ident| $e:expr) => {{
            let $a = <$t as Cell>::from_cell(cell!(sp - 1));
            set_cell!(sp - 1, Cell::to_cell(tri!($e)));
        }};
    }
    macro_rules! bin {
        ($t:ty, |$a:ident, $b:ident| $e:expr) => {{
            sp -= 1;
            let $b = <$t as Cell>::from_cell(cell!(sp));
            let $a = <$t as Cell>::from_cell(cell!(sp - 1));
            set_cell!(sp - 1, Cell::to_cell($e));
        }};
    }
    macro_rules! bin_t {
        ($t:ty, |$a:ident, $b:ident| $e:expr) => {{
            sp -= 1;
            let $b = <$t as Cell>::from_cell(stack[sp]);
            let $a = <$t as Cell>::from_cell(cell!(sp - 1));
            set_cell!(sp - 1, Cell::to_cell(tri!($e)));
        }};
    }
    macro_rules! load {
        ($n:literal, $offset:expr, |$b:ident| $e:expr) => {{
            let addr = <u32 as Cell>::from_cell(cell!(sp - 1));
            let $b = tri!(memory::load::<$n>(mem_data(memories, mem), addr, $offset));
            set_cell!(sp - 1, Cell::to_cell($e));
        }};
    }
    macro_rules! store {
        ($t:ty, $offset:expr, |$v:ident| $e:expr) => {{
            let $v = pop!($t);
            let addr = pop!(u32);
            tri!(memory::store(
                mem_data_mut(memories, mem),
                addr,
                $offset,
                $e
            ));
        }};
    }
    macro_rules! branch {
        ($target:expr, $drop:expr, $keep:expr) => {{
            let (drop, keep) = ($drop as usize, $keep as usize);
            if drop > 0 {
                // Usually one cell or none: a loop beats a `memmove` call.
                for i in sp - keep..sp {
                    set_cell!(i - drop, cell!(i));
                }
                sp -= drop;
            }
            pc = $target as usize;
        }};
    }
    // ---- Speed: operand forms of the fused instructions (see `code.rs`). ----
    macro_rules! local {
        ($t:ty, $l:expr) => {
            <$t as Cell>::from_cell(cell!(fp + $l as usize))
        };
    }
    macro_rules! bin_c {
        ($t:ty, $c:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = <$t as Cell>::from_cell(cell!(sp - 1));
            let $b = $c as $t;
            set_cell!(sp - 1, Cell::to_cell($e));
        }};
    }
    macro_rules! bin_l {
        ($t:ty, $l:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = <$t as Cell>::from_cell(cell!(sp - 1));
            let $b = local!($t, $l);
            set_cell!(sp - 1, Cell::to_cell($e));
        }};
    }
    macro_rules! bin_lc {
        ($t:ty, $l:expr, $c:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = local!($t, $l);
            let $b = $c as $t;
            push!($e);
        }};
    }
    macro_rules! bin_ll {
        ($t:ty, $x:expr, $y:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = local!($t, $x);
            let $b = local!($t, $y);
            push!($e);
        }};
    }
    macro_rules! bin_s {
        ($t:ty, $d:expr, |$a:ident, $b:ident| $e:expr) => {{
            sp -= 2;
            let $a = <$t as Cell>::from_cell(cell!(sp));
            let $b = <$t as Cell>::from_cell(cell!(sp + 1));
            set_cell!(fp + $d as usize, Cell::to_cell($e));
        }};
    }
    macro_rules! bin_lcs {
        ($t:ty, $l:expr, $c:expr, $d:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = local!($t, $l);
            let $b = $c as $t;
            set_cell!(fp + $d as usize, Cell::to_cell($e));
        }};
    }
    macro_rules! br_s {
        ($t:ty, $target:expr, |$a:ident, $b:ident| $e:expr) => {{
            sp -= 2;
            let $a = <$t as Cell>::from_cell(cell!(sp));
            let $b = <$t as Cell>::from_cell(cell!(sp + 1));
            if $e {
                pc = $target as usize;
            }
        }};
    }
    macro_rules! br_c {
        ($t:ty, $c:expr, $target:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = pop!($t);
            let $b = $c as $t;
            if $e {
                pc = $target as usize;
            }
        }};
    }
    macro_rules! br_lc {
        ($t:ty, $l:expr, $c:expr, $target:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = local!($t, $l);
            let $b = $c as $t;
            if $e {
                pc = $target as usize;
            }
        }};
    }
    macro_rules! br_ll {
        ($t:ty, $x:expr, $y:expr, $target:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = local!($t, $x);
            let $b = local!($t, $y);
            if $e {
                pc = $target as usize;
            }
        }};
    }
    // Calls a host function with the top values as arguments; pushes its results.
    macro_rules! host_call {
        ($sig:expr, $host:expr) => {{
            let (sig, host) = ($sig, $host);
            let ty = &sigs[*sig as usize];
            let n = ty.param_cells() as usize;
            let args = value::vals_from_cells(&ty.params, &stack[sp - n..sp]);
            sp -= n;
            let memory = (mem != usize::MAX).then_some(mem as u32);
            let results = match host(&mut super::Caller::new(memories, memory), &args) {
                Ok(r) => r,
                Err(trap) => break Err(trap.kind),
            };
            if results.len() != ty.results.len()
                || results
                    .iter()
                    .zip(&ty.results)
                    .any(|(r, t)| !gc::val_fits(types, heap, funcs, *r, *t))
                || sp + ty.result_cells() as usize > stack.len()
            {
                break Err(TrapKind::Host(
                    "host function returned wrong results".into(),
                ));
            }
            sp += value::vals_to_cells(&results, &mut stack[sp..]);
        }};
    }
    macro_rules! call {
        ($callee:expr) => {{
            let callee = $callee as usize;
            match &funcs[callee] {
                FuncInst::Wasm { code: c, .. } => {
                    let new_fp = sp - c.params as usize;
                    if frames.len() + 1 >= max_depth || new_fp + c.max_height as usize > stack.len()
                    {
                        break Err(TrapKind::CallStackExhausted);
                    }
                    frames.push(Frame { code, func, pc, fp });
                    // The locals are within the callee's `max_height`, checked above.
                    for i in sp..sp + c.locals as usize {
                        set_cell!(i, 0);
                    }
                    sp += c.locals as usize;
                    fp = new_fp;
                    code = c;
                    ops = &c.ops;
                    pc = 0;
                    func = callee as u32;
                    mem = c.memory;
                }
                FuncInst::Host { sig, func: host } => host_call!(sig, host),
            }
        }};
    }

    macro_rules! ret {
        () => {{
            let n = code.results as usize;
            // Usually one cell or none, moving down: a loop beats a `memmove` call.
            for i in 0..n {
                set_cell!(fp + i, cell!(sp - n + i));
            }
            sp = fp + n;
            match frames.pop() {
                None => break Ok(n),
                Some(f) => {
                    code = f.code;
                    ops = &f.code.ops;
                    func = f.func;
                    pc = f.pc;
                    fp = f.fp;
                    mem = code.memory;
                }
            }
        }};
    }
    // A tail call: the callee's arguments replace the current frame, so that neither the frame
    // stack nor the value stack grows. A host callee is called, then the frame returns.
    macro_rules! tail_call {
        ($callee:expr) => {{
            let callee = $callee as usize;
            match &funcs[callee] {
                FuncInst::Wasm { code: c, .. } => {
                    let n = c.params as usize;
                    if fp + c.max_height as usize > stack.len() {
                        break Err(TrapKind::CallStackExhausted);
                    }
                    stack.copy_within(sp - n..sp, fp);
                    sp = fp + n;
                    stack[sp..sp + c.locals as usize].fill(0);
                    sp += c.locals as usize;
                    code = c;
                    ops = &c.ops;
                    pc = 0;
                    func = callee as u32;
                    mem = c.memory;
                }
                FuncInst::Host { sig, func: host } => {
                    host_call!(sig, host);
                    ret!();
                }
            }
        }};
    }
    // Throws exception `$exn` from the op before `pc`: finds the innermost handler, unwinding
    // frames, and goes on at its catch clause; traps when it leaves the entry frame.
    macro_rules! throw {
        ($exn:expr) => {{
            let exn: Ref = $exn;
            let tag = exceptions.tag(exn);
            let mut at = pc - 1;
            let caught = loop {
                if let Some(c) = exception::find(code, at as u32, tag) {
                    break Some(c);
                }
                match frames.pop() {
                    None => break None,
                    Some(f) => {
                        code = f.code;
                        ops = &f.code.ops;
                        func = f.func;
                        pc = f.pc;
                        fp = f.fp;
                        mem = code.memory;
                        at = pc - 1;
                    }
                }
            };
            let Some(c) = caught else {
                break Err(TrapKind::Exception(exn));
            };
            sp = fp + c.height as usize;
            if c.payload {
                let payload = exceptions.payload(exn);
                stack[sp..sp + payload.len()].copy_from_slice(payload);
                sp += payload.len();
            }
            if c.push_ref {
                stack[sp] = exn.to_bits();
                sp += 1;
            }
            if c.slot != NO_SLOT {
                stack[fp + c.slot as usize] = exn.to_bits();
            }
            pc = c.target as usize;
        }};
    }

    let result: Result<usize, TrapKind> = loop {
        if FUEL {
            if fuel_left == 0 {
                break Err(TrapKind::OutOfFuel);
            }
            fuel_left -= 1;
        }
        debug_assert!(pc < ops.len());
        // SAFETY: every body ends with `Op::Return` and every jump target is an op index of the
        // same body (resolved by the translator), so `pc` never passes the end.
        let op = unsafe { *ops.get_unchecked(pc) };
        pc += 1;
        match op {
            Op::Unreachable => break Err(TrapKind::Unreachable),
            Op::Jump(t) => pc = t as usize,
            Op::JumpIfZero(t) => {
                if pop!(u32) == 0 {
                    pc = t as usize;
                }
            }
            Op::JumpIfNonZero(t) => {
                if pop!(u32) != 0 {
                    pc = t as usize;
                }
            }
            Op::Br { target, drop, keep } => branch!(target, drop, keep),
            Op::BrIf { target, drop, keep } => {
                if pop!(u32) != 0 {
                    branch!(target, drop, keep);
                }
            }
            Op::BrTable { start, len } => {
                let i = pop!(u32).min(len - 1);
                let t = code.br_targets[(start + i) as usize];
                branch!(t.target, t.drop, t.keep);
            }
            Op::Return => ret!(),
            Op::Call(callee) => call!(callee),
            Op::CallIndirect { sig, table } => {
                // An `i32` index is a zero-extended cell, so one `u64` read serves table64 too.
                let i = pop!(u64);
                let callee = tri!(indirect_callee(funcs, types, tables, table, sig, i));
                call!(callee)
            }
            Op::Drop => sp -= 1,
            Op::Select => {
                let c = pop!(u32);
                let b = pop!(u64);
                if c == 0 {
                    stack[sp - 1] = b;
                }
            }
            Op::LocalGet(i) => push!(cell!(fp + i as usize)),
            Op::LocalSet(i) => set_cell!(fp + i as usize, pop!(u64)),
            Op::LocalTee(i) => set_cell!(fp + i as usize, cell!(sp - 1)),
            Op::GlobalGet(g) => push!(globals[g as usize].value as u64),
            Op::GlobalSet(g) => globals[g as usize].value = u128::from(pop!(u64)),
            Op::Drop2 => sp -= 2,
            Op::Select2 => {
                let c = pop!(u32);
                sp -= 2;
                if c == 0 {
                    stack.copy_within(sp..sp + 2, sp - 2);
                }
            }
            Op::LocalGet2(i) => {
                let at = fp + i as usize;
                stack.copy_within(at..at + 2, sp);
                sp += 2;
            }
            Op::LocalSet2(i) => {
                sp -= 2;
                stack.copy_within(sp..sp + 2, fp + i as usize);
            }
            Op::LocalTee2(i) => stack.copy_within(sp - 2..sp, fp + i as usize),
            Op::GlobalGet2(g) => {
                let v = globals[g as usize].value;
                stack[sp] = v as u64;
                stack[sp + 1] = (v >> 64) as u64;
                sp += 2;
            }
            Op::GlobalSet2(g) => {
                sp -= 2;
                globals[g as usize].value =
                    u128::from(stack[sp]) | (u128::from(stack[sp + 1]) << 64);
            }
            Op::I32Const(v) => push!(v),
            Op::I64Const(v) => push!(v),
            Op::F32Const(v) => push!(u64::from(v)),
            Op::F64Const(v) => push!(v),

            Op::I32Load { offset } => load!(4, offset, |b| u32::from_le_bytes(b)),
            Op::I64Load { offset } => load!(8, offset, |b| u64::from_le_bytes(b)),
            Op::F32Load { offset } => load!(4, offset, |b| u32::from_le_bytes(b)),
            Op::F64Load { offset } => load!(8, offset, |b| u64::from_le_bytes(b)),
            Op::I32Load8S { offset } => load!(1, offset, |b| i32::from(b[0] as i8)),
            Op::I32Load8U { offset } => load!(1, offset, |b| u32::from(b[0])),
            Op::I32Load16S { offset } => load!(2, offset, |b| i32::from(i16::from_le_bytes(b))),
            Op::I32Load16U { offset } => load!(2, offset, |b| u32::from(u16::from_le_bytes(b))),
            Op::I64Load8S { offset } => load!(1, offset, |b| i64::from(b[0] as i8)),
            Op::I64Load8U { offset } => load!(1, offset, |b| u64::from(b[0])),
            Op::I64Load16S { offset } => load!(2, offset, |b| i64::from(i16::from_le_bytes(b))),
            Op::I64Load16U { offset } => load!(2, offset, |b| u64::from(u16::from_le_bytes(b))),
            Op::I64Load32S { offset } => load!(4, offset, |b| i64::from(i32::from_le_bytes(b))),
            Op::I64Load32U { offset } => load!(4, offset, |b| u64::from(u32::from_le_bytes(b))),
            Op::I32Store { offset } => store!(u32, offset, |v| v.to_le_bytes()),
            Op::I64Store { offset } => store!(u64, offset, |v| v.to_le_bytes()),
            Op::F32Store { offset } => store!(u32, offset, |v| v.to_le_bytes()),
            Op::F64Store { offset } => store!(u64, offset, |v| v.to_le_bytes()),
            Op::I32Store8 { offset } => store!(u32, offset, |v| [v as u8]),
            Op::I32Store16 { offset } => store!(u32, offset, |v| (v as u16).to_le_bytes()),
            Op::I64Store8 { offset } => store!(u64, offset, |v| [v as u8]),
            Op::I64Store16 { offset } => store!(u64, offset, |v| (v as u16).to_le_bytes()),
            Op::I64Store32 { offset } => store!(u64, offset, |v| (v as u32).to_le_bytes()),
            Op::MemorySize => push!(memories.get(mem).map_or(0, Memory::pages)),
            Op::MemoryGrow => un!(u64, |delta| memories
                .get_mut(mem)
                .map_or(u64::from(u32::MAX), |m| m.grow_or_minus_one(delta))),
            Op::MemoryFill => {
                let len = pop!(u64);
                let value = pop!(u32);
                let dst = pop!(u64);
                let Some(m) = memories.get_mut(mem) else {
                    break Err(TrapKind::MemoryOutOfBounds);
                };
                tri!(m.fill(dst, value as u8, len));
            }
            Op::MemoryCopy => {
                let len = pop!(u64);
                let src = pop!(u64);
                let dst = pop!(u64);
                let Some(m) = memories.get_mut(mem) else {
                    break Err(TrapKind::MemoryOutOfBounds);
                };
                tri!(m.copy(dst, src, len));
            }

            // ---- refs: tables, segments, multi-memory, memory64 ----
            // Indices, addresses and lengths are read as `u64`: an `i32` cell is zero-extended.
            Op::TableGet(t) => {
                let i = stack[sp - 1];
                stack[sp - 1] = tri!(tables[t as usize].get(i));
            }
            Op::TableSet(t) => {
                let value = pop!(u64);
                let i = pop!(u64);
                tri!(tables[t as usize].set(i, value));
            }
            Op::TableSize(t) => push!(tables[t as usize].size()),
            Op::TableGrow(t) => {
                let delta = pop!(u64);
                let init = stack[sp - 1];
                let table = &mut tables[t as usize];
                stack[sp - 1] = match table.grow(delta, init, table_limit) {
                    Some(old) => old,
                    None if table.table64 => u64::MAX,
                    None => u64::from(u32::MAX),
                };
            }
            Op::TableFill(t) => {
                let len = pop!(u64);
                let value = pop!(u64);
                let dst = pop!(u64);
                tri!(tables[t as usize].fill(dst, value, len));
            }
            Op::TableCopy { dst, src } => {
                let len = pop!(u64);
                let s = pop!(u64);
                let d = pop!(u64);
                tri!(bulk::table_copy(tables, dst, src, d, s, len));
            }
            Op::TableInit { table, elem } => {
                let len = pop!(u64);
                let s = pop!(u64);
                let d = pop!(u64);
                tri!(tables[table as usize].init(d, &elems[elem as usize], s, len));
            }
            Op::ElemDrop(e) => elems[e as usize] = Vec::new(),
            Op::MemoryInit { mem: m, data } => {
                let len = pop!(u64);
                let s = pop!(u64);
                let d = pop!(u64);
                tri!(memories[m as usize].init(d, &datas[data as usize], s, len));
            }
            Op::DataDrop(d) => datas[d as usize] = Vec::new(),
            Op::MemorySizeAt(m) => push!(memories[m as usize].pages()),
            Op::MemoryGrowAt(m) => un!(u64, |delta| memories[m as usize].grow_or_minus_one(delta)),
            Op::MemoryFillAt(m) => {
                let len = pop!(u64);
                let value = pop!(u32);
                let dst = pop!(u64);
                tri!(memories[m as usize].fill(dst, value as u8, len));
            }
            Op::MemoryCopyAt { dst, src } => {
                let len = pop!(u64);
                let s = pop!(u64);
                let d = pop!(u64);
                tri!(bulk::memory_copy(memories, dst, src, d, s, len));
            }
            Op::Load {
                kind,
                mem: m,
                offset,
            } => {
                let addr = stack[sp - 1];
                stack[sp - 1] = tri!(bulk::load(&memories[m as usize].data, kind, addr, offset));
            }
            Op::Store {
                kind,
                mem: m,
                offset,
            } => {
                let value = pop!(u64);
                let addr = pop!(u64);
                tri!(bulk::store(
                    &mut memories[m as usize].data,
                    kind,
                    addr,
                    offset,
                    value
                ));
            }
            // SIMD (simd.rs): a v128 is two cells, low half first.
            Op::V128Const(i) => {
                simd::put(stack, sp, code.v128_consts[i as usize]);
                sp += 2;
            }
            Op::I8x16Shuffle(i) => {
                let b = simd::get(stack, sp - 2);
                let a = simd::get(stack, sp - 4);
                let lanes = code.v128_consts[i as usize];
                simd::put(stack, sp - 4, simd::shuffle(a, b, lanes));
                sp -= 2;
            }
            Op::Simd(op) => sp = simd::exec(op, stack, sp),
            Op::SimdLane { op, lane } => sp = simd::exec_lane(op, lane, stack, sp),
            Op::SimdMem { op, lane, offset } => {
                let data = mem_data_mut(memories, mem);
                sp = tri!(simd::exec_mem(op, lane, offset.into(), data, stack, sp));
            }

            Op::I32Eqz => un!(u32, |a| a == 0),
            Op::I32Eq => bin!(u32, |a, b| a == b),
            Op::I32Ne => bin!(u32, |a, b| a != b),
            Op::I32LtS => bin!(i32, |a, b| a < b),
            Op::I32LtU => bin!(u32, |a, b| a < b),
            Op::I32GtS => bin!(i32, |a, b| a > b),
            Op::I32GtU => bin!(u32, |a, b| a > b),
            Op::I32LeS => bin!(i32, |a, b| a <= b),
            Op::I32LeU => bin!(u32, |a, b| a <= b),
            Op::I32GeS => bin!(i32, |a, b| a >= b),
            Op::I32GeU => bin!(u32, |a, b| a >= b),
            Op::I64Eqz => un!(u64, |a| a == 0),
            Op::I64Eq => bin!(u64, |a, b| a == b),
            Op::I64Ne => bin!(u64, |a, b| a != b),
            Op::I64LtS => bin!(i64, |a, b| a < b),
            Op::I64LtU => bin!(u64, |a, b| a < b),
            Op::I64GtS => bin!(i64, |a, b| a > b),
            Op::I64GtU => bin!(u64, |a, b| a > b),
            Op::I64LeS => bin!(i64, |a, b| a <= b),
            Op::I64LeU => bin!(u64, |a, b| a <= b),
            Op::I64GeS => bin!(i64, |a, b| a >= b),
            Op::I64GeU => bin!(u64, |a, b| a >= b),
            Op::F32Eq => bin!(f32, |a, b| a == b),
            Op::F32Ne => bin!(f32, |a, b| a != b),
            Op::F32Lt => bin!(f32, |a, b| a < b),
            Op::F32Gt => bin!(f32, |a, b| a > b),
            Op::F32Le => bin!(f32, |a, b| a <= b),
            Op::F32Ge => bin!(f32, |a, b| a >= b),
            Op::F64Eq => bin!(f64, |a, b| a == b),
            Op::F64Ne => bin!(f64, |a, b| a != b),
            Op::F64Lt => bin!(f64, |a, b| a < b),
            Op::F64Gt => bin!(f64, |a, b| a > b),
            Op::F64Le => bin!(f64, |a, b| a <= b),
            Op::F64Ge => bin!(f64, |a, b| a >= b),

            Op::I32Clz => un!(u32, |a| a.leading_zeros()),
            Op::I32Ctz => un!(u32, |a| a.trailing_zeros()),
            Op::I32Popcnt => un!(u32, |a| a.count_ones()),
            Op::I32Add => bin!(u32, |a, b| a.wrapping_add(b)),
            Op::I32Sub => bin!(u32, |a, b| a.wrapping_sub(b)),
            Op::I32Mul => bin!(u32, |a, b| a.wrapping_mul(b)),
            Op::I32DivS => bin_t!(i32, |a, b| num::i32_div_s(a, b)),
            Op::I32DivU => bin_t!(u32, |a, b| num::i32_div_u(a, b)),
            Op::I32RemS => bin_t!(i32, |a, b| num::i32_rem_s(a, b)),
            Op::I32RemU => bin_t!(u32, |a, b| num::i32_rem_u(a, b)),
            Op::I32And => bin!(u32, |a, b| a & b),
            Op::I32Or => bin!(u32, |a, b| a | b),
            Op::I32Xor => bin!(u32, |a, b| a ^ b),
            Op::I32Shl => bin!(u32, |a, b| a.wrapping_shl(b)),
            Op::I32ShrS => bin!(i32, |a, b| a.wrapping_shr(b as u32)),
            Op::I32ShrU => bin!(u32, |a, b| a.wrapping_shr(b)),
            Op::I32Rotl => bin!(u32, |a, b| a.rotate_left(b % 32)),
            Op::I32Rotr => bin!(u32, |a, b| a.rotate_right(b % 32)),
            Op::I64Clz => un!(u64, |a| u64::from(a.leading_zeros())),
            Op::I64Ctz => un!(u64, |a| u64::from(a.trailing_zeros())),
            Op::I64Popcnt => un!(u64, |a| u64::from(a.count_ones())),
            Op::I64Add => bin!(u64, |a, b| a.wrapping_add(b)),
            Op::I64Sub => bin!(u64, |a, b| a.wrapping_sub(b)),
            Op::I64Mul => bin!(u64, |a, b| a.wrapping_mul(b)),
            Op::I64DivS => bin_t!(i64, |a, b| num::i64_div_s(a, b)),
            Op::I64DivU => bin_t!(u64, |a, b| num::i64_div_u(a, b)),
            Op::I64RemS => bin_t!(i64, |a, b| num::i64_rem_s(a, b)),
            Op::I64RemU => bin_t!(u64, |a, b| num::i64_rem_u(a, b)),
            Op::I64And => bin!(u64, |a, b| a & b),
            Op::I64Or => bin!(u64, |a, b| a | b),
            Op::I64Xor => bin!(u64, |a, b| a ^ b),
            Op::I64Shl => bin!(u64, |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShrS => bin!(i64, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrU => bin!(u64, |a, b| a.wrapping_shr(b as u32)),
            Op::I64Rotl => bin!(u64, |a, b| a.rotate_left((b % 64) as u32)),
            Op::I64Rotr => bin!(u64, |a, b| a.rotate_right((b % 64) as u32)),

            Op::F32Abs => un!(u32, |a| a & 0x7fff_ffff),
            Op::F32Neg => un!(u32, |a| a ^ 0x8000_0000),
            Op::F32Ceil => un!(f32, |a| num::quiet(a.ceil())),
            Op::F32Floor => un!(f32, |a| num::quiet(a.floor())),
            Op::F32Trunc => un!(f32, |a| num::quiet(a.trunc())),
            Op::F32Nearest => un!(f32, |a| num::f32_nearest(a)),
            Op::F32Sqrt => un!(f32, |a| a.sqrt()),
            Op::F32Add => bin!(f32, |a, b| a + b),
            Op::F32Sub => bin!(f32, |a, b| a - b),
            Op::F32Mul => bin!(f32, |a, b| a * b),
            Op::F32Div => bin!(f32, |a, b| a / b),
            Op::F32Min => bin!(f32, |a, b| num::f32_min(a, b)),
            Op::F32Max => bin!(f32, |a, b| num::f32_max(a, b)),
            Op::F32Copysign => bin!(u32, |a, b| num::f32_copysign(a, b)),
            Op::F64Abs => un!(u64, |a| a & 0x7fff_ffff_ffff_ffff),
            Op::F64Neg => un!(u64, |a| a ^ 0x8000_0000_0000_0000),
            Op::F64Ceil => un!(f64, |a| num::quiet(a.ceil())),
            Op::F64Floor => un!(f64, |a| num::quiet(a.floor())),
            Op::F64Trunc => un!(f64, |a| num::quiet(a.trunc())),
            Op::F64Nearest => un!(f64, |a| num::f64_nearest(a)),
            Op::F64Sqrt => un!(f64, |a| a.sqrt()),
            Op::F64Add => bin!(f64, |a, b| a + b),
            Op::F64Sub => bin!(f64, |a, b| a - b),
            Op::F64Mul => bin!(f64, |a, b| a * b),
            Op::F64Div => bin!(f64, |a, b| a / b),
            Op::F64Min => bin!(f64, |a, b| num::f64_min(a, b)),
            Op::F64Max => bin!(f64, |a, b| num::f64_max(a, b)),
            Op::F64Copysign => bin!(u64, |a, b| num::f64_copysign(a, b)),

            Op::I32WrapI64 => un!(u64, |a| a as u32),
            Op::I32TruncF32S => un_t!(f32, |a| num::i32_trunc_s(f64::from(a))),
            Op::I32TruncF32U => un_t!(f32, |a| num::i32_trunc_u(f64::from(a))),
            Op::I32TruncF64S => un_t!(f64, |a| num::i32_trunc_s(a)),
            Op::I32TruncF64U => un_t!(f64, |a| num::i32_trunc_u(a)),
            Op::I64ExtendI32S => un!(i32, |a| i64::from(a)),
            Op::I64ExtendI32U => un!(u32, |a| u64::from(a)),
            Op::I64TruncF32S => un_t!(f32, |a| num::i64_trunc_s(f64::from(a))),
            Op::I64TruncF32U => un_t!(f32, |a| num::i64_trunc_u(f64::from(a))),
            Op::I64TruncF64S => un_t!(f64, |a| num::i64_trunc_s(a)),
            Op::I64TruncF64U => un_t!(f64, |a| num::i64_trunc_u(a)),
            Op::F32ConvertI32S => un!(i32, |a| a as f32),
            Op::F32ConvertI32U => un!(u32, |a| a as f32),
            Op::F32ConvertI64S => un!(i64, |a| a as f32),
            Op::F32ConvertI64U => un!(u64, |a| a as f32),
            Op::F32DemoteF64 => un!(f64, |a| a as f32),
            Op::F64ConvertI32S => un!(i32, |a| f64::from(a)),
            Op::F64ConvertI32U => un!(u32, |a| f64::from(a)),
            Op::F64ConvertI64S => un!(i64, |a| a as f64),
            Op::F64ConvertI64U => un!(u64, |a| a as f64),
            Op::F64PromoteF32 => un!(f32, |a| f64::from(a)),
            Op::I32Extend8S => un!(u32, |a| i32::from(a as i8)),
            Op::I32Extend16S => un!(u32, |a| i32::from(a as i16)),
            Op::I64Extend8S => un!(u64, |a| i64::from(a as i8)),
            Op::I64Extend16S => un!(u64, |a| i64::from(a as i16)),
            Op::I64Extend32S => un!(u64, |a| i64::from(a as i32)),
            Op::I32TruncSatF32S => un!(f32, |a| a as i32),
            Op::I32TruncSatF32U => un!(f32, |a| a as u32),
            Op::I32TruncSatF64S => un!(f64, |a| a as i32),
            Op::I32TruncSatF64U => un!(f64, |a| a as u32),
            Op::I64TruncSatF32S => un!(f32, |a| a as i64),
            Op::I64TruncSatF32U => un!(f32, |a| a as u64),
            Op::I64TruncSatF64S => un!(f64, |a| a as i64),
            Op::I64TruncSatF64U => un!(f64, |a| a as u64),

            // ---- Control (helper "ctrl"): tail calls, function references, exceptions,
            // wide arithmetic. ----
            Op::ReturnCall(callee) => tail_call!(callee),
            Op::ReturnCallIndirect { sig, table } => {
                let callee = tri!(indirect_callee(funcs, types, tables, table, sig, pop!(u64)));
                tail_call!(callee)
            }
            Op::CallRef => {
                let r = Ref::from_bits(pop!(u64));
                if r.is_null() {
                    break Err(TrapKind::NullFunctionReference);
                }
                call!(r.payload())
            }
            Op::ReturnCallRef => {
                let r = Ref::from_bits(pop!(u64));
                if r.is_null() {
                    break Err(TrapKind::NullFunctionReference);
                }
                tail_call!(r.payload())
            }
            Op::RefAsNonNull => {
                if stack[sp - 1] == 0 {
                    break Err(TrapKind::NullReference);
                }
            }
            Op::BrOnNull { target, drop, keep } => {
                if stack[sp - 1] == 0 {
                    sp -= 1;
                    branch!(target, drop, keep);
                }
            }
            Op::BrOnNonNull { target, drop, keep } => {
                if stack[sp - 1] == 0 {
                    sp -= 1;
                } else {
                    branch!(target, drop, keep);
                }
            }
            Op::Throw(tag) => {
                let n = tags[tag as usize].cells as usize;
                sp -= n;
                let exn = exceptions.alloc(tag, &stack[sp..sp + n]);
                throw!(exn)
            }
            Op::ThrowRef => {
                let exn = Ref::from_bits(pop!(u64));
                if exn.is_null() {
                    break Err(TrapKind::NullExceptionReference);
                }
                throw!(exn)
            }
            Op::Rethrow(slot) => throw!(Ref::from_bits(stack[fp + slot as usize])),
            Op::I64Add128 => {
                let (lo, hi) = wide(stack, sp);
                sp -= 2;
                (stack[sp - 2], stack[sp - 1]) = split(lo.wrapping_add(hi));
            }
            Op::I64Sub128 => {
                let (lo, hi) = wide(stack, sp);
                sp -= 2;
                (stack[sp - 2], stack[sp - 1]) = split(lo.wrapping_sub(hi));
            }
            Op::I64MulWideS => {
                let b = i128::from(stack[sp - 1] as i64);
                let a = i128::from(stack[sp - 2] as i64);
                (stack[sp - 2], stack[sp - 1]) = split(a.wrapping_mul(b) as u128);
            }
            Op::I64MulWideU => {
                let b = u128::from(stack[sp - 1]);
                let a = u128::from(stack[sp - 2]);
                (stack[sp - 2], stack[sp - 1]) = split(a.wrapping_mul(b));
            }
            // ---- Atomics (atomic.rs) and SIMD memory ops on any memory. ----
            Op::Atomic {
                kind,
                bytes,
                mem: m,
                offset,
            } => {
                let memory = &mut memories[m as usize];
                sp = tri!(atomic::exec(kind, bytes, memory, offset, stack, sp));
            }
            Op::SimdMemAt {
                op,
                lane,
                mem: m,
                offset,
            } => {
                let data = &mut memories[m as usize].data;
                sp = tri!(simd::exec_mem(op, lane, offset, data, stack, sp));
            }

            // ---- GC (helper "gc"): every GC op runs in `gc::exec`. ----
            Op::StructNew { .. }
            | Op::StructNewDefault { .. }
            | Op::StructGet { .. }
            | Op::StructSet { .. }
            | Op::ArrayNew { .. }
            | Op::ArrayNewDefault { .. }
            | Op::ArrayNewFixed { .. }
            | Op::ArrayNewData { .. }
            | Op::ArrayNewElem { .. }
            | Op::ArrayGet(_)
            | Op::ArraySet { .. }
            | Op::ArrayLen
            | Op::ArrayFill { .. }
            | Op::ArrayCopy { .. }
            | Op::ArrayInitData { .. }
            | Op::ArrayInitElem { .. }
            | Op::RefI31
            | Op::I31GetS
            | Op::I31GetU
            | Op::RefCast { .. }
            | Op::RefConvert => {
                let mut ctx = gc::Ctx {
                    heap,
                    types,
                    funcs,
                    elems,
                    datas,
                };
                sp = tri!(gc::exec(op, &mut ctx, stack, sp));
            }

            // ---- Speed: fused instructions (see `code.rs`). ----
            Op::JumpIfLocalNonZero { local, target } => {
                if local!(u32, local) != 0 {
                    pc = target as usize;
                }
            }
            Op::JumpIfLocalZero { local, target } => {
                if local!(u32, local) == 0 {
                    pc = target as usize;
                }
            }
            Op::TeeJumpIfNonZero { local, target } => {
                let v = pop!(u64);
                set_cell!(fp + local as usize, v);
                if v as u32 != 0 {
                    pc = target as usize;
                }
            }
            Op::TeeJumpIfZero { local, target } => {
                let v = pop!(u64);
                set_cell!(fp + local as usize, v);
                if v as u32 == 0 {
                    pc = target as usize;
                }
            }
            Op::I32AddC(c) => bin_c!(u32, c, |a, b| a.wrapping_add(b)),
            Op::I32AddL(l) => bin_l!(u32, l, |a, b| a.wrapping_add(b)),
            Op::I32AddLC { local, c } => bin_lc!(u32, local, c, |a, b| a.wrapping_add(b)),
            Op::I32AddLL(x, y) => bin_ll!(u32, x, y, |a, b| a.wrapping_add(b)),
            Op::I32SubC(c) => bin_c!(u32, c, |a, b| a.wrapping_sub(b)),
            Op::I32SubL(l) => bin_l!(u32, l, |a, b| a.wrapping_sub(b)),
            Op::I32SubLC { local, c } => bin_lc!(u32, local, c, |a, b| a.wrapping_sub(b)),
            Op::I32SubLL(x, y) => bin_ll!(u32, x, y, |a, b| a.wrapping_sub(b)),
            Op::I32MulC(c) => bin_c!(u32, c, |a, b| a.wrapping_mul(b)),
            Op::I32MulL(l) => bin_l!(u32, l, |a, b| a.wrapping_mul(b)),
            Op::I32MulLC { local, c } => bin_lc!(u32, local, c, |a, b| a.wrapping_mul(b)),
            Op::I32MulLL(x, y) => bin_ll!(u32, x, y, |a, b| a.wrapping_mul(b)),
            Op::I32AndC(c) => bin_c!(u32, c, |a, b| a & b),
            Op::I32AndL(l) => bin_l!(u32, l, |a, b| a & b),
            Op::I32AndLC { local, c } => bin_lc!(u32, local, c, |a, b| a & b),
            Op::I32AndLL(x, y) => bin_ll!(u32, x, y, |a, b| a & b),
            Op::I32OrC(c) => bin_c!(u32, c, |a, b| a | b),
            Op::I32OrL(l) => bin_l!(u32, l, |a, b| a | b),
            Op::I32OrLC { local, c } => bin_lc!(u32, local, c, |a, b| a | b),
            Op::I32OrLL(x, y) => bin_ll!(u32, x, y, |a, b| a | b),
            Op::I32XorC(c) => bin_c!(u32, c, |a, b| a ^ b),
            Op::I32XorL(l) => bin_l!(u32, l, |a, b| a ^ b),
            Op::I32XorLC { local, c } => bin_lc!(u32, local, c, |a, b| a ^ b),
            Op::I32XorLL(x, y) => bin_ll!(u32, x, y, |a, b| a ^ b),
            Op::I32ShlC(c) => bin_c!(u32, c, |a, b| a.wrapping_shl(b)),
            Op::I32ShlL(l) => bin_l!(u32, l, |a, b| a.wrapping_shl(b)),
            Op::I32ShlLC { local, c } => bin_lc!(u32, local, c, |a, b| a.wrapping_shl(b)),
            Op::I32ShlLL(x, y) => bin_ll!(u32, x, y, |a, b| a.wrapping_shl(b)),
            Op::I32ShrSC(c) => bin_c!(i32, c, |a, b| a.wrapping_shr(b as u32)),
            Op::I32ShrSL(l) => bin_l!(i32, l, |a, b| a.wrapping_shr(b as u32)),
            Op::I32ShrSLC { local, c } => bin_lc!(i32, local, c, |a, b| a.wrapping_shr(b as u32)),
            Op::I32ShrSLL(x, y) => bin_ll!(i32, x, y, |a, b| a.wrapping_shr(b as u32)),
            Op::I32ShrUC(c) => bin_c!(u32, c, |a, b| a.wrapping_shr(b)),
            Op::I32ShrUL(l) => bin_l!(u32, l, |a, b| a.wrapping_shr(b)),
            Op::I32ShrULC { local, c } => bin_lc!(u32, local, c, |a, b| a.wrapping_shr(b)),
            Op::I32ShrULL(x, y) => bin_ll!(u32, x, y, |a, b| a.wrapping_shr(b)),
            Op::I32EqC(c) => bin_c!(u32, c, |a, b| a == b),
            Op::I32EqLC { local, c } => bin_lc!(u32, local, c, |a, b| a == b),
            Op::I32EqLL(x, y) => bin_ll!(u32, x, y, |a, b| a == b),
            Op::BrI32Eq(target) => br_s!(u32, target, |a, b| a == b),
            Op::BrI32EqC { c, target } => br_c!(u32, c, target, |a, b| a == b),
            Op::BrI32EqLC { local, c, target } => br_lc!(u32, local, c, target, |a, b| a == b),
            Op::BrI32EqLL { a: x, b: y, target } => br_ll!(u32, x, y, target, |a, b| a == b),
            Op::I32NeC(c) => bin_c!(u32, c, |a, b| a != b),
            Op::I32NeLC { local, c } => bin_lc!(u32, local, c, |a, b| a != b),
            Op::I32NeLL(x, y) => bin_ll!(u32, x, y, |a, b| a != b),
            Op::BrI32Ne(target) => br_s!(u32, target, |a, b| a != b),
            Op::BrI32NeC { c, target } => br_c!(u32, c, target, |a, b| a != b),
            Op::BrI32NeLC { local, c, target } => br_lc!(u32, local, c, target, |a, b| a != b),
            Op::BrI32NeLL { a: x, b: y, target } => br_ll!(u32, x, y, target, |a, b| a != b),
            Op::I32LtSC(c) => bin_c!(i32, c, |a, b| a < b),
            Op::I32LtSLC { local, c } => bin_lc!(i32, local, c, |a, b| a < b),
            Op::I32LtSLL(x, y) => bin_ll!(i32, x, y, |a, b| a < b),
            Op::BrI32LtS(target) => br_s!(i32, target, |a, b| a < b),
            Op::BrI32LtSC { c, target } => br_c!(i32, c, target, |a, b| a < b),
            Op::BrI32LtSLC { local, c, target } => br_lc!(i32, local, c, target, |a, b| a < b),
            Op::BrI32LtSLL { a: x, b: y, target } => br_ll!(i32, x, y, target, |a, b| a < b),
            Op::I32LtUC(c) => bin_c!(u32, c, |a, b| a < b),
            Op::I32LtULC { local, c } => bin_lc!(u32, local, c, |a, b| a < b),
            Op::I32LtULL(x, y) => bin_ll!(u32, x, y, |a, b| a < b),
            Op::BrI32LtU(target) => br_s!(u32, target, |a, b| a < b),
            Op::BrI32LtUC { c, target } => br_c!(u32, c, target, |a, b| a < b),
            Op::BrI32LtULC { local, c, target } => br_lc!(u32, local, c, target, |a, b| a < b),
            Op::BrI32LtULL { a: x, b: y, target } => br_ll!(u32, x, y, target, |a, b| a < b),
            Op::I32GtSC(c) => bin_c!(i32, c, |a, b| a > b),
            Op::I32GtSLC { local, c } => bin_lc!(i32, local, c, |a, b| a > b),
            Op::I32GtSLL(x, y) => bin_ll!(i32, x, y, |a, b| a > b),
            Op::BrI32GtS(target) => br_s!(i32, target, |a, b| a > b),
            Op::BrI32GtSC { c, target } => br_c!(i32, c, target, |a, b| a > b),
            Op::BrI32GtSLC { local, c, target } => br_lc!(i32, local, c, target, |a, b| a > b),
            Op::BrI32GtSLL { a: x, b: y, target } => br_ll!(i32, x, y, target, |a, b| a > b),
            Op::I32GtUC(c) => bin_c!(u32, c, |a, b| a > b),
            Op::I32GtULC { local, c } => bin_lc!(u32, local, c, |a, b| a > b),
            Op::I32GtULL(x, y) => bin_ll!(u32, x, y, |a, b| a > b),
            Op::BrI32GtU(target) => br_s!(u32, target, |a, b| a > b),
            Op::BrI32GtUC { c, target } => br_c!(u32, c, target, |a, b| a > b),
            Op::BrI32GtULC { local, c, target } => br_lc!(u32, local, c, target, |a, b| a > b),
            Op::BrI32GtULL { a: x, b: y, target } => br_ll!(u32, x, y, target, |a, b| a > b),
            Op::I32LeSC(c) => bin_c!(i32, c, |a, b| a <= b),
            Op::I32LeSLC { local, c } => bin_lc!(i32, local, c, |a, b| a <= b),
            Op::I32LeSLL(x, y) => bin_ll!(i32, x, y, |a, b| a <= b),
            Op::BrI32LeS(target) => br_s!(i32, target, |a, b| a <= b),
            Op::BrI32LeSC { c, target } => br_c!(i32, c, target, |a, b| a <= b),
            Op::BrI32LeSLC { local, c, target } => br_lc!(i32, local, c, target, |a, b| a <= b),
            Op::BrI32LeSLL { a: x, b: y, target } => br_ll!(i32, x, y, target, |a, b| a <= b),
            Op::I32LeUC(c) => bin_c!(u32, c, |a, b| a <= b),
            Op::I32LeULC { local, c } => bin_lc!(u32, local, c, |a, b| a <= b),
            Op::I32LeULL(x, y) => bin_ll!(u32, x, y, |a, b| a <= b),
            Op::BrI32LeU(target) => br_s!(u32, target, |a, b| a <= b),
            Op::BrI32LeUC { c, target } => br_c!(u32, c, target, |a, b| a <= b),
            Op::BrI32LeULC { local, c, target } => br_lc!(u32, local, c, target, |a, b| a <= b),
            Op::BrI32LeULL { a: x, b: y, target } => br_ll!(u32, x, y, target, |a, b| a <= b),
            Op::I32GeSC(c) => bin_c!(i32, c, |a, b| a >= b),
            Op::I32GeSLC { local, c } => bin_lc!(i32, local, c, |a, b| a >= b),
            Op::I32GeSLL(x, y) => bin_ll!(i32, x, y, |a, b| a >= b),
            Op::BrI32GeS(target) => br_s!(i32, target, |a, b| a >= b),
            Op::BrI32GeSC { c, target } => br_c!(i32, c, target, |a, b| a >= b),
            Op::BrI32GeSLC { local, c, target } => br_lc!(i32, local, c, target, |a, b| a >= b),
            Op::BrI32GeSLL { a: x, b: y, target } => br_ll!(i32, x, y, target, |a, b| a >= b),
            Op::I32GeUC(c) => bin_c!(u32, c, |a, b| a >= b),
            Op::I32GeULC { local, c } => bin_lc!(u32, local, c, |a, b| a >= b),
            Op::I32GeULL(x, y) => bin_ll!(u32, x, y, |a, b| a >= b),
            Op::BrI32GeU(target) => br_s!(u32, target, |a, b| a >= b),
            Op::BrI32GeUC { c, target } => br_c!(u32, c, target, |a, b| a >= b),
            Op::BrI32GeULC { local, c, target } => br_lc!(u32, local, c, target, |a, b| a >= b),
            Op::BrI32GeULL { a: x, b: y, target } => br_ll!(u32, x, y, target, |a, b| a >= b),
            Op::I64AddC(c) => bin_c!(u64, c, |a, b| a.wrapping_add(b)),
            Op::I64AddL(l) => bin_l!(u64, l, |a, b| a.wrapping_add(b)),
            Op::I64AddLC { local, c } => bin_lc!(u64, local, c, |a, b| a.wrapping_add(b)),
            Op::I64AddLL(x, y) => bin_ll!(u64, x, y, |a, b| a.wrapping_add(b)),
            Op::I64SubC(c) => bin_c!(u64, c, |a, b| a.wrapping_sub(b)),
            Op::I64SubL(l) => bin_l!(u64, l, |a, b| a.wrapping_sub(b)),
            Op::I64SubLC { local, c } => bin_lc!(u64, local, c, |a, b| a.wrapping_sub(b)),
            Op::I64SubLL(x, y) => bin_ll!(u64, x, y, |a, b| a.wrapping_sub(b)),
            Op::I64MulC(c) => bin_c!(u64, c, |a, b| a.wrapping_mul(b)),
            Op::I64MulL(l) => bin_l!(u64, l, |a, b| a.wrapping_mul(b)),
            Op::I64MulLC { local, c } => bin_lc!(u64, local, c, |a, b| a.wrapping_mul(b)),
            Op::I64MulLL(x, y) => bin_ll!(u64, x, y, |a, b| a.wrapping_mul(b)),
            Op::I64AndC(c) => bin_c!(u64, c, |a, b| a & b),
            Op::I64AndL(l) => bin_l!(u64, l, |a, b| a & b),
            Op::I64AndLC { local, c } => bin_lc!(u64, local, c, |a, b| a & b),
            Op::I64AndLL(x, y) => bin_ll!(u64, x, y, |a, b| a & b),
            Op::I64OrC(c) => bin_c!(u64, c, |a, b| a | b),
            Op::I64OrL(l) => bin_l!(u64, l, |a, b| a | b),
            Op::I64OrLC { local, c } => bin_lc!(u64, local, c, |a, b| a | b),
            Op::I64OrLL(x, y) => bin_ll!(u64, x, y, |a, b| a | b),
            Op::I64XorC(c) => bin_c!(u64, c, |a, b| a ^ b),
            Op::I64XorL(l) => bin_l!(u64, l, |a, b| a ^ b),
            Op::I64XorLC { local, c } => bin_lc!(u64, local, c, |a, b| a ^ b),
            Op::I64XorLL(x, y) => bin_ll!(u64, x, y, |a, b| a ^ b),
            Op::I64ShlC(c) => bin_c!(u64, c, |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShlL(l) => bin_l!(u64, l, |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShlLC { local, c } => bin_lc!(u64, local, c, |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShlLL(x, y) => bin_ll!(u64, x, y, |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShrSC(c) => bin_c!(i64, c, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrSL(l) => bin_l!(i64, l, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrSLC { local, c } => bin_lc!(i64, local, c, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrSLL(x, y) => bin_ll!(i64, x, y, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrUC(c) => bin_c!(u64, c, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrUL(l) => bin_l!(u64, l, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrULC { local, c } => bin_lc!(u64, local, c, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrULL(x, y) => bin_ll!(u64, x, y, |a, b| a.wrapping_shr(b as u32)),
            Op::BrI64Eq(target) => br_s!(u64, target, |a, b| a == b),
            Op::BrI64Ne(target) => br_s!(u64, target, |a, b| a != b),
            Op::BrI64LtS(target) => br_s!(i64, target, |a, b| a < b),
            Op::BrI64LtU(target) => br_s!(u64, target, |a, b| a < b),
            Op::BrI64GtS(target) => br_s!(i64, target, |a, b| a > b),
            Op::BrI64GtU(target) => br_s!(u64, target, |a, b| a > b),
            Op::BrI64LeS(target) => br_s!(i64, target, |a, b| a <= b),
            Op::BrI64LeU(target) => br_s!(u64, target, |a, b| a <= b),
            Op::BrI64GeS(target) => br_s!(i64, target, |a, b| a >= b),
            Op::BrI64GeU(target) => br_s!(u64, target, |a, b| a >= b),
            Op::I32AddS(d) => bin_s!(u32, d, |a, b| a.wrapping_add(b)),
            Op::I32AddLCS { local, c, dst } => {
                bin_lcs!(u32, local, c, dst, |a, b| a.wrapping_add(b))
            }
            Op::I32SubS(d) => bin_s!(u32, d, |a, b| a.wrapping_sub(b)),
            Op::I32SubLCS { local, c, dst } => {
                bin_lcs!(u32, local, c, dst, |a, b| a.wrapping_sub(b))
            }
            Op::I32MulS(d) => bin_s!(u32, d, |a, b| a.wrapping_mul(b)),
            Op::I32MulLCS { local, c, dst } => {
                bin_lcs!(u32, local, c, dst, |a, b| a.wrapping_mul(b))
            }
            Op::I32AndS(d) => bin_s!(u32, d, |a, b| a & b),
            Op::I32AndLCS { local, c, dst } => bin_lcs!(u32, local, c, dst, |a, b| a & b),
            Op::I32OrS(d) => bin_s!(u32, d, |a, b| a | b),
            Op::I32OrLCS { local, c, dst } => bin_lcs!(u32, local, c, dst, |a, b| a | b),
            Op::I32XorS(d) => bin_s!(u32, d, |a, b| a ^ b),
            Op::I32XorLCS { local, c, dst } => bin_lcs!(u32, local, c, dst, |a, b| a ^ b),
            Op::I32ShlS(d) => bin_s!(u32, d, |a, b| a.wrapping_shl(b)),
            Op::I32ShlLCS { local, c, dst } => {
                bin_lcs!(u32, local, c, dst, |a, b| a.wrapping_shl(b))
            }
            Op::I32ShrSS(d) => bin_s!(i32, d, |a, b| a.wrapping_shr(b as u32)),
            Op::I32ShrSLCS { local, c, dst } => {
                bin_lcs!(i32, local, c, dst, |a, b| a.wrapping_shr(b as u32))
            }
            Op::I32ShrUS(d) => bin_s!(u32, d, |a, b| a.wrapping_shr(b)),
            Op::I32ShrULCS { local, c, dst } => {
                bin_lcs!(u32, local, c, dst, |a, b| a.wrapping_shr(b))
            }
            Op::I64AddS(d) => bin_s!(u64, d, |a, b| a.wrapping_add(b)),
            Op::I64SubS(d) => bin_s!(u64, d, |a, b| a.wrapping_sub(b)),
            Op::I64MulS(d) => bin_s!(u64, d, |a, b| a.wrapping_mul(b)),
            Op::I64AndS(d) => bin_s!(u64, d, |a, b| a & b),
            Op::I64OrS(d) => bin_s!(u64, d, |a, b| a | b),
            Op::I64XorS(d) => bin_s!(u64, d, |a, b| a ^ b),
            Op::I64ShlS(d) => bin_s!(u64, d, |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShrSS(d) => bin_s!(i64, d, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrUS(d) => bin_s!(u64, d, |a, b| a.wrapping_shr(b as u32)),
            Op::F64AddS(d) => bin_s!(f64, d, |a, b| a + b),
            Op::F64AddC(c) => bin_c!(f64, f64::from_bits(c), |a, b| a + b),
            Op::F64AddL(l) => bin_l!(f64, l, |a, b| a + b),
            Op::F64AddLL(x, y) => bin_ll!(f64, x, y, |a, b| a + b),
            Op::F64SubS(d) => bin_s!(f64, d, |a, b| a - b),
            Op::F64SubC(c) => bin_c!(f64, f64::from_bits(c), |a, b| a - b),
            Op::F64SubL(l) => bin_l!(f64, l, |a, b| a - b),
            Op::F64SubLL(x, y) => bin_ll!(f64, x, y, |a, b| a - b),
            Op::F64MulS(d) => bin_s!(f64, d, |a, b| a * b),
            Op::F64MulC(c) => bin_c!(f64, f64::from_bits(c), |a, b| a * b),
            Op::F64MulL(l) => bin_l!(f64, l, |a, b| a * b),
            Op::F64MulLL(x, y) => bin_ll!(f64, x, y, |a, b| a * b),
            Op::F64DivS(d) => bin_s!(f64, d, |a, b| a / b),
            Op::F64DivC(c) => bin_c!(f64, f64::from_bits(c), |a, b| a / b),
            Op::F64DivL(l) => bin_l!(f64, l, |a, b| a / b),
            Op::F64DivLL(x, y) => bin_ll!(f64, x, y, |a, b| a / b),
        }
    };
    *fuel = fuel_left;
    result.map_err(|kind| {
        let mut backtrace = vec![frame_info(funcs, instances, func)];
        backtrace.extend(
            frames
                .iter()
                .rev()
                .map(|f| frame_info(funcs, instances, f.func)),
        );
        Trap { kind, backtrace }
    })
}

/// The callee of a `call_indirect` through table `table` at index `i`, checking its signature.
#[inline(always)]
fn indirect_callee(
    funcs: &[FuncInst],
    types: &gc::Types,
    tables: &[table::Table],
    table: u32,
    sig: u32,
    i: u64,
) -> Result<u32, TrapKind> {
    let entries = &tables[table as usize].elems;
    let Some(&entry) = usize::try_from(i).ok().and_then(|i| entries.get(i)) else {
        return Err(TrapKind::UndefinedElement);
    };
    if entry == 0 {
        return Err(TrapKind::UninitializedElement);
    }
    // A `funcref` table holds only function references: the address is the payload.
    let callee = value::Ref::from_bits(entry).payload();
    let callee_sig = match &funcs[callee as usize] {
        FuncInst::Wasm { sig, .. } | FuncInst::Host { sig, .. } => *sig,
    };
    // Equal types have equal ids; only a declared subtype needs the (cold) walk.
    if callee_sig != sig && !subtype_slow(types, callee_sig, sig) {
        return Err(TrapKind::IndirectCallTypeMismatch);
    }
    Ok(callee)
}

/// Whether a callee's type is a declared subtype of a `call_indirect`'s (GC).
#[cold]
fn subtype_slow(types: &gc::Types, callee: u32, expected: u32) -> bool {
    types.is_subtype(callee, expected)
}

/// The two 128-bit operands (each as low and high i64 cells) on top of the stack.
#[inline(always)]
fn wide(stack: &[u64], sp: usize) -> (u128, u128) {
    let a = u128::from(stack[sp - 4]) | (u128::from(stack[sp - 3]) << 64);
    let b = u128::from(stack[sp - 2]) | (u128::from(stack[sp - 1]) << 64);
    (a, b)
}

/// A 128-bit value as its low and high 64-bit halves.
#[inline(always)]
fn split(v: u128) -> (u64, u64) {
    (v as u64, (v >> 64) as u64)
}

/// The backtrace entry of a function.
fn frame_info(funcs: &[FuncInst], instances: &[super::InstanceData], func: u32) -> BacktraceFrame {
    match &funcs[func as usize] {
        FuncInst::Wasm {
            instance, index, ..
        } => BacktraceFrame {
            func_index: *index,
            name: instances[*instance as usize].names.get(index).cloned(),
        },
        FuncInst::Host { .. } => BacktraceFrame {
            func_index: func,
            name: None,
        },
    }
}
