//! Hostile workflows and inputs at run time: an execution ends with AWS's error, never by
//! aborting the process that hosts it. Each runs in a task on a thread with a tokio worker's
//! 2 MiB stack.

use asl_runtime::json;

asl_runtime::asl!("flows/wrap_input.json");

/// Runs `f`'s future in a task on a 2 MiB thread.
fn on_worker_stack<F: std::future::Future<Output = ()> + Send + 'static>(f: impl FnOnce() -> F + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
            rt.block_on(async move { tokio::spawn(f()).await.unwrap() });
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn a_loop_that_nests_its_input_ends_at_the_payload_limit() {
    on_worker_stack(|| async {
        let e = wrap_input::WrapInput::new(()).start(json!({})).await.unwrap_err();
        assert_eq!(e.error, "States.DataLimitExceeded");
        assert!(e.cause.as_deref().unwrap_or("").contains("'Wrap'"), "{:?}", e.cause);
    });
}
