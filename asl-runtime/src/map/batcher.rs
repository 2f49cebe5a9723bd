//! `ItemBatcher`: groups the (selected) items into batches `{"BatchInput": …, "Items": […]}`,
//! each the input of one child execution, by count and by serialized size.
//!
//! The batches are planned first (only where each one starts) and built one at a time as their
//! children start: the Map holds the batches in flight, not a copy of every item.

use serde_json::{Map, Value};

use super::{BatcherSpec, MapSpec, eval_count, eval_field};
use crate::cx::Cx;
use crate::error::Failure;
use asl_syntax::spec::Dynamic;

/// AWS's ceiling on a batch (a child execution's input).
pub const MAX_BATCH_BYTES: u64 = 262_144;

/// Where each batch starts in the items, and the `BatchInput` they all carry.
pub(crate) struct Plan {
    /// Batch `k` holds the items `bounds[k]..bounds[k + 1]`; empty when there are no items.
    bounds: Vec<usize>,
    batch_input: Option<Value>,
}

impl Plan {
    /// The number of batches (children).
    pub fn len(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    /// The number of items in batch `k`.
    pub fn size(&self, k: usize) -> usize {
        match (self.bounds.get(k), self.bounds.get(k + 1)) {
            (Some(a), Some(b)) => b - a,
            _ => 0,
        }
    }

    /// Batch `k`, its items made by `select` (given each item's index).
    pub fn batch(&self, k: usize, select: impl FnMut(usize) -> Result<Value, Failure>) -> Result<Value, Failure> {
        let (a, b) = (self.bounds.get(k).copied().unwrap_or(0), self.bounds.get(k + 1).copied().unwrap_or(0));
        let items = (a..b.max(a)).map(select).collect::<Result<Vec<_>, _>>()?;
        Ok(make(self.batch_input.as_ref(), items))
    }
}

/// Plans the batches of `count` items; `size_of(i)` is item `i`'s selected JSON length (asked
/// only with a `MaxInputBytesPerBatch`).
pub(crate) fn plan(b: &BatcherSpec, spec: &MapSpec, count: usize, size_of: impl FnMut(usize) -> Result<usize, Failure>, input: &Value, effective: &Value, cx: &Cx) -> Result<Plan, Failure> {
    let limit = |c: &Option<Dynamic<u64>>, field: &str| -> Result<Option<u64>, Failure> {
        match c {
            None => Ok(None),
            Some(c) => match eval_count(spec, c, input, effective, cx, field)? {
                n if n <= 0 => Err(Failure::runtime(format!("{field} must be a positive integer, but was {n}"))),
                n => Ok(Some(n as u64)),
            },
        }
    };
    let max_items = limit(&b.max_items, "MaxItemsPerBatch")?;
    let max_bytes = limit(&b.max_bytes, "MaxInputBytesPerBatch")?;
    if let Some(n) = max_bytes.filter(|n| *n > MAX_BATCH_BYTES) {
        return Err(Failure::runtime(format!("MaxInputBytesPerBatch must be at most {MAX_BATCH_BYTES}, but was {n}")));
    }
    let batch_input = match &b.batch_input {
        Some(t) => Some(eval_field(spec, t, input, effective, cx, "ItemBatcher.BatchInput")?),
        None => None,
    };
    let bounds = bounds(count, max_items, max_bytes, batch_input.as_ref(), size_of)?;
    Ok(Plan { bounds, batch_input })
}

/// Groups `items` in order (see [`bounds`]).
pub fn batches(items: Vec<Value>, max_items: Option<u64>, max_bytes: Option<u64>, batch_input: Option<&Value>) -> Result<Vec<Value>, Failure> {
    let bounds = bounds(items.len(), max_items, max_bytes, batch_input, |i| Ok(json_len(&items[i])))?;
    let mut rest = items.into_iter();
    Ok(bounds.windows(2).map(|w| make(batch_input, rest.by_ref().take(w[1] - w[0]).collect())).collect())
}

/// Where the batches of `count` items start (and, last, `count`): a batch closes when it holds
/// `max_items`, or when one more item would make its serialized JSON (with `BatchInput`) longer
/// than `max_bytes`. An item that does not fit in a batch on its own fails the state.
pub fn bounds(count: usize, max_items: Option<u64>, max_bytes: Option<u64>, batch_input: Option<&Value>, mut size_of: impl FnMut(usize) -> Result<usize, Failure>) -> Result<Vec<usize>, Failure> {
    let max_items = max_items.map_or(usize::MAX, |n| n as usize);
    // `{"BatchInput":<v>,"Items":[]}` without items, then each item and its comma.
    let empty = match batch_input {
        Some(v) => r#"{"BatchInput":,"Items":[]}"#.len() + json_len(v),
        None => r#"{"Items":[]}"#.len(),
    };
    let mut bounds = Vec::new();
    let mut in_batch = 0usize;
    let mut size = empty;
    for i in 0..count {
        let len = if max_bytes.is_some() { size_of(i)? } else { 0 };
        if let Some(limit) = max_bytes {
            if (empty + len) as u64 > limit {
                return Err(Failure::runtime(format!("The item at index {i} is {len} bytes of JSON: a batch holding only it would exceed MaxInputBytesPerBatch ({limit} bytes)")));
            }
        }
        let grown = size + len + usize::from(in_batch > 0);
        let too_big = max_bytes.is_some_and(|limit| grown as u64 > limit);
        if in_batch == 0 || in_batch >= max_items || too_big {
            bounds.push(i);
            in_batch = 0;
            size = empty;
        }
        size += len + usize::from(in_batch > 0);
        in_batch += 1;
    }
    if count > 0 {
        bounds.push(count);
    }
    Ok(bounds)
}

fn make(batch_input: Option<&Value>, items: Vec<Value>) -> Value {
    let mut m = Map::with_capacity(2);
    if let Some(v) = batch_input {
        m.insert("BatchInput".into(), v.clone());
    }
    m.insert("Items".into(), Value::Array(items));
    Value::Object(m)
}

pub(crate) fn json_len(v: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ints(n: i64) -> Vec<Value> {
        (1..=n).map(Value::from).collect()
    }

    #[test]
    fn by_count() {
        let b = batches(ints(5), Some(2), None, None).unwrap();
        assert_eq!(b, vec![json!({"Items": [1, 2]}), json!({"Items": [3, 4]}), json!({"Items": [5]})]);
        assert_eq!(batches(ints(4), Some(2), None, None).unwrap().len(), 2);
        assert_eq!(batches(ints(3), Some(10), None, None).unwrap(), vec![json!({"Items": [1, 2, 3]})]);
        assert_eq!(batches(vec![], Some(2), None, None).unwrap(), Vec::<Value>::new());
    }

    #[test]
    fn with_batch_input() {
        let bi = json!({"run": "r1"});
        let b = batches(ints(3), Some(2), None, Some(&bi)).unwrap();
        assert_eq!(b, vec![json!({"BatchInput": {"run": "r1"}, "Items": [1, 2]}), json!({"BatchInput": {"run": "r1"}, "Items": [3]})]);
    }

    #[test]
    fn by_bytes_at_the_exact_boundary() {
        // `{"Items":[1,2,3]}` is 17 bytes: it fits in 17, not in 16.
        assert_eq!(serde_json::to_string(&json!({"Items": [1, 2, 3]})).unwrap().len(), 17);
        assert_eq!(batches(ints(3), None, Some(17), None).unwrap(), vec![json!({"Items": [1, 2, 3]})]);
        assert_eq!(batches(ints(3), None, Some(16), None).unwrap(), vec![json!({"Items": [1, 2]}), json!({"Items": [3]})]);
        // Every batch is within the limit, and no batch could take the next item.
        let items: Vec<Value> = (0..50).map(|i| json!({"id": i, "pad": "x".repeat(i % 7)})).collect();
        for limit in [60u64, 75, 100, 333] {
            let b = batches(items.clone(), None, Some(limit), Some(&json!({"k": 1}))).unwrap();
            let flat: Vec<Value> = b.iter().flat_map(|x| x["Items"].as_array().unwrap().clone()).collect();
            assert_eq!(flat, items);
            for (n, x) in b.iter().enumerate() {
                assert!(json_len(x) as u64 <= limit, "batch {n} is {} bytes, over {limit}", json_len(x));
                assert_eq!(json_len(x), serde_json::to_string(x).unwrap().len());
                if let Some(next) = b.get(n + 1) {
                    let mut grown = x.clone();
                    grown["Items"].as_array_mut().unwrap().push(next["Items"][0].clone());
                    assert!(json_len(&grown) as u64 > limit);
                }
            }
        }
    }

    #[test]
    fn count_and_bytes_together() {
        // Whichever limit is reached first closes the batch.
        let b = batches(ints(6), Some(2), Some(1000), None).unwrap();
        assert_eq!(b.len(), 3);
        let b = batches(ints(6), Some(5), Some(15), None).unwrap();
        assert_eq!(b, vec![json!({"Items": [1, 2]}), json!({"Items": [3, 4]}), json!({"Items": [5, 6]})]);
    }

    #[test]
    fn an_item_too_big_for_any_batch() {
        let e = batches(vec![json!("short"), json!("x".repeat(100))], None, Some(50), None).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(e.cause.unwrap(), "The item at index 1 is 102 bytes of JSON: a batch holding only it would exceed MaxInputBytesPerBatch (50 bytes)");
    }
}
