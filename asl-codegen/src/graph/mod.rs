//! Pictures of a workflow: the state graph, drawn as Mermaid, Graphviz DOT or a self-laid-out SVG.
//!
//! [`Graph::build`] turns the typed [`model`](crate::model) into a format-neutral graph (every
//! scope with its own start and end markers, Choice edges labelled by their rule, Catch edges by
//! their error names, Parallel branches and Map processors as nested scopes). Each renderer lives
//! in its own module: [`mermaid`], [`dot`] and [`svg`] (which uses the layered layout of
//! [`layout`]; no Graphviz needed).

pub mod dot;
#[allow(clippy::module_inception)]
mod graph;
pub mod layout;
pub mod mermaid;
pub mod svg;

pub use graph::{Edge, EdgeKind, Graph, Node, NodeKind, Scope, StateType, rule_text};

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(text: &str) -> Graph {
        let m = crate::check(text).unwrap_or_else(|d| panic!("{d:?}"));
        Graph::build("t", &m, crate::json::parse(text).ok().as_ref())
    }

    fn labels(g: &Graph) -> Vec<String> {
        g.root.edges.iter().filter_map(|e| e.label.clone()).collect()
    }

    #[test]
    fn choice_rules_read_like_conditions() {
        let g = graph(
            r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
                {"Variable":"$.n","NumericGreaterThan":10,"Next":"A"},
                {"Variable":"$.kind","StringEquals":"gift","Next":"A"},
                {"And":[{"Variable":"$.a","NumericLessThanEquals":1.5},{"Not":{"Variable":"$.b","IsPresent":true}}],"Next":"A"},
                {"Variable":"$.x","IsNull":false,"Next":"A"},
                {"Variable":"$.y","StringEqualsPath":"$.z","Next":"A"}
            ],"Default":"A"},"A":{"Type":"Succeed"}}}"#,
        );
        assert_eq!(labels(&g), ["$.n > 10", "$.kind == \"gift\"", "and($.a <= 1.5, not(present($.b)))", "$.x != null", "$.y == $.z", "Default"]);
    }

    #[test]
    fn jsonata_conditions_come_from_the_source() {
        // Drawn from the model as far as it can be read (JSONata support is still partial).
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
                {"Condition":"{% $states.input.n > 10 %}","Next":"A"}],"Default":"A"},"A":{"Type":"Succeed"}}}"#;
        let root = crate::json::parse(text).unwrap();
        let m = crate::parse::machine(&root, text, &mut crate::diagnostic::Diagnostics::default()).unwrap();
        let g = Graph::build("t", &m, Some(&root));
        assert_eq!(labels(&g), ["$states.input.n > 10", "Default"]);
    }

    #[test]
    fn long_labels_are_cut() {
        let g = graph(
            r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:F",
                "Catch":[{"ErrorEquals":["A.Very.Long.Error.Name","Another.Quite.Long.Error.Name"],"Next":"F"}],"End":true},
                "F":{"Type":"Fail"}}}"#,
        );
        let l = labels(&g);
        assert_eq!(l[0].chars().count(), graph::MAX_LABEL);
        assert!(l[0].ends_with('…'));
    }

    #[test]
    fn ids_are_unique_and_plain() {
        let g = graph(
            r#"{"StartAt":"end","States":{"end":{"Type":"Pass","Next":"a b"},"a b":{"Type":"Pass","Next":"a_b"},
                "a_b":{"Type":"Parallel","Branches":[{"StartAt":"1st","States":{"1st":{"Type":"Succeed"}}}],"End":true}}}"#,
        );
        let mut ids = Vec::new();
        for s in g.scopes() {
            ids.extend(s.nodes.iter().map(|n| n.id.clone()));
        }
        assert_eq!(ids, ["_start", "_end", "end_", "a_b", "a_b_2", "a_b_2_b1__start", "a_b_2_b1__end", "s_1st"]);
    }

    #[test]
    fn layout_keeps_boxes_apart_and_edges_on_them() {
        let text = include_str!("../../../examples/order/order.json");
        let g = graph(text);
        let l = layout::layout(&g);
        for (i, a) in l.nodes.iter().enumerate() {
            for b in &l.nodes[i + 1..] {
                let (ra, rb) = (a.rect, b.rect);
                let ix = ra.right().min(rb.right()) - ra.x.max(rb.x);
                let iy = ra.bottom().min(rb.bottom()) - ra.y.max(rb.y);
                let nested = a.node.is_compound() && a.depth < b.depth;
                assert!(ix <= 0.0 || iy <= 0.0 || nested, "{} and {} overlap", a.node.id, b.node.id);
            }
        }
        for e in &l.edges {
            let (p0, p1) = (e.points[0], *e.points.last().unwrap());
            let on = |r: layout::Rect, p: (f64, f64)| (p.1 - r.y).abs() < 1e-6 || (p.1 - r.bottom()).abs() < 1e-6 || (p.0 - r.right()).abs() < 1e-6;
            assert!(on(e.from, p0) && on(e.to, p1), "{:?}", e.points);
        }
        assert!(l.width > 200.0 && l.height > 300.0);
    }
}
