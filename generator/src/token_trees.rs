//! Small edits and readings of token streams, made before syn parses
//! them: finding a module's items, the names it declares, and telling
//! tokens apart (`builder_sends.rs`, `pieces.rs`, `open_enums.rs` and
//! `progenitor_pass.rs` cut and read progenitor's output this way).

use std::collections::BTreeSet;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// Runs `edit` on the items of `mod <name> { .. }` among `trees` (at the
/// top level), and puts the items back (edited, or not when `edit` gives
/// up).
pub fn module_body<T>(trees: &mut [TokenTree], name: &str, edit: impl FnOnce(&mut Vec<TokenTree>) -> Option<T>) -> Option<T> {
    let at = trees
        .windows(3)
        .position(|window| is_ident(&window[0], "mod") && is_ident(&window[1], name) && is_group(&window[2], Delimiter::Brace))?
        + 2;
    edit_group(&mut trees[at], edit).flatten()
}

/// Runs `edit` on the trees of the group in `slot` (none when it holds
/// no group), and puts them back as a group with the same delimiter and
/// span. The group is taken out of its slot first, so that its trees move
/// out and back: a group still held elsewhere would copy every tree
/// (each identifier and literal its own allocation) to hand them out.
pub fn edit_group<T>(slot: &mut TokenTree, edit: impl FnOnce(&mut Vec<TokenTree>) -> T) -> Option<T> {
    let TokenTree::Group(held) = slot else { return None };
    let group = std::mem::replace(held, Group::new(Delimiter::None, TokenStream::new()));
    let (delimiter, span) = (group.delimiter(), group.span());
    let stream = group.stream();
    drop(group);
    let mut trees: Vec<TokenTree> = stream.into_iter().collect();
    let edited = edit(&mut trees);
    *held = Group::new(delimiter, trees.into_iter().collect());
    held.set_span(span);
    Some(edited)
}

/// Where each item after the first starts in a module's `trees`: after a
/// `;` or a `{ .. }` block, where an attribute or an item keyword follows
/// (so that `if a { .. } else { .. }` in a constant is not cut).
pub fn item_starts(trees: &[TokenTree]) -> Vec<usize> {
    const ITEM_KEYWORDS: [&str; 12] = ["pub", "impl", "struct", "enum", "fn", "mod", "use", "const", "static", "type", "trait", "unsafe"];
    let ends_item = |tree: &TokenTree| is_punct(tree, ';') || is_group(tree, Delimiter::Brace);
    let starts_item = |tree: &TokenTree| is_punct(tree, '#') || ITEM_KEYWORDS.iter().any(|keyword| is_ident(tree, keyword));
    (1..trees.len()).filter(|&at| ends_item(&trees[at - 1]) && starts_item(&trees[at])).collect()
}

/// Whether the item `trees` (one item, from [`item_starts`]) declares a
/// `keyword` (such as `enum`): the keyword after its attributes and
/// visibility.
pub fn declares(trees: &[TokenTree], keyword: &str) -> bool {
    let mut at = 0;
    while at + 1 < trees.len() && is_punct(&trees[at], '#') && is_group(&trees[at + 1], Delimiter::Bracket) {
        at += 2;
    }
    if trees.get(at).is_some_and(|tree| is_ident(tree, "pub")) {
        at += 1;
        if trees.get(at).is_some_and(|tree| is_group(tree, Delimiter::Parenthesis)) {
            at += 1;
        }
    }
    trees.get(at).is_some_and(|tree| is_ident(tree, keyword))
}

/// The names of the items declared with one of `keywords` (such as
/// `struct`) among a module's `items`, as syn would read them: at the
/// top level of a module's items, such a keyword only starts an item, and
/// its name follows it.
pub fn item_names(items: &[TokenTree], keywords: &[&str]) -> BTreeSet<String> {
    items
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
        let mut trees: Vec<TokenTree> = module.clone().into_iter().collect();
        let names = module_body(&mut trees, "types", |items| Some(item_names(items, &["struct", "enum", "type"]))).expect("the module");
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
    fn a_module_body_is_found_only_at_the_top_level_and_put_back_as_it_was() {
        let file = quote! { mod outer { mod inner { struct A; } } fn f() {} };
        let mut trees: Vec<TokenTree> = file.clone().into_iter().collect();
        assert_eq!(module_body(&mut trees, "outer", |items| Some(items.len())), Some(3), "`mod`, `inner` and its braces");
        assert_eq!(module_body(&mut trees, "inner", |items| Some(items.len())), None);
        assert_eq!(module_body(&mut trees, "outer", |_| None::<()>), None, "the edit gave up");
        assert_eq!(trees.into_iter().collect::<TokenStream>().to_string(), file.to_string());
    }

    #[test]
    fn items_start_after_blocks_and_semicolons_but_not_inside_an_if_else() {
        let trees: Vec<TokenTree> = quote! {
            const A: u8 = if true { 1 } else { 2 };
            #[derive(Debug)] struct B {}
            impl B { fn f() {} }
            use x::{y, z};
        }
        .into_iter()
        .collect();
        let starts: Vec<String> = item_starts(&trees).into_iter().map(|at| trees[at].to_string()).collect();
        assert_eq!(starts, ["#", "impl", "use"]);
    }

    #[test]
    fn an_item_declares_the_keyword_after_its_attributes_and_visibility() {
        let item = |tokens: TokenStream| -> Vec<TokenTree> { tokens.into_iter().collect() };
        assert!(declares(&item(quote!(#[derive(Debug)] #[doc = "enum"] pub enum Kind { A })), "enum"));
        assert!(declares(&item(quote!(pub(crate) enum Kind { A })), "enum"));
        assert!(declares(&item(quote!(enum Kind { A })), "enum"));
        assert!(!declares(&item(quote!(#[doc = "enum"] pub struct Enum { kind: Kind })), "enum"));
        assert!(!declares(&item(quote!(impl From<Kind> for enum_like::Kind {})), "enum"));
    }
}
