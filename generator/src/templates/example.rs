//! The usage example shown in a crate's docs and README.

use crate::model::{Api, Scheme, SchemeKind};

/// Rust statements that build a client from the environment and call the
/// first operation that needs no body, for `/// ```no_run` blocks.
pub fn usage(api: &Api) -> String {
    let lib = &api.lib_name;
    let credentials = match api.schemes.iter().find(|scheme| !scheme.env.is_empty()) {
        Some(_) => "Credentials::from_env()?".to_owned(),
        None => api.schemes.first().map(literal_credentials).unwrap_or_else(|| "Credentials::none()".to_owned()),
    };
    let base_url = match &api.server {
        Some(server) if server.variables.is_empty() => format!("{lib}::DEFAULT_BASE_URL"),
        Some(server) => {
            let args = server.variables.iter().map(|v| format!("\"my-{}\"", v.name)).collect::<Vec<_>>().join(", ");
            format!("&{lib}::server_url({args})")
        }
        None => "\"https://api.example.com\"".to_owned(),
    };
    let mut out = format!(
        "use {lib}::{{Client, Credentials}};\n\nlet client = Client::new({base_url}, {credentials})?;\n"
    );
    out.push_str(&call(api).unwrap_or_default());
    out
}

/// The statements of the example that call the API with `client`, if an
/// operation fits: shared by the docs, the README and `readme_example`.
pub fn call(api: &Api) -> Option<String> {
    let call = api.example_call.as_ref()?;
    let mut out = format!("let response = client.{}()", call.method_name);
    for (setter, value) in &call.arguments {
        out.push_str(&format!("\n    .{setter}({value})"));
    }
    out.push_str("\n    .send()\n    .await?;\n");
    out.push_str(if call.prints_body { "println!(\"{:#?}\", response.into_inner());\n" } else { "println!(\"{}\", response.status());\n" });
    Some(out)
}

/// The same statements wrapped for a doc test that compiles but never runs.
pub fn doc_test(api: &Api) -> String {
    let mut out = String::from("```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    out.push_str(&usage(api));
    out.push_str("# Ok(())\n# }\n```");
    out
}

fn literal_credentials(scheme: &Scheme) -> String {
    let name = &scheme.constructor;
    match scheme.kind {
        SchemeKind::FixedAuthorization { .. } => format!("Credentials::{name}()"),
        SchemeKind::Basic | SchemeKind::NcpSignatureV2 => format!("Credentials::{name}(\"id\", \"secret\")"),
        SchemeKind::OAuth2 { .. } => format!("Credentials::{name}_token(\"secret\")"),
        _ => format!("Credentials::{name}(\"secret\")"),
    }
}
