//! Rust names as progenitor writes them, so our code can refer to the
//! methods, builders and builder fields progenitor generates.
//!
//! [`sanitize`] is progenitor 0.15.1's `util::sanitize`, which is private;
//! `progenitor_pass` checks every name we expect against progenitor's actual
//! output and fails generation, naming the operation, if one is missing, so
//! a change in progenitor cannot silently detach an operation.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// The case of a sanitised name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `UpperCamelCase`, for types.
    Pascal,
    /// `snake_case`, for methods and fields.
    Snake,
}

/// `input` as a Rust identifier in `case`, exactly as progenitor makes it:
/// apostrophes dropped, other non-identifier characters as word breaks, a
/// leading `_` when the first character cannot start an identifier, and a
/// trailing `_` for keywords (`type` → `type_`, `2fa` → `_2fa`).
pub fn sanitize(input: &str, case: Case) -> String {
    let to_case = |text: &str| match case {
        Case::Pascal => text.to_pascal_case(),
        Case::Snake => text.to_snake_case(),
    };
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(&input.replace('\'', "").replace(|c: char| !is_xid_continue(c), "-")),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// The client method progenitor generates for `operation_id`.
pub fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, Case::Snake)
}

/// The request builder progenitor generates for `operation_id`.
pub fn builder_name(operation_id: &str) -> String {
    sanitize(&method_name(operation_id), Case::Pascal)
}

/// The builder field (and setter) of the parameter `name`.
pub fn field_name(name: &str) -> String {
    sanitize(name, Case::Snake)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_progenitor() {
        assert_eq!(method_name("listProjectAssets"), "list_project_assets");
        assert_eq!(builder_name("listProjectAssets"), "ListProjectAssets");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(builder_name("type"), "Type");
        assert_eq!(method_name("match"), "match_");
        assert_eq!(method_name("2fa"), "_2fa");
        assert_eq!(builder_name("2fa"), "_2fa");
        assert_eq!(method_name("get users/{id}"), "get_users_id");
        assert_eq!(field_name("X-File-Name"), "x_file_name");
        assert_eq!(field_name("filter[name]"), "filter_name");
    }
}
