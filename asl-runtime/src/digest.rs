//! Hex digests by AWS's algorithm names, shared by `States.Hash` and JSONata's `$hash`.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// The lowercase hex digest of `data`, or `None` for an algorithm AWS does not offer
/// (`MD5`, `SHA-1`, `SHA-256`, `SHA-384`, `SHA-512`).
pub fn hex_digest(algorithm: &str, data: &[u8]) -> Option<String> {
    let digest = match algorithm {
        "MD5" => Md5::digest(data).to_vec(),
        "SHA-1" => Sha1::digest(data).to_vec(),
        "SHA-256" => Sha256::digest(data).to_vec(),
        "SHA-384" => Sha384::digest(data).to_vec(),
        "SHA-512" => Sha512::digest(data).to_vec(),
        _ => return None,
    };
    let mut hex = String::with_capacity(digest.len() * 2);
    for b in digest {
        hex.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    Some(hex)
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_digests() {
        assert_eq!(super::hex_digest("MD5", b"abc").as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
        assert_eq!(super::hex_digest("SHA-1", b"abc").as_deref(), Some("a9993e364706816aba3e25717850c26c9cd0d89d"));
        assert_eq!(super::hex_digest("SHA-3", b"abc"), None);
    }
}
