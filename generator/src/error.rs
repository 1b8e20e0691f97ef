//! The one error type of generation: what is wrong, in which file, where.

use std::fmt;

/// Generation failed: `file` names the spec, `item` the operation id or JSON
/// pointer at fault, and `message` what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateError {
    /// The spec's label, such as `specs/indream.yaml`.
    pub file: String,
    /// Where in the spec: an operation (`operation listAssets`) or a JSON
    /// pointer (`#/components/schemas/Asset`).
    pub item: String,
    /// What is wrong.
    pub message: String,
}

impl GenerateError {
    /// Creates an error about `item` in `file`.
    pub fn new(file: &str, item: impl Into<String>, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), item: item.into(), message: message.into() }
    }
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.item, self.message)
    }
}

impl std::error::Error for GenerateError {}

/// Something generation skipped or changed instead of refusing the spec:
/// `item` names the operation or JSON pointer, `message` what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The operation (`operation listPets (GET /pets)`) or JSON pointer.
    pub item: String,
    /// What was skipped or changed, and why.
    pub message: String,
}

impl Warning {
    /// A warning about `item`.
    pub fn new(item: impl Into<String>, message: impl Into<String>) -> Self {
        Self { item: item.into(), message: message.into() }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.item, self.message)
    }
}
