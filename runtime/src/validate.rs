//! Client-side checks of documented constraints, on the request as built,
//! before anything is sent.

use crate::call::{record, Violation};
use crate::context::OperationPolicy;

/// Where a constrained parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A query parameter.
    Query,
    /// A header.
    Header,
    /// The path segment this many places before the last one (0 is the
    /// last), so a base URL with a path of its own does not shift it.
    PathFromEnd(usize),
}

/// A documented constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// An integer within bounds (inclusive).
    Integer {
        /// Smallest allowed value.
        min: Option<i64>,
        /// Largest allowed value.
        max: Option<i64>,
    },
    /// A string whose length in characters is within bounds (inclusive).
    Length {
        /// Fewest characters.
        min: Option<usize>,
        /// Most characters.
        max: Option<usize>,
    },
}

/// One parameter's constraint.
#[derive(Clone, Copy, Debug)]
pub struct Constraint {
    /// Parameter name as the spec gives it.
    pub parameter: &'static str,
    /// Where it travels.
    pub location: Location,
    /// What it must satisfy.
    pub rule: Rule,
}

/// Checks `request` against the operation's constraints. On a violation the
/// call's record gets it (so the caller sees `Error::Validation`) and the
/// message is returned for the hook to abort the call.
pub fn validate(request: &reqwest::Request, operation: &OperationPolicy) -> Result<(), String> {
    for constraint in operation.constraints {
        for value in values(request, constraint) {
            if let Err(message) = check(&value, constraint.rule) {
                let text = format!("invalid `{}`: {message}", constraint.parameter);
                record(|call| call.violation = Some(Violation { parameter: constraint.parameter.to_owned(), message }));
                return Err(text);
            }
        }
    }
    Ok(())
}

fn values(request: &reqwest::Request, constraint: &Constraint) -> Vec<String> {
    match constraint.location {
        Location::Query => request
            .url()
            .query_pairs()
            .filter(|(name, _)| name == constraint.parameter)
            .map(|(_, value)| value.into_owned())
            .collect(),
        Location::Header => request
            .headers()
            .get_all(constraint.parameter)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect(),
        Location::PathFromEnd(index) => request
            .url()
            .path_segments()
            .and_then(|segments| segments.rev().nth(index))
            .map(percent_decode)
            .into_iter()
            .collect(),
    }
}

fn check(value: &str, rule: Rule) -> Result<(), String> {
    match rule {
        Rule::Integer { min, max } => {
            let number: i64 = value.parse().map_err(|_| format!("must be an integer, got `{value}`"))?;
            if let Some(min) = min.filter(|min| number < *min) {
                return Err(format!("must be at least {min}, got {number}"));
            }
            if let Some(max) = max.filter(|max| number > *max) {
                return Err(format!("must be at most {max}, got {number}"));
            }
        }
        Rule::Length { min, max } => {
            let length = value.chars().count();
            if let Some(min) = min.filter(|min| length < *min) {
                return Err(format!("must be at least {min} characters long, got {length}"));
            }
            if let Some(max) = max.filter(|max| length > *max) {
                return Err(format!("must be at most {max} characters long, got {length}"));
            }
        }
    }
    Ok(())
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_name_the_bound_that_failed() {
        let range = Rule::Integer { min: Some(1), max: Some(100) };
        assert_eq!(check("0", range), Err("must be at least 1, got 0".to_owned()));
        assert_eq!(check("101", range), Err("must be at most 100, got 101".to_owned()));
        assert_eq!(check("100", range), Ok(()));
        let length = Rule::Length { min: Some(1), max: Some(3) };
        assert_eq!(check("", length), Err("must be at least 1 characters long, got 0".to_owned()));
        assert_eq!(check("éèê", length), Ok(()));
        assert_eq!(check("abcd", length), Err("must be at most 3 characters long, got 4".to_owned()));
    }

    #[test]
    fn path_segments_are_decoded_before_checking() {
        assert_eq!(percent_decode("a%20b%C3%A9"), "a bé");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
