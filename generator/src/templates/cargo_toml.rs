//! The generated crate's `Cargo.toml`.

use crate::model::Api;
use crate::Options;

/// Renders `Cargo.toml`; optional dependencies appear only when the
/// generated code uses them.
pub fn cargo_toml(api: &Api, options: &Options) -> String {
    let mut optional = String::new();
    if api.uses.uuid {
        optional.push_str("uuid = { version = \"1\", features = [\"serde\"] }\n");
    }
    if api.uses.chrono {
        optional.push_str("chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n");
    }
    if api.paginated || api.uses.futures {
        optional.push_str("futures = { version = \"0.3\", default-features = false, features = [\"std\"] }\n");
    }
    if api.uses.regress {
        optional.push_str("regress = \"0.12\"\n");
    }
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
description = "Typed Rust client for the {title}, generated from {spec}."
publish = false

[dependencies]
sdk-runtime = {{ path = "{runtime}" }}
progenitor-client = "=0.15.1"
reqwest = {{ version = "0.13", default-features = false, features = ["rustls", "http2", "json", "query", "stream"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
serde_urlencoded = "0.7"
bytes = "1"
futures-core = "0.3"
{optional}{workspace}"#,
        runtime = options.runtime_path,
        workspace = if options.standalone { "\n[workspace]\n" } else { "" },
        name = api.crate_name,
        title = api.title,
        spec = api.spec_label,
    )
}
