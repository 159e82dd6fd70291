/// Why a schema could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The schema at `file` is wrong or unsupported at `pointer`.
    #[error("{file}: {pointer}: {reason}", pointer = if pointer.is_empty() { "(document root)" } else { pointer })]
    Schema {
        /// The schema file, as `schemas/<path>`.
        file: String,
        /// JSON pointer into the file (`/properties/duration/maximum`); empty for the whole file.
        pointer: String,
        /// What is wrong.
        reason: String,
    },
    /// Two schemas produce the same Rust module or the same method name.
    #[error("{first} and {second} both generate {what}")]
    Collision {
        /// One schema file.
        first: String,
        /// The other schema file.
        second: String,
        /// The Rust item both would define.
        what: String,
    },
}

impl Error {
    pub(crate) fn schema(file: &str, pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Schema {
            file: file.to_string(),
            pointer: pointer.into(),
            reason: reason.into(),
        }
    }
}
