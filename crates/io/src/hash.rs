//! The readers' lookup tables: std's `HashMap` with foldhash, the workspace's one hasher (the
//! fixed-seed variant, so no run differs from another), and their key for codes.
//!
//! The keys are codes from the county's own files, not hostile input, so a fast
//! non-cryptographic hash is the right trade: the standard SipHash would cost a second per
//! 26 million lookups.

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;

use foldhash::fast::FixedState;

pub(crate) type Map<K, V> = HashMap<K, V, FixedState>;
pub(crate) type Set<K> = HashSet<K, FixedState>;

/// A code as a hash-table key: kept inline when it is short (most village codes and cadre ids
/// are), so a lookup compares it in the table's own memory instead of following a pointer.
#[derive(Debug, Clone)]
pub(crate) enum Code {
    Inline { len: u8, buf: [u8; 22] },
    Heap(Box<[u8]>),
}

impl Code {
    pub fn new(b: &[u8]) -> Code {
        if b.len() <= 22 {
            let mut buf = [0u8; 22];
            buf[..b.len()].copy_from_slice(b);
            Code::Inline {
                len: b.len() as u8,
                buf,
            }
        } else {
            Code::Heap(b.into())
        }
    }

    #[inline]
    pub fn bytes(&self) -> &[u8] {
        match self {
            Code::Inline { len, buf } => &buf[..usize::from(*len)],
            Code::Heap(b) => b,
        }
    }
}

impl std::borrow::Borrow<[u8]> for Code {
    #[inline]
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}

impl PartialEq for Code {
    fn eq(&self, o: &Code) -> bool {
        self.bytes() == o.bytes()
    }
}
impl Eq for Code {}

impl std::hash::Hash for Code {
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.bytes().hash(h);
    }
}
