//! Decoding a successful answer, keeping a body that does not parse.

use serde::de::DeserializeOwned;

use crate::{Error, Result};

/// Decode a successful answer; a body that does not parse is kept in [`Error::Decode`].
pub(crate) async fn decode_json<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
    decode_str(resp.text().await?)
}

/// Decode a successful answer's text; one that does not parse is kept in [`Error::Decode`].
pub(crate) fn decode_str<T: DeserializeOwned>(text: String) -> Result<T> {
    serde_json::from_str(&text).map_err(|e| Error::Decode { message: e.to_string(), body: text })
}
