//! The string enums of generated models, by their table of wire values: one non-generic lookup
//! for `FromStr`, one deserializer per format for every enum, instead of a derived `Deserialize`
//! (with its field visitor) and a `match` per enum. A generated enum keeps its wire values in
//! variant order (`WIRE`) beside its variants (`ALL`); these return the index of a value.

use std::fmt;

use serde::de::{self, Deserializer, EnumAccess, Unexpected, VariantAccess, Visitor};

use crate::model::error::ConversionError;

/// The index of `value` among `wire`, or the error of a generated enum's `FromStr`.
pub fn wire_index(value: &str, wire: &[&str]) -> Result<usize, ConversionError> {
    wire.iter().position(|w| *w == value).ok_or_else(|| "invalid value".into())
}

/// Deserialize a unit variant of the enum `name` whose variants are `wire` (in order), and return
/// its index: what `#[derive(Deserialize)]` with a `#[serde(rename)]` per variant accepts (the
/// value as a string, or a unit variant in the format's enum form), with its errors.
pub fn deserialize_wire<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    wire: &'static [&'static str],
) -> Result<usize, D::Error> {
    deserializer.deserialize_enum(name, wire, Unit { name, wire })
}

/// The visitor of the enum: one unit variant.
struct Unit {
    name: &'static str,
    wire: &'static [&'static str],
}

impl<'de> Visitor<'de> for Unit {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", self.name)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (index, variant) = data.variant_seed(Ident(self.wire))?;
        variant.unit_variant()?;
        Ok(index)
    }
}

/// The variant identifier: its wire value, or its index.
struct Ident(&'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for Ident {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Ident {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<usize, E> {
        match usize::try_from(value) {
            Ok(i) if i < self.0.len() => Ok(i),
            _ => Err(E::invalid_value(Unexpected::Unsigned(value), &VariantIndex(self.0.len()))),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<usize, E> {
        self.0.iter().position(|w| *w == value).ok_or_else(|| E::unknown_variant(value, self.0))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<usize, E> {
        match self.0.iter().position(|w| w.as_bytes() == value) {
            Some(i) => Ok(i),
            None => Err(E::unknown_variant(&String::from_utf8_lossy(value), self.0)),
        }
    }
}

/// What a variant index must be: `variant index 0 <= i < n`, as serde's derive says it.
struct VariantIndex(usize);

impl de::Expected for VariantIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "variant index 0 <= i < {}", self.0)
    }
}

/// A generated string enum's tables, `WIRE` (the wire values) and `ALL` (the variants) in variant
/// order, and its `Display`, `FromStr`, `TryFrom<&str>`, `TryFrom<String>`, `Serialize` and
/// `Deserialize` impls over them: `wire_enum!(AspectRatio { R16x9 = "16:9", R9x16 = "9:16" })`.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            const WIRE: &'static [&'static str] = &[$($wire),*];
            const ALL: &'static [Self] = &[$(Self::$variant),*];
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(Self::WIRE[*self as usize])
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::__private::model::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                $crate::__private::model::wire_index(value, Self::WIRE).map(|i| Self::ALL[i])
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::__private::model::error::ConversionError;
            fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::__private::model::error::ConversionError;
            fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_unit_variant(stringify!($name), *self as u32, Self::WIRE[*self as usize])
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::__private::model::deserialize_wire(deserializer, stringify!($name), Self::WIRE)
                    .map(|i| Self::ALL[i])
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde::de::value::{Error, StrDeserializer, U64Deserializer};
    use serde::de::IntoDeserializer;

    use super::*;

    const WIRE: &[&str] = &["16:9", "9:16"];

    #[test]
    fn a_value_is_its_index_and_anything_else_the_derived_error() {
        assert_eq!(wire_index("9:16", WIRE).unwrap(), 1);
        assert_eq!(wire_index("1:1", WIRE).unwrap_err().to_string(), "invalid value");
        assert_eq!(deserialize_wire(serde_json::json!("9:16"), "Ratio", WIRE).unwrap(), 1);
        let err = deserialize_wire(serde_json::json!("1:1"), "Ratio", WIRE).unwrap_err();
        assert_eq!(err.to_string(), "unknown variant `1:1`, expected `16:9` or `9:16`");
        let err = deserialize_wire(serde_json::json!(5), "Ratio", WIRE).unwrap_err();
        assert_eq!(err.to_string(), "invalid type: integer `5`, expected string or map");
        // The enum form of a unit variant, as serde's derive takes it too.
        assert_eq!(deserialize_wire(serde_json::json!({"16:9": null}), "Ratio", WIRE).unwrap(), 0);
        let mut json = serde_json::Deserializer::from_str("\"16:9\"");
        assert_eq!(deserialize_wire(&mut json, "Ratio", WIRE).unwrap(), 0);
    }

    #[test]
    fn a_variant_identifier_is_its_wire_value_its_bytes_or_its_index() {
        let by_str: StrDeserializer<'_, Error> = "9:16".into_deserializer();
        assert_eq!(de::DeserializeSeed::deserialize(Ident(WIRE), by_str).unwrap(), 1);
        assert_eq!(Ident(WIRE).visit_bytes::<Error>(b"16:9").unwrap(), 0);
        let by_index: U64Deserializer<Error> = 1u64.into_deserializer();
        assert_eq!(de::DeserializeSeed::deserialize(Ident(WIRE), by_index).unwrap(), 1);
        let err = Ident(WIRE).visit_u64::<Error>(2).unwrap_err();
        assert_eq!(err.to_string(), "invalid value: integer `2`, expected variant index 0 <= i < 2");
    }
}
