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

use heck::ToUpperCamelCase;
use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::token_trees::{declares, item_starts};

/// The variants the open enums rename: `(enum, typify's variant)` → ours.
/// Plain text, so that another thread can rename what it parsed.
pub type VariantRenames = BTreeMap<(String, String), String>;

/// The variants the open enums rename, read from the items of progenitor's
/// `types` module before the file is parsed (only its enums are): the
/// parts of the file printed on another thread need them.
pub fn renames(types: &[TokenTree]) -> Result<VariantRenames, String> {
    let mut starts = item_starts(types);
    starts.insert(0, 0);
    starts.push(types.len());
    let mut renames = VariantRenames::new();
    for item in starts.windows(2).map(|range| &types[range[0]..range[1]]) {
        if !declares(item, "enum") {
            continue;
        }
        let enumeration: syn::ItemEnum = syn::parse2(item.iter().cloned().collect()).map_err(|e| format!("an enum of the types does not parse: {e}"))?;
        let Some(open) = OpenEnum::from_typify(&enumeration)? else { continue };
        for variant in &open.variants {
            if variant.original != variant.ident {
                renames.insert((open.name.to_string(), variant.original.to_string()), variant.ident.to_string());
            }
        }
    }
    Ok(renames)
}

/// Rewrites the `types` module of progenitor's output in place, renaming
/// the variants [`renames`] read from its tokens.
pub fn apply(file: &mut syn::File, renames: &VariantRenames) -> Result<(), String> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(());
    };
    let mut rewritten = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Enum(enumeration) = item else { continue };
        let Some(open) = OpenEnum::from_typify(enumeration)? else { continue };
        *item = syn::parse2(open.definition()).map_err(|e| format!("open enum {}: {e}", open.name))?;
        rewritten.push(open);
    }
    let names: BTreeSet<String> = rewritten.iter().map(|open| open.name.to_string()).collect();
    // typify's impls for these enums (Display, FromStr, TryFrom) are replaced
    // by ours; its `Default` impls stay, with variant names updated.
    types.retain(|item| !matches!(item, syn::Item::Impl(block) if block_for(block, &names) && !is_default_impl(block)));
    for open in &rewritten {
        let impls: syn::File = syn::parse2(open.impls()).map_err(|e| format!("open enum {}: {e}", open.name))?;
        types.extend(impls.items);
    }
    drop_deny_unknown_fields(types);
    rename_variants(file, renames);
    Ok(())
}

/// Updates the paths to renamed variants (`Enum::Old`, and `Self::Old`
/// inside `impl Enum`) in `file`.
pub fn rename_variants(file: &mut syn::File, renames: &VariantRenames) {
    if !renames.is_empty() {
        let originals = renames.keys().map(|(_, variant)| variant.as_str()).collect();
        RenameVariants { renames, originals }.visit_file_mut(file);
    }
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

fn block_for(block: &syn::ItemImpl, names: &BTreeSet<String>) -> bool {
    let syn::Type::Path(path) = &*block.self_ty else { return false };
    path.path.segments.last().is_some_and(|s| names.contains(&s.ident.to_string()))
}

fn is_default_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.as_ref().is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Default"))
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
    fn the_renames_read_from_tokens_are_those_of_the_open_enums() {
        let types: Vec<TokenTree> = quote! {
            /// A string enum typify names `X3d` and `Flat`.
            #[derive(Clone, Copy, Debug, Deserialize, Serialize)]
            pub enum Shape {
                #[serde(rename = "3d")]
                X3d,
                #[serde(rename = "flat")]
                Flat,
            }
            impl ::std::fmt::Display for Shape { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) } }
            /// Tagged: not a string enum, left as typify wrote it.
            #[derive(Clone, Debug, Deserialize, Serialize)]
            #[serde(tag = "type")]
            pub enum Event { #[serde(rename = "3d")] X3d }
            pub struct Enum { pub shape: Shape }
        }
        .into_iter()
        .collect();
        let renames = renames(&types).unwrap();
        assert_eq!(renames, [(("Shape".to_owned(), "X3d".to_owned()), "ThreeD".to_owned())].into());
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
