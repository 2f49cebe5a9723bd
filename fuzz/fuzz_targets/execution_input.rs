//! Execution inputs: any JSON text as the input of compiled workflows (JSONPath and JSONata,
//! Choice rules, Pass templates, variables, intrinsics, a distributed Map's batches and result
//! writing), run to their end.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

asl_runtime::asl!("../tests/flows/choice.json");
asl_runtime::asl!("../tests/flows/pass.json");
asl_runtime::asl!("../tests/flows/assign.json");
asl_runtime::asl!("../tests/flows/choice_nomatch.json");
asl_runtime::asl!("flows/map_batches.json");

fuzz_target!(|data: &[u8]| {
    common::on_worker_stack(|| {
        // serde_json's own nesting limit applies, as for any input handed to an execution
        let Ok(input) = serde_json::from_slice::<serde_json::Value>(data) else { return };
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
        rt.block_on(async {
            let _ = choice::Choice::new(()).start(input.clone()).await;
            let _ = pass::Pass::new(()).start(input.clone()).await;
            let _ = assign::Assign::new(()).start(input.clone()).await;
            let _ = choice_nomatch::ChoiceNomatch::new(()).start(input.clone()).await;
            let _ = map_batches::MapBatches::new(()).start(input).await;
        });
    });
});
