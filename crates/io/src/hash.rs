//! The readers' lookup tables: std's `HashMap` with foldhash, the workspace's one hasher (the
//! fixed-seed variant, so no run differs from another).
//!
//! The keys are codes from the county's own files, not hostile input, so a fast
//! non-cryptographic hash is the right trade: the standard SipHash would cost a second per
//! 26 million lookups.

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;

pub(crate) type Map<K, V> = HashMap<K, V, FixedState>;
pub(crate) type Set<K> = HashSet<K, FixedState>;
