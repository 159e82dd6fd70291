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
    /// The file describes no model at all: an OpenAPI document with no POST operation (only
    /// GETs, say). Not a failure of the generator; a corpus counts it apart.
    #[error("{file}: /paths: {reason}")]
    NoModel {
        /// The schema file, as `schemas/<path>`.
        file: String,
        /// Why there is no model.
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

/// Why an OpenAPI document yields no model ([`Error::NoModel`]).
pub(crate) const NO_MODEL: &str = "the document describes no model: it has no POST operation";

impl Error {
    /// Whether the schema file describes no model at all (an OpenAPI document with no POST
    /// operation, only GETs say), rather than a model that could not be generated.
    pub fn is_no_model(&self) -> bool {
        matches!(self, Error::NoModel { .. })
    }

    pub(crate) fn schema(file: &str, pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Schema { file: file.to_string(), pointer: pointer.into(), reason: reason.into() }
    }
}
