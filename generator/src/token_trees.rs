//! Small edits and readings of token streams, made before syn parses
//! them: finding a module's items, the names it declares, and telling
//! tokens apart (`builder_sends.rs`, `builder_tail.rs` and
//! `progenitor_pass.rs` cut and read progenitor's output this way).

use std::collections::BTreeSet;

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

/// The `{ .. }` of `mod <name> { .. }` among `trees` (at the top level).
pub fn module_group<'a>(trees: &'a [TokenTree], name: &str) -> Option<&'a Group> {
    trees.windows(3).find_map(|window| match window {
        [keyword, ident, TokenTree::Group(group)] if is_ident(keyword, "mod") && is_ident(ident, name) && group.delimiter() == Delimiter::Brace => {
            Some(group)
        }
        _ => None,
    })
}

/// The names of the items declared with one of `keywords` (such as
/// `struct`) among the items of `module`, as syn would read them: at the
/// top level of a module's items, such a keyword only starts an item, and
/// its name follows it.
pub fn item_names(module: &Group, keywords: &[&str]) -> BTreeSet<String> {
    let trees: Vec<TokenTree> = module.stream().into_iter().collect();
    trees
        .windows(2)
        .filter_map(|pair| match pair {
            [keyword, TokenTree::Ident(name)] if keywords.iter().any(|k| is_ident(keyword, k)) => Some(name.to_string()),
            _ => None,
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn item_names_are_the_names_syn_reads() {
        let module = quote! {
            mod types {
                /// A doc comment naming struct Fake.
                #[derive(Clone)]
                pub struct Pet { pub kind: Kind }
                pub(crate) enum Kind { Cat, Dog }
                pub type Pets = Vec<Pet>;
                impl std::str::FromStr for Kind { type Err = String; fn from_str(_: &str) -> Result<Self, String> { Err(String::new()) } }
                pub mod builder { pub struct Nested; }
                const _: () = { struct Hidden; };
            }
        };
        let trees: Vec<TokenTree> = module.clone().into_iter().collect();
        let names = item_names(module_group(&trees, "types").expect("the module"), &["struct", "enum", "type"]);
        let syn::Item::Mod(parsed) = syn::parse2(module).expect("a module") else { panic!("not a module") };
        let read: BTreeSet<String> = parsed
            .content
            .expect("items")
            .1
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                syn::Item::Enum(e) => Some(e.ident.to_string()),
                syn::Item::Type(t) => Some(t.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(names, read);
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["Kind", "Pet", "Pets"]);
    }

    #[test]
    fn a_module_group_is_found_only_at_the_top_level() {
        let trees: Vec<TokenTree> = quote! { mod outer { mod inner {} } fn f() {} }.into_iter().collect();
        assert!(module_group(&trees, "outer").is_some());
        assert!(module_group(&trees, "inner").is_none());
    }
}
