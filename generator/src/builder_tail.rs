//! progenitor's file, parsed and printed on two threads.
//!
//! Parsing progenitor's tokens with syn and printing them with prettyplease
//! is most of a large crate's generation time, and typify's `types::builder`
//! module (a builder struct and four impls per type) is half of that file.
//! Its items, the tail, are split off as text before the file is parsed: a
//! second thread parses them, applies the passes that reach into that
//! module (variant renames of the open enums, `deny_unknown_fields`,
//! ignored examples, a vendored runtime's paths) and prints them, while
//! progenitor's thread parses and reshapes the rest (its longer share:
//! it also reshapes the enums and the client's builders); the printed
//! tail is then spliced back in where it was cut, in place of a marker
//! item left there (a constant named at random for each process, which no
//! spec's text can foresee, so a doc comment cannot pose as it). The file
//! is the same, byte for byte, as printed whole.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
use quote::quote;

use crate::open_enums::VariantRenames;
use crate::token_trees::{is_group, is_ident, is_punct, module_body};

/// Builder modules with fewer items are printed whole: a thread and the
/// round trip through text cost more than they save.
const MIN_ITEMS: usize = 64;

/// Splits the tail off the `types::builder` module of progenitor's
/// `tokens`: the tokens without it, and the tail's items as text (none
/// when the module is missing or small).
pub fn split_off(tokens: TokenStream) -> (TokenStream, Option<String>) {
    let mut file: Vec<TokenTree> = tokens.into_iter().collect();
    let tail = module_body(&mut file, "types", |types| module_body(types, "builder", cut_tail));
    (file.into_iter().collect(), tail)
}

/// Takes the module's `items`, leaves the marker item in their place, and
/// returns them as text.
fn cut_tail(items: &mut Vec<TokenTree>) -> Option<String> {
    if item_starts(items).len() < MIN_ITEMS {
        return None;
    }
    let tail: TokenStream = std::mem::take(items).into_iter().collect();
    let marker = Ident::new(marker(), Span::call_site());
    items.extend(quote! { const #marker: () = (); });
    Some(tail.to_string())
}

/// The name of the constant that marks where the tail was cut.
fn marker() -> &'static str {
    static MARKER: OnceLock<String> = OnceLock::new();
    MARKER.get_or_init(|| {
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        format!("BUILDER_TAIL_{random:016X}")
    })
}

/// Where each item after the first starts in a module's `trees`: after a
/// `;` or a `{ .. }` block, where an attribute or an item keyword follows
/// (so that `if a { .. } else { .. }` in a constant is not cut).
fn item_starts(trees: &[TokenTree]) -> Vec<usize> {
    const ITEM_KEYWORDS: [&str; 12] = ["pub", "impl", "struct", "enum", "fn", "mod", "use", "const", "static", "type", "trait", "unsafe"];
    let ends_item = |tree: &TokenTree| is_punct(tree, ';') || is_group(tree, Delimiter::Brace);
    let starts_item = |tree: &TokenTree| is_punct(tree, '#') || ITEM_KEYWORDS.iter().any(|keyword| is_ident(tree, keyword));
    (1..trees.len()).filter(|&at| ends_item(&trees[at - 1]) && starts_item(&trees[at])).collect()
}

/// The tail's `items` (from [`split_off`]) parsed: done as soon as they
/// arrive, while progenitor's thread parses the rest of the file.
pub fn parse(items: &str) -> Result<syn::File, String> {
    syn::parse_str(items).map_err(|e| format!("the tail of types::builder does not parse: {e}"))
}

/// The passes of [`reshape`](crate::progenitor_pass) that reach into the
/// builder module, applied to its parsed `tail`, then printed as it sits
/// in the file (two levels deep). The tree comes back with the text, for
/// the caller to drop once it has handed the text on: freeing a tree of
/// this size takes a while.
pub fn reshape_and_print(mut tail: syn::File, renames: &VariantRenames, vendored: bool) -> Result<(String, syn::File), String> {
    crate::open_enums::drop_deny_unknown_fields(&mut tail.items);
    crate::open_enums::rename_variants(&mut tail, renames);
    crate::progenitor_pass::strip_ignored_examples(&mut tail);
    if vendored {
        crate::vendored_runtime::retarget(&mut tail);
    }
    // The items go into their modules as trees: quoting them back into
    // tokens to parse the modules whole would cost a second parse.
    let builder = public_module("builder", tail.items);
    let nested = syn::File { shebang: None, frontmatter: None, attrs: Vec::new(), items: vec![public_module("types", vec![builder])] };
    let mut text = prettyplease::unparse(&nested);
    const OPENING: &str = "pub mod types {\n    pub mod builder {\n";
    const CLOSING: &str = "    }\n}\n";
    if !(text.starts_with(OPENING) && text.ends_with(CLOSING)) {
        return Err("the printed tail of types::builder is not two modules deep".to_owned());
    }
    text.truncate(text.len() - CLOSING.len());
    text.drain(..OPENING.len());
    Ok((text, nested))
}

/// `pub mod <name> { <items> }`.
fn public_module(name: &str, items: Vec<syn::Item>) -> syn::Item {
    syn::Item::Mod(syn::ItemMod {
        attrs: Vec::new(),
        vis: syn::Visibility::Public(Default::default()),
        unsafety: None,
        mod_token: Default::default(),
        ident: Ident::new(name, Span::call_site()),
        content: Some((Default::default(), items)),
        semi: None,
    })
}

/// `file` (printed, without its builder module's tail) with `tail` (from
/// [`reshape_and_print`]) back at the end of `types::builder`, in place of
/// the marker item.
pub fn splice(file: &str, tail: &str) -> Result<String, String> {
    let line = format!("\n        const {}: () = ();\n", marker());
    let mut found = file.match_indices(&line);
    let (Some((at, _)), None) = (found.next(), found.next()) else {
        return Err("progenitor's printed file does not mark once where the tail of types::builder goes".to_owned());
    };
    Ok([&file[..=at], tail, &file[at + line.len()..]].concat())
}

#[cfg(test)]
mod tests {
    use quote::format_ident;

    use super::*;

    /// A file shaped like progenitor's: types with a builder module of
    /// `count` builders, and a builder module of its own after it.
    fn sample(count: usize) -> TokenStream {
        let builders = (0..count).map(|index| {
            let name = format_ident!("Thing{index}");
            quote! {
                #[derive(Clone, Debug)]
                pub struct #name { value: Result<Option<super::Kind>, String> }
                impl Default for #name {
                    fn default() -> Self { Self { value: Ok(Some(super::Kind::X3d)) } }
                }
                impl #name {
                    pub fn value<T>(mut self, value: T) -> Self where T: Into<Option<super::Kind>> {
                        self.value = Ok(value.into());
                        self
                    }
                }
            }
        });
        quote! {
            pub mod types {
                #[derive(Clone, Debug, serde::Deserialize)]
                pub enum Kind { X3d }
                pub mod builder { #(#builders)* }
                pub mod defaults { pub fn one() -> u8 { 1 } }
            }
            pub mod builder {
                pub struct Operation { x: u8 }
            }
        }
    }

    fn printed(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).unwrap())
    }

    #[test]
    fn a_file_printed_with_its_tail_on_the_side_is_the_file_printed_whole() {
        let renames: VariantRenames = [(("Kind".to_owned(), "X3d".to_owned()), "ThreeD".to_owned())].into();
        let whole = {
            let mut file: syn::File = syn::parse2(sample(100)).unwrap();
            crate::open_enums::rename_variants(&mut file, &renames);
            prettyplease::unparse(&file)
        };

        let (rest, tail) = split_off(sample(100));
        let tail = tail.expect("100 builders are split");
        let mut rest: syn::File = syn::parse2(rest).unwrap();
        crate::open_enums::rename_variants(&mut rest, &renames);
        let spliced = splice(&prettyplease::unparse(&rest), &reshape_and_print(parse(&tail).unwrap(), &renames, false).unwrap().0).unwrap();

        assert_eq!(spliced, whole);
        assert!(tail.starts_with("# [derive (Clone , Debug)] pub struct Thing"), "the cut falls between items: {}", &tail[..60]);
        assert_eq!(tail.matches("pub struct").count(), 100, "every builder moves");
        assert!(whole.contains("Ok(Some(super::Kind::ThreeD))") && !whole.contains("X3d))"), "the renames reach the tail");
    }

    #[test]
    fn doc_comments_that_look_like_the_modules_do_not_move_the_tail() {
        let doc = "x\npub mod types {\n    pub mod builder {\n    }\n}\n";
        let tokens = quote! { #[doc = #doc] pub struct Lookalike; };
        let file: TokenStream = sample(100).into_iter().chain(tokens.clone()).collect();
        let file: TokenStream = tokens.into_iter().chain(file).collect();
        let whole = printed(file.clone());
        let (rest, tail) = split_off(file);
        let tail = tail.expect("100 builders are split");
        let spliced = splice(&printed(rest), &reshape_and_print(parse(&tail).unwrap(), &VariantRenames::default(), false).unwrap().0).unwrap();
        assert_eq!(spliced, whole);
        assert!(whole.contains("/**x\npub mod types {\n    pub mod builder {\n    }\n}\n*/"), "the doc is a block comment: {}", &whole[..120]);
    }

    #[test]
    fn a_small_builder_module_is_not_split() {
        let tokens = sample(10);
        let (rest, tail) = split_off(tokens.clone());
        assert!(tail.is_none());
        assert_eq!(printed(rest), printed(tokens));
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
}
