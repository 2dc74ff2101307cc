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

use super::code::{FuncCode, NO_SLOT, Op, Slot, for_each_numeric};
use super::exception;
use super::memory::{self, Memory};
use super::numeric as num;
use super::simd::{self, stack2};
use super::threaded::{self, Frame};
use super::trap::{BacktraceFrame, Trap, TrapKind};
use super::value::{self, Cell, Ref, Val};
use super::{FuncInst, Store, atomic, bulk, gc, table};

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
    let mut ops: &[Slot] = &code.slots;
    let mut func = entry;
    let mut ip: *const Slot = ops.as_ptr();
    let mut fp: usize = 0;
    let mut sp: usize = params;
    if code.max_height as usize > stack.len() {
        return Err(Trap::new(TrapKind::CallStackExhausted));
    }
    stack[sp..sp + code.locals as usize].fill(0);
    sp += code.locals as usize;
    let mut mem = code.memory;
    let mut stack_ptr: *mut u64;
    let mut regs: *mut u64;
    let mut mem_ptr: *mut u8;
    let mut mem_len: usize;
    let mut fuel_left = *fuel;

    macro_rules! tri {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(kind) => break Err(kind),
            }
        };
    }
    // The op index of `ip` in the current body.
    macro_rules! pc {
        () => {
            // SAFETY: `ip` points into `ops` or one past its end (see `jump!`).
            unsafe { ip.offset_from(ops.as_ptr()) as usize }
        };
    }
    // Goes on at op index `$t` of the current body.
    macro_rules! jump {
        ($t:expr) => {{
            let t = $t as usize;
            debug_assert!(t < ops.len(), "jump to op {t} of {}", ops.len());
            // SAFETY: jump targets are op indices of the same body, resolved by the
            // translator.
            ip = unsafe { ops.as_ptr().add(t) };
        }};
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
            jump!($target);
        }};
    }
    // ---- Register ops: operands and results are frame cells (see `code.rs`). ----
    // Register ops reach their cells through `regs` (the frame base) and memory 0 through
    // `mem_ptr`/`mem_len`: raw parts of the stack and of the memory's bytes, derived again by
    // `refresh!` after every op that is not a register op (the register arms `continue` past
    // it), so that nothing else touches the stack or the memory while they are in use.
    macro_rules! refresh {
        () => {{
            debug_assert!(fp <= stack.len());
            // SAFETY: `fp` is within the stack (a frame's cells are checked on entry).
            stack_ptr = stack.as_mut_ptr();
            regs = unsafe { stack_ptr.add(fp) };
            (mem_ptr, mem_len) = match memories.get_mut(mem) {
                Some(m) => (m.data.as_mut_ptr(), m.data.len()),
                None => (std::ptr::NonNull::dangling().as_ptr(), 0),
            };
        }};
    }
    macro_rules! reg {
        ($t:ty, $r:expr) => {{
            let r = $r as usize;
            debug_assert!(fp + r < stack.len(), "register {r} out of the stack");
            // SAFETY: a register is a cell of the frame, below its `max_height`, which was
            // checked against the stack's length on entry.
            <$t as Cell>::from_cell(unsafe { *regs.add(r) })
        }};
    }
    macro_rules! set_reg {
        ($r:expr, $v:expr) => {{
            let r = $r as usize;
            let v: u64 = Cell::to_cell($v);
            debug_assert!(fp + r < stack.len(), "register {r} out of the stack");
            // SAFETY: as for `reg!`.
            unsafe { *regs.add(r) = v }
        }};
    }
    macro_rules! add_branch {
        ($x:expr, $step:expr, $cmp:expr, $b:expr, $target:expr) => {{
            let v = reg!(u32, $x).wrapping_add($step);
            set_reg!($x, v);
            if $cmp.holds(v.into(), $b) {
                jump!($target);
            }
            continue;
        }};
    }
    // The `v128` in cells `r` (low half) and `r + 1`.
    macro_rules! reg2 {
        ($r:expr) => {{
            let r = $r as usize;
            u128::from(reg!(u64, r)) | (u128::from(reg!(u64, r + 1)) << 64)
        }};
    }
    // Writes a `v128` to cells `r` and `r + 1`, as one store (see `threaded.rs`'s `set_reg2!`).
    macro_rules! set_reg2 {
        ($r:expr, $v:expr) => {{
            let (r, v): (usize, u128) = ($r as usize, $v);
            #[cfg(target_endian = "little")]
            {
                debug_assert!(
                    fp + r + 1 < stack.len(),
                    "register {} out of the stack",
                    r + 1
                );
                // SAFETY: as for `set_reg!`, for both cells; a little-endian `u128` is its low
                // half then its high half, the cells' order.
                unsafe { regs.add(r).cast::<u128>().write_unaligned(v) }
            }
            #[cfg(not(target_endian = "little"))]
            {
                set_reg!(r, v as u64);
                set_reg!(r + 1, (v >> 64) as u64);
            }
        }};
    }
    // The bytes of memory 0 (empty when there is none).
    macro_rules! mem0 {
        () => {
            // SAFETY: `mem_ptr`/`mem_len` are the raw parts of the memory's bytes, derived by
            // the last `refresh!`; only register loads and stores ran since, one at a time.
            unsafe { std::slice::from_raw_parts_mut(mem_ptr, mem_len) }
        };
    }
    // The value of a table entry's expression: `pure` ones are values, `trap` ones results.
    macro_rules! value {
        (pure, $e:expr) => {
            $e
        };
        (trap, $e:expr) => {
            tri!($e)
        };
    }
    // The interpreter's `match`: the arms given, and those of every op of the numeric table.
    macro_rules! exec_match {
        (
            (($op:expr) { $($arms:tt)* })
            binary_imm { $($bi:ident $bi_imm:ident $bi_c:ident $bi_k:ident $bi_t:ty => |$bi_a:ident, $bi_b:ident| $bi_e:expr;)* }
            compare { $($c:ident $c_imm:ident $c_br:ident $c_bri:ident ! $c_nbr:ident $c_nbri:ident $c_c:ident $c_t:ty => |$c_a:ident, $c_b:ident| $c_e:expr;)* }
            binary { $($b:ident $b_imm:ident $b_k:ident $b_t:ty => |$b_a:ident, $b_b:ident| $b_e:expr;)* }
            unary { $($u:ident $u_k:ident $u_t:ty => |$u_a:ident| $u_e:expr;)* }
            load { $($l:ident $l_idx:ident $l_add:ident $l_n:literal => |$l_b:ident| $l_e:expr;)* }
            store { $($s:ident $s_imm:ident $s_idx:ident $s_imm_idx:ident $s_add:ident $s_t:ty => |$s_v:ident| $s_e:expr;)* }
        ) => {
            match $op {
                $($arms)*
                $(
                    Op::$bi { dst, a, b } => {
                        let ($bi_a, $bi_b) = (reg!($bi_t, a), reg!($bi_t, b));
                        set_reg!(dst, value!($bi_k, $bi_e));
                        continue;
                    }
                    Op::$bi_imm { dst, a, imm } => {
                        let ($bi_a, $bi_b) = (reg!($bi_t, a), i64::from(imm) as $bi_t);
                        set_reg!(dst, value!($bi_k, $bi_e));
                        continue;
                    }
                )*
                $(
                    Op::$c { dst, a, b } => {
                        let ($c_a, $c_b) = (reg!($c_t, a), reg!($c_t, b));
                        set_reg!(dst, $c_e);
                        continue;
                    }
                    Op::$c_imm { dst, a, imm } => {
                        let ($c_a, $c_b) = (reg!($c_t, a), i64::from(imm) as $c_t);
                        set_reg!(dst, $c_e);
                        continue;
                    }
                    Op::$c_br { a, b, target } => {
                        let ($c_a, $c_b) = (reg!($c_t, a), reg!($c_t, b));
                        if $c_e {
                            jump!(target);
                        }
                        continue;
                    }
                    Op::$c_bri { a, imm, target } => {
                        let ($c_a, $c_b) = (reg!($c_t, a), i64::from(imm) as $c_t);
                        if $c_e {
                            jump!(target);
                        }
                        continue;
                    }
                )*
                $(
                    Op::$b { dst, a, b } => {
                        let ($b_a, $b_b) = (reg!($b_t, a), reg!($b_t, b));
                        set_reg!(dst, value!($b_k, $b_e));
                        continue;
                    }
                    Op::$b_imm { dst, a, imm } => {
                        let ($b_a, $b_b) = (reg!($b_t, a), <$b_t as Cell>::from_cell(imm));
                        set_reg!(dst, value!($b_k, $b_e));
                        continue;
                    }
                )*
                $(
                    Op::$u { dst, a } => {
                        let $u_a = reg!($u_t, a);
                        set_reg!(dst, value!($u_k, $u_e));
                        continue;
                    }
                )*
                $(
                    Op::$l { dst, addr, offset } => {
                        let $l_b = tri!(memory::load::<$l_n>(mem0!(), reg!(u32, addr), offset));
                        set_reg!(dst, $l_e);
                        continue;
                    }
                    Op::$l_idx { scaled, dst, base, index, offset } => {
                        let index = memory::index(reg!(u32, index), scaled, $l_n);
                        let addr = reg!(u32, base).wrapping_add(index);
                        let $l_b = tri!(memory::load::<$l_n>(mem0!(), addr, offset));
                        set_reg!(dst, $l_e);
                        continue;
                    }
                    Op::$l_add { addr, dst, to, imm, offset } => {
                        let addr = memory::add_base(|| reg!(u32, addr), to, $l_n).wrapping_add(imm as u32);
                        let $l_b = tri!(memory::load::<$l_n>(mem0!(), addr, offset));
                        set_reg!(dst, $l_e);
                        continue;
                    }
                )*
                $(
                    Op::$s { addr, value, offset } => {
                        let $s_v = reg!($s_t, value);
                        tri!(memory::store(mem0!(), reg!(u32, addr), offset, $s_e));
                        continue;
                    }
                    Op::$s_imm { addr, imm, offset } => {
                        let $s_v = i64::from(imm) as $s_t;
                        tri!(memory::store(mem0!(), reg!(u32, addr), offset, $s_e));
                        continue;
                    }
                    Op::$s_idx { base, index, scaled, value, offset } => {
                        let $s_v = reg!($s_t, value);
                        let bytes = $s_e;
                        let addr = reg!(u32, base).wrapping_add(memory::index(reg!(u32, index), scaled, bytes.len()));
                        tri!(memory::store(mem0!(), addr, offset, bytes));
                        continue;
                    }
                    Op::$s_imm_idx { base, index, scaled, imm, offset } => {
                        let $s_v = i64::from(imm) as $s_t;
                        let bytes = $s_e;
                        let addr = reg!(u32, base).wrapping_add(memory::index(reg!(u32, index), scaled, bytes.len()));
                        tri!(memory::store(mem0!(), addr, offset, bytes));
                        continue;
                    }
                    Op::$s_add { addr, value, to, imm, offset } => {
                        let $s_v = reg!($s_t, value);
                        let bytes = $s_e;
                        let addr = memory::add_base(|| reg!(u32, addr), to, bytes.len()).wrapping_add(imm as u32);
                        tri!(memory::store(mem0!(), addr, offset, bytes));
                        continue;
                    }
                )*
            }
        };
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
                    frames.push(Frame { code, func, ip, fp });
                    // The locals are within the callee's `max_height`, checked above.
                    for i in sp..sp + c.locals as usize {
                        set_cell!(i, 0);
                    }
                    sp += c.locals as usize;
                    fp = new_fp;
                    code = c;
                    ops = &c.slots;
                    ip = ops.as_ptr();
                    func = callee as u32;
                    mem = c.memory;
                }
                FuncInst::Host { sig, func: host } => host_call!(sig, host),
            }
        }};
    }

    // Returns the results in the cells from `$from` (an index into the stack).
    macro_rules! ret {
        ($from:expr) => {{
            let n = code.results as usize;
            let from: usize = $from;
            // Usually one cell or none, moving down: a loop beats a `memmove` call.
            for i in 0..n {
                set_cell!(fp + i, cell!(from + i));
            }
            sp = fp + n;
            match frames.pop() {
                None => break Ok(n),
                Some(f) => {
                    code = f.code;
                    ops = &f.code.slots;
                    func = f.func;
                    ip = f.ip;
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
                    ops = &c.slots;
                    ip = ops.as_ptr();
                    func = callee as u32;
                    mem = c.memory;
                }
                FuncInst::Host { sig, func: host } => {
                    host_call!(sig, host);
                    ret!(sp - code.results as usize);
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
            let mut at = pc!() - 1;
            let caught = loop {
                if let Some(c) = exception::find(code, at as u32, tag) {
                    break Some(c);
                }
                match frames.pop() {
                    None => break None,
                    Some(f) => {
                        code = f.code;
                        ops = &f.code.slots;
                        func = f.func;
                        ip = f.ip;
                        fp = f.fp;
                        mem = code.memory;
                        at = pc!() - 1;
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
            jump!(c.target);
        }};
    }

    refresh!();
    let mut fast = threaded::Fast::new(funcs, code, max_depth);
    let result: Result<usize, TrapKind> = loop {
        if !FUEL {
            // Register ops run threaded (`threaded.rs`) until the next other op.
            fast.enter(code, func, fp, mem);
            fast.globals = globals.as_mut_ptr();
            fast.stack = stack_ptr;
            fast.stack_len = stack.len();
            fast.regs_len = stack.len() - fp;
            fast.sp = sp;
            fast.frames = &raw mut frames;
            fast.tables = (tables.as_ptr(), tables.len());
            fast.types = &raw const *types;
            // SAFETY: `ip` is an op of `ops`, the body of the frame at `fp` whose
            // `max_height` was checked on entry; `regs` and the memory's raw parts come from
            // the last `refresh!`, and nothing else touches them until `run` returns.
            ip = unsafe { threaded::run(&mut fast, ip, regs, mem_ptr, mem_len) };
            // Calls and returns may have moved to another frame (of the same memory).
            (code, func, fp, sp) = (fast.code, fast.func, fast.fp, fast.sp);
            ops = &code.slots;
            // SAFETY: `fp` is within the stack (a frame's cells are checked on entry).
            regs = unsafe { stack_ptr.add(fp) };
            if let Some(kind) = fast.trap.take() {
                break Err(kind);
            }
        }
        if FUEL {
            if fuel_left == 0 {
                break Err(TrapKind::OutOfFuel);
            }
            fuel_left -= 1;
        }
        debug_assert!(pc!() < ops.len());
        // SAFETY: every body ends with `Op::Return` and every jump target is an op index of the
        // same body (resolved by the translator), so `ip` never passes the end.
        let op: &Op = unsafe { &(*ip).op };
        // SAFETY: as above, `ip` was before the end: one past it is still in the array.
        ip = unsafe { ip.add(1) };
        for_each_numeric!(exec_match((*op) {
            Op::Unreachable => break Err(TrapKind::Unreachable),
            Op::Copy { dst, src } => {
                set_reg!(dst, reg!(u64, src));
                continue;
            }
            Op::Const { dst, bits } => {
                set_reg!(dst, bits);
                continue;
            }
            Op::SetSp(h) => {
                sp = fp + h as usize;
                continue;
            }
            // A loop's increment and branch: `x += step`, then jump when `x cmp b` (`b` read
            // after the add: it may be `x`).
            Op::AddImmBr {
                x,
                imm,
                b,
                cmp,
                target,
            } => add_branch!(x, imm as u32, cmp, reg!(u64, b), target),
            Op::AddImmBrImm {
                x,
                imm,
                cmp,
                k,
                target,
            } => add_branch!(x, imm as u32, cmp, u64::from(k as u32), target),
            Op::AddBr {
                x,
                c,
                b,
                cmp,
                target,
            } => add_branch!(x, reg!(u32, c), cmp, reg!(u64, b), target),
            Op::Jump(t) => {
                jump!(t);
                continue;
            }
            Op::BrIfNonZero { cond, target } => {
                if reg!(u32, cond) != 0 {
                    jump!(target);
                }
                continue;
            }
            Op::BrIfZero { cond, target } => {
                if reg!(u32, cond) == 0 {
                    jump!(target);
                }
                continue;
            }
            Op::BrI32AndNonZero { a, b, target } => {
                if reg!(u32, a) & reg!(u32, b) != 0 {
                    jump!(target);
                }
                continue;
            }
            Op::BrI32AndZero { a, b, target } => {
                if reg!(u32, a) & reg!(u32, b) == 0 {
                    jump!(target);
                }
                continue;
            }
            Op::BrI32AndImmNonZero { a, imm, target } => {
                if reg!(u32, a) & imm as u32 != 0 {
                    jump!(target);
                }
                continue;
            }
            Op::BrI32AndImmZero { a, imm, target } => {
                if reg!(u32, a) & imm as u32 == 0 {
                    jump!(target);
                }
                continue;
            }
            Op::BrTableAt { index, start, len } => {
                let i = reg!(u32, index).min(len - 1);
                jump!(code.br_targets[(start + i) as usize].target);
                continue;
            }
            Op::Return(from) => ret!(fp + from as usize),
            Op::Call { func: callee, top } => {
                sp = fp + top as usize;
                call!(callee)
            }
            Op::CallIndirect { sig, table, top } => {
                sp = fp + top as usize;
                // An `i32` index is a zero-extended cell, so one `u64` read serves table64 too.
                let i = pop!(u64);
                let callee = tri!(indirect_callee(funcs, types, tables, table, sig, i));
                call!(callee)
            }
            Op::Select(at) => {
                if reg!(u32, at + 2) == 0 {
                    set_reg!(at, reg!(u64, at + 1));
                }
                continue;
            }
            Op::GlobalGet { dst, global } => {
                set_reg!(dst, globals[global as usize].value as u64);
                continue;
            }
            Op::GlobalSet { src, global } => {
                globals[global as usize].value = u128::from(reg!(u64, src));
                continue;
            }
            Op::JumpIfNonZero(t) => {
                if pop!(u32) != 0 {
                    jump!(t);
                }
            }
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
            Op::Select2 => sp = stack2::select(stack, sp),
            Op::GlobalGet2(g) => sp = stack2::push(stack, sp, globals[g as usize].value),
            Op::GlobalSet2(g) => (globals[g as usize].value, sp) = stack2::pop(stack, sp),
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
            Op::V128Const(i) => sp = stack2::push(stack, sp, code.v128_consts[i as usize]),
            Op::I8x16Shuffle(i) => {
                sp = stack2::shuffle2(stack, sp, code.v128_consts[i as usize]);
            }
            Op::Simd(op) => sp = simd::exec(op, stack, sp),
            Op::SimdLane { op, lane } => sp = simd::exec_lane(op, lane, stack, sp),
            Op::SimdMem { op, lane, offset } => {
                let data = mem_data_mut(memories, mem);
                sp = tri!(simd::exec_mem(op, lane, offset.into(), data, stack, sp));
            }
            Op::Copy2 { dst, src } => {
                set_reg2!(dst, reg2!(src));
                continue;
            }
            Op::SimdR { op, dst, a, b, c } => {
                set_reg2!(dst, simd::apply(reg2!(a), reg2!(b), reg2!(c), op));
                continue;
            }
            Op::SimdTestR { op, dst, a } => {
                set_reg!(dst, simd::apply(reg2!(a), 0, 0, op) as u64);
                continue;
            }
            Op::SimdExtractR { op, lane, dst, a } => {
                set_reg!(dst, simd::lane_op(op, lane, reg2!(a), 0) as u64);
                continue;
            }
            Op::SimdReplaceR { op, lane, dst, a, x } => {
                set_reg2!(dst, simd::lane_op(op, lane, reg2!(a), reg!(u64, x)));
                continue;
            }
            Op::V128ConstR { dst, index } => {
                set_reg2!(dst, code.v128_consts[index as usize]);
                continue;
            }
            Op::ShuffleR { dst, a, b, lanes } => {
                let lanes = code.v128_consts[lanes as usize];
                set_reg2!(dst, simd::shuffle(reg2!(a), reg2!(b), lanes));
                continue;
            }
            Op::V128LoadR { dst, addr, offset } => {
                let bytes = tri!(memory::load::<16>(mem0!(), reg!(u32, addr), offset));
                set_reg2!(dst, u128::from_le_bytes(bytes));
                continue;
            }
            Op::V128StoreR {
                addr,
                value,
                offset,
            } => {
                let bytes = reg2!(value).to_le_bytes();
                tri!(memory::store::<16>(mem0!(), reg!(u32, addr), offset, bytes));
                continue;
            }

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
                sp = tri!(gc::exec(*op, &mut ctx, stack, sp));
            }

        }));
        refresh!();
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
pub(super) fn indirect_callee(
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
