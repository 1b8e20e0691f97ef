//! Reads a large YAML document in two parts, one on another thread.
//!
//! A YAML parser reads about 45 MB/s, and a large spec's text is read
//! before anything else can start: it is on the critical path of a
//! generation. The text is cut before a mapping key's line near its middle
//! (`    Pet:`, under `components:` and `  schemas:`), the second part read
//! after copies of those parent key lines, and the two read as mappings
//! merged along them. A cut is only made where the parents are all keys
//! with nothing after the colon, so it cannot fall inside a block or
//! quoted scalar or a flow collection (their first line has something
//! after the colon); where aliases are, it comes before the first anchor,
//! so an alias never lands apart from its anchor. Whenever the parts could
//! read differently from the whole (either does not read, or is not a
//! mapping, a key is in both, the text holds several documents), this
//! gives up and the caller reads the whole text, with its errors' line and
//! column.

use serde_json::{Map, Value};

/// Below this size a thread costs more than the part it reads.
const MIN_BYTES: usize = 256 << 10;

/// `text` read as YAML in two parts when it is large and can be cut;
/// else `None` (the caller reads it whole).
pub(crate) fn parse(text: &str, to_json: fn(serde_yaml::Value) -> Value) -> Option<Value> {
    if text.len() < MIN_BYTES {
        return None;
    }
    let Cut { at, parents } = cut(text)?;
    let second = format!("{}{}", parents.concat(), &text[at..]);
    let read = |part: &str| match serde_yaml::from_str::<serde_yaml::Value>(part) {
        Ok(value @ serde_yaml::Value::Mapping(_)) => match to_json(value) {
            Value::Object(map) => Some(map),
            _ => None,
        },
        _ => None,
    };
    let (first, second) = crate::at_once("read YAML", || read(&text[..at]), || read(&second));
    let keys: Vec<&str> = parents.iter().map(|line| line.trim().trim_end_matches(':')).collect();
    merge(first?, second?, &keys).map(Value::Object)
}

/// Where to cut, and the lines of the keys the cut line sits under.
struct Cut<'t> {
    at: usize,
    parents: Vec<&'t str>,
}

/// The cut nearest the middle of `text` (before its first anchor when it
/// has aliases): the start of a key's line whose parent lines are all
/// bare keys. None when the text marks documents of its own (`---`,
/// `...` or a directive past its first line), or has no such line.
fn cut(text: &str) -> Option<Cut<'_>> {
    let limit = if has_alias(text) { first_anchor(text).unwrap_or(text.len()) } else { text.len() };
    let middle = text.len() / 2;
    let mut best: Option<Cut<'_>> = None;
    // The lines each line sits under: (indentation, is a bare key, line).
    let mut open: Vec<(usize, bool, &str)> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let at = start;
        start += line.len();
        if at > 0 && (line.starts_with("---") || line.starts_with("...") || line.starts_with('%')) {
            return None;
        }
        let content = line.trim_start_matches(' ');
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        while open.last().is_some_and(|(above, _, _)| *above >= indent) {
            open.pop();
        }
        let closer = |best: &Option<Cut<'_>>| best.as_ref().is_none_or(|best| at.abs_diff(middle) < best.at.abs_diff(middle));
        if at > 0 && at < limit && is_key(content) && open.iter().all(|(_, bare, _)| *bare) && closer(&best) {
            best = Some(Cut { at, parents: open.iter().map(|(_, _, line)| *line).collect() });
        }
        open.push((indent, is_bare_key(content), line));
    }
    best
}

/// Whether `content` (a line without its indentation) starts a mapping
/// entry with a plain key: a letter, digit, `_`, `$`, `/` or `.` first,
/// and a `:` followed by a space or the line's end.
fn is_key(content: &str) -> bool {
    let plain = content.as_bytes().first().is_some_and(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'$' | b'/' | b'.'));
    let line = content.trim_end();
    plain && (line.ends_with(':') || line.contains(": "))
}

/// Whether `content` is a plain key with nothing after its colon (`schemas:`).
fn is_bare_key(content: &str) -> bool {
    let line = content.trim_end();
    is_key(content) && line.ends_with(':') && !line[..line.len() - 1].contains(": ") && !line.contains(['#', '&', '*', '!', '"', '\''])
}

/// Whether `text` may hold an alias (`*name` after `: ` or `- `).
fn has_alias(text: &str) -> bool {
    text.contains(": *") || text.contains("- *")
}

/// Where the first anchor (`&name` after `: ` or `- `) may be.
fn first_anchor(text: &str) -> Option<usize> {
    [text.find(": &"), text.find("- &")].into_iter().flatten().min()
}

/// The entries of both parts, merged along the `parents` keys (the first
/// part may hold a parent without entries yet: null); none when any other
/// key is in both (the whole text would be refused for it).
fn merge(mut first: Map<String, Value>, second: Map<String, Value>, parents: &[&str]) -> Option<Map<String, Value>> {
    for (key, value) in second {
        match (first.get_mut(&key), parents.first()) {
            (None, _) => {
                first.insert(key, value);
            }
            (Some(slot), Some(parent)) if *parent == key => match (slot, value) {
                (Value::Object(inner), Value::Object(more)) => {
                    let merged = merge(std::mem::take(inner), more, &parents[1..])?;
                    *inner = merged;
                }
                (slot @ Value::Null, value) => *slot = value,
                _ => return None,
            },
            (Some(_), _) => return None,
        }
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Value {
        crate::load::to_json(serde_yaml::from_str(text).unwrap())
    }

    /// A spec-shaped document: `count` schemas under `components:` /
    /// `  schemas:`, then `paths:`, large enough to be cut.
    fn spec(count: usize, extra: &str) -> String {
        let filler = "x".repeat(200);
        let schemas: String = (0..count).map(|index| format!("    Schema{index}:\n      description: {filler}\n      type: object\n")).collect();
        format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\ncomponents:\n  schemas:\n{schemas}{extra}paths:\n  /a:\n    get:\n      responses: {{}}\n")
    }

    #[test]
    fn a_large_document_read_in_parts_equals_it_read_whole() {
        let text = spec(2000, "");
        assert!(text.len() > MIN_BYTES);
        let cut = cut(&text).expect("a cut");
        assert!(cut.parents.starts_with(&["components:\n", "  schemas:\n"]), "{:?}", cut.parents);
        assert!(cut.at.abs_diff(text.len() / 2) < 300, "near the middle");
        assert_eq!(parse(&text, crate::load::to_json).expect("read in parts"), whole(&text));
    }

    #[test]
    fn with_aliases_the_cut_comes_before_the_first_anchor() {
        let anchored = spec(2000, "").replacen("      type: object\n", "      type: object\n      example: &shared {a: 1}\n", 300);
        let text = anchored.replace("paths:\n", "x-uses:\n  one: *shared\npaths:\n");
        let cut = cut(&text).expect("a cut");
        assert!(cut.at < text.find("&shared").unwrap());
        assert_eq!(parse(&text, crate::load::to_json).expect("read in parts"), whole(&text));
    }

    #[test]
    fn no_cut_falls_under_a_line_that_is_not_a_bare_key() {
        // Key-like lines inside a block scalar and a quoted scalar.
        let lines: String = (0..20_000).map(|index| format!("  line{index}: {index}\n")).collect();
        for text in [format!("description: |\n{lines}"), format!("description: \"start\n{lines}\"\n")] {
            assert!(text.len() > MIN_BYTES);
            assert!(cut(&text).is_none(), "cut at {:?}", cut(&text).map(|cut| cut.at));
            assert_eq!(parse(&text, crate::load::to_json), None);
            assert!(whole(&text).get("description").is_some());
        }
    }

    #[test]
    fn parts_that_could_read_differently_give_up() {
        let text = spec(2000, "");
        // A key in both parts (the whole text is refused for it).
        let twice = text.replace("paths:\n", "openapi: again\npaths:\n");
        assert_eq!(parse(&twice, crate::load::to_json), None);
        // Several documents.
        let documents = format!("{text}---\nother: 1\n");
        assert_eq!(parse(&documents, crate::load::to_json), None);
        // Small texts are read whole.
        assert_eq!(parse("a: 1\nb: 2\n", crate::load::to_json), None);
    }

    #[test]
    fn parents_merge_with_a_first_part_that_holds_them_empty() {
        let first = serde_json::json!({"components": {"schemas": null}, "openapi": "3.0.3"});
        let second = serde_json::json!({"components": {"schemas": {"A": {}}}, "paths": {}});
        let (Value::Object(first), Value::Object(second)) = (first, second) else { unreachable!() };
        let merged = merge(first, second, &["components", "schemas"]).unwrap();
        assert_eq!(Value::Object(merged), serde_json::json!({"components": {"schemas": {"A": {}}}, "openapi": "3.0.3", "paths": {}}));
    }

    #[test]
    fn every_yaml_spec_of_the_corpus_reads_the_same_in_parts() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec-corpus/openapi3");
        let Ok(files) = std::fs::read_dir(&corpus) else { return };
        let mut cut = 0;
        for file in files.flatten() {
            let path = file.path();
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            if let Some(value) = parse(&text, crate::load::to_json) {
                assert_eq!(value, whole(&text), "{}", path.display());
                cut += 1;
            }
        }
        assert!(cut >= 2, "the corpus's two large YAML specs are read in parts ({cut})");
    }
}
