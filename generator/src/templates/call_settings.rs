//! The generated crate's `src/call_settings.rs`: the `with_*` methods that
//! every request builder has, written once as a macro. The file is the
//! same in every crate, so it is kept here as text rather than rendered.

/// The text of `src/call_settings.rs` (after its `// @generated` line).
/// Its paths go through the crate root's re-exports, so that it reads the
/// same with the runtime as a dependency or vendored.
pub const CALL_SETTINGS_RS: &str = r#"//! The settings of one call, the same on every request builder: the
//! `with_*` methods that `call_settings!()` writes into each builder's
//! `impl` in `operations.rs`.

/// Writes `with_header`, `with_timeout`, `with_retry_policy` and
/// `with_options` into a request builder's `impl` (the builder holds its
/// call's own settings in `sdk_call_options`).
#[allow(unused_macros)]
macro_rules! call_settings {
    () => {
        /// Adds a header to this call only. A header the operation sets
        /// itself is replaced; one its credentials set is refused
        /// (`Error::Validation`, nothing sent).
        pub fn with_header(mut self, name: crate::HeaderName, value: crate::HeaderValue) -> Self {
            self.sdk_call_options = self.sdk_call_options.with_header(name, value);
            self
        }

        /// Bounds this call, retries and backoff included, by `timeout`
        /// instead of the client's `Timeouts::total`.
        pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.sdk_call_options = self.sdk_call_options.with_timeout(timeout);
            self
        }

        /// Retries this call with `policy` instead of the client's
        /// (`RetryPolicy::none()` for no retries).
        pub fn with_retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
            self.sdk_call_options = self.sdk_call_options.with_retry_policy(policy);
            self
        }

        /// Replaces this call's own settings with `options` (headers,
        /// timeout, retry policy, idempotency key), for settings shared
        /// by several calls.
        pub fn with_options(mut self, options: crate::CallOptions) -> Self {
            self.sdk_call_options = options;
            self
        }
    };
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// The methods `call_settings!()` writes, in its order.
    const CALL_SETTINGS: [&str; 4] = ["with_header", "with_timeout", "with_retry_policy", "with_options"];

    #[test]
    fn the_macro_writes_the_methods_it_names_into_the_builders_call_options_field() {
        for method in CALL_SETTINGS {
            assert!(CALL_SETTINGS_RS.contains(&format!("pub fn {method}(mut self")), "{method}");
        }
        assert_eq!(CALL_SETTINGS_RS.matches("pub fn ").count(), CALL_SETTINGS.len());
        let field = crate::progenitor_pass::CALL_OPTIONS_FIELD;
        assert_eq!(CALL_SETTINGS_RS.matches(&format!("self.{field} =")).count(), CALL_SETTINGS.len());
        syn::parse_file(CALL_SETTINGS_RS).expect("the file parses");
        for method in CALL_SETTINGS {
            assert!(crate::reserved::SETTERS.contains(&method), "{method} is kept from parameter setters");
        }
    }
}
