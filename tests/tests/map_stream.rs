//! A Map over a huge array streams its iterations: at most `MaxConcurrency` of them are alive
//! at once (counted in the task handler), inline, distributed and in batches, and the memory
//! the Map holds per item is its result slot, measured here with a counting allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::{ExecutionOptions, Failure, TaskContext, Value, json};

asl_runtime::asl!("flows/map_stream.json");
asl_runtime::asl!("flows/map_null.json");

/// One test at a time: the allocator's counts are the process's.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The heap in use and its peak, over the whole test binary.
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

/// Counts the iterations alive in the handler and the most at once.
#[derive(Default)]
struct Live {
    now: AtomicUsize,
    most: AtomicUsize,
    calls: AtomicUsize,
}

impl Live {
    async fn hold(&self, n: u64) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        self.calls.fetch_add(1, Ordering::SeqCst);
        // uneven durations, so iterations finish out of order
        tokio::time::sleep(Duration::from_millis(1 + n % 7)).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl map_null::Tasks for Arc<Live> {
    async fn nothing(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        self.hold(0).await;
        Ok(Value::Null)
    }
}

impl map_stream::Tasks for Arc<Live> {
    async fn work(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let n = input.as_u64().unwrap_or(0);
        self.hold(n).await;
        Ok(json!(n * 2))
    }

    async fn batch(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let items = input["Items"].as_array().map_or(0, Vec::len) as u64;
        self.hold(items).await;
        Ok(json!(items))
    }
}

const ITEMS: u64 = 200_000;

/// The machine without AWS's 256 KiB payload limit: 200,000 items are more than an inline Map's
/// input may hold on AWS (where such arrays come from an `ItemReader`), and the results more
/// than its output.
fn machine(live: &Arc<Live>) -> map_stream::MapStream<Arc<Live>> {
    map_stream::MapStream::with_options(live.clone(), ExecutionOptions { max_payload_bytes: None, ..Default::default() })
}

#[tokio::test(start_paused = true)]
async fn a_map_over_200_000_items_keeps_at_most_max_concurrency_iterations_alive() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let live = Arc::new(Live::default());
    let flow = machine(&live);
    let items: Vec<u64> = (0..ITEMS).collect();
    let out = flow.start(json!({ "items": items, "concurrency": 10 })).await.expect("succeeds");
    assert_eq!(live.most.load(Ordering::SeqCst), 10, "MaxConcurrency 10 reached, never passed");
    assert_eq!(live.calls.load(Ordering::SeqCst) as u64, 2 * ITEMS + ITEMS / 100);
    // results in item order, whatever order the iterations ended in
    for key in ["inline", "distributed"] {
        let results = out[key].as_array().expect("an array");
        assert_eq!(results.len() as u64, ITEMS);
        assert!(results.iter().enumerate().all(|(i, v)| v.as_u64() == Some(2 * i as u64)), "{key} in order");
    }
    let batches = out["batched"].as_array().expect("an array");
    assert_eq!(batches.len() as u64, ITEMS / 100);
    assert!(batches.iter().all(|b| b == &json!(100)));
}

/// The heap a Map holds per item past its input: its result slot and result, not a future,
/// copy or record per item. Measured on an inline Map whose iterations return `null` (the
/// slot alone) with MaxConcurrency 10; printed for the README.
#[tokio::test(start_paused = true)]
async fn an_inline_map_holds_one_result_slot_per_item() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let live = Arc::new(Live::default());
    let flow = map_null::MapNull::with_options(live.clone(), ExecutionOptions { max_payload_bytes: None, ..Default::default() });
    let items: Vec<u64> = (0..ITEMS).collect();
    let input = json!({ "items": items, "concurrency": 10 });
    let input_bytes = IN_USE.load(Ordering::SeqCst);
    PEAK.store(input_bytes, Ordering::SeqCst);
    let out = flow.start(input).await.expect("succeeds");
    let peak = PEAK.load(Ordering::SeqCst) - input_bytes;
    assert_eq!(out["results"].as_array().map(Vec::len), Some(ITEMS as usize));
    assert_eq!(live.most.load(Ordering::SeqCst), 10);
    drop(out);
    let per_item = peak as f64 / ITEMS as f64;
    eprintln!("inline Map over {ITEMS} items, MaxConcurrency 10: {peak} bytes at peak past the input, {per_item:.1} per item");
    // the result array (one `Value` per item; its vector may double while growing) and the
    // results themselves; a future or an input copy per item would be hundreds of bytes more
    let value = std::mem::size_of::<Value>() as f64;
    assert!(per_item < 4.0 * value, "{per_item:.1} bytes per item (a Value is {value} bytes)");
}
