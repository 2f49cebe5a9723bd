//! Distributed Map data sources and sinks run locally: `ItemReader` reads a file under a
//! temporary S3 root, `ItemBatcher` groups the items, `ResultWriter` writes AWS's layout.

use std::path::{Path, PathBuf};

use asl_runtime::{ExecutionOptions, Failure, TaskContext, Value, json};

asl_runtime::asl!("flows/csv_batches.json");
asl_runtime::asl!("flows/list_objects.json");

/// A fresh S3 root with the buckets `in` and `out`.
fn s3_root() -> PathBuf {
    let root = std::env::temp_dir().join(format!("aslc-s3-{}", uuid_like()));
    std::fs::create_dir_all(root.join("in/orders")).unwrap();
    std::fs::create_dir_all(root.join("out")).unwrap();
    root
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{}-{t}-{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

fn options(root: &Path) -> ExecutionOptions {
    ExecutionOptions { s3_root: Some(root.to_path_buf()), name: Some("exec-1".into()), ..Default::default() }
}

struct Shop;

impl csv_batches::Tasks for Shop {
    async fn total(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let items = input["Items"].as_array().unwrap();
        if items.iter().any(|i| i["sku"] == "BAD") {
            return Err(Failure::new("Order.BadSku", "a line has sku BAD"));
        }
        let qty: i64 = items.iter().map(|i| i["qty"].as_i64().unwrap()).sum();
        Ok(json!({"run": input["BatchInput"]["run"], "lines": items.len(), "qty": qty}))
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

#[tokio::test]
async fn reads_a_csv_batches_and_writes_the_results() {
    let root = s3_root();
    std::fs::write(root.join("in/orders/today.csv"), "sku,qty,note\nKB-1,2,\"fragile, handle with care\"\nKB-2,3,\nBAD,1,\"say \"\"no\"\"\"\nKB-4,4,x\nKB-5,5,y\nKB-6,6,past MaxItems\n").unwrap();
    let flow = csv_batches::CsvBatches::with_options(Shop, options(&root));
    let out = flow.start(json!({"key": "orders/today.csv", "max": 5, "run": "r7"})).await.unwrap();

    // The Map's result is AWS's ResultWriterDetails object.
    let export = &out["export"];
    let arn = export["MapRunArn"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:states:us-east-1:111111111111:mapRun:csv_batches/totals:"), "{arn}");
    let id = arn.rsplit(':').next().unwrap();
    assert_eq!(export["ResultWriterDetails"], json!({"Bucket": "out", "Key": format!("totals/r7/{id}/manifest.json")}));

    let dir = root.join("out/totals/r7").join(id);
    let manifest = read_json(&dir.join("manifest.json"));
    assert_eq!(manifest["DestinationBucket"], "out");
    assert_eq!(manifest["MapRunArn"], arn);
    assert_eq!(manifest["ResultFiles"]["PENDING"], json!([]));
    let succeeded_key = format!("totals/r7/{id}/SUCCEEDED_0.json");
    assert_eq!(manifest["ResultFiles"]["SUCCEEDED"][0]["Key"], succeeded_key.as_str());
    assert_eq!(manifest["ResultFiles"]["SUCCEEDED"][0]["Size"], std::fs::metadata(dir.join("SUCCEEDED_0.json")).unwrap().len());

    // 5 rows (MaxItems) in batches of 2: [KB-1, KB-2], [BAD, KB-4] (fails: 2 items, tolerated), [KB-5].
    let succeeded = read_json(&dir.join("SUCCEEDED_0.json"));
    let succeeded = succeeded.as_array().unwrap();
    assert_eq!(succeeded.len(), 2);
    let outputs: Vec<Value> = succeeded.iter().map(|r| serde_json::from_str(r["Output"].as_str().unwrap()).unwrap()).collect();
    assert_eq!(outputs, [json!({"run": "r7", "lines": 2, "qty": 5}), json!({"run": "r7", "lines": 1, "qty": 5})]);
    let first_input: Value = serde_json::from_str(succeeded[0]["Input"].as_str().unwrap()).unwrap();
    assert_eq!(first_input, json!({"BatchInput": {"run": "r7"}, "Items": [{"sku": "KB-1", "qty": 2, "note": "fragile, handle with care"}, {"sku": "KB-2", "qty": 3, "note": ""}]}));
    for r in succeeded {
        assert_eq!(r["Status"], "SUCCEEDED");
        assert!(r["ExecutionArn"].as_str().unwrap().starts_with("arn:aws:states:us-east-1:111111111111:execution:csv_batches/totals:"));
        assert_eq!(r["StateMachineArn"], "arn:aws:states:us-east-1:111111111111:stateMachine:csv_batches/totals");
    }
    let failed = read_json(&dir.join("FAILED_0.json"));
    assert_eq!(failed[0]["Status"], "FAILED");
    assert_eq!(failed[0]["Error"], "Order.BadSku");
    let failed_input: Value = serde_json::from_str(failed[0]["Input"].as_str().unwrap()).unwrap();
    assert_eq!(failed_input["Items"][0], json!({"sku": "BAD", "qty": 1, "note": "say \"no\""}));
    assert!(!dir.join("PENDING_0.json").exists());
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn reader_and_writer_failures() {
    let root = s3_root();
    let flow = csv_batches::CsvBatches::with_options(Shop, options(&root));
    let e = flow.start(json!({"key": "orders/missing.csv", "max": 5, "run": "r1"})).await.unwrap_err();
    assert_eq!(e.error, "States.ItemReaderFailed");
    let cause = e.cause.unwrap();
    assert!(cause.starts_with("Cannot read the object s3://in/orders/missing.csv (local file "), "{cause}");

    std::fs::write(root.join("in/orders/ragged.csv"), "sku,qty\nKB-1,2\nKB-2\n").unwrap();
    let e = flow.start(json!({"key": "orders/ragged.csv", "max": 5, "run": "r1"})).await.unwrap_err();
    assert_eq!(e.error, "States.ItemReaderFailed");
    assert!(e.cause.unwrap().ends_with(": the row on line 3 has 1 field(s), the header has 2"));

    // Too many failures: the Map Run fails, and what ran is still exported (the rest PENDING).
    std::fs::write(root.join("in/orders/bad.csv"), "sku,qty,note\nBAD,1,a\nBAD,1,b\nBAD,1,c\nBAD,1,d\nKB,1,e\nKB,1,f\n").unwrap();
    let e = flow.start(json!({"key": "orders/bad.csv", "max": 100, "run": "r2"})).await.unwrap_err();
    assert_eq!(e.error, "States.ExceedToleratedFailureThreshold");
    let run_dir = std::fs::read_dir(root.join("out/totals/r2")).unwrap().next().unwrap().unwrap().path();
    let manifest = read_json(&run_dir.join("manifest.json"));
    assert_eq!(manifest["ResultFiles"]["FAILED"].as_array().unwrap().len(), 1);
    assert_eq!(read_json(&run_dir.join("FAILED_0.json")).as_array().unwrap().len(), 2);
    let pending = read_json(&run_dir.join("PENDING_0.json"));
    assert_eq!(pending[0]["Status"], "PENDING");

    // The output bucket must exist, as on S3.
    std::fs::remove_dir_all(root.join("out")).unwrap();
    std::fs::write(root.join("in/orders/ok.csv"), "sku,qty,note\nKB-1,2,a\n").unwrap();
    let e = flow.start(json!({"key": "orders/ok.csv", "max": 5, "run": "r3"})).await.unwrap_err();
    assert_eq!(e.error, "States.ResultWriterFailed");
    assert!(e.cause.unwrap().contains("the bucket does not exist"));
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn lists_objects_and_flattens_the_results() {
    let root = s3_root();
    std::fs::create_dir_all(root.join("in/logs/2026")).unwrap();
    std::fs::write(root.join("in/logs/2026/b.log"), "hello").unwrap();
    std::fs::write(root.join("in/logs/a.log"), "hi").unwrap();
    std::fs::write(root.join("in/other.txt"), "not listed").unwrap();
    let flow = list_objects::ListObjects::with_options((), options(&root));
    let out = flow.start(json!({"prefix": "logs/"})).await.unwrap();
    assert_eq!(out, json!(["logs/2026/b.log", 5, "logs/a.log", 2]));
    std::fs::remove_dir_all(&root).unwrap();
}
