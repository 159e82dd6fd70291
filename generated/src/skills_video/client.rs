//! The skills.video client (hand-written runtime).

use crate::{Error, Model};

/// Client for skills.video.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.base_url).field("api_key", &"<redacted>").finish()
    }
}

impl Client {
    /// A client with an explicit key and the default base URL.
    pub fn new(api_key: impl Into<String>) -> Self {
        Client { http: reqwest::Client::new(), base_url: "https://open.skills.video/api".into(), api_key: api_key.into() }
    }

    /// A request for one model; see [`Call::submit`].
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
    /// The HTTP request this call sends, after validating the input.
    pub fn build_request(&self) -> Result<reqwest::Request, Error> {
        let body = self.input.to_body()?;
        let url = format!("{}/v1/generation/{}", self.client.base_url, M::INFO.path);
        Ok(self.client.http.post(url).bearer_auth(&self.client.api_key).json(&body).build()?)
    }
}
