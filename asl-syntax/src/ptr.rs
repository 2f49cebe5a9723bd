//! Pointers that are either `'static` borrows or owned, so the same tree type can be built by the
//! parser at build time and written as a `static` in generated code. (`Cow<'static, T>` cannot
//! hold a recursive `T`: its owned form is `T` itself, inline.)

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// A string: `Cow::Borrowed("..")` in generated code, `Cow::Owned` from the parser.
pub type Str = Cow<'static, str>;

/// A list of nodes: `Cow::Borrowed(&[..])` in generated code, `Cow::Owned(vec)` from the parser.
pub type List<T> = Cow<'static, [T]>;

/// A single child node (for recursion).
pub enum Ptr<T: 'static> {
    Static(&'static T),
    Owned(Box<T>),
}

impl<T> Ptr<T> {
    pub fn new(value: T) -> Self {
        Ptr::Owned(Box::new(value))
    }
}

impl<T> Deref for Ptr<T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Ptr::Static(r) => r,
            Ptr::Owned(b) => b,
        }
    }
}

impl<T: Clone> Clone for Ptr<T> {
    fn clone(&self) -> Self {
        match self {
            Ptr::Static(r) => Ptr::Static(r),
            Ptr::Owned(b) => Ptr::Owned(b.clone()),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Ptr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Ptr<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}
