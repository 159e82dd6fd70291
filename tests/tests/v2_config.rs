//! v2 relay configuration: the relay has no default host, so the base URL must come from the
//! builder or `V2_BASE_URL`. One test, because it changes the process environment.

mod common;

use common::{json, v2_task, TestServer, KEY};
use mediagen::v2::{Client, API_KEY_ENV, BASE_URL_ENV};
use mediagen::Error;
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
    let task = client.get("videos", "t_env").await.unwrap();
    assert_eq!(task.task_id, "t_env");
    let seen = server.requests();
    assert_eq!(seen[0].path, "/relay/v2/videos/generations/t_env");
    assert!(seen[0].authorized(), "key from {API_KEY_ENV}");

    std::env::remove_var(API_KEY_ENV);
    let err = Client::from_env().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("V2_API_KEY")), "{err:?}");

    // The builder wins; `new` takes both.
    let client = Client::builder().base_url("https://relay.example").api_key("k").build().unwrap();
    assert_eq!(client.base_url(), "https://relay.example");
    assert_eq!(Client::new("https://relay.example/", "k").base_url(), "https://relay.example");

    std::env::remove_var(BASE_URL_ENV);
}
