//! Random identifiers: execution names, task tokens, map run ids.

/// A random (version 4) UUID in its hyphenated form. Drawn from a fast thread-local generator
/// rather than the OS: these name things, they are not secrets, and a system call per
/// execution was a tenth of a short execution's cost.
pub fn uuid_v4() -> String {
    uuid_v4_from(fastrand::u128(..))
}

/// The version 4 UUID made of these random bits (the version and variant bits are overwritten).
pub fn uuid_v4_from(random: u128) -> String {
    let bytes = random.to_le_bytes();
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    id.hyphenated().encode_lower(&mut buf).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_4_and_distinct() {
        let a = uuid_v4();
        let b = uuid_v4();
        assert_ne!(a, b);
        let u = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(u.get_version_num(), 4);
        assert_eq!(a.len(), 36);
    }
}
