//! Identifiers that look like AWS's (UUID-shaped), for request ids and revision ids.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// A UUID-shaped string from two numbers, mixed with a per-process random key so that ids from
/// two runs differ.
pub fn uuid_like(a: u64, b: u64) -> String {
    static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    let key = KEY.get_or_init(Default::default);
    let mut h1 = key.build_hasher();
    h1.write_u64(a);
    h1.write_u64(b);
    let x = h1.finish();
    let mut h2 = key.build_hasher();
    h2.write_u64(x);
    h2.write_u64(b ^ 0x9e37_79b9_7f4a_7c15);
    let y = h2.finish();
    format!("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", x >> 32, (x >> 16) & 0xffff, x & 0xfff, (y >> 48) & 0x3fff | 0x8000, y & 0xffff_ffff_ffff)
}

/// A fresh UUID-shaped id.
pub fn new_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos() as u64;
    uuid_like(t, NEXT.fetch_add(1, Ordering::Relaxed))
}
