//! Forward-compatible types: a value the vendor adds later never breaks
//! decoding.
//!
//! typify turns a string enum into a closed Rust enum whose `Deserialize`
//! fails on any value it does not list, and names values that start with a
//! digit `X3d`. This pass replaces each such enum in progenitor's `types`
//! module with our own: readable variant names (`3d23d` → `ThreeD23d`), a
//! catch-all `Other(String)` that keeps an unknown value and writes it back
//! unchanged, and string conversions that cannot fail. It also drops
//! `deny_unknown_fields`, so extra fields in responses are ignored.
//!
//! Each enum's own `as_str` and `From<&str>` say which variant holds which
//! value; the conversions built on those two, the same for every enum, are
//! one `open_enum_conversions!(Name)` each, a macro the crate defines once
//! (`src/open_enums.rs`, [`OPEN_ENUMS_RS`](crate::templates::OPEN_ENUMS_RS)).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use heck::ToUpperCamelCase;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::token_trees::{declares, is_group, is_ident, is_punct, item_starts};

/// The variants the open enums rename: `(enum, typify's variant)` → ours.
/// Plain text, so that another thread can rename what it parsed.
pub type VariantRenames = BTreeMap<(String, String), String>;

/// Rewrites typify's string enums among the items of progenitor's `types`
/// module (`types`, its tokens, before the file is parsed) as open enums:
/// each in its place, typify's impls for it (but `Default`) dropped, ours
/// added after the module's last item. Returns the variants renamed, for
/// [`apply`] and the parts of the file printed on another thread.
pub fn rewrite(types: &mut Vec<TokenTree>) -> Result<VariantRenames, String> {
    let mut bounds = item_starts(types);
    bounds.insert(0, 0);
    bounds.push(types.len());
    let items: Vec<Range<usize>> = bounds.windows(2).map(|pair| pair[0]..pair[1]).collect();
    // What takes each item's place, where it changes.
    let mut replaced: Vec<Option<TokenStream>> = vec![None; items.len()];
    let mut opens = Vec::new();
    for (index, range) in items.iter().enumerate() {
        let item = &types[range.clone()];
        if !declares(item, "enum") {
            continue;
        }
        let enumeration: syn::ItemEnum = syn::parse2(item.iter().cloned().collect()).map_err(|e| format!("an enum of the types does not parse: {e}"))?;
        let Some(open) = OpenEnum::from_typify(&enumeration)? else { continue };
        replaced[index] = Some(open.definition());
        opens.push(open);
    }
    if opens.is_empty() {
        return Ok(VariantRenames::new());
    }
    let names: BTreeSet<String> = opens.iter().map(|open| open.name.to_string()).collect();
    for (index, range) in items.iter().enumerate() {
        let item = &types[range.clone()];
        if declares(item, "impl") && impl_self_name(item).is_some_and(|name| names.contains(&name)) && impl_trait_name(item).as_deref() != Some("Default") {
            replaced[index] = Some(TokenStream::new());
        }
    }
    let mut trees = std::mem::take(types).into_iter();
    for (range, replacement) in items.iter().zip(replaced) {
        let kept = trees.by_ref().take(range.len());
        match replacement {
            Some(replacement) => {
                kept.for_each(drop);
                types.extend(replacement);
            }
            None => types.extend(kept),
        }
    }
    let mut renames = VariantRenames::new();
    for open in &opens {
        types.extend(open.impls());
        for variant in &open.variants {
            if variant.original != variant.ident {
                renames.insert((open.name.to_string(), variant.original.to_string()), variant.ident.to_string());
            }
        }
    }
    Ok(renames)
}

/// An impl item's header (its tokens before the body), split at a
/// top-level `for`: the trait's path before, the self type after (none
/// for an inherent impl); the impl's own generics and a `where` clause
/// left out.
fn impl_header(item: &[TokenTree]) -> (Option<&[TokenTree]>, &[TokenTree]) {
    let start = item.iter().position(|tree| is_ident(tree, "impl")).map_or(0, |at| at + 1);
    let end = item.iter().position(|tree| is_group(tree, Delimiter::Brace)).unwrap_or(item.len()).max(start);
    let mut header = &item[start..end];
    if header.first().is_some_and(|tree| is_punct(tree, '<')) {
        header = &header[generic_arguments_end(header)..];
    }
    if let Some(at) = header.iter().position(|tree| is_ident(tree, "where")) {
        header = &header[..at];
    }
    let mut depth = 0usize;
    let mut top_level_for = None;
    for (at, tree) in header.iter().enumerate() {
        if is_punct(tree, '<') {
            depth += 1;
        } else if is_punct(tree, '>') && !(at > 0 && is_punct(&header[at - 1], '-')) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && is_ident(tree, "for") {
            top_level_for = Some(at);
            break;
        }
    }
    match top_level_for {
        Some(at) => (Some(&header[..at]), &header[at + 1..]),
        None => (None, header),
    }
}

/// Where the `<..>` that `tokens` start with ends (counting the `<` and
/// `>` inside it; a `->` is not one).
fn generic_arguments_end(tokens: &[TokenTree]) -> usize {
    let mut depth = 0usize;
    for (at, tree) in tokens.iter().enumerate() {
        let after_dash = at > 0 && is_punct(&tokens[at - 1], '-');
        if is_punct(tree, '<') {
            depth += 1;
        } else if is_punct(tree, '>') && !after_dash {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return at + 1;
            }
        }
    }
    tokens.len()
}

/// The last segment's name of the path `tokens` (`::std::default::Default`,
/// `Kind<T>` → `Kind`), as syn reads a path type; none for any other type.
fn path_name(tokens: &[TokenTree]) -> Option<String> {
    let path = &tokens[..tokens.iter().position(|tree| is_punct(tree, '<')).unwrap_or(tokens.len())];
    // Names joined by `::` (two `:` tokens), with or without a leading one.
    let mut rest = match path {
        [first, second, tail @ ..] if is_punct(first, ':') && is_punct(second, ':') => tail,
        _ => path,
    };
    while let Some((TokenTree::Ident(ident), after)) = rest.split_first() {
        match after {
            [] => return Some(ident.to_string()),
            [first, second, tail @ ..] if is_punct(first, ':') && is_punct(second, ':') => rest = tail,
            _ => return None,
        }
    }
    None
}

/// The name of the type an impl item is for, when it is a path.
fn impl_self_name(item: &[TokenTree]) -> Option<String> {
    path_name(impl_header(item).1)
}

/// The name of the trait an impl item implements, if any.
fn impl_trait_name(item: &[TokenTree]) -> Option<String> {
    impl_header(item).0.and_then(path_name)
}

/// Makes the open enums [`rewrite`] wrote whole in progenitor's parsed
/// `file`: the `deny_unknown_fields` of its types dropped, and the paths
/// to renamed variants updated.
pub fn apply(file: &mut syn::File, renames: &VariantRenames) {
    if let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) {
        drop_deny_unknown_fields(types);
    }
    rename_variants(file, renames);
}

/// Whether `text`, Rust as text, may hold a path to a renamed variant:
/// [`rename_variants`] changes nothing in the items of a text without one.
/// A path's last segment follows a `::`, so only the word after each
/// `::` is looked up (a visit of the parsed items reaches every path).
pub fn may_name_a_renamed_variant(text: &str, renames: &VariantRenames) -> bool {
    if renames.is_empty() {
        return false;
    }
    let originals = old_names(renames);
    text.match_indices("::").any(|(at, separator)| {
        let rest = text[at + separator.len()..].trim_start();
        let rest = rest.strip_prefix("r#").unwrap_or(rest);
        // The identifier: in tokens as text, whitespace or ASCII
        // punctuation follows one (a non-ASCII character stays in the word).
        let end = rest.find(|c: char| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        originals.contains(&rest[..end])
    })
}

/// Updates the paths to renamed variants (`Enum::Old`, and `Self::Old`
/// inside `impl Enum`) in `file`.
pub fn rename_variants(file: &mut syn::File, renames: &VariantRenames) {
    if !renames.is_empty() {
        RenameVariants { renames, originals: old_names(renames) }.visit_file_mut(file);
    }
}

/// The renamed variants' old names, each once.
fn old_names(renames: &VariantRenames) -> BTreeSet<&str> {
    renames.keys().map(|(_, variant)| variant.as_str()).collect()
}

struct OpenEnum {
    name: syn::Ident,
    attrs: Vec<syn::Attribute>,
    variants: Vec<Variant>,
    catch_all: syn::Ident,
}

struct Variant {
    original: syn::Ident,
    ident: syn::Ident,
    wire: String,
    attrs: Vec<syn::Attribute>,
}

impl OpenEnum {
    /// Reads a typify string enum (unit variants, optional
    /// `#[serde(rename)]`); other enums are left as they are.
    fn from_typify(item: &syn::ItemEnum) -> Result<Option<Self>, String> {
        let derives_deserialize = item.attrs.iter().any(|a| a.path().is_ident("derive") && mentions(a, "Deserialize"));
        let serde_attrs_are_plain = item.attrs.iter().filter(|a| a.path().is_ident("serde")).count() == 0;
        if !derives_deserialize || !serde_attrs_are_plain || item.variants.is_empty() {
            return Ok(None);
        }
        let mut variants = Vec::new();
        for variant in &item.variants {
            if !matches!(variant.fields, syn::Fields::Unit) {
                return Ok(None);
            }
            let wire = serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
            variants.push(Variant {
                original: variant.ident.clone(),
                ident: variant_ident(&wire),
                wire,
                attrs: variant.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect(),
            });
        }
        let mut seen = BTreeMap::new();
        for variant in &variants {
            if let Some(other) = seen.insert(variant.ident.to_string(), &variant.wire) {
                return Err(format!(
                    "enum {}: values `{other}` and `{}` both become the Rust variant `{}`",
                    item.ident, variant.wire, variant.ident
                ));
            }
        }
        let catch_all = if seen.contains_key("Other") { format_ident!("OtherValue") } else { format_ident!("Other") };
        let attrs = item.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
        Ok(Some(Self { name: item.ident.clone(), attrs, variants, catch_all }))
    }

    fn definition(&self) -> TokenStream {
        let Self { name, attrs, catch_all, .. } = self;
        let variants = self.variants.iter().map(|v| {
            let (ident, wire, attrs) = (&v.ident, &v.wire, &v.attrs);
            let doc = format!("`{wire}`");
            if attrs.is_empty() { quote!(#[doc = #doc] #ident) } else { quote!(#(#attrs)* #ident) }
        });
        quote! {
            #(#attrs)*
            ///
            /// Open for values added later: an unknown value is kept in the
            /// catch-all variant and sent back unchanged.
            #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub enum #name {
                #(#variants,)*
                /// A value this client does not know yet, kept as received.
                #catch_all(::std::string::String),
            }
        }
    }

    fn impls(&self) -> TokenStream {
        let Self { name, catch_all, .. } = self;
        let idents: Vec<_> = self.variants.iter().map(|v| &v.ident).collect();
        let wires: Vec<_> = self.variants.iter().map(|v| &v.wire).collect();
        quote! {
            impl #name {
                /// Every value the spec documents, in spec order.
                pub const KNOWN: &'static [Self] = &[#(Self::#idents),*];

                /// The value as it appears on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#idents => #wires,)*
                        Self::#catch_all(value) => value.as_str(),
                    }
                }

                /// Whether the value is one the spec documents.
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::#catch_all(_))
                }
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#wires => Self::#idents,)*
                        other => Self::#catch_all(other.to_owned()),
                    }
                }
            }

            open_enum_conversions!(#name);
        }
    }
}

/// A readable Rust name for a wire value: UpperCamelCase, with leading
/// digits spelled out (`3d23d` → `ThreeD23d`, `360` → `ThreeSixZero`).
pub fn variant_ident(wire: &str) -> syn::Ident {
    const DIGITS: [&str; 10] = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"];
    let camel = wire.to_upper_camel_case();
    let digits = camel.chars().take_while(char::is_ascii_digit).count();
    let mut name: String = camel[..digits].chars().map(|d| DIGITS[d as usize - '0' as usize]).collect();
    let rest = &camel[digits..];
    let mut chars = rest.chars();
    if let Some(first) = chars.next() {
        name.extend(first.to_uppercase());
        name.push_str(chars.as_str());
    }
    if name.is_empty() || syn::parse_str::<syn::Ident>(&name).is_err() {
        name = format!("Value{name}");
    }
    format_ident!("{name}")
}

/// Whether the arguments of `attr` (`#[derive(.., ::serde::Deserialize)]`)
/// hold the identifier `name`.
fn mentions(attr: &syn::Attribute, name: &str) -> bool {
    let syn::Meta::List(list) = &attr.meta else { return false };
    list.tokens.clone().into_iter().any(|tree| matches!(tree, TokenTree::Ident(ident) if ident == name))
}

/// Whether `attr` is `#[<path>(name)]`, with nothing else between the
/// parentheses.
fn is_only(attr: &syn::Attribute, name: &str) -> bool {
    let syn::Meta::List(list) = &attr.meta else { return false };
    if !matches!(list.delimiter, syn::MacroDelimiter::Paren(_)) {
        return false;
    }
    let mut trees = list.tokens.clone().into_iter();
    matches!((trees.next(), trees.next()), (Some(TokenTree::Ident(ident)), None) if ident == name)
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            }
            Ok(())
        });
    }
    rename
}

/// Updates `Enum::Old` paths (and `Self::Old` inside `impl Enum`) after renames.
struct RenameVariants<'a> {
    renames: &'a VariantRenames,
    /// The renamed variants' old names, each once: most paths end in none
    /// of them, which comparing the last segment with a few names finds
    /// without writing out any (the visit reaches every path of the file).
    originals: BTreeSet<&'a str>,
}

impl RenameVariants<'_> {
    /// Up to this many old names, the last segment is compared with each.
    const FEW: usize = 16;

    fn ends_in_an_original(&self, ident: &syn::Ident) -> bool {
        if self.originals.len() <= Self::FEW {
            self.originals.iter().any(|original| ident == original)
        } else {
            self.originals.contains(ident.to_string().as_str())
        }
    }

    fn rename_in(&self, path: &mut syn::Path, self_name: Option<&str>) {
        let len = path.segments.len();
        if len < 2 || !self.ends_in_an_original(&path.segments[len - 1].ident) {
            return;
        }
        let owner = path.segments[len - 2].ident.to_string();
        let owner = if owner == "Self" { self_name.map(str::to_owned).unwrap_or(owner) } else { owner };
        let key = (owner, path.segments[len - 1].ident.to_string());
        if let Some(new) = self.renames.get(&key) {
            path.segments[len - 1].ident = syn::Ident::new(new, path.segments[len - 1].ident.span());
        }
    }
}

impl VisitMut for RenameVariants<'_> {
    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let self_name = match &*block.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let mut inner = RenameWithSelf { outer: self, self_name };
        syn::visit_mut::visit_item_impl_mut(&mut inner, block);
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.rename_in(path, None);
        syn::visit_mut::visit_path_mut(self, path);
    }
}

struct RenameWithSelf<'a> {
    outer: &'a RenameVariants<'a>,
    self_name: Option<String>,
}

impl VisitMut for RenameWithSelf<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.outer.rename_in(path, self.self_name.as_deref());
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Removes the `#[serde(deny_unknown_fields)]` typify writes for
/// `additionalProperties: false` on the structs and enums of the `types`
/// module (and its submodules): a response with a new field must decode.
pub fn drop_deny_unknown_fields(items: &mut [syn::Item]) {
    let keep = |attr: &syn::Attribute| !(attr.path().is_ident("serde") && is_only(attr, "deny_unknown_fields"));
    for item in items {
        match item {
            syn::Item::Struct(item) => item.attrs.retain(keep),
            syn::Item::Enum(item) => item.attrs.retain(keep),
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &mut module.content {
                    drop_deny_unknown_fields(items);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_may_name_a_renamed_variant_only_after_a_path_separator() {
        let renames: VariantRenames = [(("Kind".to_owned(), "X3d".to_owned()), "ThreeD".to_owned())].into();
        for text in ["Ok (Some (super :: Kind :: X3d))", "Self::X3d,", "Kind :: r#X3d", "x::X3d"] {
            assert!(may_name_a_renamed_variant(text, &renames), "{text}");
        }
        for text in ["Kind :: X3dx", "X3d", "Kind :: Other", "a::b", "Kind :: X3", ""] {
            assert!(!may_name_a_renamed_variant(text, &renames), "{text}");
        }
        assert!(!may_name_a_renamed_variant("Kind :: X3d", &VariantRenames::new()));
    }

    #[test]
    fn string_enums_are_rewritten_in_their_tokens_with_the_variants_they_rename() {
        let mut types: Vec<TokenTree> = quote! {
            /// A string enum typify names `X3d` and `Flat`.
            #[derive(Clone, Copy, Debug, Deserialize, Serialize)]
            pub enum Shape {
                #[serde(rename = "3d")]
                X3d,
                #[serde(rename = "flat")]
                Flat,
            }
            impl ::std::fmt::Display for Shape { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) } }
            impl<'a> ::std::convert::TryFrom<&'a str> for types::Shape where Self: Sized { type Error = (); fn try_from(_: &'a str) -> Result<Self, ()> { Err(()) } }
            impl ::std::default::Default for Shape { fn default() -> Self { Shape::X3d } }
            /// Tagged: not a string enum, left as typify wrote it.
            #[derive(Clone, Debug, Deserialize, Serialize)]
            #[serde(tag = "type")]
            pub enum Event { #[serde(rename = "3d")] X3d }
            impl ::std::fmt::Display for Event { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) } }
            pub struct Enum { pub shape: Shape }
            impl Enum { pub fn shape(&self) -> &Shape { &self.shape } }
            pub mod builder { pub struct Shape; impl Shape { fn x() {} } }
        }
        .into_iter()
        .collect();
        let renames = rewrite(&mut types).unwrap();
        assert_eq!(renames, [(("Shape".to_owned(), "X3d".to_owned()), "ThreeD".to_owned())].into());
        let file: syn::File = syn::parse2(types.into_iter().collect()).expect("the items parse");
        let items: Vec<String> = file
            .items
            .iter()
            .map(|item| match item {
                syn::Item::Enum(item) => format!("enum {} {:?}", item.ident, item.variants.iter().map(|v| v.ident.to_string()).collect::<Vec<_>>()),
                syn::Item::Impl(item) => {
                    let (target, path) = (&item.self_ty, item.trait_.as_ref().map(|(path, _)| path));
                    format!("impl {} for {}", quote!(#path), quote!(#target))
                }
                syn::Item::Struct(item) => format!("struct {}", item.ident),
                syn::Item::Mod(item) => format!("mod {}", item.ident),
                other => quote!(#other).to_string(),
            })
            .collect();
        let expected = [
            "enum Shape [\"ThreeD\", \"Flat\", \"Other\"]",
            "impl :: std :: default :: Default for Shape",
            "enum Event [\"X3d\"]",
            "impl :: std :: fmt :: Display for Event",
            "struct Enum",
            "impl  for Enum",
            "mod builder",
            "impl  for Shape",
            "impl :: std :: convert :: From < & str > for Shape",
            "open_enum_conversions ! (Shape) ;",
        ];
        assert_eq!(items, expected);
    }

    #[test]
    fn impl_headers_name_their_trait_and_type_as_syn_reads_them() {
        let header = |tokens: TokenStream| {
            let item: Vec<TokenTree> = tokens.into_iter().collect();
            (impl_trait_name(&item), impl_self_name(&item))
        };
        let named = |name: &str| Some(name.to_owned());
        assert_eq!(header(quote!(impl<'a, T: Fn() -> u8> ::std::convert::From<&'a T> for super::Kind<'a> where T: Clone {})), (named("From"), named("Kind")));
        assert_eq!(header(quote!(#[allow(unused)] impl Kind {})), (None, named("Kind")));
        assert_eq!(header(quote!(impl Trait for &Kind {})), (named("Trait"), None));
        assert_eq!(header(quote!(impl Trait for [Kind; 2] {})), (named("Trait"), None));
        assert_eq!(header(quote!(impl Trait for dyn Kind {})), (named("Trait"), None));
        assert_eq!(header(quote!(impl Trait<fn(&u8) -> u8> for Kind {})), (named("Trait"), named("Kind")));
        assert_eq!(header(quote!(impl Trait<for<'a> fn(&'a u8)> for Kind {})), (named("Trait"), named("Kind")));
    }

    #[test]
    fn only_a_bare_deny_unknown_fields_is_dropped_at_any_depth() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct Closed { pub a: u8 }
            #[serde(untagged, deny_unknown_fields)]
            pub enum Either { A(u8), B(String) }
            pub mod builder {
                #[serde(deny_unknown_fields)]
                pub struct Nested;
            }
        };
        drop_deny_unknown_fields(&mut file.items);
        let printed = quote!(#file).to_string();
        assert_eq!(printed.matches("deny_unknown_fields").count(), 1, "{printed}");
        assert!(printed.contains("untagged , deny_unknown_fields"), "{printed}");
        assert!(printed.contains("# [derive (Deserialize)] pub struct Closed"), "{printed}");
    }

    #[test]
    fn variant_names_are_readable() {
        let cases = [
            ("3d23d", "ThreeD23d"),
            ("3d-texture-albedo", "ThreeDTextureAlbedo"),
            ("3d", "ThreeD"),
            ("img23d", "Img23d"),
            ("inference-txt2img", "InferenceTxt2img"),
            ("image-hdr", "ImageHdr"),
            ("createdAt", "CreatedAt"),
            ("", "Value"),
        ];
        for (wire, expected) in cases {
            assert_eq!(variant_ident(wire).to_string(), expected, "{wire}");
        }
    }
}
