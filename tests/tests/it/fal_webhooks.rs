//! fal webhook deliveries: test vectors signed with test Ed25519 keys, verified against a JWKS
//! served by a local server (the fal client's REST URL, `/rest/.well-known/jwks.json`). The
//! clock is pinned (`verify_at`), so timestamps and the key cache's age are exact.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use mediagen::fal::fal_ai::veo3;
use mediagen::fal::{self, Delivery, WebhookError};
use mediagen::{Error, ErrorKind, RetryPolicy};
use mediagen_tests::{json, text, TestServer, KEY};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

const JWKS: &str = "/rest/.well-known/jwks.json";
const T0: u64 = 1_750_000_000;
const REQUEST_ID: &str = "764cabcf-b745-4b3e-ae38-1200304cf45b";
const USER_ID: &str = "github|12345";

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// A key as fal publishes it: an OKP/Ed25519 JWK.
fn jwk(key: &SigningKey, kid: &str) -> Value {
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
    json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": "EdDSA"})
}

/// A JWKS server whose key set the test changes; its fetches are counted by the server's log.
struct Keys {
    server: TestServer,
    set: Arc<Mutex<Value>>,
}

impl Keys {
    async fn serving(keys: Vec<Value>) -> Keys {
        let set = Arc::new(Mutex::new(json!({ "keys": keys })));
        let served = set.clone();
        let server = TestServer::start(move |req, _| match req.path.as_str() {
            JWKS => json(200, served.lock().unwrap().clone()),
            _ => json(404, json!({"detail": "Not Found"})),
        })
        .await;
        Keys { server, set }
    }

    fn publish(&self, keys: Vec<Value>) {
        *self.set.lock().unwrap() = json!({ "keys": keys });
    }

    fn fetches(&self) -> usize {
        self.server.requests_to("GET", JWKS).len()
    }

    fn client(&self) -> fal::Client {
        self.server.fal()
    }
}

fn ok_body() -> Vec<u8> {
    json!({"request_id": REQUEST_ID, "gateway_request_id": REQUEST_ID, "status": "OK",
           "payload": {"video": {"url": "https://v3.fal.media/files/cat.mp4", "content_type": "video/mp4"}}})
    .to_string()
    .into_bytes()
}

/// The headers fal sends with `body`: `request_id\nuser_id\ntimestamp\nsha256_hex(body)` signed.
fn signed(key: &SigningKey, timestamp: &str, body: &[u8]) -> HeaderMap {
    let message = format!("{REQUEST_ID}\n{USER_ID}\n{timestamp}\n{}", hex::encode(Sha256::digest(body)));
    let signature = hex::encode(key.sign(message.as_bytes()).to_bytes());
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("x-fal-webhook-request-id", REQUEST_ID),
        ("x-fal-webhook-user-id", USER_ID),
        ("x-fal-webhook-timestamp", timestamp),
        ("x-fal-webhook-signature", signature.as_str()),
        ("content-type", "application/json"),
    ] {
        headers.insert(name, HeaderValue::from_str(value).unwrap());
    }
    headers
}

fn refusal<T: std::fmt::Debug>(result: mediagen::Result<T>) -> WebhookError {
    match result {
        Err(Error::Webhook { reason }) => reason,
        other => panic!("expected a refused delivery, got {other:?}"),
    }
}

#[tokio::test]
async fn a_valid_delivery_is_the_typed_output_or_json_and_the_keys_are_fetched_once() {
    let keys = Keys::serving(vec![jwk(&key(7), "k1")]).await;
    let client = keys.client();
    let body = ok_body();
    let headers = signed(&key(7), &T0.to_string(), &body);

    let delivery: Delivery<veo3::Output> = client.verify_at(&headers, &body, at(T0)).await.unwrap();
    assert_eq!(delivery.output.video.url, "https://v3.fal.media/files/cat.mp4");
    assert_eq!((delivery.request_id.as_str(), delivery.user_id.as_str()), (REQUEST_ID, USER_ID));
    assert_eq!((delivery.gateway_request_id.as_deref(), delivery.timestamp), (Some(REQUEST_ID), at(T0)));

    let generic: Delivery = client.verify_at(&headers, &body, at(T0 + 5)).await.unwrap();
    assert_eq!(generic.output["video"]["content_type"], "video/mp4");
    assert_eq!(keys.fetches(), 1, "the JWKS is cached");
    // The JWKS is public: the API key is not sent to it.
    assert!(keys.server.requests().iter().all(|r| r.header("authorization").is_none()));
    assert_ne!(keys.server.requests()[0].header("authorization"), Some(KEY));
}

#[tokio::test]
async fn a_body_or_header_changed_by_one_byte_is_a_bad_signature() {
    let keys = Keys::serving(vec![jwk(&key(7), "k1")]).await;
    let client = keys.client();
    let body = ok_body();
    let headers = signed(&key(7), &T0.to_string(), &body);

    let mut changed = body.clone();
    let i = changed.iter().position(|b| *b == b'c').unwrap(); // "cat.mp4" -> "dat.mp4"
    changed[i] = b'd';
    let reason = refusal(client.verify_at::<Value>(&headers, &changed, at(T0)).await);
    assert_eq!(reason, WebhookError::BadSignature { url: format!("{}{JWKS}", keys.server.origin()) });

    for (name, value) in [
        ("x-fal-webhook-request-id", "764cabcf-b745-4b3e-ae38-1200304cf45c"),
        ("x-fal-webhook-user-id", "github|12346"),
    ] {
        let mut other = headers.clone();
        other.insert(name, HeaderValue::from_static(value));
        assert!(matches!(
            refusal(client.verify_at::<Value>(&other, &body, at(T0)).await),
            WebhookError::BadSignature { .. }
        ));
    }
    // Signed over the timestamp as sent: the same number written otherwise does not verify.
    let mut padded = signed(&key(7), &T0.to_string(), &body);
    padded.insert("x-fal-webhook-timestamp", HeaderValue::from_str(&format!("0{T0}")).unwrap());
    assert!(matches!(
        refusal(client.verify_at::<Value>(&padded, &body, at(T0)).await),
        WebhookError::BadSignature { .. }
    ));
}

#[tokio::test]
async fn a_wrong_key_is_refused_after_one_refetch_and_refetches_are_rate_limited() {
    let keys = Keys::serving(vec![jwk(&key(7), "k1")]).await;
    let client = keys.client();
    let body = ok_body();
    client.verify_at::<Value>(&signed(&key(7), &T0.to_string(), &body), &body, at(T0)).await.unwrap();

    let forged = |t: u64| signed(&key(8), &t.to_string(), &body);
    let t = T0 + 120;
    assert!(matches!(
        refusal(client.verify_at::<Value>(&forged(t), &body, at(t)).await),
        WebhookError::BadSignature { .. }
    ));
    assert_eq!(keys.fetches(), 2, "no cached key verified: the JWKS is fetched once more");
    for dt in [1, 30, 59] {
        let reason = refusal(client.verify_at::<Value>(&forged(t + dt), &body, at(t + dt)).await);
        assert!(matches!(reason, WebhookError::BadSignature { .. }));
    }
    assert_eq!(keys.fetches(), 2, "at most one refetch a minute");
    refusal(client.verify_at::<Value>(&forged(t + 60), &body, at(t + 60)).await);
    assert_eq!(keys.fetches(), 3);
}

#[tokio::test]
async fn timestamps_at_300_s_pass_and_at_301_s_either_way_are_refused() {
    let keys = Keys::serving(vec![jwk(&key(7), "k1")]).await;
    let client = keys.client();
    let body = ok_body();
    for skew in [-300i64, 0, 300] {
        let ts = (T0 as i64 + skew).to_string();
        client.verify_at::<Value>(&signed(&key(7), &ts, &body), &body, at(T0)).await.unwrap();
    }
    let late = signed(&key(7), &(T0 - 301).to_string(), &body);
    let reason = refusal(client.verify_at::<Value>(&late, &body, at(T0)).await);
    assert_eq!(reason, WebhookError::StaleTimestamp { timestamp: T0 as i64 - 301, now: T0 as i64 });
    let early = signed(&key(7), &(T0 + 301).to_string(), &body);
    let reason = refusal(client.verify_at::<Value>(&early, &body, at(T0)).await);
    assert_eq!(reason, WebhookError::FutureTimestamp { timestamp: T0 as i64 + 301, now: T0 as i64 });
    assert_eq!(
        Error::Webhook { reason }.to_string(),
        format!("webhook delivery refused: the timestamp {} is 301 s in the future; 300 s are allowed", T0 + 301)
    );
}

#[tokio::test]
async fn each_missing_or_garbled_header_is_named() {
    let keys = Keys::serving(vec![jwk(&key(7), "k1")]).await;
    let client = keys.client();
    let body = ok_body();
    let headers = signed(&key(7), &T0.to_string(), &body);
    for name in [fal::HEADER_REQUEST_ID, fal::HEADER_USER_ID, fal::HEADER_TIMESTAMP, fal::HEADER_SIGNATURE] {
        let mut missing = headers.clone();
        missing.remove(name);
        let reason = refusal(client.verify_at::<Value>(&missing, &body, at(T0)).await);
        assert_eq!(reason, WebhookError::MissingHeader(name));
        assert_eq!(reason.to_string(), format!("the {name} header is missing"));
    }
    for (name, value) in [
        (fal::HEADER_TIMESTAMP, "soon"),
        (fal::HEADER_TIMESTAMP, "-1750000000"),
        (fal::HEADER_SIGNATURE, "zz"),
        (fal::HEADER_SIGNATURE, "abcd"),
    ] {
        let mut garbled = headers.clone();
        garbled.insert(name, HeaderValue::from_static(value));
        let reason = refusal(client.verify_at::<Value>(&garbled, &body, at(T0)).await);
        assert!(matches!(&reason, WebhookError::InvalidHeader { header, .. } if *header == name), "{reason:?}");
    }
    assert_eq!(keys.fetches(), 0, "nothing is fetched for a delivery refused by its headers");
}

#[tokio::test]
async fn a_rotated_key_is_fetched_and_a_retired_one_stops_verifying_after_24_h() {
    let (old, new) = (key(7), key(9));
    let keys = Keys::serving(vec![jwk(&old, "2025-a")]).await;
    let client = keys.client();
    let body = ok_body();
    let at_t = |k: &SigningKey, t: u64| signed(k, &t.to_string(), &body);
    client.verify_at::<Value>(&at_t(&old, T0), &body, at(T0)).await.unwrap();

    // A new key appears; the first delivery it signs names no cached key: one refetch.
    keys.publish(vec![jwk(&old, "2025-a"), jwk(&new, "2025-b")]);
    let t = T0 + 600;
    client.verify_at::<Value>(&at_t(&new, t), &body, at(t)).await.unwrap();
    client.verify_at::<Value>(&at_t(&old, t + 1), &body, at(t + 1)).await.unwrap();
    assert_eq!(keys.fetches(), 2);

    // The old key goes. Within 24 h of the fetch the cache still holds it...
    keys.publish(vec![jwk(&new, "2025-b")]);
    let t = T0 + 3600;
    client.verify_at::<Value>(&at_t(&old, t), &body, at(t)).await.unwrap();
    assert_eq!(keys.fetches(), 2);
    // ...after 24 h the JWKS is fetched again and the old key verifies nothing.
    let t = T0 + 600 + 24 * 3600;
    client.verify_at::<Value>(&at_t(&new, t), &body, at(t)).await.unwrap();
    assert_eq!(keys.fetches(), 3);
    let reason = refusal(client.verify_at::<Value>(&at_t(&old, t + 1), &body, at(t + 1)).await);
    assert!(matches!(reason, WebhookError::BadSignature { .. }));
    assert_eq!(keys.fetches(), 3, "fetched a second ago: no refetch");
}

#[tokio::test]
async fn a_jwks_that_cannot_be_fetched_or_holds_no_key_is_a_clear_error() {
    let body = ok_body();
    let headers = signed(&key(7), &T0.to_string(), &body);

    // Nothing listens on the port.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/.well-known/jwks.json", closed.local_addr().unwrap());
    drop(closed);
    let server = TestServer::start(|_, _| json(500, json!({"detail": "boom"}))).await;
    let client = server.fal_builder().jwks_url(&url).retry(RetryPolicy::disabled()).build().unwrap();
    let reason = refusal(client.verify_at::<Value>(&headers, &body, at(T0)).await);
    assert!(matches!(&reason, WebhookError::KeysUnavailable { url: u, .. } if *u == url), "{reason:?}");
    assert!(reason.to_string().starts_with(&format!("the signing keys at {url} could not be fetched: ")));

    // A 500, then a body that is not a JWKS, then a JWKS of other key types.
    let client = server.fal_builder().retry(RetryPolicy::disabled()).build().unwrap();
    let reason = refusal(client.verify_at::<Value>(&headers, &body, at(T0)).await);
    assert!(matches!(&reason, WebhookError::KeysUnavailable { reason, .. } if reason.contains("500")), "{reason:?}");
    // The failure stands for a minute: no fetch per delivery while the JWKS is down.
    refusal(client.verify_at::<Value>(&headers, &body, at(T0 + 30)).await);
    assert_eq!(server.requests_to("GET", JWKS).len(), 1);

    let html = TestServer::start(|_, _| text(200, "text/html", "<html>maintenance</html>")).await;
    let reason = refusal(html.fal().verify_at::<Value>(&headers, &body, at(T0)).await);
    assert!(matches!(reason, WebhookError::KeysUnavailable { .. }), "{reason:?}");

    let rsa = Keys::serving(vec![json!({"kty": "RSA", "n": "0vx7", "e": "AQAB", "kid": "r"})]).await;
    let rsa_client = rsa.client();
    let reason = refusal(rsa_client.verify_at::<Value>(&headers, &body, at(T0)).await);
    assert_eq!(reason, WebhookError::NoKey { url: format!("{}{JWKS}", rsa.server.origin()) });

    // Once the JWKS holds the key (and a minute passed), the same client verifies.
    rsa.publish(vec![jwk(&key(7), "k1")]);
    let headers = signed(&key(7), &(T0 + 60).to_string(), &body);
    rsa_client.verify_at::<Value>(&headers, &body, at(T0 + 60)).await.unwrap();
    assert_eq!(rsa.fetches(), 2);
}

#[tokio::test]
async fn a_delivered_failure_is_a_failed_job_naming_the_field_and_odd_bodies_are_named() {
    let keys = Keys::serving(vec![jwk(&key(7), "k1")]).await;
    let client = keys.client();
    let verify = |body: Value| {
        let body = body.to_string().into_bytes();
        let client = client.clone();
        async move { client.verify_at::<veo3::Output>(&signed(&key(7), &T0.to_string(), &body), &body, at(T0)).await }
    };
    let err = verify(json!({"request_id": REQUEST_ID, "gateway_request_id": REQUEST_ID, "status": "ERROR",
        "error": "Invalid status code: 422",
        "payload": {"detail": [{"loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"}]}}))
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), format!("job {REQUEST_ID} failed: value_error.missing: prompt: field required"));
    assert_eq!(err.kind(), Some(ErrorKind::InvalidInput));

    let err = verify(json!({"request_id": REQUEST_ID, "status": "ERROR", "error": "Internal error", "payload": null}))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::JobFailed { message, kind: ErrorKind::Failed, .. } if message == "Internal error"));

    // Signed by fal, but not a delivery.
    for body in [json!({"request_id": REQUEST_ID}), json!({"status": "MAYBE", "payload": {}}), json!([1, 2])] {
        let reason = refusal(verify(body).await);
        assert!(matches!(reason, WebhookError::MalformedBody { .. }), "{reason:?}");
    }
    // A delivery whose output is not the model's, or that fal could not put in the body.
    let err =
        verify(json!({"request_id": REQUEST_ID, "status": "OK", "payload": {"video": "cat.mp4"}})).await.unwrap_err();
    assert!(matches!(&err, Error::Decode { message, .. } if message.contains("at video")), "{err:?}");
    let err = verify(json!({"request_id": REQUEST_ID, "status": "OK", "payload": null,
        "payload_error": "Response payload is not JSON serializable"}))
    .await
    .unwrap_err();
    assert!(matches!(&err, Error::Decode { message, .. } if message.contains("not JSON serializable")), "{err:?}");
}

#[tokio::test]
async fn verify_uses_the_system_clock() {
    let keys = Keys::serving(vec![jwk(&key(7), "k1")]).await;
    let body = ok_body();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let delivery: Delivery = keys.client().verify(&signed(&key(7), &now.to_string(), &body), &body).await.unwrap();
    assert_eq!(delivery.request_id, REQUEST_ID);
    let stale = signed(&key(7), &(now - 3600).to_string(), &body);
    assert!(matches!(refusal(keys.client().verify::<Value>(&stale, &body).await), WebhookError::StaleTimestamp { .. }));
}

/// One change an attacker without fal's key can make to a delivery.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBodyBit(usize, u8),
    InsertBodyByte(usize, u8),
    RemoveBodyByte(usize),
    TruncateBody(usize),
    RemoveHeader(usize),
    ReplaceHeaderChar(usize, usize, char),
    AppendHeaderChar(usize, char),
    FlipSignatureBit(usize, u8),
    ShiftTimestamp(i64),
    /// Signed again with a key that is not in the JWKS.
    ResignWith(u8),
    /// Signed again with fal's own key, at a time outside the window (a replay of an old one).
    ResignOutsideWindow(i64),
}

const SIGNED_HEADERS: [&str; 4] =
    [fal::HEADER_REQUEST_ID, fal::HEADER_USER_ID, fal::HEADER_TIMESTAMP, fal::HEADER_SIGNATURE];

fn mutation() -> impl proptest::strategy::Strategy<Value = Mutation> {
    use proptest::prelude::*;
    let ch = proptest::sample::select("0123456789abcdefABCDEF|-_ .xz".chars().collect::<Vec<_>>());
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBodyBit(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::InsertBodyByte(i, b)),
        any::<usize>().prop_map(Mutation::RemoveBodyByte),
        any::<usize>().prop_map(Mutation::TruncateBody),
        (0usize..4).prop_map(Mutation::RemoveHeader),
        (0usize..4, any::<usize>(), ch.clone()).prop_map(|(h, i, c)| Mutation::ReplaceHeaderChar(h, i, c)),
        (0usize..4, ch).prop_map(|(h, c)| Mutation::AppendHeaderChar(h, c)),
        (0usize..64, 0u8..8).prop_map(|(i, b)| Mutation::FlipSignatureBit(i, b)),
        (-1000i64..1000).prop_map(Mutation::ShiftTimestamp),
        (0u8..=255).prop_filter("not fal's key", |s| *s != 7).prop_map(Mutation::ResignWith),
        prop_oneof![-100_000i64..-301, 301i64..100_000].prop_map(Mutation::ResignOutsideWindow),
    ]
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn set_header(headers: &mut HeaderMap, name: &'static str, value: &str) {
    match HeaderValue::from_str(value) {
        Ok(v) => headers.insert(name, v),
        Err(_) => headers.remove(name),
    };
}

fn apply(m: &Mutation, headers: &mut HeaderMap, body: &mut Vec<u8>) {
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
    match *m {
        Mutation::FlipBodyBit(i, b) if !body.is_empty() => {
            let i = at(i, body.len());
            body[i] ^= 1 << b;
        }
        Mutation::InsertBodyByte(i, b) => body.insert(at(i, body.len() + 1), b),
        Mutation::RemoveBodyByte(i) if !body.is_empty() => {
            body.remove(at(i, body.len()));
        }
        Mutation::TruncateBody(n) => body.truncate(at(n, body.len())),
        Mutation::RemoveHeader(h) => {
            headers.remove(SIGNED_HEADERS[h]);
        }
        Mutation::ReplaceHeaderChar(h, i, c) => {
            if let Some(mut text) = header_text(headers, SIGNED_HEADERS[h]).map(|t| t.chars().collect::<Vec<_>>()) {
                if !text.is_empty() {
                    let i = at(i, text.len());
                    text[i] = c;
                }
                set_header(headers, SIGNED_HEADERS[h], &text.into_iter().collect::<String>());
            }
        }
        Mutation::AppendHeaderChar(h, c) => {
            if let Some(text) = header_text(headers, SIGNED_HEADERS[h]) {
                set_header(headers, SIGNED_HEADERS[h], &format!("{text}{c}"));
            }
        }
        Mutation::FlipSignatureBit(i, b) => {
            if let Some(mut sig) = header_text(headers, fal::HEADER_SIGNATURE).and_then(|s| hex::decode(s).ok()) {
                if let Some(byte) = sig.get_mut(i) {
                    *byte ^= 1 << b;
                }
                set_header(headers, fal::HEADER_SIGNATURE, &hex::encode(sig));
            }
        }
        Mutation::ShiftTimestamp(d) => {
            if let Some(t) = header_text(headers, fal::HEADER_TIMESTAMP).and_then(|t| t.parse::<i64>().ok()) {
                set_header(headers, fal::HEADER_TIMESTAMP, &(t + d).to_string());
            }
        }
        Mutation::ResignWith(seed) => {
            let ts = header_text(headers, fal::HEADER_TIMESTAMP).unwrap_or_default();
            let keep = headers.clone();
            *headers = signed(&key(seed), &ts, body);
            // Whatever the earlier mutations did to the other headers stays.
            for name in SIGNED_HEADERS.iter().take(3) {
                match keep.get(*name) {
                    Some(v) => headers.insert(*name, v.clone()),
                    None => headers.remove(*name),
                };
            }
        }
        Mutation::ResignOutsideWindow(d) => *headers = signed(&key(7), &(T0 as i64 + d).to_string(), body),
        _ => {}
    }
}

/// What a delivery means: the signed header texts, the signature's bytes (a signature written in
/// upper-case hex is the same signature) and the body. A mutation that leaves this alone is a no-op.
fn meaning(headers: &HeaderMap, body: &[u8]) -> (Vec<Option<String>>, Option<Vec<u8>>, Vec<u8>) {
    let texts = SIGNED_HEADERS[..3].iter().map(|h| header_text(headers, h)).collect();
    let sig = header_text(headers, fal::HEADER_SIGNATURE).and_then(|s| hex::decode(s).ok());
    (texts, sig, body.to_vec())
}

#[test]
fn no_mutated_delivery_is_accepted_over_10_000_random_mutations() {
    use proptest::test_runner::{Config, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};

    let rt = tokio::runtime::Runtime::new().unwrap();
    let keys = rt.block_on(Keys::serving(vec![jwk(&key(7), "k1")]));
    let client = keys.client();
    let body = ok_body();
    let headers = signed(&key(7), &T0.to_string(), &body);
    let original = meaning(&headers, &body);
    let (cases, accepted, no_ops) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));

    let config = Config { cases: 10_000, failure_persistence: None, ..Config::default() };
    let strategy = proptest::collection::vec(mutation(), 1..4);
    TestRunner::new(config)
        .run(&strategy, |mutations| {
            let (mut h, mut b) = (headers.clone(), body.clone());
            for m in &mutations {
                apply(m, &mut h, &mut b);
            }
            let no_op = meaning(&h, &b) == original;
            let result = rt.block_on(client.verify_at::<Value>(&h, &b, at(T0)));
            cases.fetch_add(1, Ordering::Relaxed);
            no_ops.fetch_add(no_op as usize, Ordering::Relaxed);
            accepted.fetch_add(result.is_ok() as usize, Ordering::Relaxed);
            proptest::prop_assert_eq!(result.is_ok(), no_op, "{:?}: {:?}", mutations, result.err());
            Ok(())
        })
        .unwrap();
    let (cases, accepted, no_ops) = (cases.into_inner(), accepted.into_inner(), no_ops.into_inner());
    eprintln!("{cases} mutated deliveries: {accepted} accepted, all of them no-ops ({no_ops})");
    assert!(cases >= 10_000);
    assert_eq!(accepted, no_ops, "zero false accepts");
    assert!(keys.fetches() <= 2, "one fetch, at most one refetch: {}", keys.fetches());
}
