//! Downloads never lose or overwrite a file: same-named outputs, names in any script, files
//! already in the folder, downloads running at once.

use mediagen::Output;
use mediagen_tests::TestServer;
use serde_json::json;

fn output(server: &TestServer, path: &str, file_name: Option<&str>) -> Output {
    serde_json::from_value(json!({
        "url": format!("{}/files/{path}", server.base_url), "kind": "image", "content_type": "image/png",
        "file_name": file_name, "width": null, "height": null, "duration": null, "size": null
    }))
    .unwrap()
}

/// Each file's body is its own path, so a file that holds another's bytes shows.
async fn file_server() -> TestServer {
    TestServer::start(|req, _| {
        let mut resp = axum::response::Response::new(axum::body::Body::from(req.path.clone()));
        resp.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("image/png"));
        resp
    })
    .await
}

fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn same_names_and_other_scripts_give_distinct_files_and_nothing_is_replaced() {
    let server = file_server().await;
    let client = server.client();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("output.png"), b"mine").unwrap();

    let outputs = [
        output(&server, "a", Some("output.png")),
        output(&server, "b", Some("output.png")),
        output(&server, "c", Some("日落.png")),
        output(&server, "d", Some("夕阳.png")),
        output(&server, "%E6%97%A5%E8%90%BD.png", None),
    ];
    let mut files = Vec::new();
    for o in &outputs {
        files.push(client.download(o, dir.path()).await.unwrap());
    }
    let names: Vec<String> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["output-2.png", "output-3.png", "日落.png", "夕阳.png", "日落-2.png"]);
    // The file that was there is untouched; each new file holds its own output.
    assert_eq!(std::fs::read(dir.path().join("output.png")).unwrap(), b"mine");
    for (path, served) in files.iter().zip(["a", "b", "c", "d", "%E6%97%A5%E8%90%BD.png"]) {
        assert_eq!(std::fs::read_to_string(path).unwrap(), format!("/api/files/{served}"), "{}", path.display());
    }
    // What is on disk is exactly what was returned (no `.part` left behind).
    let mut expected: Vec<String> = names.clone();
    expected.push("output.png".into());
    expected.sort();
    assert_eq!(listing(dir.path()), expected);
}

#[tokio::test]
async fn downloads_at_once_under_one_name_claim_distinct_files() {
    let server = file_server().await;
    let client = server.client();
    let dir = tempfile::tempdir().unwrap();
    let outputs: Vec<Output> = (0..8).map(|i| output(&server, &i.to_string(), Some("same.png"))).collect();
    let files =
        futures_util::future::try_join_all(outputs.iter().map(|o| client.download(o, dir.path()))).await.unwrap();
    let mut bodies: Vec<String> = files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    bodies.sort();
    let mut served: Vec<String> = (0..8).map(|i| format!("/api/files/{i}")).collect();
    served.sort();
    assert_eq!(bodies, served, "every output has its own file");
    assert_eq!(listing(dir.path()).len(), 8);
}

#[tokio::test]
async fn a_failed_download_leaves_no_file_behind() {
    let server = TestServer::start(|_, _| mediagen_tests::json(404, json!({"error": "gone"}))).await;
    let client = server.client();
    let dir = tempfile::tempdir().unwrap();
    let err = client.download(&output(&server, "x", Some("x.png")), dir.path()).await.unwrap_err();
    assert!(matches!(err, mediagen::Error::Api { status: 404, .. }), "{err:?}");
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}
