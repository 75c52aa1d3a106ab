//! A tiny FxHash (the multiply-rotate hash of rustc, with a folding finish) for the readers' lookup tables.
//!
//! The keys are codes from the county's own files, not hostile input, so a fast
//! non-cryptographic hash is the right trade: the standard SipHash would cost a second per
//! 26 million lookups.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher state.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply only carries upwards, so keys that differ in the high bytes of a word
        // ("C0000001" / "C0000002") would share their low bits, which pick the bucket. Fold the
        // high half down (the first step of MurmurHash3's finaliser).
        let h = self.hash;
        (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd) ^ (h >> 29)
    }
}

pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;
pub(crate) type FxHashMap<K, V> = HashMap<K, V, FxBuild>;
pub(crate) type FxHashSet<K> = HashSet<K, FxBuild>;

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

/// Byte equality for short codes (quarters, subjects) without a call to `memcmp`: two
/// overlapping word loads for 4–16 bytes.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    #[inline(always)]
    fn w8(s: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"))
    }
    #[inline(always)]
    fn w4(s: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(s[at..at + 4].try_into().expect("4 bytes"))
    }
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        8..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn same_is_equality() {
        let words = [
            "",
            "a",
            "ab",
            "abcd",
            "abcde",
            "2026Q3",
            "abcdefg",
            "abcdefgh",
            "V0000001x",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnopqrstuvwxyz0123456789",
        ];
        for a in words {
            for b in words {
                assert_eq!(same(a.as_bytes(), b.as_bytes()), a == b, "{a} {b}");
            }
            let mut c = a.as_bytes().to_vec();
            if let Some(last) = c.last_mut() {
                *last ^= 1;
                assert!(!same(a.as_bytes(), &c));
                c[0] ^= 1;
            }
        }
    }
}
