//! HTTP for `cargo xtask sync`: one blocking GET per document, and fal's model catalogue.

use std::io::Read as _;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// Where the platforms are, overridable so tests run against a local server.
#[derive(Debug, Clone)]
pub struct Origins {
    /// Serves the per-endpoint documents (`https://fal.ai`).
    pub fal_site: String,
    /// Serves the catalogue `GET /v1/models` (`https://api.fal.ai`).
    pub fal_api: String,
}

impl Default for Origins {
    fn default() -> Self {
        Origins { fal_site: FAL_SITE.into(), fal_api: "https://api.fal.ai".into() }
    }
}

pub const FAL_SITE: &str = "https://fal.ai";

/// The public queue document of a fal endpoint.
pub fn fal_document_url(endpoint_id: &str) -> String {
    format!("{FAL_SITE}/api/openapi/queue/openapi.json?endpoint_id={endpoint_id}")
}

impl Origins {
    /// A recorded URL, sent to the overriding origin where one is set.
    pub fn rebase(&self, url: &str) -> String {
        match url.strip_prefix(FAL_SITE) {
            Some(rest) if rest.starts_with('/') => format!("{}{rest}", self.fal_site.trim_end_matches('/')),
            _ => url.to_string(),
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(10)).timeout(Duration::from_secs(120)).build()
}

/// GET `url`; the body as text, or an error naming the status.
pub fn get(url: &str, auth: Option<&str>) -> Result<String> {
    let mut request = agent().get(url);
    if let Some(auth) = auth {
        request = request.set("Authorization", auth);
    }
    let response = match request.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(code, _)) => bail!("HTTP {code}"),
        Err(e) => return Err(anyhow::Error::new(e)),
    };
    let mut text = String::new();
    response.into_reader().take(64 << 20).read_to_string(&mut text).context("reading the answer")?;
    Ok(text)
}

/// Every endpoint id fal's catalogue lists: `GET /v1/models?expand=openapi-3.0`, 1,000 a page,
/// following `next_cursor` while `has_more`. `FAL_KEY`, when set, authenticates.
pub fn fal_catalogue(origins: &Origins) -> Result<Vec<String>> {
    let auth = std::env::var("FAL_KEY").ok().map(|k| format!("Key {k}"));
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _page in 0..1000 {
        let mut url = format!("{}/v1/models?limit=1000&expand=openapi-3.0", origins.fal_api.trim_end_matches('/'));
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = serde_json::from_str(&get(&url, auth.as_deref())?).context("the catalogue is not JSON")?;
        let models = page.get("models").and_then(Value::as_array).context("the catalogue has no `models`")?;
        ids.extend(models.iter().filter_map(|m| m.get("endpoint_id").and_then(Value::as_str)).map(String::from));
        cursor = page.get("next_cursor").and_then(Value::as_str).map(String::from);
        let more = page.get("has_more").and_then(Value::as_bool).unwrap_or(cursor.is_some());
        if !more || cursor.is_none() {
            return Ok(ids);
        }
    }
    bail!("the catalogue did not end after 1000 pages")
}
