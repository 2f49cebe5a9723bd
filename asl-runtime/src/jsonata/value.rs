//! Values during evaluation. Input data is borrowed (`Val::Json`), never converted as a whole;
//! only values the expression constructs are allocated, behind `Rc` so that copies are cheap.
//! "Undefined" is `None` wherever a value may be missing (`Option<Val>`).

use std::rc::Rc;

use indexmap::IndexMap;
use serde_json::Value;

use asl_syntax::jsonata::{Expr, Lambda as LambdaDef, Regex};

use super::functions::Builtin;

pub type Obj<'a> = IndexMap<String, Val<'a>>;

/// Deepest nesting of arrays and objects an evaluation may build (AWS states no limit; this
/// keeps every recursive walk over a value, its conversion to JSON and its drop far inside a
/// 2 MiB stack; the same as a payload's, [`crate::limits::MAX_PAYLOAD_DEPTH`]). Past it,
/// evaluation fails with `States.QueryEvaluationError`.
pub const MAX_VALUE_DEPTH: u32 = 256;

/// An object built during evaluation, with its nesting depth.
#[derive(Clone, Default)]
pub struct ObjVal<'a> {
    pub map: Obj<'a>,
    /// 1 + the deepest member's depth.
    pub depth: u32,
}

impl<'a> std::ops::Deref for ObjVal<'a> {
    type Target = Obj<'a>;
    fn deref(&self) -> &Obj<'a> {
        &self.map
    }
}

#[derive(Clone)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Rc<str>),
    /// Borrowed input: only strings, arrays and objects (scalars are converted on the way in).
    Json(&'a Value),
    Arr(Rc<Arr<'a>>),
    Obj(Rc<ObjVal<'a>>),
    Func(Rc<Func<'a>>),
    /// A stream of tuples (a path carrying ancestry for `%`).
    Tuples(Rc<Vec<Tuple<'a>>>),
}

/// An array built during evaluation, with jsonata-js's flags.
#[derive(Clone, Default)]
pub struct Arr<'a> {
    pub items: Vec<Val<'a>>,
    /// 1 + the deepest item's depth (see [`depth_of`]); kept by every constructor.
    pub depth: u32,
    /// A result sequence (singletons are unwrapped) rather than an array value.
    pub seq: bool,
    pub keep_singleton: bool,
    /// Built by an array constructor (not flattened by path steps).
    pub cons: bool,
    pub outer_wrapper: bool,
}

/// One tuple of a tuple stream: the context item `@` and the variables bound along the path.
#[derive(Clone)]
pub struct Tuple<'a> {
    pub at: Val<'a>,
    pub binds: Vec<(&'a str, Val<'a>)>,
}

impl<'a> Tuple<'a> {
    pub fn set(&mut self, name: &'a str, v: Val<'a>) {
        match self.binds.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = v,
            None => self.binds.push((name, v)),
        }
    }
}

pub enum Func<'a> {
    Builtin(&'static Builtin),
    Lambda(Closure<'a>),
    /// A built-in with some arguments bound; `None` marks a `?` placeholder.
    PartialBuiltin(&'static Builtin, Vec<Option<Option<Val<'a>>>>),
    Regex(&'a Regex),
    /// A transform `|…|…|` closed over its frame.
    Transform(&'a Expr, usize),
    /// `f ~> g` of two functions.
    Chain(Val<'a>, Val<'a>),
}

pub struct Closure<'a> {
    pub def: &'a LambdaDef,
    /// Parameters still to be supplied (fewer than `def.params` after partial application).
    pub params: Vec<&'a str>,
    pub input: Option<Val<'a>>,
    pub frame: usize,
}

impl<'a> Func<'a> {
    /// The number of arguments a higher-order function passes to it.
    pub fn arity(&self) -> usize {
        match self {
            Func::Builtin(b) => b.arity,
            Func::Lambda(c) => c.params.len(),
            Func::PartialBuiltin(_, args) => args.iter().filter(|a| a.is_none()).count(),
            Func::Regex(_) => 1,
            Func::Transform(..) => 1,
            Func::Chain(..) => 1,
        }
    }
}

impl<'a> Val<'a> {
    pub fn from_json(v: &'a Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            _ => Val::Json(v),
        }
    }

    /// An owned copy of JSON (from `$parse`, `$clone`).
    pub fn from_value(v: Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(b),
            Value::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Val::Str(s.into()),
            Value::Array(a) => Val::array(a.into_iter().map(Val::from_value).collect()),
            Value::Object(m) => Val::object(m.into_iter().map(|(k, v)| (k, Val::from_value(v))).collect()),
        }
    }

    pub fn str(s: impl Into<Rc<str>>) -> Val<'a> {
        Val::Str(s.into())
    }

    pub fn seq(items: Vec<Val<'a>>) -> Val<'a> {
        Val::Arr(Rc::new(Arr { depth: depth_of(&items), items, seq: true, ..Arr::default() }))
    }

    pub fn array(items: Vec<Val<'a>>) -> Val<'a> {
        Val::Arr(Rc::new(Arr { depth: depth_of(&items), items, ..Arr::default() }))
    }

    pub fn object(o: Obj<'a>) -> Val<'a> {
        Val::Obj(Rc::new(ObjVal { depth: 1 + o.values().map(Val::depth).max().unwrap_or(0), map: o }))
    }

    /// Nesting depth of arrays and objects built during evaluation (input JSON counts as one
    /// level: a payload is at most `limits::MAX_PAYLOAD_DEPTH` deep, and the result's real depth
    /// is checked where it is copied out, in [`Val::to_result_json`]). Constant time: built
    /// values keep theirs.
    pub fn depth(&self) -> u32 {
        match self {
            Val::Arr(a) => a.depth,
            Val::Obj(o) => o.depth,
            Val::Json(_) => 1,
            Val::Tuples(t) => 1 + t.iter().map(|t| t.at.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }

    pub fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Json(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_str(&self) -> bool {
        self.as_str().is_some()
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Val::Arr(_) | Val::Json(Value::Array(_)) | Val::Tuples(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self, Val::Arr(a) if a.seq)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Val::Obj(_) | Val::Json(Value::Object(_)))
    }

    pub fn is_func(&self) -> bool {
        matches!(self, Val::Func(_))
    }

    pub fn arr(&self) -> Option<&Arr<'a>> {
        match self {
            Val::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// Length of an array value (0 for others).
    pub fn len(&self) -> usize {
        match self {
            Val::Arr(a) => a.items.len(),
            Val::Json(Value::Array(v)) => v.len(),
            Val::Tuples(t) => t.len(),
            _ => 0,
        }
    }

    /// The items of an array value (the value itself for others).
    pub fn items(&self) -> Vec<Val<'a>> {
        match self {
            Val::Arr(a) => a.items.clone(),
            Val::Json(Value::Array(v)) => v.iter().map(Val::from_json).collect(),
            Val::Tuples(t) => t.iter().map(tuple_to_obj).collect(),
            other => vec![other.clone()],
        }
    }

    pub fn item(&self, i: usize) -> Option<Val<'a>> {
        match self {
            Val::Arr(a) => a.items.get(i).cloned(),
            Val::Json(Value::Array(v)) => v.get(i).map(Val::from_json),
            Val::Tuples(t) => t.get(i).map(tuple_to_obj),
            _ => None,
        }
    }

    /// A member of an object value.
    pub fn get(&self, key: &str) -> Option<Val<'a>> {
        match self {
            Val::Obj(o) => o.get(key).cloned(),
            Val::Json(Value::Object(m)) => m.get(key).map(Val::from_json),
            _ => None,
        }
    }

    /// The members of an object value, in order.
    pub fn entries(&self) -> Vec<(String, Val<'a>)> {
        match self {
            Val::Obj(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Val::Json(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), Val::from_json(v))).collect(),
            _ => vec![],
        }
    }

    pub fn keys(&self) -> Vec<String> {
        match self {
            Val::Obj(o) => o.keys().cloned().collect(),
            Val::Json(Value::Object(m)) => m.keys().cloned().collect(),
            _ => vec![],
        }
    }

    pub fn obj_len(&self) -> usize {
        match self {
            Val::Obj(o) => o.len(),
            Val::Json(Value::Object(m)) => m.len(),
            _ => 0,
        }
    }

    /// The type letter used by function signatures.
    pub fn sym(&self) -> u8 {
        match self {
            Val::Null => b'l',
            Val::Bool(_) => b'b',
            Val::Num(_) => b'n',
            Val::Str(_) | Val::Json(Value::String(_)) => b's',
            Val::Arr(_) | Val::Json(Value::Array(_)) | Val::Tuples(_) => b'a',
            Val::Obj(_) | Val::Json(_) => b'o',
            Val::Func(_) => b'f',
        }
    }

    /// `$type()`
    pub fn type_name(&self) -> &'static str {
        match self.sym() {
            b'l' => "null",
            b'b' => "boolean",
            b'n' => "number",
            b's' => "string",
            b'a' => "array",
            b'f' => "function",
            _ => "object",
        }
    }

    /// Converts an expression's result to JSON, as [`Val::to_json`] does, but failing where
    /// AWS fails: on a number that is not finite (`1.79e308 * 10`; D1001, jsonata-js's error
    /// for such numbers), and (U1001) when the JSON would be over `budget` bytes, which a value
    /// sharing one large string many times reaches without having cost much to build.
    pub fn to_result_json(&self, budget: usize) -> Result<Option<Value>, super::error::JError> {
        use super::error::JError;
        fn walk(v: &Val, left: &mut usize, budget: usize, depth: usize) -> Result<Option<Value>, JError> {
            // input JSON counts as one level where values are built (see `depth`): here,
            // where it is copied into the result, its real depth counts
            let room = crate::limits::MAX_PAYLOAD_DEPTH.saturating_sub(depth);
            if matches!(v, Val::Json(j) if crate::limits::deeper_than(j, room)) || (room == 0 && matches!(v, Val::Arr(_) | Val::Obj(_))) {
                return Err(JError::new("U1001").message(format!("Expression evaluation built a value nested deeper than {} levels", crate::limits::MAX_PAYLOAD_DEPTH)));
            }
            let cost = match v {
                Val::Str(s) => s.len(),
                Val::Json(j) => json_size_within(j, *left),
                _ => 8,
            };
            if cost > *left {
                return Err(JError::new("U1001").message(format!("Expression evaluation used too much memory: its result would be more than {} MiB of JSON", budget >> 20)));
            }
            *left -= cost;
            Ok(Some(match v {
                Val::Num(n) if !n.is_finite() => {
                    return Err(JError::new("D1001").value_text(super::json::js_number(*n)));
                }
                Val::Arr(a) => {
                    if a.outer_wrapper && a.items.len() == 1 {
                        return walk(&a.items[0], left, budget, depth);
                    }
                    let mut out = Vec::with_capacity(a.items.len());
                    for x in &a.items {
                        out.push(walk(x, left, budget, depth + 1)?.unwrap_or(Value::Null));
                    }
                    Value::Array(out)
                }
                Val::Obj(o) => {
                    let mut m = serde_json::Map::with_capacity(o.len());
                    for (k, x) in o.iter() {
                        if let Some(j) = walk(x, left, budget, depth + 1)? {
                            m.insert(k.clone(), j);
                        }
                    }
                    Value::Object(m)
                }
                Val::Tuples(t) => {
                    let mut out = Vec::with_capacity(t.len());
                    for x in t.iter() {
                        out.push(walk(&x.at, left, budget, depth + 1)?.unwrap_or(Value::Null));
                    }
                    Value::Array(out)
                }
                other => return Ok(other.to_json()),
            }))
        }
        let mut left = budget;
        walk(self, &mut left, budget, 0)
    }

    /// Converts to JSON. Functions inside arrays and objects are dropped or nulled as
    /// `JSON.stringify` does; a function at the top returns `None`.
    pub fn to_json(&self) -> Option<Value> {
        Some(match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Num(n) => num_to_json(*n),
            Val::Str(s) => Value::String(s.to_string()),
            Val::Json(v) => (*v).clone(),
            Val::Arr(a) => {
                if a.outer_wrapper && a.items.len() == 1 {
                    return a.items[0].to_json();
                }
                Value::Array(a.items.iter().map(|v| v.to_json().unwrap_or(Value::Null)).collect())
            }
            Val::Obj(o) => {
                let mut m = serde_json::Map::with_capacity(o.len());
                for (k, v) in o.iter() {
                    if let Some(j) = v.to_json() {
                        m.insert(k.clone(), j);
                    }
                }
                Value::Object(m)
            }
            Val::Func(_) => return None,
            Val::Tuples(t) => Value::Array(t.iter().map(|x| x.at.to_json().unwrap_or(Value::Null)).collect()),
        })
    }
}

/// About how many bytes of JSON text `v` is (8 per scalar or bracket, plus the text of
/// strings and keys), counting no further than just past `cap`: the cost of reading it is then
/// at most what the caller may still spend.
fn json_size_within(v: &Value, cap: usize) -> usize {
    let mut size = 0usize;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        size += match v {
            Value::String(s) => s.len(),
            Value::Array(a) => {
                stack.extend(a.iter());
                8
            }
            Value::Object(m) => {
                for (k, x) in m {
                    size += k.len();
                    stack.push(x);
                }
                8
            }
            _ => 8,
        };
        if size > cap {
            break;
        }
    }
    size
}

/// The depth of an array of `items`.
pub fn depth_of(items: &[Val]) -> u32 {
    1 + items.iter().map(Val::depth).max().unwrap_or(0)
}

fn tuple_to_obj<'a>(t: &Tuple<'a>) -> Val<'a> {
    t.at.clone()
}

/// A JSON number for an f64: integers without a fraction part, as JavaScript prints them.
pub fn num_to_json(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.2e18 {
        Value::from(n as i64)
    } else if n.fract() == 0.0 && (0.0..1.8e19).contains(&n) {
        Value::from(n as u64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}
