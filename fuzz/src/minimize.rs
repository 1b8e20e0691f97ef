//! Greedy minimisation of a failing input: removes JSON subtrees (largest
//! first, top-down) for as long as the failure still reproduces.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::mutate::{remove, Step};

/// The smallest document found (pretty JSON) on which `fails` still holds,
/// or `None` when `text` is not a document (a damaged text) or `fails`
/// does not hold on it as parsed. Stops after `budget`.
pub fn minimize(text: &str, fails: impl Fn(&str) -> bool, budget: Duration) -> Option<String> {
    let started = Instant::now();
    let spec = generator::SpecSource { label: crate::LABEL.to_owned(), slug: "fuzz".to_owned(), text: text.to_owned() };
    let mut document = generator::load::parse(&spec).ok()?;
    let render = |document: &Value| serde_json::to_string_pretty(document).unwrap_or_default();
    if !fails(&render(&document)) {
        return None;
    }
    loop {
        let mut progressed = false;
        for path in paths(&document) {
            if started.elapsed() > budget {
                return Some(render(&document));
            }
            let mut candidate = document.clone();
            if remove(&mut candidate, &path) && fails(&render(&candidate)) {
                document = candidate;
                progressed = true;
                break;
            }
        }
        if !progressed {
            return Some(render(&document));
        }
    }
}

/// Every node's path, parents before children (breadth first), so that
/// whole subtrees are tried before their parts.
fn paths(document: &Value) -> Vec<Vec<Step>> {
    let mut found = Vec::new();
    let mut level: Vec<(Vec<Step>, &Value)> = vec![(Vec::new(), document)];
    while !level.is_empty() {
        let mut next = Vec::new();
        for (path, node) in level {
            let children: Vec<(Step, &Value)> = match node {
                Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
                Value::Array(items) => items.iter().enumerate().map(|(i, v)| (Step::Index(i), v)).collect(),
                _ => Vec::new(),
            };
            for (step, child) in children {
                let mut child_path = path.clone();
                child_path.push(step);
                found.push(child_path.clone());
                next.push((child_path, child));
            }
        }
        level = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_what_the_failure_needs() {
        let text = r#"{"a": {"b": [1, 2, {"needle": true}], "c": "x"}, "d": 4}"#;
        let minimal = minimize(text, |t| t.contains("needle"), Duration::from_secs(10)).unwrap_or_default();
        let value: Value = serde_json::from_str(&minimal).unwrap_or_default();
        assert_eq!(value, serde_json::json!({"a": {"b": [{"needle": true}]}}));
    }

    #[test]
    fn gives_up_on_inputs_that_do_not_fail() {
        assert_eq!(minimize("{}", |_| false, Duration::from_secs(1)), None);
        assert_eq!(minimize("{", |_| true, Duration::from_secs(1)), None);
    }
}
