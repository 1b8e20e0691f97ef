//! Small edits of token streams, made before syn parses them: finding a
//! module's items and telling tokens apart (`builder_sends.rs` and
//! `builder_tail.rs` cut progenitor's output this way).

use proc_macro2::{Delimiter, Group, TokenTree};

/// Runs `edit` on the items of `mod <name> { .. }` among `trees` (at the
/// top level), and puts the edited items back.
pub fn module_body<T>(trees: &mut [TokenTree], name: &str, edit: impl FnOnce(&mut Vec<TokenTree>) -> Option<T>) -> Option<T> {
    let at = trees
        .windows(3)
        .position(|window| is_ident(&window[0], "mod") && is_ident(&window[1], name) && is_group(&window[2], Delimiter::Brace))?
        + 2;
    let TokenTree::Group(group) = &trees[at] else { return None };
    let mut items: Vec<TokenTree> = group.stream().into_iter().collect();
    let edited = edit(&mut items)?;
    let mut replacement = Group::new(Delimiter::Brace, items.into_iter().collect());
    replacement.set_span(group.span());
    trees[at] = TokenTree::Group(replacement);
    Some(edited)
}

/// Whether `tree` is the identifier `name`.
pub fn is_ident(tree: &TokenTree, name: &str) -> bool {
    matches!(tree, TokenTree::Ident(ident) if ident == name)
}

/// Whether `tree` is the punctuation `char`.
pub fn is_punct(tree: &TokenTree, char: char) -> bool {
    matches!(tree, TokenTree::Punct(punct) if punct.as_char() == char)
}

/// Whether `tree` is a group in `delimiter`s.
pub fn is_group(tree: &TokenTree, delimiter: Delimiter) -> bool {
    matches!(tree, TokenTree::Group(group) if group.delimiter() == delimiter)
}
