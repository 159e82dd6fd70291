//! The MindVideo client (hand-written runtime).

use crate::{Error, Model};

/// Client for MindVideo.
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
    /// A client with an explicit key and the default base URL `https://api.mindvideo.ai`.
    pub fn new(api_key: impl Into<String>) -> Self {
        Client {
            http: reqwest::Client::new(),
            base_url: "https://api.mindvideo.ai".into(),
            api_key: api_key.into(),
        }
    }

    /// The same client against another base URL.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into().trim_end_matches('/').to_string();
        self
    }

    /// A request for one model.
    pub fn call<M: Model>(&self, input: M) -> Call<'_, M> {
        Call {
            client: self,
            input,
            idempotency_key: None,
        }
    }
}

/// One model invocation, not yet sent.
pub struct Call<'a, M> {
    client: &'a Client,
    input: M,
    idempotency_key: Option<String>,
}

impl<M: Model> Call<'_, M> {
    /// Use this `Idempotency-Key` instead of a generated one.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// The task envelope `{model, input}` this call sends, after validating the input.
    pub async fn body(&self) -> Result<serde_json::Value, Error> {
        let input = crate::media::inline_files(self.input.to_body()?).await?;
        Ok(serde_json::json!({ "model": M::INFO.model_name, "input": input }))
    }

    /// The HTTP request this call sends.
    pub async fn build_request(&self) -> Result<reqwest::Request, Error> {
        let body = self.body().await?;
        let mut req = self
            .client
            .http
            .post(format!("{}/api/v1/tasks", self.client.base_url))
            .bearer_auth(&self.client.api_key)
            .json(&body);
        if let Some(key) = &self.idempotency_key {
            req = req.header("Idempotency-Key", key);
        }
        Ok(req.build()?)
    }
}
