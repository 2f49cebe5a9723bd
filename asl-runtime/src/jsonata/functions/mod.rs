//! The built-in function library: JSONata 2.0.6's (without `$eval`) and AWS's additions. Each
//! function has jsonata-js's signature, which `apply::validate` checks before the call.

pub mod array;
pub mod aws;
pub mod datetime;
pub mod hof;
pub mod numeric;
pub mod object;
pub mod string;

use std::collections::HashMap;
use std::sync::OnceLock;

use asl_syntax::jsonata::signature::Signature;

use super::eval::{Ev, Res};
use super::value::Val;

/// Validated arguments of a call (undefined ones are `None`), with the call's context.
pub struct Args<'a> {
    pub v: Vec<Option<Val<'a>>>,
    pub input: Option<Val<'a>>,
    pub frame: usize,
}

impl<'a> Args<'a> {
    pub fn get(&self, i: usize) -> Option<&Val<'a>> {
        self.v.get(i).and_then(|a| a.as_ref())
    }

    pub fn take(&mut self, i: usize) -> Option<Val<'a>> {
        self.v.get_mut(i).and_then(|a| a.take())
    }

    pub fn str(&self, i: usize) -> Option<&str> {
        self.get(i).and_then(|v| v.as_str())
    }

    pub fn num(&self, i: usize) -> Option<f64> {
        self.get(i).and_then(|v| v.as_num())
    }
}

pub type Impl = for<'a> fn(&Ev<'a>, Args<'a>) -> Res<'a>;

pub struct Builtin {
    pub name: &'static str,
    pub sig: &'static str,
    /// The number of arguments higher-order functions pass (jsonata-js's `length` of the
    /// JavaScript implementation).
    pub arity: usize,
    pub f: Impl,
}

macro_rules! builtins {
    ($($name:literal $sig:literal $arity:literal $f:path;)*) => {
        static BUILTINS: &[Builtin] = &[$(Builtin { name: $name, sig: $sig, arity: $arity, f: $f }),*];
    };
}

builtins! {
    "sum" "<a<n>:n>" 1 array::sum;
    "count" "<a:n>" 1 array::count;
    "max" "<a<n>:n>" 1 array::max;
    "min" "<a<n>:n>" 1 array::min;
    "average" "<a<n>:n>" 1 array::average;
    "string" "<x-b?:s>" 1 string::string;
    "substring" "<s-nn?:s>" 3 string::substring;
    "substringBefore" "<s-s:s>" 2 string::substring_before;
    "substringAfter" "<s-s:s>" 2 string::substring_after;
    "lowercase" "<s-:s>" 1 string::lowercase;
    "uppercase" "<s-:s>" 1 string::uppercase;
    "length" "<s-:n>" 1 string::length;
    "trim" "<s-:s>" 1 string::trim;
    "pad" "<s-ns?:s>" 3 string::pad;
    "match" "<s-f<s:o>n?:a<o>>" 3 string::match_;
    "contains" "<s-(sf):b>" 2 string::contains;
    "replace" "<s-(sf)(sf)n?:s>" 4 string::replace;
    "split" "<s-(sf)n?:a<s>>" 3 string::split;
    "join" "<a<s>s?:s>" 2 string::join;
    "formatNumber" "<n-so?:s>" 3 numeric::format_number;
    "formatBase" "<n-n?:s>" 2 numeric::format_base;
    "formatInteger" "<n-s:s>" 2 datetime::format_integer_fn;
    "parseInteger" "<s-s:n>" 2 datetime::parse_integer_fn;
    "number" "<(nsb)-:n>" 1 numeric::number;
    "floor" "<n-:n>" 1 numeric::floor;
    "ceil" "<n-:n>" 1 numeric::ceil;
    "round" "<n-n?:n>" 2 numeric::round_fn;
    "abs" "<n-:n>" 1 numeric::abs;
    "sqrt" "<n-:n>" 1 numeric::sqrt;
    "power" "<n-n:n>" 2 numeric::power;
    "random" "<n?:n>" 0 aws::random;
    "boolean" "<x-:b>" 1 object::boolean;
    "not" "<x-:b>" 1 object::not;
    "map" "<af>" 2 hof::map;
    "zip" "<a+>" 0 array::zip;
    "filter" "<af>" 2 hof::filter;
    "single" "<af?>" 2 hof::single;
    "reduce" "<afj?:j>" 3 hof::reduce;
    "sift" "<o-f?:o>" 2 hof::sift;
    "keys" "<x-:a<s>>" 1 object::keys;
    "lookup" "<x-s:x>" 2 object::lookup;
    "append" "<xx:a>" 2 array::append;
    "exists" "<x:b>" 1 object::exists;
    "spread" "<x-:a<o>>" 1 object::spread;
    "merge" "<a<o>:o>" 1 object::merge;
    "reverse" "<a:a>" 1 array::reverse;
    "each" "<o-f:a>" 2 hof::each;
    "error" "<s?:x>" 1 object::error;
    "assert" "<bs?:x>" 2 object::assert;
    "type" "<x:s>" 1 object::type_;
    "sort" "<af?:a>" 2 hof::sort;
    "shuffle" "<a:a>" 1 array::shuffle;
    "distinct" "<x:x>" 1 array::distinct;
    "base64encode" "<s-:s>" 1 string::base64encode;
    "base64decode" "<s-:s>" 1 string::base64decode;
    "encodeUrlComponent" "<s-:s>" 1 string::encode_url_component;
    "encodeUrl" "<s-:s>" 1 string::encode_url;
    "decodeUrlComponent" "<s-:s>" 1 string::decode_url_component;
    "decodeUrl" "<s-:s>" 1 string::decode_url;
    "toMillis" "<s-s?:n>" 2 datetime::to_millis;
    "fromMillis" "<n-s?s?:s>" 3 datetime::from_millis;
    "clone" "<(oa)-:o>" 1 object::clone;
    "now" "<s?s?:s>" 2 datetime::now;
    "millis" "<:n>" 0 datetime::millis;
    "partition" "<an:a>" 2 aws::partition;
    "range" "<nnn?:a>" 3 aws::range;
    "hash" "<s-s?:s>" 2 aws::hash;
    "uuid" "<:s>" 0 aws::uuid;
    "parse" "<s-:x>" 1 aws::parse;
}

pub fn lookup(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// The parsed signature of a built-in (parsed once per process).
pub fn signature(b: &Builtin) -> &'static Signature {
    static SIGS: OnceLock<HashMap<&'static str, Signature>> = OnceLock::new();
    let sigs = SIGS.get_or_init(|| BUILTINS.iter().map(|b| (b.name, Signature::parse(b.sig).expect("built-in signatures are valid"))).collect());
    &sigs[b.name]
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_is_known_to_the_compiler() {
        for b in super::BUILTINS {
            assert!(asl_syntax::jsonata::BUILTINS.contains(&b.name), "{}", b.name);
            super::signature(b);
        }
        assert_eq!(super::BUILTINS.len(), asl_syntax::jsonata::BUILTINS.len());
    }
}
