//! fal's webhook signing keys: the JWKS published at `{rest}/.well-known/jwks.json`, fetched on
//! the first verification, kept at most [`JWKS_MAX_AGE`], and fetched again (at most once per
//! [`JWKS_MIN_REFETCH`]) when a signature verifies with none of the cached keys: fal rotates its
//! keys, and a signature names no key id.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::Deserialize;
use tokio::sync::Mutex;

use super::WebhookError;
use crate::http::{Request, Transport};

/// The longest a fetched JWKS is used before it is fetched again (24 h, as fal asks).
pub const JWKS_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);
/// The shortest time between two fetches of the JWKS (60 s): a flood of forged deliveries, or
/// an unreachable JWKS, costs at most one fetch a minute.
pub const JWKS_MIN_REFETCH: Duration = Duration::from_secs(60);

/// A JWKS as published: `{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "<base64url>", "kid"}]}`.
#[derive(Deserialize)]
struct Jwks {
    #[serde(default)]
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    #[serde(default)]
    kty: String,
    #[serde(default)]
    crv: String,
    #[serde(default)]
    x: String,
}

/// The Ed25519 keys of a JWKS; keys of other types, and ones that do not decode, are skipped.
fn ed25519_keys(jwks: Jwks) -> Vec<VerifyingKey> {
    jwks.keys
        .into_iter()
        .filter(|k| k.kty == "OKP" && k.crv == "Ed25519")
        .filter_map(|k| {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(k.x.trim_end_matches('=')).ok()?;
            VerifyingKey::from_bytes(&bytes.try_into().ok()?).ok()
        })
        .collect()
}

/// The keys fetched last, and when.
#[derive(Default)]
struct Cached {
    keys: Arc<[VerifyingKey]>,
    fetched_at: Option<SystemTime>,
    attempted_at: Option<SystemTime>,
    /// Why the last fetch failed, while it stands.
    last_error: Option<WebhookError>,
}

/// `|a - b|`, whichever is later (a clock set back still measures an age).
fn apart(a: SystemTime, b: SystemTime) -> Duration {
    a.duration_since(b).or_else(|_| b.duration_since(a)).unwrap_or_default()
}

impl Cached {
    fn fresh(&self, now: SystemTime) -> bool {
        self.fetched_at.is_some_and(|t| apart(now, t) < JWKS_MAX_AGE)
    }

    fn may_fetch(&self, now: SystemTime) -> bool {
        self.attempted_at.is_none_or(|t| apart(now, t) >= JWKS_MIN_REFETCH)
    }
}

/// One client's cache of fal's signing keys (shared by its clones).
#[derive(Default)]
pub(crate) struct KeyCache {
    /// Where the JWKS is published; `None` on platforms without signed webhooks.
    url: Option<String>,
    cached: Mutex<Cached>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache").field("url", &self.url).finish()
    }
}

impl KeyCache {
    pub(crate) fn new(url: Option<String>) -> Self {
        KeyCache { url, cached: Mutex::default() }
    }

    /// Whether `signature` over `message` is fal's: it verifies with a key of the JWKS. Fetches
    /// the JWKS when the cache is empty or older than [`JWKS_MAX_AGE`], and once more when no
    /// cached key verifies (rotation), never more often than [`JWKS_MIN_REFETCH`].
    pub(crate) async fn verify(
        &self,
        transport: &Transport,
        message: &[u8],
        signature: &Signature,
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let url = self.url.as_deref().ok_or_else(|| WebhookError::KeysUnavailable {
            url: String::new(),
            reason: "this client has no JWKS URL".into(),
        })?;
        let verifies = |keys: &[VerifyingKey]| keys.iter().any(|k| k.verify_strict(message, signature).is_ok());
        let tried = {
            let mut cached = self.cached.lock().await;
            if !cached.fresh(now) {
                fetch(&mut cached, transport, url, now).await?;
            }
            cached.keys.clone()
        };
        if verifies(&tried) {
            return Ok(());
        }
        let mut cached = self.cached.lock().await;
        // Another verification may have fetched newer keys meanwhile.
        if Arc::ptr_eq(&cached.keys, &tried) {
            if !cached.may_fetch(now) {
                return Err(WebhookError::BadSignature { url: url.into() });
            }
            fetch(&mut cached, transport, url, now).await?;
        }
        if verifies(&cached.keys) {
            Ok(())
        } else {
            Err(WebhookError::BadSignature { url: url.into() })
        }
    }
}

/// Fetch the JWKS into the cache (unless a fetch was tried within [`JWKS_MIN_REFETCH`]: then
/// the error that one ended with). The cache keeps its keys when the fetch fails.
async fn fetch(cached: &mut Cached, transport: &Transport, url: &str, now: SystemTime) -> Result<(), WebhookError> {
    if !cached.may_fetch(now) {
        return match &cached.last_error {
            Some(e) => Err(e.clone()),
            None if cached.fresh(now) => Ok(()),
            None => Err(WebhookError::KeysUnavailable { url: url.into(), reason: "fetched too recently".into() }),
        };
    }
    cached.attempted_at = Some(now);
    let outcome = match transport.send_json::<Jwks>(&Request::get_external(url)).await {
        Err(e) => Err(WebhookError::KeysUnavailable { url: url.into(), reason: e.to_string() }),
        Ok(jwks) => match ed25519_keys(jwks) {
            keys if keys.is_empty() => Err(WebhookError::NoKey { url: url.into() }),
            keys => Ok(keys),
        },
    };
    match outcome {
        Ok(keys) => {
            cached.keys = keys.into();
            cached.fetched_at = Some(now);
            cached.last_error = None;
            Ok(())
        }
        Err(e) => {
            cached.last_error = Some(e.clone());
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ed25519_keys_are_kept() {
        let key = VerifyingKey::from_bytes(&[
            215, 90, 152, 1, 130, 177, 10, 183, 213, 75, 254, 211, 201, 100, 7, 58, 14, 225, 114, 243, 218, 166, 35,
            37, 175, 2, 26, 104, 247, 7, 81, 26,
        ])
        .unwrap();
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes());
        let jwks: Jwks = serde_json::from_value(serde_json::json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "a"},
            {"kty": "OKP", "crv": "Ed25519", "x": format!("{x}="), "kid": "padded"},
            {"kty": "OKP", "crv": "X25519", "x": x},
            {"kty": "RSA", "n": "...", "e": "AQAB"},
            {"kty": "OKP", "crv": "Ed25519", "x": "dG9vIHNob3J0"},
        ]}))
        .unwrap();
        assert_eq!(ed25519_keys(jwks), vec![key, key]);
    }

    #[test]
    fn ages_are_measured_either_way() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let cached = Cached { fetched_at: Some(t), attempted_at: Some(t), ..Cached::default() };
        assert!(cached.fresh(t + JWKS_MAX_AGE - Duration::from_secs(1)));
        assert!(!cached.fresh(t + JWKS_MAX_AGE));
        assert!(!cached.fresh(t - JWKS_MAX_AGE));
        assert!(!cached.may_fetch(t + Duration::from_secs(59)));
        assert!(cached.may_fetch(t + JWKS_MIN_REFETCH));
    }
}
