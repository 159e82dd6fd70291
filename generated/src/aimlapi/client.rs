//! The AI/ML API client (hand-written runtime).

use crate::{Error, Model};

/// Client for AI/ML API.
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
    /// A client with an explicit key and the default base URL `https://api.aimlapi.com`.
    pub fn new(api_key: impl Into<String>) -> Self {
        Client {
            http: reqwest::Client::new(),
            base_url: "https://api.aimlapi.com".into(),
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
    /// The body this call sends: the input with `model` set when the input has none.
    pub async fn body(&self) -> Result<serde_json::Value, Error> {
        let mut body = crate::media::inline_files(self.input.to_body()?).await?;
        if let serde_json::Value::Object(map) = &mut body {
            map.entry("model").or_insert_with(|| M::INFO.model_name.into());
        }
        Ok(body)
    }

    /// The HTTP request this call sends: `POST {endpoint}`.
    pub async fn build_request(&self) -> Result<reqwest::Request, Error> {
        let body = self.body().await?;
        Ok(self
            .client
            .http
            .post(format!("{}{}", self.client.base_url, M::INFO.endpoint))
            .bearer_auth(&self.client.api_key)
            .json(&body)
            .build()?)
    }
}
