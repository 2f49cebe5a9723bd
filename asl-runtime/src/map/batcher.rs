//! `ItemBatcher`: groups the (selected) items into batches `{"BatchInput": …, "Items": […]}`,
//! each the input of one child execution, by count and by serialized size.

use serde_json::{Map, Value};

use super::{BatcherSpec, MapSpec, eval_count, eval_field};
use crate::cx::Cx;
use crate::error::Failure;
use asl_syntax::spec::Dynamic;

/// AWS's ceiling on a batch (a child execution's input).
pub const MAX_BATCH_BYTES: u64 = 262_144;

pub(crate) fn run(b: &BatcherSpec, spec: &MapSpec, items: Vec<Value>, input: &Value, effective: &Value, cx: &Cx) -> Result<Vec<Value>, Failure> {
    let limit = |c: &Option<Dynamic<u64>>, field: &str| -> Result<Option<u64>, Failure> {
        match c {
            None => Ok(None),
            Some(c) => match eval_count(c, input, effective, cx, field)? {
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
    batches(items, max_items, max_bytes, batch_input.as_ref())
}

/// Groups `items` in order: a batch closes when it holds `max_items`, or when one more item
/// would make its serialized JSON (with `BatchInput`) longer than `max_bytes`. An item that
/// does not fit in a batch on its own fails the state.
pub fn batches(items: Vec<Value>, max_items: Option<u64>, max_bytes: Option<u64>, batch_input: Option<&Value>) -> Result<Vec<Value>, Failure> {
    let max_items = max_items.map_or(usize::MAX, |n| n as usize);
    // `{"BatchInput":<v>,"Items":[]}` without items, then each item and its comma.
    let empty = match batch_input {
        Some(v) => r#"{"BatchInput":,"Items":[]}"#.len() + json_len(v),
        None => r#"{"Items":[]}"#.len(),
    };
    let make = |items: Vec<Value>| {
        let mut m = Map::with_capacity(2);
        if let Some(v) = batch_input {
            m.insert("BatchInput".into(), v.clone());
        }
        m.insert("Items".into(), Value::Array(items));
        Value::Object(m)
    };
    let mut out = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    let mut size = empty;
    for (i, item) in items.into_iter().enumerate() {
        let len = if max_bytes.is_some() { json_len(&item) } else { 0 };
        if let Some(limit) = max_bytes {
            if (empty + len) as u64 > limit {
                return Err(Failure::runtime(format!("The item at index {i} is {len} bytes of JSON: a batch holding only it would exceed MaxInputBytesPerBatch ({limit} bytes)")));
            }
        }
        let grown = size + len + usize::from(!current.is_empty());
        let too_big = max_bytes.is_some_and(|limit| grown as u64 > limit);
        if !current.is_empty() && (current.len() >= max_items || too_big) {
            out.push(make(std::mem::take(&mut current)));
            size = empty;
        }
        size += len + usize::from(!current.is_empty());
        current.push(item);
    }
    if !current.is_empty() {
        out.push(make(current));
    }
    Ok(out)
}

fn json_len(v: &Value) -> usize {
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
