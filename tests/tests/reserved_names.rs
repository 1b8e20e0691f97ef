//! The names `generator::reserved` keeps from operations and parameters are
//! all the generated crate defines itself where they would clash: read from
//! the seed crates, so a method added to a template without reserving its
//! name fails here (an operation or parameter of that name would give a
//! crate that does not compile).

use std::collections::BTreeSet;

use generator::reserved;

const SEEDS: [&str; 4] = ["indream", "mediapocket", "ncloud-media-intelligence", "scenario"];

fn parse(seed: &str, file: &str) -> Option<syn::File> {
    let path = integration_tests::repo_root().join("generated").join(seed).join("src").join(file);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The items of `file`, and of the modules in it, with their module's name.
fn items(file: &syn::File) -> Vec<(String, &syn::Item)> {
    let mut out = Vec::new();
    for item in &file.items {
        out.push((String::new(), item));
        if let syn::Item::Mod(module) = item {
            for inner in module.content.iter().flat_map(|(_, items)| items) {
                out.push((module.ident.to_string(), inner));
            }
        }
    }
    out
}

/// The last segment of an inherent impl's type, and its methods.
fn inherent_impls(file: &syn::File) -> Vec<(String, String, Vec<String>)> {
    items(file)
        .into_iter()
        .filter_map(|(module, item)| match item {
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let syn::Type::Path(path) = &*block.self_ty else { return None };
                let full: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
                let methods = block.items.iter().filter_map(|i| match i {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                });
                Some((module, full.join("::"), methods.collect()))
            }
            _ => None,
        })
        .collect()
}

/// The methods `call_settings!()` (`src/call_settings.rs`) writes into a
/// builder's impl: the `fn`s of the macro's body.
fn call_settings_methods(seed: &str) -> Vec<String> {
    let file = parse(seed, "call_settings.rs").expect("call_settings.rs");
    let Some(syn::Item::Macro(definition)) = file.items.first() else { panic!("call_settings.rs starts with its macro") };
    let body = definition.mac.tokens.to_string();
    let methods: Vec<String> = body.split("pub fn ").skip(1).filter_map(|rest| rest.split('(').next()).map(|name| name.trim().to_owned()).collect();
    assert_eq!(methods.len(), 4, "found {methods:?}");
    methods
}

fn assert_reserved(kind: &str, names: &BTreeSet<String>, reserved: &[&str]) {
    let missing: Vec<&String> = names.iter().filter(|n| !reserved.contains(&n.as_str())).collect();
    assert!(missing.is_empty(), "{kind} the generated crate defines but `generator::reserved` does not keep: {missing:?}");
}

#[test]
fn every_method_the_crate_adds_to_client_and_mock_server_is_reserved() {
    let mut own = BTreeSet::new();
    for seed in SEEDS {
        let sdk = parse(seed, "generated_sdk.rs").expect("generated_sdk.rs");
        let operations: BTreeSet<String> =
            inherent_impls(&sdk).into_iter().filter(|(module, ty, _)| module.is_empty() && ty == "Client").flat_map(|(_, _, m)| m).collect();
        for (_, item) in items(&sdk) {
            if let syn::Item::Impl(block) = item {
                if block.trait_.as_ref().is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "ClientInfo")) {
                    own.extend(block.items.iter().filter_map(|i| match i {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }));
                }
            }
        }
        for file in ["client.rs", "auth.rs", "operations.rs", "pagination.rs", "mock.rs"] {
            let Some(parsed) = parse(seed, file) else { continue };
            for (_, ty, methods) in inherent_impls(&parsed) {
                if ty == "Client" || ty == "MockServer" {
                    own.extend(methods.into_iter().filter(|m| !operations.contains(m)));
                }
            }
        }
    }
    assert!(own.contains("builder") && own.contains("wiremock"), "found {own:?}");
    assert_reserved("methods", &own, reserved::METHODS);
}

#[test]
fn every_method_the_crate_adds_to_a_request_builder_is_reserved() {
    let mut own = BTreeSet::new();
    for seed in SEEDS {
        // Setters are the parameters' fields; the rest is the builder's own.
        let sdk = parse(seed, "generated_sdk.rs").expect("generated_sdk.rs");
        let mut fields = BTreeSet::new();
        for (module, item) in items(&sdk) {
            if let (true, syn::Item::Struct(structure)) = (module == "builder", item) {
                fields.extend(structure.fields.iter().filter_map(|f| f.ident.as_ref().map(ToString::to_string)));
            }
        }
        own.extend(fields.iter().filter(|f| *f == "client").cloned());
        for (module, _, methods) in inherent_impls(&sdk) {
            if module == "builder" {
                own.extend(methods.into_iter().filter(|m| !fields.contains(m) || m == "body"));
            }
        }
        for file in ["operations.rs", "pagination.rs"] {
            let Some(parsed) = parse(seed, file) else { continue };
            for (_, ty, methods) in inherent_impls(&parsed) {
                if ty.starts_with("builder::") {
                    own.extend(methods);
                }
            }
        }
        // `call_settings!()` writes its methods into every builder's impl.
        own.extend(call_settings_methods(seed));
    }
    assert!(own.contains("send") && own.contains("new"), "found {own:?}");
    assert_reserved("request builder methods", &own, reserved::SETTERS);
}

#[test]
fn every_name_in_scope_of_the_builders_and_mocks_is_reserved() {
    let mut own = BTreeSet::new();
    for seed in SEEDS {
        let sdk = parse(seed, "generated_sdk.rs").expect("generated_sdk.rs");
        for (module, item) in items(&sdk) {
            if let (true, syn::Item::Use(declaration)) = (module == "builder", item) {
                collect_use(&declaration.tree, &mut own);
            }
        }
        let operations: BTreeSet<String> = inherent_impls(&parse(seed, "operations.rs").expect("operations.rs"))
            .into_iter()
            .filter_map(|(_, ty, _)| ty.strip_prefix("builder::").map(str::to_owned))
            .collect();
        for (module, item) in items(&parse(seed, "mock.rs").expect("mock.rs")) {
            let name = match item {
                syn::Item::Struct(s) => s.ident.to_string(),
                syn::Item::Trait(t) => t.ident.to_string(),
                syn::Item::Enum(e) => e.ident.to_string(),
                _ => continue,
            };
            if module.is_empty() && !operations.contains(&name) {
                own.insert(name);
            }
        }
    }
    // `types` is a module: an operation's builder name is never lower case.
    own.remove("types");
    own.remove("encode_path");
    assert!(own.contains("Error") && own.contains("MockServer"), "found {own:?}");
    assert_reserved("names in scope", &own, reserved::BUILDERS);
}

fn collect_use(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(path) => collect_use(&path.tree, out),
        syn::UseTree::Name(name) => {
            out.insert(name.ident.to_string());
        }
        syn::UseTree::Rename(rename) => {
            out.insert(rename.rename.to_string());
        }
        syn::UseTree::Group(group) => group.items.iter().for_each(|tree| collect_use(tree, out)),
        syn::UseTree::Glob(_) => {}
    }
}
