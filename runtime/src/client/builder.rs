//! Building a client: key, host, retries, timeouts, wait defaults.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::{Client, Core};
use crate::fal::KeyCache;
use crate::fal::DEFAULT_JWKS_PATH;
use crate::http::{http_url, Settings};
use crate::{Protocol, Result, RetryPolicy, WaitOptions};

/// Settings for a [`Client`] of platform `P`: `Client::<P>::builder()`, or a generated platform
/// client's `builder()`. Unset values come from the platform's environment variables, then its
/// defaults. `C` is the client it builds: [`Client<P>`], or a generated platform client
/// (`mediagen::skills_video::Client`) around it.
pub struct ClientBuilder<P, C = Client<P>> {
    pub(crate) settings: Settings,
    wait: WaitOptions,
    idle_timeout: Duration,
    /// fal's webhook keys (a JWKS URL), where set.
    pub(crate) jwks_url: Option<String>,
    _client: PhantomData<fn() -> (P, C)>,
}

impl<P, C> Clone for ClientBuilder<P, C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            settings: self.settings.clone(),
            wait: self.wait.clone(),
            idle_timeout: self.idle_timeout,
            jwks_url: self.jwks_url.clone(),
            _client: PhantomData,
        }
    }
}

impl<P, C> std::fmt::Debug for ClientBuilder<P, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("settings", &self.settings)
            .field("wait", &self.wait)
            .field("idle_timeout", &self.idle_timeout)
            .finish()
    }
}

impl<P: Protocol, C: From<Client<P>>> Default for ClientBuilder<P, C> {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl<P: Protocol, C: From<Client<P>>> ClientBuilder<P, C> {
    /// Settings with nothing set: everything from the environment and the defaults.
    pub fn new() -> Self {
        ClientBuilder {
            settings: Settings::default(),
            wait: WaitOptions::default(),
            idle_timeout: Duration::from_secs(300),
            jwks_url: None,
            _client: PhantomData,
        }
    }

    /// The API key; the platform's `*_API_KEY` variable when not set.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.settings.api_key = Some(key.into());
        self
    }

    /// The base URL requests go below; the platform's `*_BASE_URL` variable, then its default
    /// host (none for a v2 relay) when not set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// How [`Job::wait`](crate::Job::wait) follows a job by default.
    pub fn wait_options(mut self, options: WaitOptions) -> Self {
        self.wait = options;
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// Time allowed for one request and its answer (default 120 s). For event streams and
    /// downloads it bounds the wait for the response headers.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// How long a push channel (SSE, task events) may stay silent before the client stops
    /// reading it and polls instead (default 5 minutes).
    pub fn sse_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Use this `reqwest` client (and its connection pool) instead of building one. Its own
    /// connect timeout and proxy settings then apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.settings.http = Some(client);
        self
    }

    /// The client. Fails with [`Error::Config`](crate::Error::Config) when there is no API key or base URL, or the
    /// base URL is not an http(s) URL.
    pub fn build(self) -> Result<C> {
        let transport = self.settings.build(&P::ENV)?;
        // The platform's webhook keys: below its REST host (fal's), or where the builder says.
        let jwks_url = match self.jwks_url {
            Some(url) => Some(http_url(&url, "JWKS URL")?),
            None => transport.storage_url().map(|rest| format!("{rest}{DEFAULT_JWKS_PATH}")),
        };
        let webhook_keys = KeyCache::new(jwks_url);
        let core = Core { transport, wait: self.wait, idle_timeout: self.idle_timeout, webhook_keys };
        Ok(C::from(Client { core: Arc::new(core), _platform: PhantomData }))
    }
}
