//! `--runtime vendored`: the runtime's source copied into the generated
//! crate as its `sdk_runtime` module, for users who cannot depend on a
//! registry.
//!
//! The runtime is written for this: its modules name each other with
//! `super::`, never `crate::`, so its files work unchanged one level down.
//! The generator embeds them at build time; the generated code's paths to
//! `sdk_runtime` are retargeted to `crate::sdk_runtime`, and the runtime's
//! dependencies join the crate's own.

use syn::visit_mut::VisitMut;

/// The runtime's manifest, for its version and dependencies.
pub const MANIFEST: &str = include_str!("../../runtime/Cargo.toml");

/// Every source file of the runtime, by its path under `runtime/src/`.
pub const SOURCES: [(&str, &str); 20] = [
    ("auth.rs", include_str!("../../runtime/src/auth.rs")),
    ("call.rs", include_str!("../../runtime/src/call.rs")),
    ("context.rs", include_str!("../../runtime/src/context.rs")),
    ("error.rs", include_str!("../../runtime/src/error.rs")),
    ("execute.rs", include_str!("../../runtime/src/execute.rs")),
    ("intercept.rs", include_str!("../../runtime/src/intercept.rs")),
    ("lib.rs", include_str!("../../runtime/src/lib.rs")),
    ("mock.rs", include_str!("../../runtime/src/mock.rs")),
    ("multipart.rs", include_str!("../../runtime/src/multipart.rs")),
    ("ncp_signature.rs", include_str!("../../runtime/src/ncp_signature.rs")),
    ("oauth2.rs", include_str!("../../runtime/src/oauth2.rs")),
    ("operation.rs", include_str!("../../runtime/src/operation.rs")),
    ("options.rs", include_str!("../../runtime/src/options.rs")),
    ("pagination.rs", include_str!("../../runtime/src/pagination.rs")),
    ("response.rs", include_str!("../../runtime/src/response.rs")),
    ("retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("secret.rs", include_str!("../../runtime/src/secret.rs")),
    ("telemetry.rs", include_str!("../../runtime/src/telemetry.rs")),
    ("upload.rs", include_str!("../../runtime/src/upload.rs")),
    ("validate.rs", include_str!("../../runtime/src/validate.rs")),
];

/// The runtime's `[package] version`, such as `0.1.0`.
pub fn version() -> String {
    manifest().get("package").and_then(|p| p.get("version")).and_then(|v| v.as_str()).unwrap_or("0.1.0").to_owned()
}

/// The runtime's `[dependencies]` table.
pub fn dependencies() -> toml::Table {
    manifest().get("dependencies").and_then(|d| d.as_table()).cloned().unwrap_or_default()
}

fn manifest() -> toml::Table {
    // The manifest is ours and checked by every build of the runtime.
    MANIFEST.parse().unwrap_or_default()
}

/// The runtime's files as they sit in the crate `lib_name`, by path from
/// the crate root (`lib.rs` becomes the module's `mod.rs`). Doc examples,
/// which name the runtime as a crate, name it as the module instead.
pub fn files(lib_name: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let note = format!(
        "// Vendored copy of sdk-runtime {} (`--runtime vendored`); do not edit. Regenerate to update it.\n\n",
        version()
    );
    SOURCES.into_iter().map(move |(name, text)| {
        let name = if name == "lib.rs" { "mod.rs" } else { name };
        let text: String = text
            .split_inclusive('\n')
            .map(|line| {
                let doc = matches!(line.trim_start().get(..3), Some("///" | "//!"));
                if doc { line.replace("sdk_runtime::", &format!("{lib_name}::sdk_runtime::")) } else { line.to_owned() }
            })
            .collect();
        (format!("src/sdk_runtime/{name}"), format!("{note}{text}"))
    })
}

/// Rewrites every path that starts at the `sdk_runtime` crate
/// (`sdk_runtime::X`, `::sdk_runtime::X`, `use sdk_runtime::..`) to start
/// at the vendored module (`crate::sdk_runtime::X`).
pub fn retarget(file: &mut syn::File) {
    Retarget.visit_file_mut(file);
}

struct Retarget;

impl VisitMut for Retarget {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.segments.first().is_some_and(|segment| segment.ident == "sdk_runtime") {
            path.leading_colon = None;
            path.segments.insert(0, syn::PathSegment::from(syn::Ident::new("crate", proc_macro2::Span::call_site())));
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_item_use_mut(&mut self, item: &mut syn::ItemUse) {
        if let syn::UseTree::Path(path) = &item.tree {
            if path.ident == "sdk_runtime" {
                item.leading_colon = None;
                let tree = std::mem::replace(&mut item.tree, syn::UseTree::Glob(syn::UseGlob { star_token: Default::default() }));
                item.tree = syn::UseTree::Path(syn::UsePath {
                    ident: syn::Ident::new("crate", proc_macro2::Span::call_site()),
                    colon2_token: Default::default(),
                    tree: Box::new(tree),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_source_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src");
        let mut on_disk: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
        on_disk.sort();
        let embedded: Vec<&str> = SOURCES.iter().map(|(name, _)| *name).collect();
        assert_eq!(on_disk, embedded, "add the new runtime file to SOURCES");
    }

    #[test]
    fn runtime_modules_never_name_the_crate_root() {
        for (name, text) in SOURCES {
            let code: String = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect();
            assert!(!code.contains("crate::"), "runtime/src/{name} says `crate::`: use `super::` so it can be vendored");
        }
    }

    #[test]
    fn paths_and_uses_are_retargeted() {
        let mut file: syn::File = syn::parse_quote! {
            use sdk_runtime::{Call, Operation};
            fn f(x: ::sdk_runtime::ClientContext) -> sdk_runtime::Error<()> { sdk_runtime::helper() }
        };
        retarget(&mut file);
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("use crate :: sdk_runtime :: { Call , Operation }"), "{text}");
        assert!(text.contains("x : crate :: sdk_runtime :: ClientContext"), "{text}");
        assert!(text.contains("-> crate :: sdk_runtime :: Error"), "{text}");
        assert!(!text.contains(":: sdk_runtime :: helper ()") || text.contains("crate :: sdk_runtime :: helper"), "{text}");
    }
}
