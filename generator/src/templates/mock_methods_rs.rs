//! The generated crate's `src/mock_methods.rs`: the methods that every
//! mock of `mock.rs` has, written once as a macro. The file is the same in
//! every crate, so it is kept here as text rather than rendered.

/// The text of `src/mock_methods.rs` (after its `// @generated` line). Its
/// paths go through `crate::mock`, which re-exports wiremock, so that it
/// reads the same with the runtime as a dependency or vendored.
pub const MOCK_METHODS_RS: &str = r#"//! The methods every mock of `mock.rs` shares, whatever its operation:
//! `mock_methods!(ErrorType)` writes them into each mock's `impl`.

/// Writes `expect`, `respond_error` (with a body of the API's error type,
/// `$error`), `respond_status` and `respond_with` into a mock's `impl`
/// (the mock holds the runtime's `mock::Expectation` as field `0`).
#[allow(unused_macros)]
macro_rules! mock_methods {
    ($error:ty) => {
        /// How many matching requests this mock expects (a number or a
        /// range), checked when the server is verified or dropped.
        pub fn expect(self, times: impl Into<$crate::mock::wiremock::Times>) -> Self {
            Self(self.0.expect(times))
        }

        /// Answers `status` with `body`, the API's error type.
        pub async fn respond_error(self, status: u16, body: &$error) {
            self.0.respond_json(status, body).await;
        }

        /// Answers `status` without a body.
        pub async fn respond_status(self, status: u16) {
            self.0.respond_status(status).await;
        }

        /// Answers with `response`, as given.
        pub async fn respond_with(self, response: $crate::mock::wiremock::ResponseTemplate) {
            self.0.respond_with(response).await;
        }
    };
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// The methods `mock_methods!()` writes, in its order.
    const WRITTEN: [&str; 4] = ["expect", "respond_error", "respond_status", "respond_with"];

    #[test]
    fn the_macro_writes_the_methods_it_names_and_parameters_keep_off_them() {
        let file = syn::parse_file(MOCK_METHODS_RS).expect("the file parses");
        let [syn::Item::Macro(definition)] = file.items.as_slice() else { panic!("one macro") };
        assert_eq!(definition.ident.as_ref().map(ToString::to_string).as_deref(), Some("mock_methods"));
        let written: Vec<&str> = MOCK_METHODS_RS.match_indices("pub ").filter_map(|(at, _)| {
            let rest = MOCK_METHODS_RS[at..].trim_start_matches("pub ").trim_start_matches("async ");
            rest.strip_prefix("fn ").and_then(|rest| rest.split('(').next())
        }).collect();
        assert_eq!(written, WRITTEN);
        for method in WRITTEN {
            assert!(super::super::mock_rs::MOCK_METHODS.contains(&method), "a parameter setter named {method} is renamed");
        }
        assert!(!MOCK_METHODS_RS.contains("sdk_runtime::"), "through crate::mock: a vendored runtime reads the same");
    }
}
