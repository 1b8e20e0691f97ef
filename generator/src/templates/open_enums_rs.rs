//! The generated crate's `src/open_enums.rs`: the string conversions that
//! every open enum of `types` has ([`crate::open_enums`]), written once as
//! a macro. The file is the same in every crate, so it is kept here as
//! text rather than rendered.

/// The text of `src/open_enums.rs` (after its `// @generated` line). It
/// names only `std` and `serde`, which every generated crate depends on.
pub const OPEN_ENUMS_RS: &str = r#"//! The conversions every open enum of `types` shares: an open enum keeps
//! a value the spec does not list in its catch-all variant, so it converts
//! from any string and back without failing. `open_enum_conversions!(Name)`
//! writes them next to each enum, whose own `From<&str>` and `as_str` say
//! which variant holds which value.

/// Writes, for the open enum `$name`: `From<String>` and `From<&String>`
/// (through its `From<&str>`), `FromStr` (which cannot fail), `Display`
/// (through its `as_str`), and `Serialize` and `Deserialize` as that
/// string.
#[allow(unused_macros)]
macro_rules! open_enum_conversions {
    ($name:ident) => {
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::convert::From<&::std::string::String> for $name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::borrow::Cow<'de, str> = ::serde::Deserialize::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    };
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_writes_each_conversion_once_through_from_str_and_as_str() {
        let file = syn::parse_file(OPEN_ENUMS_RS).expect("the file parses");
        let [syn::Item::Macro(definition)] = file.items.as_slice() else { panic!("one macro") };
        assert_eq!(definition.ident.as_ref().map(ToString::to_string).as_deref(), Some("open_enum_conversions"));
        for conversion in ["From<::std::string::String>", "From<&::std::string::String>", "FromStr", "Display", "Serialize", "Deserialize<'de>"] {
            assert_eq!(OPEN_ENUMS_RS.matches(&format!("{conversion} for $name")).count(), 1, "{conversion}");
        }
        assert!(!OPEN_ENUMS_RS.contains("crate::"), "only std and serde: a vendored runtime reads the same");
    }
}
