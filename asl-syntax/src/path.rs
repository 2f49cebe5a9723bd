//! JSONPath: interim subset (`$`, `$$`, `$var`, `.field`, `['field']`, `[index]`) until the full
//! parser lands.
use crate::{List, Str, SyntaxError};

#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    Input,
    Context,
    Var(Str),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    Field(Str),
    Index(i64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub text: Str,
    pub root: Root,
    pub segs: List<Seg>,
    pub definite: bool,
}

pub fn parse_path(text: &str) -> Result<Path, SyntaxError> {
    let b = text.as_bytes();
    if b.first() != Some(&b'$') {
        return Err(SyntaxError::new(0, "a path must start with `$`"));
    }
    let mut i = 1;
    let root = if b.get(1) == Some(&b'$') {
        i = 2;
        Root::Context
    } else if b.get(1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
        let s = i;
        while b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
            i += 1;
        }
        Root::Var(text[s..i].to_owned().into())
    } else {
        Root::Input
    };
    let mut segs = Vec::new();
    while i < b.len() {
        match b[i] {
            b'.' => {
                let s = i + 1;
                i = s;
                while i < b.len() && b[i] != b'.' && b[i] != b'[' {
                    i += 1;
                }
                if i == s {
                    return Err(SyntaxError::new(s, "expected a field name after `.`"));
                }
                segs.push(Seg::Field(text[s..i].to_owned().into()));
            }
            b'[' => {
                let end = text[i..].find(']').ok_or_else(|| SyntaxError::new(i, "missing `]`"))? + i;
                let inner = text[i + 1..end].trim();
                if let Some(q) = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                    segs.push(Seg::Field(q.to_owned().into()));
                } else {
                    let n: i64 = inner.parse().map_err(|_| SyntaxError::new(i + 1, "unsupported path selector"))?;
                    segs.push(Seg::Index(n));
                }
                i = end + 1;
            }
            _ => return Err(SyntaxError::new(i, "unexpected character in path")),
        }
    }
    Ok(Path { text: text.to_owned().into(), root, segs: segs.into(), definite: true })
}

pub fn parse_reference_path(text: &str) -> Result<Path, SyntaxError> {
    parse_path(text)
}

#[cfg(feature = "tokens")]
mod tokens {
    use super::*;
    use crate::ToRust;
    use proc_macro2::TokenStream;
    use quote::quote;

    impl ToRust for Root {
        fn to_rust(&self, k: &TokenStream) -> TokenStream {
            match self {
                Root::Input => quote!(#k::path::Root::Input),
                Root::Context => quote!(#k::path::Root::Context),
                Root::Var(v) => {
                    let v = v.to_rust(k);
                    quote!(#k::path::Root::Var(#v))
                }
            }
        }
    }
    impl ToRust for Seg {
        fn to_rust(&self, k: &TokenStream) -> TokenStream {
            match self {
                Seg::Field(f) => {
                    let f = f.to_rust(k);
                    quote!(#k::path::Seg::Field(#f))
                }
                Seg::Index(i) => quote!(#k::path::Seg::Index(#i)),
            }
        }
    }
    impl ToRust for Path {
        fn to_rust(&self, k: &TokenStream) -> TokenStream {
            let text = self.text.to_rust(k);
            let root = self.root.to_rust(k);
            let segs = self.segs.to_rust(k);
            let definite = self.definite;
            quote!(#k::path::Path { text: #text, root: #root, segs: #segs, definite: #definite })
        }
    }
}
