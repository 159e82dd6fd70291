//! Retries: Retry-After honoured, attempts capped, and submits never retried where a second job
//! could be charged. Tests that measure waits run on tokio's paused clock, where a wait takes no
//! real time and is measured exactly (the servers' request times are on the same clock).

use std::time::Duration;

use tokio::time::Instant;

use mediagen::{Error, ErrorKind, RetryPolicy};
use mediagen_tests::{generation, json, json_with, TestInput, TestServer};
use serde_json::json;

const SUBMIT: &str = "/api/v1/generation/google/veo-3.1";
const GET: &str = "/api/v1/generation/gen_1";

fn rate_limited() -> serde_json::Value {
    json!({"error": "RATE_LIMITED", "code": "VIDEO_GENERATION_RATE_LIMITED", "message": "Rate limit exceeded. Please retry later."})
}

#[tokio::test(start_paused = true)]
async fn submit_429_with_retry_after_1_waits_a_second_then_succeeds() {
    let server = TestServer::start(|_, n| match n {
        0 => json_with(429, &[("retry-after", "1")], rate_limited()),
        _ => json(202, generation("gen_1", "IN_QUEUE")),
    })
    .await;
    let client = server.client(); // computed backoff would be 10 ms: the wait must come from Retry-After

    let started = Instant::now();
    let job = client.call(TestInput::new("p")).submit().await.unwrap();
    let client_wait = started.elapsed();
    assert_eq!(job.id(), "gen_1");

    let seen = server.requests_to("POST", SUBMIT);
    assert_eq!(seen.len(), 2);
    let server_gap = seen[1].at.duration_since(seen[0].at);
    assert!(server_gap >= Duration::from_secs(1), "retried after {server_gap:?}");
    assert!(server_gap < Duration::from_millis(1100), "retried after {server_gap:?}");
    assert!(client_wait >= Duration::from_secs(1) && client_wait < Duration::from_millis(1100), "{client_wait:?}");
    assert_eq!(seen[0].json(), seen[1].json());
}

#[tokio::test(start_paused = true)]
async fn get_503_with_retry_after_as_http_date_is_honoured() {
    let server = TestServer::start(|_, n| match n {
        0 => {
            // Two seconds ahead; an HTTP date has whole seconds, so the wait is between 1 and 2 s.
            let at = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
            json_with(
                503,
                &[("retry-after", &at)],
                json!({"code": "VIDEO_GENERATION_PROVIDER_UNAVAILABLE", "message": "down"}),
            )
        }
        _ => json(200, generation("gen_1", "IN_PROGRESS")),
    })
    .await;
    let g = server.client().get("gen_1").await.unwrap();
    assert_eq!(g.id, "gen_1");
    let seen = server.requests_to("GET", GET);
    assert_eq!(seen.len(), 2);
    // The date is read against the system clock, which the paused clock does not stop: allow
    // for the real time between the answer and its reading.
    let gap = seen[1].at.duration_since(seen[0].at);
    assert!(gap >= Duration::from_millis(990) && gap <= Duration::from_millis(2000), "{gap:?}");
}

#[tokio::test]
async fn get_is_retried_on_500_502_503_504_then_succeeds() {
    let server = TestServer::start(|_, n| match n {
        0 => json(500, json!({"message": "oops"})),
        1 => json(502, json!({"code": "VIDEO_GENERATION_FAILED", "message": "bad gateway"})),
        2 => json(503, json!({"code": "VIDEO_GENERATION_PROVIDER_UNAVAILABLE", "message": "down"})),
        3 => json(504, json!({"code": "VIDEO_GENERATION_TIMEOUT", "message": "slow"})),
        _ => json(200, generation("gen_1", "IN_PROGRESS")),
    })
    .await;
    let client = server.builder().retry(mediagen_tests::fast_retry().max_attempts(5)).build().unwrap();
    let g = client.get("gen_1").await.unwrap();
    assert_eq!(g.id, "gen_1");
    assert_eq!(server.requests_to("GET", GET).len(), 5);
}

#[tokio::test(start_paused = true)]
async fn get_retries_are_exhausted_after_max_attempts() {
    let server = TestServer::start(|_, _| {
        json(503, json!({"code": "VIDEO_GENERATION_PROVIDER_UNAVAILABLE", "message": "down"}))
    })
    .await;
    let client = server.builder().retry(mediagen_tests::fast_retry().max_attempts(3)).build().unwrap();
    let started = Instant::now();
    let err = client.get("gen_1").await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 503, kind: ErrorKind::ProviderUnavailable, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(server.requests_to("GET", GET).len(), 3);
    // Two backoffs, 5..10 ms and 10..20 ms (10 ms doubling, 50 % jitter): waited, and not more.
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(15) && waited <= Duration::from_millis(30), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn retries_stop_when_retry_after_exceeds_the_time_budget() {
    let server = TestServer::start(|_, _| json_with(429, &[("retry-after", "3600")], rate_limited())).await;
    let started = Instant::now();
    let err = server.client().call(TestInput::new("p")).submit().await.unwrap_err();
    let Error::Api { status, retry_after, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*status, *retry_after), (429, Some(Duration::from_secs(3600))));
    // Given up at once: on the paused clock even an hour's sleep would show here.
    assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn submit_is_retried_on_429_and_503() {
    let server = TestServer::start(|_, n| match n {
        0 => json(429, rate_limited()),
        1 => json(503, json!({"code": "VIDEO_GENERATION_PROVIDER_UNAVAILABLE", "message": "down"})),
        _ => json(202, generation("gen_1", "IN_QUEUE")),
    })
    .await;
    let job = server.client().call(TestInput::new("p")).submit().await.unwrap();
    assert_eq!(job.id(), "gen_1");
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 3);
}

#[tokio::test]
async fn submit_502_504_and_500_are_not_retried() {
    for (status, kind) in [(502, ErrorKind::Failed), (504, ErrorKind::Timeout), (500, ErrorKind::Server)] {
        let server = TestServer::start(move |_, _| json(status, json!({"message": "upstream trouble"}))).await;
        let err = server.client().call(TestInput::new("p")).submit().await.unwrap_err();
        assert!(matches!(&err, Error::Api { status: s, kind: k, .. } if *s == status && *k == kind), "{err:?}");
        assert_eq!(server.requests_to("POST", SUBMIT).len(), 1, "submit retried on {status}");
    }
}

#[tokio::test]
async fn client_errors_are_never_retried_for_submit_or_get() {
    for status in [400u16, 401, 402, 404, 422] {
        let server = TestServer::start(move |_, _| json(status, json!({"message": "no"}))).await;
        let client = server.client();
        let submit = client.call(TestInput::new("p")).submit().await.unwrap_err();
        let get = client.get("gen_1").await.unwrap_err();
        for err in [submit, get] {
            assert!(matches!(&err, Error::Api { status: s, .. } if *s == status), "{err:?}");
            assert!(!err.is_retryable());
        }
        assert_eq!(server.requests().len(), 2, "retried a {status}");
    }
}

#[tokio::test(start_paused = true)]
async fn submit_is_retried_when_the_connection_cannot_be_opened() {
    // Reserve a port, free it, and only start listening on it after the first attempts failed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base_url = format!("http://127.0.0.1:{port}/api");
    let late_server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        TestServer::start_on(listener, |_, _| json(202, generation("gen_late", "IN_QUEUE")))
    });
    let client = mediagen::skills_video::Client::builder()
        .api_key(mediagen_tests::KEY)
        .base_url(&base_url)
        .retry(
            RetryPolicy::default()
                .max_attempts(20)
                .initial_backoff(Duration::from_millis(40))
                .max_backoff(Duration::from_millis(40))
                .jitter(0.0),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let job = client.call(TestInput::new("p")).submit().await.unwrap();
    assert_eq!(job.id(), "gen_late");
    // Attempts before the server listened were refused and retried, 40 ms apart.
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(150) && waited <= Duration::from_millis(190), "{waited:?}");
    let server = late_server.await.unwrap();
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 1);
}

#[tokio::test]
async fn submit_connection_errors_give_up_after_max_attempts() {
    let client = mediagen::skills_video::Client::builder()
        .api_key(mediagen_tests::KEY)
        .base_url("http://127.0.0.1:1/api")
        .retry(mediagen_tests::fast_retry().max_attempts(3))
        .build()
        .unwrap();
    let err = client.call(TestInput::new("p")).submit().await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert!(e.is_connect());
    assert!(err.is_retryable());
}
