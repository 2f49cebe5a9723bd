//! `asl graph`: golden Mermaid and DOT for the examples, SVG sanity, and every conformance
//! workflow drawn in all three formats.

mod common;

use std::path::Path;

use common::*;

/// Golden files: `tests/golden/<name>.mmd|.dot`. Rewrite them with `ASL_BLESS=1 cargo test -p asl-cli`.
fn golden(name: &str, ext: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.{ext}"));
    if std::env::var_os("ASL_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {}; run with ASL_BLESS=1", path.display()));
    assert!(expected == actual, "{} differs (run with ASL_BLESS=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}", path.display());
}

const PICTURED: &[&str] = &["examples/order/order.json", "examples/approval/approval.json", "examples/fanout/fanout.json", "asl-cli/tests/flows/complex.json"];

fn stem(p: &str) -> &str {
    Path::new(p).file_stem().unwrap().to_str().unwrap()
}

#[test]
fn mermaid_and_dot_are_pinned() {
    for flow in PICTURED {
        for (format, ext) in [("mermaid", "mmd"), ("dot", "dot")] {
            let o = asl(&["graph", flow, "--format", format]);
            assert!(o.status.success(), "{flow}: {}", stderr(&o));
            assert!(stderr(&o).is_empty(), "{flow}: {}", stderr(&o));
            golden(stem(flow), ext, &stdout(&o));
        }
    }
}

#[test]
fn choice_and_catch_edges_are_labelled() {
    let o = asl(&["graph", "asl-cli/tests/flows/complex.json"]);
    let mmd = stdout(&o);
    for want in [
        r#"Job_done -->|"$.status.state == #quot;RUNNING#quot;"| Wait_for_job"#,
        r#"-->|"or($.status.items #gt; 1000, not($.status.small ==…"| Process_items"#,
        r#"-->|"$.status.finished #lt; $.deadline"| Summarise"#,
        r#"Job_done -->|"Default"| Summarise"#,
        r#"Poll -.->|"Job.Lost, States.Timeout"| Submit"#,
        r#"Poll -.->|"Poll.Flaky"| Poll"#,
        "subgraph Process_items[\"Process items (Map)\"]",
        "subgraph Split_b2[\"Branch 2\"]",
    ] {
        assert!(mmd.contains(want), "missing `{want}` in\n{mmd}");
    }
    let dot = stdout(&asl(&["graph", "examples/order/order.json", "--format", "dot"]));
    assert!(dot.contains(r##""Fulfil_b1__end" -> "PaymentDeclined" [label="Payment.Declined", style=dashed"##), "{dot}");
    assert!(dot.contains(r#"lhead="cluster_Fulfil""#), "{dot}");
}

#[test]
fn svg_pictures_are_sane() {
    for flow in PICTURED {
        let o = asl(&["graph", flow, "--format", "svg"]);
        assert!(o.status.success(), "{flow}: {}", stderr(&o));
        let svg = parse_svg(&stdout(&o));
        check_geometry(flow, &svg);
        assert!(svg.boxes.len() >= 4, "{flow}: too few boxes");
        assert!(!svg.edges.is_empty());
    }
}

#[test]
fn svg_writes_to_a_file() {
    let dir = std::env::temp_dir().join(format!("asl-cli-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("order.svg");
    let o = asl(&["graph", "examples/order/order.json", "--format", "svg", "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    well_formed(&std::fs::read_to_string(&out).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every workflow of the conformance suite (`tests/conformance/corpus/cases/*/definition.json`),
/// in all three formats. Workflows the compiler rejects are still drawn.
#[test]
fn every_conformance_workflow_is_drawn() {
    let cases = root().join("tests/conformance/corpus/cases");
    assert!(cases.is_dir(), "no conformance cases at {}", cases.display());
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&cases).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for dir in entries {
        let def = dir.join("definition.json");
        if !def.is_file() {
            continue;
        }
        let def = def.to_str().unwrap();
        for format in ["mermaid", "dot", "svg"] {
            let o = asl(&["graph", def, "--format", format]);
            assert!(o.status.success(), "{def} ({format}): {}", stderr(&o));
            let text = stdout(&o);
            match format {
                "mermaid" => assert!(text.starts_with("flowchart TD\n") && text.contains("_start")),
                "dot" => assert!(text.starts_with("digraph ") && text.trim_end().ends_with('}')),
                _ => check_geometry(def, &parse_svg(&text)),
            }
        }
        n += 1;
    }
    assert!(n > 100, "only {n} conformance workflows found");
}
