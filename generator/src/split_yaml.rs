//! Reads a large YAML document in two parts, one on another thread.
//!
//! A YAML parser reads about 45 MB/s, and a large spec's text is read
//! before anything else can start: it is on the critical path of a
//! generation. The text is cut before a mapping key's line near its
//! middle line (`    Pet:`, under `components:` and `  schemas:`), the
//! second part read after copies of those parent key lines, and the two
//! read as mappings merged along them. A cut is only made where the parents are all keys
//! with nothing after the colon, so it cannot fall inside a block or
//! quoted scalar or a flow collection (their first line has something
//! after the colon).
//!
//! Where aliases are, the anchors of the first part go with the second:
//! each anchor's lines (the line of its `key: &name`, and those under it)
//! are copied to the head of the second part under a key of their own,
//! and both parts end or start with `check: *name`: the two must read
//! the same, or the copy missed something. Anchors that cannot be copied
//! so (a block scalar, a name used twice, too many) keep the cut before
//! the first anchor. Whenever the parts could read differently from the
//! whole (either does not read, or is not a mapping, a key is in both, an
//! anchor's copy reads differently, the text holds several documents),
//! this gives up and the caller reads the whole text, with its errors'
//! line and column.

use serde_json::{Map, Value};

/// Below this size a thread costs more than the part it reads.
const MIN_BYTES: usize = 256 << 10;

/// `text` read as YAML in two parts when it is large and can be cut;
/// else `None` (the caller reads it whole).
pub(crate) fn parse(text: &str, to_json: fn(serde_yaml::Value) -> Value) -> Option<Value> {
    if text.len() < MIN_BYTES {
        return None;
    }
    read_parts(text, cut(text)?, to_json)
}

/// `text` read in two parts, cut as `cut` says.
fn read_parts(text: &str, cut: Cut<'_>, to_json: fn(serde_yaml::Value) -> Value) -> Option<Value> {
    let Cut { at, parents, anchors } = cut;
    let checks: String = anchors.iter().enumerate().map(|(index, anchor)| format!("{CHECK}{index}: *{}\n", anchor.name)).collect();
    let copies: String = anchors.iter().enumerate().map(|(index, anchor)| format!("{COPY}{index}:\n{}", anchor.lines)).collect();
    let first = if anchors.is_empty() { std::borrow::Cow::Borrowed(&text[..at]) } else { format!("{}{checks}", &text[..at]).into() };
    let second = format!("{copies}{checks}{}{}", parents.concat(), &text[at..]);
    let read = |part: &str| match serde_yaml::from_str::<serde_yaml::Value>(part) {
        Ok(value @ serde_yaml::Value::Mapping(_)) => match to_json(value) {
            Value::Object(map) => Some(map),
            _ => None,
        },
        _ => None,
    };
    let (first, second) = crate::at_once(|| read(&first), || read(&second));
    let (mut first, mut second) = (first?, second?);
    for index in 0..anchors.len() {
        let check = format!("{CHECK}{index}");
        if first.remove(&check)? != second.remove(&check)? {
            return None;
        }
        second.remove(&format!("{COPY}{index}"))?;
    }
    let keys: Vec<&str> = parents.iter().map(|line| line.trim().trim_end_matches(':')).collect();
    merge(first, second, &keys).map(Value::Object)
}

/// The keys under which an anchor's copy, and the check that it reads as
/// the original, are added to the parts (numbered, in anchor order).
const COPY: &str = "x-split-yaml-anchor-";
const CHECK: &str = "x-split-yaml-check-";

/// Past this many anchors in the first part, the cut comes before them.
const MAX_COPIES: usize = 64;

/// Where to cut, the lines of the keys the cut line sits under, and the
/// anchors before the cut that the second part needs.
struct Cut<'t> {
    at: usize,
    parents: Vec<&'t str>,
    anchors: Vec<Anchor<'t>>,
}

/// The cut nearest the middle of `text`, with copies of the anchors before
/// it when the text has aliases; where they cannot be copied, the cut
/// nearest the middle before the first anchor.
fn cut(text: &str) -> Option<Cut<'_>> {
    if text.contains(COPY) || text.contains(CHECK) {
        return None;
    }
    if !has_alias(text) {
        return nearest_middle(text, text.len());
    }
    let copied = nearest_middle(text, text.len()).and_then(|cut| {
        let anchors = copyable_anchors(text, cut.at)?;
        Some(Cut { anchors, ..cut })
    });
    copied.or_else(|| nearest_middle(text, first_anchor(text).unwrap_or(text.len())))
}

/// The start of a key's line nearest the middle line of `text` (the
/// parser's time goes by lines more than by bytes) and before `limit`,
/// whose parent lines are all bare keys. None when the text marks
/// documents of its own (`---`, `...` or a directive past its first
/// line), or has no such line.
fn nearest_middle(text: &str, limit: usize) -> Option<Cut<'_>> {
    let rows = text.bytes().filter(|byte| *byte == b'\n').count();
    // Lines within an eighth of the text around the middle one first (a
    // large document has many there); the others only when none will do.
    nearest_middle_within(text, limit, rows / 2, rows / 8).or_else(|| nearest_middle_within(text, limit, rows / 2, rows))
}

/// [`nearest_middle`] among the lines at most `window` lines from the
/// `middle` one.
fn nearest_middle_within(text: &str, limit: usize, middle: usize, window: usize) -> Option<Cut<'_>> {
    let mut best: Option<(usize, Cut<'_>)> = None;
    // The lines each line sits under: (indentation, line).
    let mut open: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for (row, line) in text.split_inclusive('\n').enumerate() {
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
        while open.last().is_some_and(|(above, _)| *above >= indent) {
            open.pop();
        }
        let closer = row.abs_diff(middle) <= window && best.as_ref().is_none_or(|(best, _)| row.abs_diff(middle) < best.abs_diff(middle));
        if closer && at > 0 && at < limit && is_key(content) && open.iter().all(|(_, parent)| is_bare_key(parent.trim_start_matches(' '))) {
            best = Some((row, Cut { at, parents: open.iter().map(|(_, parent)| *parent).collect(), anchors: Vec::new() }));
        }
        open.push((indent, line));
    }
    best.map(|(_, cut)| cut)
}

/// An anchor and the lines that hold its node.
struct Anchor<'t> {
    name: &'t str,
    lines: &'t str,
}

/// The anchors of `text` before `end`, each with its lines: those of
/// `key: &name ...` or `- &name ...` and the lines under it (more
/// indented, or items of a sequence at its key's indentation). None when
/// one cannot be copied so: its node is a block scalar (whose trailing
/// blank lines may count), it is a top-level key's (its copy would be
/// one), its name is not used once in all the text, or there are more
/// than [`MAX_COPIES`].
fn copyable_anchors(text: &str, end: usize) -> Option<Vec<Anchor<'_>>> {
    let head = &text[..end];
    let mut anchors = Vec::new();
    // The lines with an `&` (found without going through every line).
    let mut lines: Vec<usize> = head.match_indices('&').map(|(at, _)| head[..at].rfind('\n').map_or(0, |newline| newline + 1)).collect();
    lines.dedup();
    for at in lines {
        let line = &head[at..head[at..].find('\n').map_or(head.len(), |len| at + len + 1)];
        let Some(name) = anchor_name(line) else { continue };
        let after = line[line.find(&format!("&{name}"))? + 1 + name.len()..].trim_start();
        let used_once = text.match_indices(&format!("&{name}")).filter(|(at, _)| !text[at + 1 + name.len()..].starts_with(is_name_char)).count() == 1;
        let top_level_key = !line.starts_with([' ', '-']);
        if after.starts_with(['|', '>']) || !used_once || top_level_key || anchors.len() == MAX_COPIES {
            return None;
        }
        anchors.push(Anchor { name, lines: &text[at..node_end(text, at, line)] });
    }
    Some(anchors)
}

/// The name of the anchor `line` sets after `: ` or `- `, if any.
fn anchor_name(line: &str) -> Option<&str> {
    let at = [line.find(": &"), line.find("- &")].into_iter().flatten().min()? + 3;
    let name = &line[at..line[at..].find(|c: char| !is_name_char(c)).map_or(line.len(), |len| at + len)];
    (!name.is_empty()).then_some(name)
}

/// Whether `c` may be part of an anchor's name here (YAML allows more,
/// which then is not copied: its name is not found used once).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Where the node that starts on `line` (at `at` in `text`) ends: after
/// the last of the following lines that are more indented, or are items
/// of a sequence at the indentation of the line's key (blank and comment
/// lines count when such a line follows them).
fn node_end(text: &str, at: usize, line: &str) -> usize {
    let content = line.trim_start_matches(' ');
    let indent = line.len() - content.len();
    let key_may_hold_items = !content.starts_with("- ");
    let mut end = at + line.len();
    let mut start = end;
    for next in text[end..].split_inclusive('\n') {
        start += next.len();
        let inner = next.trim_start_matches(' ');
        if inner.trim().is_empty() || inner.starts_with('#') {
            continue;
        }
        let depth = next.len() - inner.len();
        if depth > indent || (depth == indent && key_may_hold_items && inner.starts_with("- ")) {
            end = start;
        } else {
            break;
        }
    }
    end
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

    /// Whether `at` starts one of the lines around the middle one.
    fn near_the_middle_line(text: &str, at: usize) -> bool {
        text[..at].matches('\n').count().abs_diff(text.matches('\n').count() / 2) <= 3
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
        assert!(near_the_middle_line(&text, cut.at));
        assert_eq!(parse(&text, crate::load::to_json).expect("read in parts"), whole(&text));
    }

    /// [`spec`] with `example: &shared ...` in schema `at` (its lines
    /// after `example:`) and an alias to it after the schemas.
    fn anchored(at: usize, example: &str) -> String {
        let text = spec(2000, "x-uses:\n  one: *shared\n");
        let schema = format!("    Schema{at}:\n");
        text.replacen(&schema, &format!("{schema}      example: &shared{example}"), 1)
    }

    #[test]
    fn with_aliases_the_anchors_before_the_cut_go_with_the_second_part() {
        for example in [" {a: 1}\n", "\n        a: 1\n        b: [2, 3]\n\n        # comment\n        c: *nested\n", "\n      - 1\n      - two\n"] {
            let nested = if example.contains("*nested") { "      x-other: &nested 7\n" } else { "" };
            let text = anchored(300, example).replacen("    Schema200:\n", &format!("    Schema200:\n{nested}"), 1);
            let cut = cut(&text).expect("a cut");
            assert!(near_the_middle_line(&text, cut.at));
            let names: Vec<&str> = cut.anchors.iter().map(|anchor| anchor.name).collect();
            assert_eq!(names, if nested.is_empty() { vec!["shared"] } else { vec!["nested", "shared"] });
            assert_eq!(parse(&text, crate::load::to_json).expect("read in parts"), whole(&text), "{example:?}");
        }
    }

    #[test]
    fn anchors_that_cannot_be_copied_keep_the_cut_before_the_first_anchor() {
        let block_scalar = anchored(300, " |\n        text\n\n");
        let named_twice = anchored(300, " 1\n").replacen("    Schema400:\n", "    Schema400:\n      example: &shared 2\n", 1);
        for text in [block_scalar, named_twice] {
            let cut = cut(&text).expect("a cut");
            assert!(cut.at < text.find("&shared").unwrap() && cut.anchors.is_empty());
            assert_eq!(parse(&text, crate::load::to_json).expect("read in parts"), whole(&text));
        }
    }

    #[test]
    fn a_copy_that_reads_differently_from_its_anchor_gives_up() {
        let text = anchored(300, "\n        a: 1\n        b: 2\n");
        let mut cut = cut(&text).expect("a cut");
        assert_eq!(cut.anchors.len(), 1);
        let lines = cut.anchors[0].lines;
        // The copy without its last line.
        cut.anchors[0].lines = &lines[..lines.trim_end().rfind('\n').unwrap() + 1];
        assert_eq!(read_parts(&text, cut, crate::load::to_json), None);
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
