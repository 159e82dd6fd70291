//! Error answers become typed errors: every code of seed 004, raw bodies, the family from the
//! model kind, and no API key anywhere.

use std::sync::{Arc, Mutex};

use mediagen::skills_video::{TtsRequest, TtsResponse};
use mediagen::{Error, ErrorKind, Family, RetryPolicy};
use mediagen_tests::{generation, json, json_with, text, ImageInput, TestInput, TestServer, KEY};
use serde_json::json;

/// Seed 004: sub-code, typical HTTP status, typed kind, retryable.
const SUB_CODES: [(&str, u16, ErrorKind, bool); 8] = [
    ("FAILED", 502, ErrorKind::Failed, false),
    ("TIMEOUT", 504, ErrorKind::Timeout, true),
    ("RATE_LIMITED", 429, ErrorKind::RateLimited, true),
    ("PROVIDER_UNAVAILABLE", 503, ErrorKind::ProviderUnavailable, true),
    ("UNSUPPORTED_MODEL", 400, ErrorKind::UnsupportedModel, false),
    ("INVALID_INPUT", 400, ErrorKind::InvalidInput, false),
    ("INSUFFICIENT_CREDITS", 402, ErrorKind::InsufficientCredits, false),
    ("CONTENT_REJECTED", 422, ErrorKind::ContentRejected, false),
];

const FAMILIES: [(&str, Family); 3] =
    [("IMAGE_GENERATION_", Family::Image), ("VIDEO_GENERATION_", Family::Video), ("TTS_GENERATION_", Family::Tts)];

#[tokio::test]
async fn each_of_the_24_error_codes_maps_to_its_typed_kind_and_family() {
    // The server answers with whatever status and body the test sets next.
    let next: Arc<Mutex<(u16, serde_json::Value)>> = Arc::new(Mutex::new((200, json!({}))));
    let answer = next.clone();
    let server = TestServer::start(move |_, _| {
        let (status, body) = answer.lock().unwrap().clone();
        json_with(status, &[("x-request-id", "req_42")], body)
    })
    .await;
    // Retries off, so 429/503 answers are seen once.
    let client = server.builder().retry(RetryPolicy::disabled()).build().unwrap();

    let mut checked = 0;
    for (prefix, family) in FAMILIES {
        for (sub, status, kind, retryable) in SUB_CODES {
            let code = format!("{prefix}{sub}");
            // The current shape (legacy `error` next to `code`) and the older `{error, message}`.
            for body in [
                json!({"error": sub, "code": code, "message": format!("message for {code}")}),
                json!({"error": code, "message": format!("message for {code}")}),
            ] {
                *next.lock().unwrap() = (status, body.clone());
                // A video model: the family must come from the code, not from the model.
                let err = client.call(TestInput::new("p")).submit().await.unwrap_err();
                match &err {
                    Error::Api { status: s, kind: k, family: f, code: c, message, request_id, raw_body, .. } => {
                        assert_eq!(*s, status, "{code}");
                        assert_eq!(*k, kind, "{code}");
                        assert_eq!(*f, Some(family), "{code}");
                        assert_eq!(c.as_deref(), Some(code.as_str()), "{body}");
                        assert_eq!(message, &format!("message for {code}"));
                        assert_eq!(request_id.as_deref(), Some("req_42"));
                        assert_eq!(*raw_body, None);
                    }
                    other => panic!("{code}: expected Api, got {other:?}"),
                }
                assert_eq!(err.kind(), Some(kind));
                assert_eq!(err.is_retryable(), retryable, "{code}");
                assert!(err.to_string().contains(&code), "{err}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 48);
    // One request per case: nothing retried.
    assert_eq!(server.requests().len(), 48);
}

#[tokio::test]
async fn an_unparseable_error_body_is_kept_raw() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = TestServer::start(move |req, _| match req.method.as_str() {
        "POST" => text(502, "text/html", html),
        _ => text(500, "text/plain", "upstream said: {not json"),
    })
    .await;
    let client = server.builder().retry(RetryPolicy::disabled()).build().unwrap();

    let err = client.call(TestInput::new("p")).submit().await.unwrap_err();
    let Error::Api { status, kind, family, code, message, raw_body, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*status, *kind, *family, code), (502, ErrorKind::Failed, Some(Family::Video), &None));
    assert_eq!(raw_body.as_deref(), Some(html));
    assert_eq!(message, "Bad Gateway");

    let err = client.get("gen_1").await.unwrap_err();
    let Error::Api { status, kind, raw_body, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*status, *kind), (500, ErrorKind::Server));
    assert_eq!(raw_body.as_deref(), Some("upstream said: {not json"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_code_without_family_takes_the_models_family() {
    let server =
        TestServer::start(|_, _| json(402, json!({"error": "INSUFFICIENT_CREDITS", "message": "top up"}))).await;
    let client = server.client();
    let video = client.call(TestInput::new("p")).submit().await.unwrap_err();
    assert!(
        matches!(video, Error::Api { kind: ErrorKind::InsufficientCredits, family: Some(Family::Video), .. }),
        "{video:?}"
    );
    let image = client.call(ImageInput(TestInput::new("p"))).submit().await.unwrap_err();
    assert!(
        matches!(image, Error::Api { kind: ErrorKind::InsufficientCredits, family: Some(Family::Image), .. }),
        "{image:?}"
    );
    let posts = server.requests();
    assert_eq!(posts[0].path, "/api/v1/generation/google/veo-3.1");
    assert_eq!(posts[1].path, "/api/v1/generation/google/nano-banana-pro");
}

#[tokio::test]
async fn a_successful_answer_that_does_not_parse_keeps_the_body() {
    let server = TestServer::start(|_, _| json(200, json!({"unexpected": "shape"}))).await;
    let err = server.client().get("gen_1").await.unwrap_err();
    let Error::Decode { body, .. } = &err else { panic!("{err:?}") };
    assert_eq!(body, r#"{"unexpected":"shape"}"#);
}

#[tokio::test]
async fn the_api_key_never_shows_in_debug_output_or_errors() {
    let server =
        TestServer::start(|_, _| json(401, json!({"error": "Unauthorized", "message": "Invalid API key"}))).await;
    let client = server.client();
    let debug = format!("{client:?} {:?}", server.builder());
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("<redacted>"));

    let err = client.call(TestInput::new("p")).submit().await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 401, kind: ErrorKind::Unauthorized, .. }), "{err:?}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(KEY), "{shown}");
    }
    // The server did get the key.
    assert!(server.requests()[0].authorized());

    // Connection errors name the URL, never the key.
    let dead = mediagen::skills_video::Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:1/api")
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = dead.get("gen_1").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(KEY), "{shown}");
    }
}

#[tokio::test]
async fn tts_request_and_response_are_typed_and_errors_are_of_the_tts_family() {
    let server = TestServer::start(|req, n| match n {
        0 => {
            assert_eq!(req.path, "/api/ai/tts/generate");
            json(
                200,
                json!({"success": true, "data": {
                    "provider": "minimax-tts", "model": "speech-02-hd", "modelId": "minimax-tts/speech-02-hd",
                    "endpoint": "minimax/tts-v2", "audio_url": "https://cdn.example/a.mp3",
                    "audio": {"url": "https://cdn.example/a.mp3", "content_type": "audio/mpeg", "duration": 3.2},
                    "output": {"audio_url": "https://cdn.example/a.mp3"}, "logs": null, "metrics": null}}),
            )
        }
        _ => json(504, json!({"error": "TTS_GENERATION_TIMEOUT", "message": "Generation timed out."})),
    })
    .await;
    let client = server.builder().retry(RetryPolicy::disabled()).build().unwrap();
    let request = TtsRequest::new("minimax-tts", "speech-02-hd").text("Hello there").voice("default").language("en");

    let TtsResponse { model_id, audio, endpoint, .. } = client.tts(&request).await.unwrap();
    assert_eq!(model_id.as_deref(), Some("minimax-tts/speech-02-hd"));
    assert_eq!(endpoint.as_deref(), Some("minimax/tts-v2"));
    let audio = audio.unwrap();
    assert_eq!(
        (audio.url.as_str(), audio.content_type.as_deref(), audio.duration),
        ("https://cdn.example/a.mp3", Some("audio/mpeg"), Some(3.2))
    );

    let err = client.tts(&request).await.unwrap_err();
    assert!(
        matches!(err, Error::Api { status: 504, kind: ErrorKind::Timeout, family: Some(Family::Tts), .. }),
        "{err:?}"
    );

    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(seen[0].authorized());
    assert_eq!(
        seen[0].json(),
        json!({"provider": "minimax-tts", "model": "speech-02-hd", "input": {"text": "Hello there", "voice": "default", "language": "en"}})
    );

    // Checked before sending: a model must be named.
    let err = client.tts(&TtsRequest::default().text("x")).await.unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn submit_answer_is_typed_even_with_extra_fields() {
    let server = TestServer::start(|_, _| {
        let mut g = generation("gen_x", "IN_QUEUE");
        g["queue_position"] = json!(3);
        json(202, g)
    })
    .await;
    let job = server.client().call(TestInput::new("p")).submit().await.unwrap();
    assert_eq!(job.submitted().extra["queue_position"], 3);
}
