//! Shared by the fuzz targets.

/// Runs `f` on a thread with a 2 MiB stack, a tokio worker's: libFuzzer calls targets on the
/// main thread, whose 8 MiB stack would hide the overflows these targets look for. A panic in
/// `f` is passed on, so libFuzzer reports it as a crash.
pub fn on_worker_stack<F: FnOnce() + Send>(f: F) {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new().stack_size(2 << 20).spawn_scoped(s, f).expect("a thread");
        if let Err(panic) = worker.join() {
            std::panic::resume_unwind(panic);
        }
    });
}
