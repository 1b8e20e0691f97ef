//! The generated crate's package metadata: name, version, description,
//! license and links, read from the spec's `info` and the caller's options,
//! in the forms crates.io accepts.

use openapiv3::OpenAPI;

use crate::Options;

/// What the generated `Cargo.toml` says about the package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// Package name, such as `indream-client`.
    pub name: String,
    /// Semver version: `info.version` when it is semver, else the caller's
    /// fallback, else `0.1.0`.
    pub version: String,
    /// One line for crates.io.
    pub description: String,
    /// The crate's license, from `info.license`.
    pub license: Option<License>,
    /// `externalDocs.url`, else `info.contact.url`.
    pub homepage: Option<String>,
    /// From the caller (`--repository`).
    pub repository: Option<String>,
    /// From the caller (`--documentation`).
    pub documentation: Option<String>,
    /// crates.io keywords (at most five, each a valid keyword).
    pub keywords: Vec<String>,
    /// Why the version is not the spec's, when it is not.
    pub version_note: Option<String>,
}

/// A license as crates.io takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum License {
    /// An SPDX expression, for the `license` field.
    Spdx(String),
    /// A name that is not SPDX: written to a `LICENSE` file with its URL,
    /// for the `license-file` field.
    File { name: String, url: Option<String> },
}

/// The oldest Rust the generated crates are written for (clippy's
/// `incompatible_msrv` lint checks the runtime and generated code against it).
pub const RUST_VERSION: &str = "1.85";

/// crates.io categories of every generated crate.
pub const CATEGORIES: [&str; 2] = ["api-bindings", "web-programming::http-client"];

impl Package {
    /// The package for `document`, named `name`.
    pub fn new(document: &OpenAPI, name: &str, options: &Options) -> Self {
        let info = &document.info;
        let (version, version_note) = match semver::Version::parse(info.version.trim()) {
            Ok(version) => (version.to_string(), None),
            Err(_) => {
                let fallback = options.version.clone().unwrap_or_else(|| "0.1.0".to_owned());
                let note = format!("`info.version` ({:?}) is not semver: the crate is version {fallback}", info.version);
                (fallback, Some(note))
            }
        };
        let homepage = document
            .external_docs
            .as_ref()
            .map(|docs| docs.url.clone())
            .or_else(|| info.contact.as_ref().and_then(|contact| contact.url.clone()))
            .filter(|url| url.starts_with("http"));
        Self {
            name: name.to_owned(),
            version,
            description: format!("Typed Rust client for the {}.", one_line(&info.title)),
            license: info.license.as_ref().and_then(|license| {
                let identifier = license.extensions.get("x-sdk-license-identifier").and_then(|v| v.as_str());
                license_of(identifier.unwrap_or(&license.name), license.url.as_deref())
            }),
            homepage,
            repository: options.repository.clone(),
            documentation: options.documentation.clone(),
            keywords: keywords(&info.title),
            version_note,
        }
    }
}

/// How generated files name their spec: a relative path inside the
/// project as given (`specs/indream.yaml`), otherwise just the file name,
/// so that no path of the generating machine ends up in a crate.
pub fn portable_label(label: &str) -> String {
    let path = std::path::Path::new(label);
    let inside = path.is_relative() && path.components().all(|part| matches!(part, std::path::Component::Normal(_)));
    if inside {
        return label.replace('\\', "/");
    }
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_else(|| label.to_owned())
}

/// The longest package name Cargo accepts.
const MAX_CRATE_NAME: usize = 64;

/// The crate a spec titled `title` generates when it is named after its
/// title: `Pet Store` → `pet-store-client`, `api-` in front of a title
/// that starts with a digit (`3scale` → `api-3scale-client`: a package
/// name cannot), and only as many of the title's words as fit Cargo's 64
/// characters.
pub fn crate_name_for_title(title: &str) -> String {
    let stem = kebab(title);
    let prefix = if stem.starts_with(|c: char| c.is_ascii_digit()) { "api-" } else { "" };
    let room = MAX_CRATE_NAME - prefix.len() - "-client".len();
    let mut kept = String::new();
    for word in stem.split('-') {
        let needed = if kept.is_empty() { word.len() } else { kept.len() + 1 + word.len() };
        if needed > room {
            break;
        }
        if !kept.is_empty() {
            kept.push('-');
        }
        kept.push_str(word);
    }
    if kept.is_empty() {
        // One word longer than the room: its first characters.
        kept = stem[..room.min(stem.len())].trim_end_matches('-').to_owned();
    }
    format!("{prefix}{kept}-client")
}

/// `title` as lowercase ASCII words joined by `-` (`api` when it has none).
pub fn kebab(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() { "api".to_owned() } else { words.join("-") }
}

/// Why `name` cannot name a package (and its library), if it cannot:
/// Cargo takes ASCII letters, digits, `-` and `_`, at most 64, not
/// starting with a digit, and the library name must not be a keyword.
pub fn crate_name_problem(name: &str) -> Option<String> {
    let lib_name = name.replace('-', "_");
    if name.is_empty() || name.len() > MAX_CRATE_NAME {
        Some(format!("the crate name {name:?} must have 1 to 64 characters"))
    } else if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        Some(format!("the crate name {name:?} has {bad:?}; only ASCII letters, digits, `-` and `_` are allowed"))
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some(format!("the crate name {name:?} starts with a digit"))
    } else if syn::parse_str::<syn::Ident>(&lib_name).is_err() {
        Some(format!("the crate name {name:?} is a Rust keyword as a library name (`{lib_name}`)"))
    } else {
        None
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('"', "'")
}

/// The SPDX identifier of a license name as specs write it, or a
/// `LICENSE` file naming it.
fn license_of(name: &str, url: Option<&str>) -> Option<License> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    const KNOWN: [&str; 16] = [
        "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "MPL-2.0", "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0",
        "AGPL-3.0", "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "Unlicense", "0BSD",
    ];
    let squashed = |text: &str| text.to_ascii_lowercase().replace(['-', ' ', ',', '.'], "").replace("license", "").replace("version", "");
    if let Some(known) = KNOWN.iter().find(|id| squashed(id) == squashed(name) || squashed(id).replace("20", "2") == squashed(name)) {
        return Some(License::Spdx((*known).to_owned()));
    }
    // An expression of known identifiers, such as `MIT OR Apache-2.0`.
    let is_expression = name.split_whitespace().all(|word| matches!(word, "OR" | "AND" | "WITH") || KNOWN.contains(&word));
    if is_expression {
        return Some(License::Spdx(name.to_owned()));
    }
    Some(License::File { name: name.to_owned(), url: url.map(str::to_owned) })
}

/// Up to five crates.io keywords: ours and the first words of the title.
fn keywords(title: &str) -> Vec<String> {
    let mut keywords: Vec<String> = ["api", "client", "openapi"].map(str::to_owned).to_vec();
    for word in title.split(|c: char| !c.is_ascii_alphanumeric()).map(str::to_ascii_lowercase) {
        let valid = (2..=20).contains(&word.len()) && word.starts_with(|c: char| c.is_ascii_alphabetic());
        let filler = matches!(word.as_str(), "the" | "and" | "for" | "of" | "with" | "rest" | "http" | "service")
            || (word.starts_with('v') && word[1..].chars().all(|c| c.is_ascii_digit()));
        if valid && !filler && !keywords.contains(&word) && keywords.len() < 5 {
            keywords.push(word);
        }
    }
    keywords
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_is_named_after_as_many_words_of_its_title_as_fit() {
        assert_eq!(crate_name_for_title("Swagger Petstore"), "swagger-petstore-client");
        assert_eq!(crate_name_for_title("3scale API"), "api-3scale-api-client");
        assert_eq!(crate_name_for_title("0"), "api-0-client");
        assert_eq!(crate_name_for_title("¿?"), "api-client");
        let long = "U.S. EPA Enforcement and Compliance History Online (ECHO) - Clean Water Act (CWA) REST Services";
        assert_eq!(crate_name_for_title(long), "u-s-epa-enforcement-and-compliance-history-online-echo-client");
        let one_word = "a".repeat(100);
        assert_eq!(crate_name_for_title(&one_word), format!("{}-client", "a".repeat(57)));
        for title in [long, one_word.as_str(), "9 lives of a very very very very very very very very very long title"] {
            assert_eq!(crate_name_problem(&crate_name_for_title(title)), None, "{title}");
        }
    }

    #[test]
    fn crate_names_cargo_refuses_are_named() {
        assert_eq!(crate_name_problem("pet-store-client"), None);
        assert_eq!(crate_name_problem("_private"), None);
        assert_eq!(crate_name_problem("0-client").as_deref(), Some("the crate name \"0-client\" starts with a digit"));
        assert!(crate_name_problem("self").is_some_and(|p| p.contains("keyword")));
        assert!(crate_name_problem("pet store").is_some_and(|p| p.contains("' '")));
        assert!(crate_name_problem("").is_some());
        assert!(crate_name_problem(&"a".repeat(65)).is_some());
    }

    #[test]
    fn license_names_become_spdx_or_a_file() {
        assert_eq!(license_of("Apache 2.0", None), Some(License::Spdx("Apache-2.0".into())));
        assert_eq!(license_of("Apache License, Version 2.0", None), Some(License::Spdx("Apache-2.0".into())));
        assert_eq!(license_of("MIT License", None), Some(License::Spdx("MIT".into())));
        assert_eq!(license_of("MIT OR Apache-2.0", None), Some(License::Spdx("MIT OR Apache-2.0".into())));
        assert_eq!(
            license_of("Proprietary", Some("https://example.com/terms")),
            Some(License::File { name: "Proprietary".into(), url: Some("https://example.com/terms".into()) })
        );
        assert_eq!(license_of(" ", None), None);
    }

    #[test]
    fn keywords_are_valid_and_at_most_five() {
        let words = keywords("The NAVER Cloud Media-Intelligence REST API v2");
        assert_eq!(words, ["api", "client", "openapi", "naver", "cloud"]);
        assert!(words.iter().all(|w| w.len() <= 20));
    }
}
