//! Configuration: environment variables, builder precedence, bad settings. One test, because it
//! changes the process environment.

use mediagen::skills_video::{Client, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
use mediagen::Error;
use mediagen_tests::{generation, json, TestServer, KEY};

#[tokio::test]
async fn settings_come_from_the_builder_then_the_environment_then_defaults() {
    let server = TestServer::start(|_, _| json(200, generation("gen_env", "IN_PROGRESS"))).await;

    std::env::remove_var(API_KEY_ENV);
    std::env::remove_var(BASE_URL_ENV);
    let err = Client::from_env().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains(API_KEY_ENV)), "{err:?}");

    std::env::set_var(API_KEY_ENV, KEY);
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), DEFAULT_BASE_URL);

    std::env::set_var(BASE_URL_ENV, format!("{}/", server.base_url));
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), server.base_url, "trailing slash trimmed");
    let g = client.get("gen_env").await.unwrap();
    assert_eq!(g.id, "gen_env");
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/api/v1/generation/gen_env");
    assert!(seen[0].authorized(), "key from {API_KEY_ENV}");
    assert!(seen[0].header("user-agent").unwrap().starts_with("mediagen/"));

    // The builder wins over the environment.
    let client = Client::builder().api_key("other").base_url("https://example.invalid/api").build().unwrap();
    assert_eq!(client.base_url(), "https://example.invalid/api");

    for bad in ["not a url", "ftp://example.com/api"] {
        let err = Client::builder().api_key(KEY).base_url(bad).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
    }
    let err = Client::builder().api_key("  ").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    let err = Client::builder().api_key("bad\nkey").build().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if !m.contains("bad\nkey")), "{err:?}");

    std::env::remove_var(API_KEY_ENV);
    std::env::remove_var(BASE_URL_ENV);
}
