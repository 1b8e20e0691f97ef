//! Client-side checks of documented constraints on parameter values, made
//! as the call is built so that an invalid call sends nothing.

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

/// Checks one serialised value against `rule`, saying what is wrong.
pub(crate) fn check(value: &str, rule: Rule) -> Result<(), String> {
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
}
