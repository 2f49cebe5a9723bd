//! `ItemReader`, run locally: a bucket is a directory under the S3 root, an object key is a path
//! relative to it. `s3:getObject` reads one file as a JSON array, JSON Lines or CSV;
//! `s3:listObjectsV2` lists the files under a prefix as S3's object records.

use std::path::{Path as FsPath, PathBuf};
use std::time::UNIX_EPOCH;

use md5::{Digest, Md5};
use serde_json::{Map, Value};

use super::{Format, MapSpec, ReaderSpec, Source, eval_count, eval_field};
use crate::cx::Cx;
use crate::error::{Failure, names};

/// The directory standing in for S3: `ExecutionOptions::s3_root`, else `$ASL_S3_ROOT`, else
/// `./s3`.
pub fn s3_root(cx: &Cx) -> PathBuf {
    cx.exec.s3_root.clone().or_else(|| std::env::var_os("ASL_S3_ROOT").map(PathBuf::from)).unwrap_or_else(|| PathBuf::from("s3"))
}

fn failed(cause: impl Into<String>) -> Failure {
    Failure::new(names::ITEM_READER_FAILED, cause)
}

/// The local directory of `bucket`. Bucket names cannot climb out of the root.
pub(crate) fn bucket_dir(root: &FsPath, bucket: &str) -> Result<PathBuf, String> {
    if bucket.is_empty() || bucket.contains(['/', '\\']) || bucket == "." || bucket == ".." {
        return Err(format!("invalid bucket name '{bucket}'"));
    }
    Ok(root.join(bucket))
}

/// The local file of `key` in `bucket`'s directory. `..` segments are refused.
pub(crate) fn object_path(bucket_dir: &FsPath, key: &str) -> Result<PathBuf, String> {
    let mut p = bucket_dir.to_path_buf();
    for seg in key.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(format!("invalid object key '{key}': '..' is not allowed")),
            s if s.contains('\\') => return Err(format!("invalid object key '{key}'")),
            s => p.push(s),
        }
    }
    if p == bucket_dir {
        return Err(format!("invalid object key '{key}'"));
    }
    Ok(p)
}

fn string_param<'v>(params: &'v Value, name: &str, required: bool) -> Result<Option<&'v str>, Failure> {
    match params.get(name) {
        Some(Value::String(s)) => Ok(Some(s)),
        None | Some(Value::Null) if !required => Ok(None),
        None => Err(failed(format!("The ItemReader parameters have no '{name}': {params}"))),
        Some(v) => Err(failed(format!("The ItemReader parameter '{name}' must be a string, but was: {v}"))),
    }
}

/// Reads the items: evaluates the parameters with the state's input, reads the local object(s).
pub(crate) fn read(r: &ReaderSpec, spec: &MapSpec, input: &Value, effective: &Value, cx: &Cx) -> Result<Vec<Value>, Failure> {
    let params = eval_field(spec, &r.parameters, input, effective, cx, "ItemReader.Parameters")?;
    let max = match &r.max_items {
        None => None,
        Some(c) => match eval_count(spec, c, input, effective, cx, "MaxItems")? {
            n if n <= 0 => None,
            n => Some(n as usize),
        },
    };
    let root = s3_root(cx);
    let bucket = string_param(&params, "Bucket", true)?.unwrap_or_default();
    let dir = bucket_dir(&root, bucket).map_err(failed)?;
    match &r.source {
        Source::GetObject(format) => {
            let key = string_param(&params, "Key", true)?.unwrap_or_default();
            let path = object_path(&dir, key).map_err(failed)?;
            let location = format!("s3://{bucket}/{key} (local file {})", path.display());
            let bytes = std::fs::read(&path).map_err(|e| failed(format!("Cannot read the object {location}: {e}")))?;
            let text = std::str::from_utf8(&bytes).map_err(|e| failed(format!("The object {location} is not UTF-8 text: {e}")))?;
            let items = match format {
                Format::Json { items_pointer } => parse_json(text, items_pointer.as_deref(), max),
                Format::Jsonl => parse_jsonl(text, max),
                Format::Csv { headers, delimiter } => {
                    let headers: Option<Vec<&str>> = headers.as_ref().map(|h| h.iter().map(|s| s.as_ref()).collect());
                    parse_csv(text, *delimiter, headers.as_deref(), max)
                }
            };
            items.map_err(|e| failed(format!("Cannot read the items of {location}: {e}")))
        }
        Source::ListObjects => {
            let prefix = string_param(&params, "Prefix", false)?.unwrap_or("");
            list_objects(&dir, prefix, max).map_err(|e| failed(format!("Cannot list s3://{bucket}/{prefix} (local directory {}): {e}", dir.display())))
        }
    }
}

/// A JSON array (or the array at `pointer` inside the document).
pub fn parse_json(text: &str, pointer: Option<&str>, max: Option<usize>) -> Result<Vec<Value>, String> {
    let doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("invalid JSON: {e}"))?;
    let found = match pointer {
        Some(p) => doc.pointer(p).ok_or_else(|| format!("the ItemsPointer '{p}' finds nothing"))?,
        None => &doc,
    };
    match found {
        Value::Array(items) => Ok(items.iter().take(max.unwrap_or(usize::MAX)).cloned().collect()),
        other => Err(format!("expected a JSON array of items, found {}", type_name(other))),
    }
}

/// JSON Lines: one JSON value per line; blank lines are skipped.
pub fn parse_jsonl(text: &str, max: Option<usize>) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for (n, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        if max.is_some_and(|m| out.len() >= m) {
            break;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        out.push(serde_json::from_str(line).map_err(|e| format!("invalid JSON on line {}: {e}", n + 1))?);
    }
    Ok(out)
}

/// CSV (RFC 4180 quoting: `"a,b"`, `"say ""hi"""`, line breaks inside quotes) with the column
/// names from the first row or `headers`. Each row becomes an object of strings, as on AWS.
pub fn parse_csv(text: &str, delimiter: u8, headers: Option<&[&str]>, max: Option<usize>) -> Result<Vec<Value>, String> {
    let mut rows = CsvRows { text: text.trim_start_matches('\u{feff}').as_bytes(), pos: 0, line: 1, delimiter };
    let names: Vec<String> = match headers {
        Some(h) => h.iter().map(|s| s.to_string()).collect(),
        None => match rows.next_row()? {
            Some((_, names)) => names,
            None => return Ok(vec![]),
        },
    };
    let mut out = Vec::new();
    while max.is_none_or(|m| out.len() < m) {
        let Some((line, fields)) = rows.next_row()? else { break };
        if fields.len() != names.len() {
            return Err(format!("the row on line {line} has {} field(s), the header has {}", fields.len(), names.len()));
        }
        let obj: Map<String, Value> = names.iter().cloned().zip(fields.into_iter().map(Value::String)).collect();
        out.push(Value::Object(obj));
    }
    Ok(out)
}

struct CsvRows<'t> {
    text: &'t [u8],
    pos: usize,
    line: usize,
    delimiter: u8,
}

impl CsvRows<'_> {
    /// The next non-blank row with the line it starts on.
    fn next_row(&mut self) -> Result<Option<(usize, Vec<String>)>, String> {
        loop {
            if self.pos >= self.text.len() {
                return Ok(None);
            }
            let start_line = self.line;
            let row = self.row()?;
            if !(row.len() == 1 && row[0].is_empty()) {
                return Ok(Some((start_line, row)));
            }
        }
    }

    fn row(&mut self) -> Result<Vec<String>, String> {
        let t = self.text;
        let mut fields = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        loop {
            // At the start of a field.
            if t.get(self.pos) == Some(&b'"') {
                let open_line = self.line;
                self.pos += 1;
                loop {
                    match t.get(self.pos) {
                        None => return Err(format!("a quoted field opened on line {open_line} is never closed")),
                        Some(b'"') if t.get(self.pos + 1) == Some(&b'"') => {
                            field.push(b'"');
                            self.pos += 2;
                        }
                        Some(b'"') => {
                            self.pos += 1;
                            break;
                        }
                        Some(&c) => {
                            if c == b'\n' {
                                self.line += 1;
                            }
                            field.push(c);
                            self.pos += 1;
                        }
                    }
                }
                match t.get(self.pos) {
                    None | Some(b'\n') | Some(b'\r') => {}
                    Some(&c) if c == self.delimiter => {}
                    Some(&c) => return Err(format!("unexpected `{}` after a closing quote on line {}", c as char, self.line)),
                }
            }
            // The rest of the field (all of it when unquoted).
            loop {
                match t.get(self.pos) {
                    None => {
                        fields.push(String::from_utf8_lossy(&field).into_owned());
                        return Ok(fields);
                    }
                    Some(b'\n') => {
                        self.pos += 1;
                        self.line += 1;
                        fields.push(String::from_utf8_lossy(&field).into_owned());
                        return Ok(fields);
                    }
                    Some(b'\r') if t.get(self.pos + 1) == Some(&b'\n') => {
                        self.pos += 2;
                        self.line += 1;
                        fields.push(String::from_utf8_lossy(&field).into_owned());
                        return Ok(fields);
                    }
                    Some(&c) if c == self.delimiter => {
                        self.pos += 1;
                        fields.push(String::from_utf8_lossy(&std::mem::take(&mut field)).into_owned());
                        break;
                    }
                    Some(&c) => {
                        field.push(c);
                        self.pos += 1;
                    }
                }
            }
        }
    }
}

/// The files under `prefix` in the bucket directory, in key order, as S3's object records (the
/// fields AWS hands a Distributed Map: `Etag`, `Key`, `LastModified` in epoch seconds, `Size`,
/// `StorageClass`).
pub fn list_objects(dir: &FsPath, prefix: &str, max: Option<usize>) -> Result<Vec<Value>, String> {
    if !dir.is_dir() {
        return Err("the bucket does not exist (no such directory)".into());
    }
    let mut keys = Vec::new();
    walk(dir, "", &mut keys).map_err(|e| e.to_string())?;
    keys.retain(|(k, _)| k.starts_with(prefix));
    keys.sort();
    keys.truncate(max.unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(keys.len());
    for (key, path) in keys {
        let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let etag: String = Md5::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs());
        let mut o = Map::new();
        o.insert("Etag".into(), format!("\"{etag}\"").into());
        o.insert("Key".into(), key.into());
        o.insert("LastModified".into(), modified.into());
        o.insert("Size".into(), meta.len().into());
        o.insert("StorageClass".into(), "STANDARD".into());
        out.push(Value::Object(o));
    }
    Ok(out)
}

fn walk(dir: &FsPath, rel: &str, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let key = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        let ty = entry.file_type()?;
        if ty.is_dir() {
            walk(&entry.path(), &key, out)?;
        } else {
            out.push((key, entry.path()));
        }
    }
    Ok(())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn csv_with_a_header_row() {
        let items = parse_csv("id,name\n1,Ann\n2,Bob\n", b',', None, None).unwrap();
        assert_eq!(items, vec![json!({"id": "1", "name": "Ann"}), json!({"id": "2", "name": "Bob"})]);
        // No trailing newline, CRLF line ends, a BOM, blank lines skipped.
        let items = parse_csv("\u{feff}id,name\r\n1,Ann\r\n\r\n2,Bob", b',', None, None).unwrap();
        assert_eq!(items, vec![json!({"id": "1", "name": "Ann"}), json!({"id": "2", "name": "Bob"})]);
        // Only a header: no items.
        assert_eq!(parse_csv("id,name\n", b',', None, None).unwrap(), Vec::<Value>::new());
        assert_eq!(parse_csv("", b',', None, None).unwrap(), Vec::<Value>::new());
    }

    #[test]
    fn csv_with_given_headers_and_other_delimiters() {
        let items = parse_csv("1|Ann\n2|Bob\n", b'|', Some(&["id", "name"]), None).unwrap();
        assert_eq!(items, vec![json!({"id": "1", "name": "Ann"}), json!({"id": "2", "name": "Bob"})]);
        let items = parse_csv("a;b\n1;x,y\n", b';', None, None).unwrap();
        assert_eq!(items, vec![json!({"a": "1", "b": "x,y"})]);
        let items = parse_csv("a\tb\n1\t2\n", b'\t', None, None).unwrap();
        assert_eq!(items, vec![json!({"a": "1", "b": "2"})]);
        let items = parse_csv("a b\n1 2\n", b' ', None, None).unwrap();
        assert_eq!(items, vec![json!({"a": "1", "b": "2"})]);
    }

    #[test]
    fn csv_quoting() {
        let text = "id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,\"\"\n5,plain \"inner\" quotes\n";
        let items = parse_csv(text, b',', None, None).unwrap();
        let texts: Vec<&str> = items.iter().map(|i| i["text"].as_str().unwrap()).collect();
        assert_eq!(texts, ["a, b", "say \"hi\"", "two\nlines", "", "plain \"inner\" quotes"]);
        // Empty fields stay (as empty strings).
        assert_eq!(parse_csv("a,b,c\n,,\n", b',', None, None).unwrap(), vec![json!({"a": "", "b": "", "c": ""})]);
    }

    #[test]
    fn csv_errors_name_the_line() {
        assert_eq!(parse_csv("a,b\n1,2\n3\n", b',', None, None).unwrap_err(), "the row on line 3 has 1 field(s), the header has 2");
        assert_eq!(parse_csv("a\n\"open\n", b',', None, None).unwrap_err(), "a quoted field opened on line 2 is never closed");
        assert_eq!(parse_csv("a,b\n\"x\"y,2\n", b',', None, None).unwrap_err(), "unexpected `y` after a closing quote on line 2");
        // The line count includes line breaks inside quoted fields.
        assert_eq!(parse_csv("a,b\n\"x\ny\",2\n1\n", b',', None, None).unwrap_err(), "the row on line 4 has 1 field(s), the header has 2");
    }

    #[test]
    fn max_items() {
        assert_eq!(parse_csv("a\n1\n2\n3\n", b',', None, Some(2)).unwrap().len(), 2);
        // Rows past the limit are not read (a broken one there is not an error).
        assert_eq!(parse_csv("a\n1\n2\n\"broken\n", b',', None, Some(2)).unwrap().len(), 2);
        assert_eq!(parse_jsonl("1\n2\n{broken\n", Some(2)).unwrap(), vec![json!(1), json!(2)]);
        assert_eq!(parse_json("[1,2,3]", None, Some(1)).unwrap(), vec![json!(1)]);
    }

    #[test]
    fn json_and_json_lines() {
        assert_eq!(parse_json(r#"[{"a":1},2]"#, None, None).unwrap(), vec![json!({"a": 1}), json!(2)]);
        assert_eq!(parse_json(r#"{"data":{"items":[1,2]}}"#, Some("/data/items"), None).unwrap(), vec![json!(1), json!(2)]);
        assert_eq!(parse_json(r#"{"a":1}"#, None, None).unwrap_err(), "expected a JSON array of items, found an object");
        assert_eq!(parse_json(r#"{"a":1}"#, Some("/b"), None).unwrap_err(), "the ItemsPointer '/b' finds nothing");
        assert!(parse_json("[1,", None, None).unwrap_err().starts_with("invalid JSON: "));
        assert_eq!(parse_jsonl("{\"a\":1}\n\n  [2]  \n\"s\"", None).unwrap(), vec![json!({"a": 1}), json!([2]), json!("s")]);
        assert!(parse_jsonl("1\n{x}\n", None).unwrap_err().starts_with("invalid JSON on line 2: "));
    }

    #[test]
    fn keys_stay_inside_the_bucket() {
        let b = FsPath::new("/root/bucket");
        assert_eq!(object_path(b, "a/b.csv").unwrap(), FsPath::new("/root/bucket/a/b.csv"));
        assert_eq!(object_path(b, "/a//b.csv").unwrap(), FsPath::new("/root/bucket/a/b.csv"));
        assert!(object_path(b, "../x").is_err());
        assert!(object_path(b, "").is_err());
        assert!(bucket_dir(FsPath::new("/root"), "..").is_err());
        assert!(bucket_dir(FsPath::new("/root"), "a/b").is_err());
    }

    #[test]
    fn lists_objects_in_key_order() {
        let dir = std::env::temp_dir().join(format!("aslc-list-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("logs/2026")).unwrap();
        std::fs::write(dir.join("logs/2026/b.txt"), "hello").unwrap();
        std::fs::write(dir.join("logs/a.txt"), "").unwrap();
        std::fs::write(dir.join("other.txt"), "x").unwrap();
        let items = list_objects(&dir, "logs/", None).unwrap();
        let keys: Vec<&str> = items.iter().map(|i| i["Key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["logs/2026/b.txt", "logs/a.txt"]);
        assert_eq!(items[0]["Size"], json!(5));
        assert_eq!(items[0]["Etag"], json!("\"5d41402abc4b2a76b9719d911017c592\""));
        assert_eq!(items[0]["StorageClass"], json!("STANDARD"));
        assert!(items[0]["LastModified"].as_u64().unwrap() > 1_600_000_000);
        assert_eq!(list_objects(&dir, "", Some(1)).unwrap().len(), 1);
        assert!(list_objects(&dir.join("nope"), "", None).unwrap_err().contains("does not exist"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
