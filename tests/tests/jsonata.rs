//! A JSONata workflow: Arguments, Output, Assign, Condition, expression Wait and Fail fields.

use asl_runtime::{Failure, TaskContext, Value, json};
use tokio::time::Instant;

asl_runtime::asl!("flows/jsonata.json");

struct Prices;

impl jsonata::Tasks for Prices {
    async fn price(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        assert_eq!(input["note"], "literal");
        let prices: Vec<f64> = input["items"].as_array().unwrap().iter().map(|q| q.as_f64().unwrap() * 2.5).collect();
        Ok(json!({ "prices": prices }))
    }
}

#[tokio::test(start_paused = true)]
async fn jsonata_states_end_to_end() {
    let start = Instant::now();
    let out = jsonata::Jsonata::new(Prices).start(json!({"basket": {"qty": [2, 4]}})).await.unwrap();
    assert_eq!(out, json!({"summary": "total 15 for 2 lines", "was": {"big": true, "total": 15}}));
    assert_eq!(start.elapsed().as_secs(), 120);

    let e = jsonata::Jsonata::new(Prices).start(json!({"basket": {"qty": [1]}})).await.unwrap_err();
    assert_eq!((e.error.as_str(), e.cause.as_deref()), ("Basket.Small", Some("only 2.5")));
}

#[tokio::test]
async fn undefined_results_are_query_evaluation_errors() {
    let e = jsonata::Jsonata::new(Prices).start(json!({"basket": {}})).await.unwrap_err();
    assert_eq!(e.error, "States.QueryEvaluationError");
    assert_eq!(
        e.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Price' (entered at the event id #2). The JSONata expression '$states.input.basket.qty' specified for the field 'Arguments/items' returned nothing (undefined)."
        )
    );
}

asl_runtime::asl!("flows/nested_items.json");

/// `"Items": [1, "{% $number('2') %}", 3]` gives `[1, 2, 3]`: expressions nested in the array
/// (and in its objects and arrays) are evaluated, the other values kept as written.
#[tokio::test]
async fn map_items_evaluate_expressions_at_any_depth() {
    let out = nested_items::NestedItems::new(()).start(json!({"n": 7})).await.unwrap();
    assert_eq!(out, json!([1, 2, 3, {"n": 7, "list": [8]}, "literal %"]));
    // An expression that fails names the field, as every JSONata field does.
    let e = nested_items::NestedItems::new(()).start(json!({})).await.unwrap_err();
    assert_eq!(e.error, "States.QueryEvaluationError");
    assert!(e.cause.as_deref().unwrap().contains("specified for the field 'Items/n' returned nothing (undefined)"), "{e:?}");
}
