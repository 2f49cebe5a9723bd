//! The results of a Map that writes them to S3, kept on disk while its children run: one line
//! of JSON per result, one temporary file per status, copied into the bucket when the Map Run
//! ends. The Map holds no record per child, whatever the item count.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;

use serde_json::Value;

use super::OutputType;

/// The statuses, in the order of the result files.
pub const STATUSES: [&str; 3] = ["FAILED", "PENDING", "SUCCEEDED"];

/// One status's results so far.
struct Part {
    path: PathBuf,
    out: BufWriter<File>,
    entries: usize,
}

impl Drop for Part {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The spooled results, by status (see [`STATUSES`]).
#[derive(Default)]
pub struct Spool {
    parts: [Option<Part>; 3],
    /// The first error writing the spool: the ResultWriter fails with it at the end.
    error: Option<String>,
}

impl Spool {
    /// Appends `entry` to the results of status `st` (an index in [`STATUSES`]).
    pub fn push(&mut self, st: usize, entry: &Value) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.try_push(st, entry) {
            self.error = Some(format!("Cannot keep the Map Run's results in a temporary file: {e}"));
        }
    }

    fn try_push(&mut self, st: usize, entry: &Value) -> std::io::Result<()> {
        let part = match &mut self.parts[st] {
            Some(p) => p,
            slot => {
                let path = std::env::temp_dir().join(format!("aslc-results-{}-{}-{}.jsonl", std::process::id(), crate::ids::uuid_v4(), STATUSES[st]));
                // create_new: never follow or reuse a file someone else put there
                let file = OpenOptions::new().write(true).create_new(true).open(&path)?;
                slot.insert(Part { path, out: BufWriter::new(file), entries: 0 })
            }
        };
        // Compact JSON never holds a raw newline: one line per entry.
        serde_json::to_writer(&mut part.out, entry)?;
        part.out.write_all(b"\n")?;
        part.entries += 1;
        Ok(())
    }

    /// The number of results of status `st`.
    pub fn entries(&self, st: usize) -> usize {
        self.parts[st].as_ref().map_or(0, |p| p.entries)
    }

    /// Writes the results of status `st` to `to` as a JSON array or JSON lines; returns the
    /// bytes written.
    pub fn copy(&mut self, st: usize, output_type: OutputType, to: &mut impl Write) -> Result<u64, String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let Some(part) = &mut self.parts[st] else { return Ok(0) };
        let fail = |e: std::io::Error| format!("Cannot read back the Map Run's results: {e}");
        part.out.flush().map_err(fail)?;
        let mut from = File::open(&part.path).map_err(fail)?;
        let len = from.metadata().map_err(fail)?.len();
        match output_type {
            OutputType::Jsonl => std::io::copy(&mut from, to).map_err(fail),
            OutputType::Json => {
                // The lines joined by commas, in brackets: every newline but the last becomes a
                // comma, the last a `]`.
                to.write_all(b"[").map_err(fail)?;
                let mut rest = from.take(len.saturating_sub(1));
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = rest.read(&mut buf).map_err(fail)?;
                    if n == 0 {
                        break;
                    }
                    for b in &mut buf[..n] {
                        if *b == b'\n' {
                            *b = b',';
                        }
                    }
                    to.write_all(&buf[..n]).map_err(fail)?;
                }
                to.write_all(b"]").map_err(fail)?;
                Ok(len + 1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn spools_and_copies_as_json_or_lines() {
        let mut s = Spool::default();
        s.push(2, &json!({"a": "x\ny"}));
        s.push(2, &json!([1, 2]));
        s.push(0, &json!(null));
        assert_eq!((s.entries(0), s.entries(1), s.entries(2)), (1, 0, 2));
        let mut json = Vec::new();
        let n = s.copy(2, OutputType::Json, &mut json).unwrap();
        assert_eq!(String::from_utf8(json.clone()).unwrap(), r#"[{"a":"x\ny"},[1,2]]"#);
        assert_eq!(n as usize, json.len());
        let mut lines = Vec::new();
        s.copy(2, OutputType::Jsonl, &mut lines).unwrap();
        assert_eq!(String::from_utf8(lines).unwrap(), "{\"a\":\"x\\ny\"}\n[1,2]\n");
        let path = s.parts[2].as_ref().unwrap().path.clone();
        assert!(path.exists());
        drop(s);
        assert!(!path.exists(), "the temporary file goes with the spool");
    }
}
