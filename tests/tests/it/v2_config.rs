//! v2 relay configuration: the relay has no default host, so the base URL must come from the
//! builder or `V2_BASE_URL`. One test, because it changes the process environment.

use mediagen::v2::{Client, Scope, API_KEY_ENV, BASE_URL_ENV};
use mediagen::Error;
use mediagen_tests::{json, v2_task, TestServer, KEY};
use serde_json::json;

#[tokio::test]
async fn the_base_url_is_required_and_comes_from_the_builder_or_the_environment() {
    let server = TestServer::start(|_, _| json(200, v2_task("t_env", "QUEUED", json!("0%")))).await;

    std::env::remove_var(API_KEY_ENV);
    std::env::remove_var(BASE_URL_ENV);
    std::env::set_var(API_KEY_ENV, KEY);
    let err = Client::from_env().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("V2_BASE_URL")), "{err:?}");

    std::env::set_var(BASE_URL_ENV, format!("{}/relay/", server.origin()));
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), format!("{}/relay", server.origin()));
    let task = client.get(Scope::Videos, "t_env").await.unwrap();
    assert_eq!(task.task_id, "t_env");
    let seen = server.requests();
    assert_eq!(seen[0].path, "/relay/v2/videos/generations/t_env");
    assert!(seen[0].authorized(), "key from {API_KEY_ENV}");

    std::env::remove_var(API_KEY_ENV);
    let err = Client::from_env().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("V2_API_KEY")), "{err:?}");

    // The builder wins; `new` takes the key and reads the base URL from the environment.
    let client = Client::builder().base_url("https://relay.example/").api_key("k").build().unwrap();
    assert_eq!(client.base_url(), "https://relay.example", "trailing slash trimmed");
    std::env::remove_var(BASE_URL_ENV);
    let err = Client::new("k").unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("V2_BASE_URL")), "{err:?}");
    std::env::set_var(BASE_URL_ENV, "https://relay.example/");
    assert_eq!(Client::new("k").unwrap().base_url(), "https://relay.example");

    std::env::remove_var(BASE_URL_ENV);
}
