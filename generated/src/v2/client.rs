//! The v2 relay client (hand-written runtime).

use crate::{Error, Model};

/// Client for a new-api based relay. The relay has no fixed host: give its base URL.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

impl Client {
    /// A client for the relay at `base_url`.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Client {
            http: reqwest::Client::new(),
            base_url: base_url.into().trim_end_matches('/').to_string(),
            api_key: api_key.into(),
        }
    }

    /// A request for one model.
    pub fn call<M: Model>(&self, input: M) -> Call<'_, M> {
        Call { client: self, input }
    }
}

/// One model invocation, not yet sent.
pub struct Call<'a, M> {
    client: &'a Client,
    input: M,
}

impl<M: Model> Call<'_, M> {
    /// The body this call sends: the input with `model` set, after validation.
    pub async fn body(&self) -> Result<serde_json::Value, Error> {
        let mut body = crate::media::inline_files(self.input.to_body()?).await?;
        if let serde_json::Value::Object(map) = &mut body {
            map.insert("model".into(), M::INFO.model_name.into());
        }
        Ok(body)
    }

    /// The HTTP request this call sends: `POST /v2/{scope}/generations`.
    pub async fn build_request(&self) -> Result<reqwest::Request, Error> {
        let body = self.body().await?;
        let scope = M::INFO.scope().unwrap_or("videos");
        Ok(self
            .client
            .http
            .post(format!("{}/v2/{scope}/generations", self.client.base_url))
            .bearer_auth(&self.client.api_key)
            .json(&body)
            .build()?)
    }
}
