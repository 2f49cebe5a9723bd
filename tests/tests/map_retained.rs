//! What a distributed Map holds per item while it runs, past its input, measured with a
//! counting allocator: in batches (`ItemBatcher`), the batches in flight, not a selected copy of
//! every item; with a `ResultWriter` to S3, nothing per item (the results are spooled to disk as
//! the children end); with a `ResultWriter` that keeps the results in the output, one result
//! slot per child, not a record with the child's input.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::{ExecutionOptions, Failure, TaskContext, Value, json};

asl_runtime::asl!("flows/map_batched.json");
asl_runtime::asl!("flows/map_written.json");
asl_runtime::asl!("flows/map_kept.json");

/// One test at a time: the allocator's counts are the process's.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ITEMS: u64 = 200_000;

/// Counts the children alive in the handler and the most at once.
#[derive(Default)]
struct Live {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Live {
    async fn hold(&self, n: u64) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        // uneven durations, so children finish out of order
        tokio::time::sleep(Duration::from_millis(1 + n % 7)).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl map_batched::Tasks for Arc<Live> {
    async fn batch(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let items = input["Items"].as_array().map_or(0, Vec::len) as u64;
        let sum: u64 = input["Items"].as_array().into_iter().flatten().filter_map(|i| i["n"].as_u64()).sum();
        self.hold(items).await;
        Ok(json!([items, sum]))
    }
}

impl map_written::Tasks for Arc<Live> {
    async fn each(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let n = input.as_u64().unwrap_or(0);
        self.hold(n).await;
        if n % 1000 == 999 {
            return Err(Failure::new("Item.Odd", format!("item {n}")));
        }
        Ok(json!(n))
    }
}

impl map_kept::Tasks for Arc<Live> {
    async fn quiet(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        self.hold(0).await;
        Ok(Value::Null)
    }
}

/// 200,000 items are more than a Map's input may hold on AWS (where such arrays come from an
/// `ItemReader`): no payload limit here.
fn options(root: Option<PathBuf>) -> ExecutionOptions {
    ExecutionOptions { max_payload_bytes: None, s3_root: root, ..Default::default() }
}

/// Runs `start` on `input`; returns its output and the heap it used at peak past the input.
async fn measured<F: std::future::Future<Output = Result<Value, Failure>>>(input: Value, start: impl FnOnce(Value) -> F) -> (Value, usize) {
    let before = IN_USE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let out = start(input).await.expect("succeeds");
    (out, PEAK.load(Ordering::SeqCst) - before)
}

fn items() -> Value {
    json!({ "items": (0..ITEMS).collect::<Vec<u64>>() })
}

#[tokio::test(start_paused = true)]
async fn batches_are_built_as_their_children_start() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let live = Arc::new(Live::default());
    let flow = map_batched::MapBatched::with_options(live.clone(), options(None));
    let (out, peak) = measured(items(), |input| flow.start(input)).await;
    assert_eq!(live.most.load(Ordering::SeqCst), 10, "MaxConcurrency 10 reached, never passed");
    // every item once, in order, in batches of 100 (4,096 bytes hold more than 100 `{"n":…}`)
    let batches = out["batched"].as_array().expect("an array");
    assert_eq!(batches.len() as u64, ITEMS / 100);
    assert!(batches.iter().enumerate().all(|(k, b)| b[0] == 100 && b[1].as_u64() == Some((0..100).map(|j| 100 * k as u64 + j).sum())), "the batches in item order");
    drop(out);
    let per_item = peak as f64 / ITEMS as f64;
    eprintln!("batched distributed Map over {ITEMS} items (100 per batch, MaxConcurrency 10): {peak} bytes at peak past the input, {per_item:.1} per item");
    // The batches' results and their plan (a slot and a start per batch of 100 items) and
    // the 10 batches in flight; a selected copy of every item (an object each) would be
    // over 100 bytes per item.
    assert!(per_item < 16.0, "{per_item:.1} bytes per item");
}

#[tokio::test(start_paused = true)]
async fn results_written_to_s3_are_not_held_per_child() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let root = std::env::temp_dir().join(format!("aslc-map-retained-{}", std::process::id()));
    std::fs::create_dir_all(root.join("out")).unwrap();
    let live = Arc::new(Live::default());
    let flow = map_written::MapWritten::with_options(live.clone(), options(Some(root.clone())));
    let (out, peak) = measured(items(), |input| flow.start(input)).await;
    assert_eq!(live.most.load(Ordering::SeqCst), 10);
    let key = out["written"]["ResultWriterDetails"]["Key"].as_str().expect("the manifest's key").to_string();
    drop(out);
    let per_item = peak as f64 / ITEMS as f64;
    eprintln!("distributed Map over {ITEMS} items with a ResultWriter to S3 (MaxConcurrency 10): {peak} bytes at peak past the input, {per_item:.1} per item");
    // The spool's buffers and the 10 children running; a record per child (a name, an input
    // copy, dates, an outcome) would be well over 100 bytes per item.
    assert!(per_item < 2.0, "{per_item:.1} bytes per item");

    // Every child's result is in the files: the outputs (COMPACT), and a record per failure.
    let manifest: Value = serde_json::from_slice(&std::fs::read(root.join("out").join(&key)).unwrap()).unwrap();
    let dir = root.join("out").join(key.trim_end_matches("manifest.json"));
    let succeeded = std::fs::read_to_string(dir.join("SUCCEEDED_0.jsonl")).unwrap();
    assert_eq!(manifest["ResultFiles"]["SUCCEEDED"][0]["Size"], succeeded.len());
    let mut outputs: Vec<u64> = succeeded.lines().map(|l| l.parse().expect("an output")).collect();
    outputs.sort_unstable();
    assert_eq!(outputs, (0..ITEMS).filter(|n| n % 1000 != 999).collect::<Vec<_>>());
    let failed: Vec<Value> = std::fs::read_to_string(dir.join("FAILED_0.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(failed.len() as u64, ITEMS / 1000);
    assert!(failed.iter().all(|r| r["Status"] == "FAILED" && r["Error"] == "Item.Odd" && r["Cause"] == format!("item {}", r["Input"].as_str().unwrap())));
    assert!(!dir.join("PENDING_0.jsonl").exists());
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test(start_paused = true)]
async fn results_kept_in_the_output_hold_one_slot_per_child() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let live = Arc::new(Live::default());
    let flow = map_kept::MapKept::with_options(live.clone(), options(None));
    let (out, peak) = measured(items(), |input| flow.start(input)).await;
    assert_eq!(out["kept"].as_array().map(Vec::len), Some(ITEMS as usize));
    assert!(out["kept"].as_array().unwrap().iter().all(Value::is_null));
    drop(out);
    let per_item = peak as f64 / ITEMS as f64;
    eprintln!("distributed Map over {ITEMS} items with a ResultWriter keeping the results (MaxConcurrency 10): {peak} bytes at peak past the input, {per_item:.1} per item");
    // The result array, one `Value` per child; a record per child with its input would be
    // three times that.
    let value = std::mem::size_of::<Value>() as f64;
    assert!(per_item < 1.5 * value, "{per_item:.1} bytes per item (a Value is {value} bytes)");
}
