//! The generated crate's `Cargo.toml` (and its `LICENSE` when the spec's
//! license has no SPDX identifier): publishable package metadata and the
//! dependencies the generated code uses, with the runtime by version or
//! vendored.

use crate::model::Api;
use crate::package::{License, CATEGORIES, RUST_VERSION};
use crate::{vendored_runtime, Options};

/// Renders `Cargo.toml`; optional dependencies appear only when the
/// generated code uses them.
pub fn cargo_toml(api: &Api, options: &Options) -> String {
    let package = &api.package;
    let mut out = String::from("[package]\n");
    let mut field = |key: &str, value: &str| out.push_str(&format!("{key} = {}\n", toml::Value::from(value)));
    field("name", &package.name);
    field("version", &package.version);
    field("edition", "2021");
    field("rust-version", RUST_VERSION);
    field("description", &package.description);
    match &package.license {
        Some(License::Spdx(expression)) => field("license", expression),
        Some(License::File { .. }) => field("license-file", "LICENSE"),
        None => {}
    }
    field("readme", "README.md");
    for (key, value) in [("homepage", &package.homepage), ("repository", &package.repository), ("documentation", &package.documentation)] {
        if let Some(value) = value {
            field(key, value);
        }
    }
    out.push_str(&format!("keywords = {}\n", string_array(&package.keywords)));
    out.push_str(&format!("categories = {}\n", string_array(&CATEGORIES)));
    out.push_str("\n[dependencies]\n");
    let mut dependencies = dependencies(api, options);
    let cli_feature = cli_dependencies(api, &mut dependencies);
    out.push_str(&table_lines(&dependencies));
    let tracing = match options.runtime {
        crate::Runtime::Registry => "sdk-runtime/tracing",
        crate::Runtime::Vendored => "dep:tracing",
    };
    out.push_str(&format!(
        "\n[features]\ndefault = [\"tracing\"]\n# `tracing` spans and events for every call and attempt (never a credential or a body).\ntracing = [\"{tracing}\"]\n"
    ));
    let mock = match options.runtime {
        crate::Runtime::Registry => "sdk-runtime/mock",
        crate::Runtime::Vendored => "dep:wiremock",
    };
    out.push_str(&format!("# Typed mock helpers for tests (`mock` module): a local server that checks requests as the API would.\nmock = [\"{mock}\"]\n"));
    out.push_str(&cli_feature);
    if super::has_cli(api) {
        out.push_str(&super::cli_rs::bin_manifest(api));
    }
    out.push_str("\n[dev-dependencies]\n");
    out.push_str(&table_lines(&dev_dependencies()));
    if options.standalone {
        out.push_str("\n[workspace]\n");
    }
    out
}

/// The `LICENSE` file for a license crates.io has no identifier for.
pub fn license_file(api: &Api, name: &str, url: Option<&str>) -> String {
    let url = url.map(|url| format!(" ({url})")).unwrap_or_default();
    format!(
        "{crate_name} is generated from the OpenAPI description of the {title}, whose \
         license is: {name}{url}.\n\nSee that license for the terms under which this crate may be used.\n",
        crate_name = api.crate_name,
        title = api.title,
    )
}

/// What the generated code depends on: the runtime (by version, or its own
/// dependencies when vendored), and the crates the generated types use.
fn dependencies(api: &Api, options: &Options) -> toml::Table {
    let mut table = toml::Table::new();
    let mut add = |name: &str, spec: &str| {
        let value: toml::Table = format!("x = {spec}").parse().expect("dependency specs below are valid TOML");
        merge(&mut table, name, value["x"].clone());
    };
    add("progenitor-client", r#""=0.15.1""#);
    add("reqwest", r#"{ version = "0.13", default-features = false, features = ["rustls", "http2", "json", "query", "stream"] }"#);
    add("serde", r#"{ version = "1", features = ["derive"] }"#);
    add("serde_json", r#""1""#);
    add("serde_urlencoded", r#""0.7""#);
    add("bytes", r#""1""#);
    add("futures-core", r#""0.3""#);
    if api.uses.uuid {
        add("uuid", r#"{ version = "1", features = ["serde"] }"#);
    }
    if api.uses.chrono {
        add("chrono", r#"{ version = "0.4", default-features = false, features = ["serde", "std"] }"#);
    }
    if api.paginated || api.uses.futures {
        add("futures", r#"{ version = "0.3", default-features = false, features = ["std"] }"#);
    }
    if api.uses.regress {
        add("regress", r#""0.12""#);
    }
    match options.runtime {
        crate::Runtime::Registry => {
            let version = vendored_runtime::version();
            let requirement = version.rsplit_once('.').map_or(version.as_str(), |(major_minor, _)| major_minor).to_owned();
            let runtime = format!("x = {{ version = {}, default-features = false }}", toml::Value::from(requirement));
            let runtime: toml::Table = runtime.parse().expect("valid TOML");
            table.insert("sdk-runtime".to_owned(), runtime["x"].clone());
        }
        crate::Runtime::Vendored => {
            for (name, value) in vendored_runtime::dependencies() {
                merge(&mut table, &name, value);
            }
        }
    }
    table
}

/// Adds the command line's crates to `table`, optional unless the library
/// already depends on them (the vendored runtime's tokio), and returns the
/// `cli` feature that enables them.
fn cli_dependencies(api: &Api, table: &mut toml::Table) -> String {
    if !super::has_cli(api) {
        return String::new();
    }
    let mut enables = Vec::new();
    for (name, spec) in super::cli_rs::DEPENDENCIES {
        let parsed: toml::Table = format!("x = {spec}").parse().expect("dependency specs are valid TOML");
        let mut value = match &parsed["x"] {
            toml::Value::String(version) => toml::Table::from_iter([("version".to_owned(), toml::Value::String(version.clone()))]),
            toml::Value::Table(value) => value.clone(),
            _ => toml::Table::new(),
        };
        if table.contains_key(name) {
            let features = value.get("features").and_then(|f| f.as_array()).cloned().unwrap_or_default();
            enables.extend(features.iter().filter_map(|f| f.as_str()).map(|feature| format!("{name}/{feature}")));
        } else {
            value.insert("optional".to_owned(), toml::Value::Boolean(true));
            table.insert(name.to_owned(), toml::Value::Table(value));
            enables.push(format!("dep:{name}"));
        }
    }
    format!(
        "# The `{}` command line: one subcommand per operation (see the README).\ncli = {}\n",
        super::cli_rs::bin_name(api),
        string_array(&enables)
    )
}

/// What the crate's doc examples run with: a runtime and a local server.
fn dev_dependencies() -> toml::Table {
    r#"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
wiremock = "0.6"
"#
    .parse()
    .expect("valid TOML")
}

/// Adds `name = value` to `table`, uniting the features of two
/// requirements of one crate (the runtime's and the generated code's).
fn merge(table: &mut toml::Table, name: &str, value: toml::Value) {
    let Some(existing) = table.get_mut(name) else {
        table.insert(name.to_owned(), value);
        return;
    };
    let as_table = |value: &toml::Value| match value {
        toml::Value::String(version) => toml::Table::from_iter([("version".to_owned(), toml::Value::String(version.clone()))]),
        toml::Value::Table(table) => table.clone(),
        _ => toml::Table::new(),
    };
    let (mut ours, theirs) = (as_table(existing), as_table(&value));
    let mut features: Vec<toml::Value> = ours.get("features").and_then(|f| f.as_array()).cloned().unwrap_or_default();
    for feature in theirs.get("features").and_then(|f| f.as_array()).into_iter().flatten() {
        if !features.contains(feature) {
            features.push(feature.clone());
        }
    }
    for (key, value) in theirs {
        ours.entry(key).or_insert(value);
    }
    if !features.is_empty() {
        ours.insert("features".to_owned(), toml::Value::Array(features));
    }
    *existing = if ours.len() == 1 && ours.contains_key("version") { ours["version"].clone() } else { toml::Value::Table(ours) };
}

/// `name = value` lines, in name order.
fn table_lines(table: &toml::Table) -> String {
    let mut lines: Vec<String> = table.iter().map(|(name, value)| format!("{name} = {value}\n")).collect();
    lines.sort();
    lines.concat()
}

fn string_array<S: AsRef<str>>(items: &[S]) -> String {
    toml::Value::Array(items.iter().map(|item| toml::Value::from(item.as_ref())).collect()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_requirements_unite_features() {
        let mut table = toml::Table::new();
        merge(&mut table, "serde", toml::Value::String("1".into()));
        merge(&mut table, "serde", "x = { version = \"1\", features = [\"derive\"] }".parse::<toml::Table>().unwrap()["x"].clone());
        assert_eq!(table["serde"].to_string(), r#"{ version = "1", features = ["derive"] }"#);
        merge(&mut table, "bytes", toml::Value::String("1".into()));
        merge(&mut table, "bytes", toml::Value::String("1".into()));
        assert_eq!(table["bytes"].to_string(), r#""1""#);
    }
}
