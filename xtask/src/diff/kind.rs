//! What can change in an input schema, and the two verdicts on each change.
//!
//! The wire level follows oasdiff's request-side rules: a request that was valid before and is
//! rejected now is `ERR`, one that may be (a removed property some servers reject, a pattern) is
//! `WARN`, anything else `INFO`. The Rust verdict says whether code written against the generated
//! crate still compiles, i.e. the semver bump the crate needs.

/// The wire level of a change (oasdiff's ERR / WARN / INFO).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warn,
    Err,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Err => "ERR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
        }
    }

    /// What the level means for a request that was valid before.
    pub fn wire(self) -> &'static str {
        match self {
            Level::Err => "breaking",
            Level::Warn => "may break",
            Level::Info => "compatible",
        }
    }

    /// `ERR` or `WARN` (case-insensitive), for `--fail-on`.
    pub fn parse(text: &str) -> Option<Level> {
        match text.to_ascii_uppercase().as_str() {
            "ERR" => Some(Level::Err),
            "WARN" => Some(Level::Warn),
            "INFO" => Some(Level::Info),
            _ => None,
        }
    }
}

/// What a change does to code written against the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rust {
    /// Docs or a documented default only.
    None,
    /// Still compiles; only run-time validation (`build()`) or sent constants differ.
    Compatible,
    /// A field, variant or model added.
    Additive,
    /// Something removed or retyped: code may no longer compile.
    Breaking,
}

impl Rust {
    pub fn label(self) -> &'static str {
        match self {
            Rust::None => "none",
            Rust::Compatible => "compatible",
            Rust::Additive => "additive",
            Rust::Breaking => "breaking",
        }
    }

    /// The semver bump of the generated crate.
    pub fn bump(self) -> &'static str {
        match self {
            Rust::Breaking => "major",
            Rust::Additive => "minor",
            Rust::Compatible | Rust::None => "patch",
        }
    }
}

macro_rules! kinds {
    ($($variant:ident => $name:literal, $level:ident, $rust:ident;)*) => {
        /// One kind of change. `ALL` lists them with their verdicts (the README's table).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant,)* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The name in reports: `bound tightened`.
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }

            pub fn level(self) -> Level {
                match self { $(Kind::$variant => Level::$level,)* }
            }

            /// The Rust verdict where it does not depend on the field being required.
            fn rust_default(self) -> Rust {
                match self { $(Kind::$variant => Rust::$rust,)* }
            }
        }
    };
}

kinds! {
    ModelAdded => "model added", Info, Additive;
    ModelRemoved => "model removed", Err, Breaking;
    RequiredPropertyAdded => "required property added", Err, Breaking;
    PropertyAdded => "property added", Info, Additive;
    PropertyRemoved => "property removed", Warn, Breaking;
    BecameRequired => "became required", Err, Breaking;
    BecameOptional => "became optional", Info, Breaking;
    TypeChanged => "type changed", Err, Breaking;
    TypeWidened => "type widened", Info, Breaking;
    EnumAdded => "enum added", Err, Breaking;
    EnumRemoved => "enum removed", Info, Breaking;
    EnumValueAdded => "enum value added", Info, Additive;
    EnumValueRemoved => "enum value removed", Err, Breaking;
    BoundTightened => "bound tightened", Err, Compatible;
    BoundLoosened => "bound loosened", Info, Compatible;
    LengthTightened => "length bound tightened", Err, Compatible;
    LengthLoosened => "length bound loosened", Info, Compatible;
    ItemsTightened => "items bound tightened", Err, Compatible;
    ItemsLoosened => "items bound loosened", Info, Compatible;
    PatternAdded => "pattern added", Warn, Compatible;
    PatternChanged => "pattern changed", Warn, Compatible;
    PatternRemoved => "pattern removed", Info, Compatible;
    ConstAdded => "const added", Err, Compatible;
    ConstChanged => "const changed", Err, Compatible;
    ConstRemoved => "const removed", Info, Compatible;
    DefaultChanged => "default changed", Info, None;
    BecameNullable => "became nullable", Info, Compatible;
    NoLongerNullable => "no longer nullable", Err, Compatible;
    UnionMemberAdded => "union member added", Info, Additive;
    UnionMemberRemoved => "union member removed", Err, Breaking;
    FormatChanged => "format changed", Warn, Compatible;
    FormatRemoved => "format removed", Info, Compatible;
    DescriptionChanged => "description changed", Info, None;
}

impl Kind {
    /// The Rust verdict of this kind on a field that is `required` (in the new schema): a
    /// required field's type changes between `T` and `Option<T>` when its nullability does; an
    /// optional field is an `Option` either way.
    pub fn rust(self, required: bool) -> Rust {
        match self {
            Kind::BecameNullable | Kind::NoLongerNullable if required => Rust::Breaking,
            other => other.rust_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len());
    }
}
