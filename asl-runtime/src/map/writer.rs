//! `ResultWriter`, run locally: the child executions' results are written in AWS's layout
//! under `<s3 root>/<Bucket>/<Prefix>/<map run id>/` (`manifest.json`, `SUCCEEDED_0.json`,
//! `FAILED_0.json`, `PENDING_0.json`), and the Map's result becomes
//! `{"MapRunArn": …, "ResultWriterDetails": {"Bucket": …, "Key": …/manifest.json}}`. With only a
//! `WriterConfig`, the transformed results stay in the state's output.
//!
//! Each child's result is made as it ends ([`Results`]): into the output, or (with S3) into a
//! [`Spool`] on disk, so the Map holds a record only for the children running.

use std::path::Path as FsPath;
use std::time::SystemTime;

use serde_json::{Map, Value, json};

use super::reader::{bucket_dir, object_path, s3_root};
use super::spool::{STATUSES, Spool};
use super::{MapSpec, eval_field};
use super::{OutputType, Transformation, WriterSpec};
use crate::clock::format_timestamp;
use crate::cx::Cx;
use crate::error::{Failure, names};

/// What happened to one child execution (an item, or a batch).
#[derive(Debug)]
pub enum Outcome {
    /// It ended with this output.
    Succeeded(Value),
    /// It failed.
    Failed(Failure),
    /// Not run to the end: the Map Run failed first.
    Pending,
}

/// A child execution of a distributed Map, for its `ResultWriter` record.
#[derive(Debug)]
pub struct Child {
    /// Its name.
    pub name: String,
    /// Its input.
    pub input: Value,
    /// When it started.
    pub start: Option<SystemTime>,
    /// When it stopped.
    pub stop: Option<SystemTime>,
    /// How it ended.
    pub outcome: Outcome,
}

/// A Map Run's identity, in AWS's ARN shapes.
#[derive(Debug)]
pub struct MapRun {
    /// The Map Run's id.
    pub id: String,
    /// `arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>`.
    pub arn: String,
    /// The children's state machine: `…:stateMachine:<machine>/<label>`.
    pub state_machine_arn: String,
    /// `…:execution:<machine>/<label>`; a child's ARN adds `:<name>`.
    pub execution_prefix: String,
}

impl Child {
    /// A child not run (to the end): PENDING with this input.
    pub fn pending(input: Value) -> Child {
        Child { name: String::new(), input, start: None, stop: None, outcome: Outcome::Pending }
    }
}

impl MapRun {
    /// `label` is the Map's `Label`, else the state's name.
    pub fn new(state_machine_arn: &str, label: &str, id: String) -> MapRun {
        MapRun {
            arn: format!("{}/{label}:{id}", state_machine_arn.replacen(":stateMachine:", ":mapRun:", 1)),
            state_machine_arn: format!("{state_machine_arn}/{label}"),
            execution_prefix: format!("{}/{label}", state_machine_arn.replacen(":stateMachine:", ":execution:", 1)),
            id,
        }
    }
}

fn status(c: &Child) -> &'static str {
    STATUSES[status_index(c)]
}

fn status_index(c: &Child) -> usize {
    match c.outcome {
        Outcome::Failed(_) => 0,
        Outcome::Pending => 1,
        Outcome::Succeeded(_) => 2,
    }
}

/// A child execution's record, as AWS writes it with `Transformation: NONE`.
pub fn record(c: &Child, run: &MapRun) -> Value {
    let mut m = Map::new();
    let st = status(c);
    if !matches!(c.outcome, Outcome::Pending) {
        m.insert("ExecutionArn".into(), format!("{}:{}", run.execution_prefix, c.name).into());
    }
    m.insert("Input".into(), c.input.to_string().into());
    m.insert("InputDetails".into(), json!({"Included": true}));
    if !matches!(c.outcome, Outcome::Pending) {
        m.insert("Name".into(), c.name.clone().into());
    }
    match &c.outcome {
        Outcome::Succeeded(v) => {
            m.insert("Output".into(), v.to_string().into());
            m.insert("OutputDetails".into(), json!({"Included": true}));
        }
        Outcome::Failed(f) => {
            m.insert("Error".into(), f.error.clone().into());
            if let Some(cause) = &f.cause {
                m.insert("Cause".into(), cause.clone().into());
            }
        }
        Outcome::Pending => {}
    }
    m.insert("RedriveCount".into(), 0.into());
    let (redrive, reason) = match c.outcome {
        Outcome::Succeeded(_) => ("NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven"),
        _ => ("NOT_REDRIVABLE", "Execution is part of a Map Run"),
    };
    m.insert("RedriveStatus".into(), redrive.into());
    m.insert("RedriveStatusReason".into(), reason.into());
    if let Some(t) = c.start {
        m.insert("StartDate".into(), format_timestamp(t).into());
    }
    m.insert("StateMachineArn".into(), run.state_machine_arn.clone().into());
    m.insert("Status".into(), st.into());
    if let Some(t) = c.stop {
        m.insert("StopDate".into(), format_timestamp(t).into());
    }
    Value::Object(m)
}

/// The results of `children` (in order) after `t`.
pub fn transform<'c>(children: impl IntoIterator<Item = &'c Child>, t: Transformation, run: &MapRun) -> Vec<Value> {
    let mut out = Vec::new();
    for c in children {
        match (&c.outcome, t) {
            (Outcome::Succeeded(Value::Array(items)), Transformation::Flatten) => out.extend(items.iter().cloned()),
            (Outcome::Succeeded(v), Transformation::Compact | Transformation::Flatten) => out.push(v.clone()),
            _ => out.push(record(c, run)),
        }
    }
    out
}

/// One ended child's result after `t`: its output (`COMPACT`, `FLATTEN`; an array output is
/// spread by the caller under `FLATTEN`) or its record. A record is an object, never an array.
fn result(c: Child, t: Transformation, run: &MapRun) -> Value {
    match c.outcome {
        Outcome::Succeeded(v) if t != Transformation::None => v,
        _ => record(&c, run),
    }
}

/// Where a Map with a ResultWriter puts its children's results as they end.
pub(crate) enum Results {
    /// Only a `WriterConfig`: the transformed results, by child, become the state's output.
    Output { slots: Vec<Value>, t: Transformation },
    /// `Parameters`: spooled by status in the order the children end, then written to S3.
    Files { spool: Spool, t: Transformation },
}

impl Results {
    /// For a Map Run of `n` children.
    pub fn new(w: &WriterSpec, n: usize) -> Results {
        match w.parameters {
            None => Results::Output { slots: vec![Value::Null; n], t: w.transformation.unwrap_or(Transformation::Compact) },
            Some(_) => Results::Files { spool: Spool::default(), t: w.transformation.unwrap_or(Transformation::None) },
        }
    }

    /// Whether the results go to S3 (so a failed Map Run still writes them).
    pub fn to_files(&self) -> bool {
        matches!(self, Results::Files { .. })
    }

    /// Child `i` ended (or, PENDING, never will).
    pub fn add(&mut self, i: usize, c: Child, run: &MapRun) {
        match self {
            Results::Output { slots, t } => {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = result(c, *t, run);
                }
            }
            Results::Files { spool, t } => {
                let st = status_index(&c);
                match result(c, *t, run) {
                    Value::Array(items) if *t == Transformation::Flatten => items.iter().for_each(|v| spool.push(st, v)),
                    v => spool.push(st, &v),
                }
            }
        }
    }
}

/// The Map's result once its children ran (or, with files, once it failed).
pub(crate) fn finish(w: &WriterSpec, spec: &MapSpec, results: Results, run: &MapRun, input: &Value, effective: &Value, cx: &Cx) -> Result<Value, Failure> {
    let mut spool = match results {
        Results::Output { slots, t } => {
            if t != Transformation::Flatten {
                return Ok(Value::Array(slots));
            }
            let mut out = Vec::with_capacity(slots.len());
            for v in slots {
                match v {
                    Value::Array(items) => out.extend(items),
                    v => out.push(v),
                }
            }
            return Ok(Value::Array(out));
        }
        Results::Files { spool, .. } => spool,
    };
    let Some(p) = &w.parameters else { return Err(Failure::new(names::RESULT_WRITER_FAILED, "no ResultWriter Parameters")) };
    let params = eval_field(spec, p, input, effective, cx, "ResultWriter.Parameters")?;
    let text = |name: &str| match params.get(name) {
        Some(Value::String(s)) => Ok(s.as_str()),
        None | Some(Value::Null) if name == "Prefix" => Ok(""),
        None => Err(Failure::new(names::RESULT_WRITER_FAILED, format!("The ResultWriter parameters have no '{name}': {params}"))),
        Some(v) => Err(Failure::new(names::RESULT_WRITER_FAILED, format!("The ResultWriter parameter '{name}' must be a string, but was: {v}"))),
    };
    let (bucket, prefix) = (text("Bucket")?, text("Prefix")?);
    write_spooled(&s3_root(cx), bucket, prefix, run, &mut spool, w.output_type).map_err(|e| Failure::new(names::RESULT_WRITER_FAILED, e))
}

/// Writes the results of `children` (in order) and the manifest; returns AWS's
/// `ResultWriterDetails` object.
pub fn write(root: &FsPath, bucket: &str, prefix: &str, run: &MapRun, children: &[Child], t: Transformation, output_type: OutputType) -> Result<Value, String> {
    let mut spool = Spool::default();
    for c in children {
        let st = status_index(c);
        transform([c], t, run).iter().for_each(|v| spool.push(st, v));
    }
    write_spooled(root, bucket, prefix, run, &mut spool, output_type)
}

fn write_spooled(root: &FsPath, bucket: &str, prefix: &str, run: &MapRun, spool: &mut Spool, output_type: OutputType) -> Result<Value, String> {
    let dir = bucket_dir(root, bucket)?;
    if !dir.is_dir() {
        return Err(format!("Cannot write the results to s3://{bucket}: the bucket does not exist (no directory {})", dir.display()));
    }
    let prefix = prefix.trim_end_matches('/');
    let base = if prefix.is_empty() { run.id.clone() } else { format!("{prefix}/{}", run.id) };
    let ext = match output_type {
        OutputType::Json => "json",
        OutputType::Jsonl => "jsonl",
    };
    let create = |key: &str| -> Result<(std::path::PathBuf, std::fs::File), String> {
        let path = object_path(&dir, key)?;
        let fail = |e: std::io::Error| format!("Cannot write s3://{bucket}/{key} (local file {}): {e}", path.display());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let file = std::fs::File::create(&path).map_err(fail)?;
        Ok((path, file))
    };
    let mut files = Map::new();
    for (st, name) in STATUSES.iter().enumerate() {
        let mut entries = Vec::new();
        if spool.entries(st) > 0 {
            let key = format!("{base}/{name}_0.{ext}");
            let (path, file) = create(&key)?;
            let mut out = std::io::BufWriter::new(file);
            let size = spool.copy(st, output_type, &mut out)?;
            std::io::Write::flush(&mut out).map_err(|e| format!("Cannot write s3://{bucket}/{key} (local file {}): {e}", path.display()))?;
            entries.push(json!({"Key": key, "Size": size}));
        }
        files.insert((*name).into(), Value::Array(entries));
    }
    let manifest = json!({"DestinationBucket": bucket, "MapRunArn": run.arn, "ResultFiles": files});
    let key = format!("{base}/manifest.json");
    let (path, mut file) = create(&key)?;
    std::io::Write::write_all(&mut file, &serde_json::to_vec(&manifest).expect("JSON values serialize"))
        .map_err(|e| format!("Cannot write s3://{bucket}/{key} (local file {}): {e}", path.display()))?;
    Ok(json!({"MapRunArn": run.arn, "ResultWriterDetails": {"Bucket": bucket, "Key": key}}))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn run() -> MapRun {
        MapRun::new("arn:aws:states:us-east-1:111111111111:stateMachine:orders", "Each", "run-1".into())
    }

    fn child(name: &str, input: Value, outcome: Outcome) -> Child {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let pending = matches!(outcome, Outcome::Pending);
        Child { name: name.into(), input, start: (!pending).then_some(t), stop: (!pending).then_some(t + Duration::from_millis(5)), outcome }
    }

    fn children() -> Vec<Child> {
        vec![
            child("c1", json!({"n": 1}), Outcome::Succeeded(json!([1, 2]))),
            child("c2", json!({"n": 2}), Outcome::Failed(Failure::new("Oops", "bad item"))),
            child("c3", json!({"n": 3}), Outcome::Succeeded(json!({"ok": 3}))),
            child("c4", json!({"n": 4}), Outcome::Pending),
        ]
    }

    #[test]
    fn map_run_arns() {
        let r = run();
        assert_eq!(r.arn, "arn:aws:states:us-east-1:111111111111:mapRun:orders/Each:run-1");
        assert_eq!(r.state_machine_arn, "arn:aws:states:us-east-1:111111111111:stateMachine:orders/Each");
        assert_eq!(r.execution_prefix, "arn:aws:states:us-east-1:111111111111:execution:orders/Each");
    }

    #[test]
    fn records_and_transformations() {
        let (r, cs) = (run(), children());
        let rec = record(&cs[0], &r);
        assert_eq!(rec["ExecutionArn"], "arn:aws:states:us-east-1:111111111111:execution:orders/Each:c1");
        assert_eq!(rec["Input"], r#"{"n":1}"#);
        assert_eq!(rec["Output"], "[1,2]");
        assert_eq!(rec["Status"], "SUCCEEDED");
        assert_eq!(rec["StartDate"], "2023-11-14T22:13:20.000Z");
        assert_eq!(rec["StopDate"], "2023-11-14T22:13:20.005Z");
        let failed = record(&cs[1], &r);
        assert_eq!((failed["Error"].as_str(), failed["Cause"].as_str(), failed["Status"].as_str()), (Some("Oops"), Some("bad item"), Some("FAILED")));
        assert!(failed.get("Output").is_none());
        let compact = transform(&cs[..3], Transformation::Compact, &r);
        assert_eq!(compact[0], json!([1, 2]));
        assert_eq!(compact[1]["Status"], "FAILED");
        assert_eq!(compact[2], json!({"ok": 3}));
        let flat = transform(&cs[..3], Transformation::Flatten, &r);
        assert_eq!(flat.len(), 4);
        assert_eq!((&flat[0], &flat[1], &flat[3]), (&json!(1), &json!(2), &json!({"ok": 3})));
        assert_eq!(flat[2]["Error"], "Oops");
        let none = transform(&cs, Transformation::None, &r);
        assert_eq!(none.iter().map(|v| v["Status"].as_str().unwrap()).collect::<Vec<_>>(), ["SUCCEEDED", "FAILED", "SUCCEEDED", "PENDING"]);
    }

    #[test]
    fn writes_aws_layout() {
        let root = std::env::temp_dir().join(format!("aslc-writer-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(root.join("out")).unwrap();
        let (r, cs) = (run(), children());
        let details = write(&root, "out", "jobs/", &r, &cs, Transformation::None, OutputType::Json).unwrap();
        assert_eq!(details, json!({"MapRunArn": r.arn, "ResultWriterDetails": {"Bucket": "out", "Key": "jobs/run-1/manifest.json"}}));
        let dir = root.join("out/jobs/run-1");
        let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["DestinationBucket"], "out");
        assert_eq!(manifest["MapRunArn"], r.arn.as_str());
        let succeeded = std::fs::read(dir.join("SUCCEEDED_0.json")).unwrap();
        assert_eq!(manifest["ResultFiles"]["SUCCEEDED"], json!([{"Key": "jobs/run-1/SUCCEEDED_0.json", "Size": succeeded.len()}]));
        assert_eq!(manifest["ResultFiles"]["FAILED"][0]["Key"], "jobs/run-1/FAILED_0.json");
        assert_eq!(manifest["ResultFiles"]["PENDING"][0]["Key"], "jobs/run-1/PENDING_0.json");
        let s: Vec<Value> = serde_json::from_slice(&succeeded).unwrap();
        assert_eq!(s.iter().map(|v| v["Name"].as_str().unwrap()).collect::<Vec<_>>(), ["c1", "c3"]);
        let p: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("PENDING_0.json")).unwrap()).unwrap();
        assert_eq!(p[0]["Input"], r#"{"n":4}"#);

        // JSONL, COMPACT, no prefix; no empty files.
        let r2 = MapRun::new("arn:aws:states:us-east-1:111111111111:stateMachine:orders", "Each", "run-2".into());
        let details = write(&root, "out", "", &r2, &cs[..1], Transformation::Compact, OutputType::Jsonl).unwrap();
        assert_eq!(details["ResultWriterDetails"]["Key"], "run-2/manifest.json");
        assert_eq!(std::fs::read_to_string(root.join("out/run-2/SUCCEEDED_0.jsonl")).unwrap(), "[1,2]\n");
        assert!(!root.join("out/run-2/FAILED_0.jsonl").exists());
        let manifest: Value = serde_json::from_slice(&std::fs::read(root.join("out/run-2/manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["ResultFiles"]["FAILED"], json!([]));

        // A missing bucket is an error, not a new directory.
        let e = write(&root, "nope", "", &r, &cs, Transformation::None, OutputType::Json).unwrap_err();
        assert!(e.contains("the bucket does not exist"), "{e}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
