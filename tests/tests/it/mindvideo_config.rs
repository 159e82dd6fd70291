//! MindVideo configuration: environment variables, builder precedence, the default host. One
//! test, because it changes the process environment.

use mediagen::mindvideo::{Client, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
use mediagen::Error;
use mediagen_tests::{json, mv_task, TestServer, KEY};

#[tokio::test]
async fn settings_come_from_the_builder_then_the_environment_then_defaults() {
    let server = TestServer::start(|_, _| json(200, mv_task("task_env", "processing"))).await;

    std::env::remove_var(API_KEY_ENV);
    std::env::remove_var(BASE_URL_ENV);
    let err = Client::from_env().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("MINDVIDEO_API_KEY")), "{err:?}");

    std::env::set_var(API_KEY_ENV, KEY);
    let client = Client::from_env().unwrap();
    assert_eq!((client.base_url(), DEFAULT_BASE_URL), ("https://api.mindvideo.ai", "https://api.mindvideo.ai"));

    std::env::set_var(BASE_URL_ENV, format!("{}/", server.origin()));
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), server.origin(), "trailing slash trimmed");
    let task = client.get("task_env").await.unwrap();
    assert_eq!(task.task_id, "task_env");
    let seen = server.requests();
    assert_eq!(seen[0].path, "/api/v1/tasks/task_env");
    assert!(seen[0].authorized(), "key from {API_KEY_ENV}");

    // The builder wins over the environment; `new` reads the base URL from it.
    let client = Client::builder().api_key("other").base_url("https://example.invalid").build().unwrap();
    assert_eq!(client.base_url(), "https://example.invalid");
    assert_eq!(Client::new("mv_live_x").unwrap().base_url(), server.origin());
    assert!(!format!("{:?}", Client::new(KEY).unwrap()).contains(KEY));

    let err = Client::builder().api_key(KEY).base_url("ftp://example.com").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");

    std::env::remove_var(API_KEY_ENV);
    std::env::remove_var(BASE_URL_ENV);
}
