//! Interned strings: names that runtime APIs hand out as `&'static str` (state names, Task
//! resources) are literals in generated code; a workflow loaded at run time interns its own.
//! Each distinct string is kept once for the life of the process, so loading the same workflow
//! again (or another with the same names) costs nothing more.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// `s` as a `&'static str`, the same one for equal strings.
pub fn intern(s: &str) -> &'static str {
    static SET: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = SET.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = set.get(s) {
        return known;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_strings_share_one_copy() {
        let a = super::intern(&String::from("Charge card"));
        let b = super::intern("Charge card");
        assert!(std::ptr::eq(a, b));
    }
}
