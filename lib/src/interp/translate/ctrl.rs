//! Translation of the control instructions of helper area "ctrl": tail calls, function
//! references (`call_ref`, `br_on_null`, …), exception handling (`try_table`, `throw`,
//! `throw_ref` and the legacy `try`/`catch`/`delegate`/`rethrow`) and wide arithmetic.
//!
//! Exception handlers cost nothing until something is thrown: a `try_table` or `try` emits no
//! op, only a [`Handler`] (its body's op range and its catch clauses) in the function's side
//! table, pushed when the block closes so that inner handlers come first.

use super::super::InstantiateError;
use super::{BrTarget, unsupported_op};
use super::{CATCH_ALL, Catch, Ctrl, Handler, Kind, NO_SLOT, Op, Patch, Translator, Try};
use wasmparser::Operator;

impl Translator<'_> {
    /// Translates a control operator of this area; anything else is unsupported.
    pub(super) fn ctrl_op(
        &mut self,
        op: &Operator<'_>,
        live: bool,
        height: u32,
        values: u32,
        invalid: &dyn Fn(wasmparser::BinaryReaderError) -> InstantiateError,
    ) -> Result<(), InstantiateError> {
        let _ = invalid;
        match *op {
            Operator::ReturnCall { function_index } => {
                let addr = self.env.funcs[function_index as usize];
                self.emit_if(live, Op::ReturnCall(addr));
            }
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let sig = self.env.sigs[type_index as usize];
                let table = self.env.tables[table_index as usize];
                self.emit_if(live, Op::ReturnCallIndirect { sig, table });
            }
            Operator::CallRef { .. } => self.emit_if(live, Op::CallRef),
            Operator::ReturnCallRef { .. } => self.emit_if(live, Op::ReturnCallRef),
            Operator::RefAsNonNull => self.emit_if(live, Op::RefAsNonNull),
            Operator::BrOnNull { relative_depth } => {
                if live {
                    // The reference is dropped when branching.
                    let (t, label) = self.branch(relative_depth, height - 1);
                    self.emit_branch(label, t, |target, drop, keep| Op::BrOnNull {
                        target,
                        drop,
                        keep,
                    });
                }
            }
            Operator::BrOnNonNull { relative_depth } => {
                if live {
                    // The reference goes along with the branch.
                    let (t, label) = self.branch(relative_depth, height);
                    self.emit_branch(label, t, |target, drop, keep| Op::BrOnNonNull {
                        target,
                        drop,
                        keep,
                    });
                }
            }
            Operator::Throw { tag_index } => {
                let tag = self.env.tags[tag_index as usize];
                self.emit_if(live, Op::Throw(tag));
            }
            Operator::ThrowRef => self.emit_if(live, Op::ThrowRef),
            Operator::TryTable { ref try_table } => {
                let ((param_values, _), results) = self.block_arity(try_table.ty);
                let first = self.code.catches.len() as u32;
                if live {
                    // Catch labels are relative to the block enclosing the `try_table`.
                    for catch in &try_table.catches {
                        let (tag, label, payload, push_ref) = match *catch {
                            wasmparser::Catch::One { tag, label } => {
                                (Some(tag), label, true, false)
                            }
                            wasmparser::Catch::OneRef { tag, label } => {
                                (Some(tag), label, true, true)
                            }
                            wasmparser::Catch::All { label } => (None, label, false, false),
                            wasmparser::Catch::AllRef { label } => (None, label, false, true),
                        };
                        let (t, label) = self.branch(label, 0);
                        let at = self.code.catches.len();
                        self.code.catches.push(Catch {
                            tag: tag.map_or(CATCH_ALL, |t| self.env.tags[t as usize]),
                            target: t.target,
                            height: self.ctrl[label].height,
                            payload,
                            push_ref,
                            slot: NO_SLOT,
                        });
                        self.add_patch(label, Patch::Catch(at));
                    }
                }
                let len = self.code.catches.len() as u32 - first;
                let start = self.pc();
                let below = self.cells_below(values.saturating_sub(param_values));
                self.push_block(below, results, !live, Try::Table { start, first, len });
            }
            Operator::Try { blockty } => {
                let ((param_values, _), results) = self.block_arity(blockty);
                let nested = self
                    .ctrl
                    .iter()
                    .filter(|c| matches!(c.try_, Some(Try::Legacy { .. })))
                    .count() as u32;
                self.catch_slots = self.catch_slots.max(nested + 1);
                let start = self.pc();
                let slot = self.locals_end + nested;
                let below = self.cells_below(values.saturating_sub(param_values));
                self.push_block(
                    below,
                    results,
                    !live,
                    Try::Legacy {
                        start,
                        end: None,
                        catches: Vec::new(),
                        slot,
                    },
                );
            }
            Operator::Catch { .. } | Operator::CatchAll => {
                let tag = match *op {
                    Operator::Catch { tag_index } => self.env.tags[tag_index as usize],
                    _ => CATCH_ALL,
                };
                if live {
                    // The body (or the previous catch) falls through to the end.
                    let at = self.ops.len();
                    self.emit(Op::Jump(0));
                    if let Some(c) = self.ctrl.last_mut() {
                        c.patches.push(Patch::Op(at));
                    }
                }
                let pc = self.pc();
                if let Some(c) = self.ctrl.last_mut()
                    && let Some(Try::Legacy {
                        end, catches, slot, ..
                    }) = &mut c.try_
                {
                    end.get_or_insert(pc);
                    if !c.dead {
                        catches.push(Catch {
                            tag,
                            target: pc,
                            height: c.height,
                            payload: tag != CATCH_ALL,
                            push_ref: false,
                            slot: *slot,
                        });
                    }
                }
            }
            Operator::Delegate { relative_depth } => {
                let Some(mut c) = self.ctrl.pop() else {
                    return Ok(());
                };
                let pc = self.pc();
                // The label counts from the block enclosing the `try`.
                let target = (self.ctrl.len() - 1).saturating_sub(relative_depth as usize);
                self.end_try(c.try_.take(), c.dead, pc, target as u32);
                for p in c.patches {
                    self.patch(p, pc);
                }
            }
            Operator::Rethrow { relative_depth } => {
                if live {
                    let i = (self.ctrl.len() - 1).saturating_sub(relative_depth as usize);
                    if let Some(Try::Legacy { slot, .. }) = self.ctrl[i].try_ {
                        self.emit(Op::Rethrow(slot));
                    }
                }
            }
            Operator::I64Add128 => self.emit_if(live, Op::I64Add128),
            Operator::I64Sub128 => self.emit_if(live, Op::I64Sub128),
            Operator::I64MulWideS => self.emit_if(live, Op::I64MulWideS),
            Operator::I64MulWideU => self.emit_if(live, Op::I64MulWideU),
            _ => return Err(unsupported_op(op)),
        }
        Ok(())
    }

    /// Emits a conditional branch op made by `make` to label `label`, to be patched when the
    /// label is forward.
    fn emit_branch(&mut self, label: usize, t: BrTarget, make: impl Fn(u32, u32, u32) -> Op) {
        let at = self.emit(make(t.target, t.drop, t.keep));
        self.add_patch(label, Patch::Op(at));
    }

    /// Opens a block that is a `try_table` or a legacy `try`.
    fn push_block(&mut self, height: u32, arity: u32, dead: bool, try_: Try) {
        let start = self.pc();
        self.ctrl.push(Ctrl {
            kind: Kind::Block,
            height,
            arity,
            start,
            patches: Vec::new(),
            else_patch: None,
            dead,
            try_: Some(try_),
        });
    }

    /// Records the handler of a `try_table` or legacy `try` that closes at op `pc` (its
    /// `end`, or a `delegate` to the label at ctrl index `delegate`, else `u32::MAX`). Called
    /// after the block is popped, so its depth is the ctrl stack's length.
    pub(super) fn end_try(&mut self, try_: Option<Try>, dead: bool, pc: u32, delegate: u32) {
        let depth = self.ctrl.len() as u32;
        let handler = match try_ {
            None => return,
            Some(_) if dead => return,
            Some(Try::Table { start, first, len }) => Handler {
                start,
                end: pc,
                depth,
                first,
                len,
                delegate: u32::MAX,
            },
            Some(Try::Legacy { start, .. }) if delegate != u32::MAX => Handler {
                start,
                end: pc,
                depth,
                first: 0,
                len: 0,
                delegate,
            },
            Some(Try::Legacy {
                start,
                end: Some(end),
                catches,
                ..
            }) => {
                let first = self.code.catches.len() as u32;
                self.code.catches.extend(catches);
                Handler {
                    start,
                    end,
                    depth,
                    first,
                    len: self.code.catches.len() as u32 - first,
                    delegate: u32::MAX,
                }
            }
            // A legacy `try` without catch clauses catches nothing.
            Some(Try::Legacy { end: None, .. }) => return,
        };
        if handler.start < handler.end {
            self.code.handlers.push(handler);
        }
    }
}
