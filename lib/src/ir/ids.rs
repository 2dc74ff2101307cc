//! Typed ids for module items and the arena that owns them.
//!
//! An id names an item for the lifetime of a [`Module`](crate::Module): removing an item leaves a
//! tombstone, so no other id shifts. Indices in the binary are assigned only when the module is
//! emitted. When a module is parsed, every item's id is its original index, so an unmodified
//! module maps every id to itself.

use std::fmt;
use std::marker::PhantomData;

macro_rules! define_ids {
    ($($(#[$attr:meta])* $name:ident;)*) => {$(
        $(#[$attr])*
        #[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The id of the item at `index` in its arena.
            pub const fn from_index(index: u32) -> Self {
                $name(index)
            }

            /// The item's position in its arena (its original index for parsed items).
            pub const fn index(self) -> u32 {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl ArenaId for $name {
            fn from_index(index: u32) -> Self {
                $name(index)
            }
            fn index(self) -> u32 {
                self.0
            }
        }
    )*};
}

define_ids! {
    /// A function, imported or defined.
    FuncId;
    /// A type definition (a sub type inside a recursion group).
    TypeId;
    /// A table, imported or defined.
    TableId;
    /// A memory, imported or defined.
    MemoryId;
    /// A global, imported or defined.
    GlobalId;
    /// An exception tag, imported or defined.
    TagId;
    /// A data segment.
    DataId;
    /// An element segment.
    ElemId;
    /// An import entry.
    ImportId;
    /// An export entry.
    ExportId;
}

/// An id type that indexes an [`Arena`].
pub trait ArenaId: Copy {
    /// The id of the slot at `index`.
    fn from_index(index: u32) -> Self;
    /// The slot this id names.
    fn index(self) -> u32;
}

/// A vector of items addressed by typed ids, where removal leaves a tombstone.
#[derive(Clone)]
pub struct Arena<I, T> {
    items: Vec<Option<T>>,
    live: usize,
    _id: PhantomData<fn(I) -> I>,
}

impl<I: ArenaId, T> Default for Arena<I, T> {
    fn default() -> Self {
        Arena {
            items: Vec::new(),
            live: 0,
            _id: PhantomData,
        }
    }
}

impl<I: ArenaId, T> Arena<I, T> {
    /// An empty arena with room for `n` items.
    pub fn with_capacity(n: usize) -> Self {
        Arena {
            items: Vec::with_capacity(n),
            live: 0,
            _id: PhantomData,
        }
    }

    /// Adds an item and returns its id.
    pub fn push(&mut self, item: T) -> I {
        let index =
            u32::try_from(self.items.len()).expect("bug: arena holds more than u32::MAX items");
        self.items.push(Some(item));
        self.live += 1;
        I::from_index(index)
    }

    /// Removes an item, leaving a tombstone. Returns it if it was live.
    pub fn remove(&mut self, id: I) -> Option<T> {
        let taken = self.items.get_mut(id.index() as usize)?.take();
        if taken.is_some() {
            self.live -= 1;
        }
        taken
    }

    /// The item named by `id`, if it is live.
    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index() as usize)?.as_ref()
    }

    /// The item named by `id`, mutably, if it is live.
    pub fn get_mut(&mut self, id: I) -> Option<&mut T> {
        self.items.get_mut(id.index() as usize)?.as_mut()
    }

    /// Whether `id` names a live item.
    pub fn contains(&self, id: I) -> bool {
        self.get(id).is_some()
    }

    /// The number of live items.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no item is live.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The number of slots, live or removed: every id is below this.
    pub fn slots(&self) -> usize {
        self.items.len()
    }

    /// Whether no item was ever removed: ids are then exactly the original indices.
    pub fn is_dense(&self) -> bool {
        self.live == self.items.len()
    }

    /// Live items with their ids, in id order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + '_ {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((I::from_index(i as u32), t.as_ref()?)))
    }

    /// Live items with their ids, mutably, in id order.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (I, &mut T)> + '_ {
        self.items
            .iter_mut()
            .enumerate()
            .filter_map(|(i, t)| Some((I::from_index(i as u32), t.as_mut()?)))
    }

    /// The raw slots, for parallel iteration.
    pub(crate) fn slots_mut(&mut self) -> &mut [Option<T>] {
        &mut self.items
    }
}

impl<I: ArenaId, T> std::ops::Index<I> for Arena<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        match self.get(id) {
            Some(t) => t,
            None => panic!("bug: use of removed or unknown id {}", id.index()),
        }
    }
}

impl<I: ArenaId, T> std::ops::IndexMut<I> for Arena<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        match self.get_mut(id) {
            Some(t) => t,
            None => panic!("bug: use of removed or unknown id {}", id.index()),
        }
    }
}

impl<I: ArenaId + fmt::Debug, T: fmt::Debug> fmt::Debug for Arena<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_leaves_other_ids_alone() {
        let mut arena: Arena<FuncId, &str> = Arena::default();
        let a = arena.push("a");
        let b = arena.push("b");
        let c = arena.push("c");
        assert!(arena.is_dense());
        assert_eq!(arena.remove(b), Some("b"));
        assert_eq!(arena.remove(b), None);
        assert!(!arena.is_dense());
        assert_eq!(arena[a], "a");
        assert_eq!(arena[c], "c");
        assert_eq!(arena.len(), 2);
        assert_eq!(arena.slots(), 3);
        let live: Vec<_> = arena.iter().map(|(id, _)| id).collect();
        assert_eq!(live, vec![a, c]);
    }
}
