//! `cargo xtask sync` against a local catalogue server, in a scratch copy of `schemas/` and
//! `generated/`: a changed document is written, regenerated and reported, an unchanged one is
//! untouched, and a failing fetch leaves both folders byte-identical.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mediagen_tests::{json, text, Recorded, TestServer};
use serde_json::{json, Value};
use xtask::sync::{manifest, Origins, SyncOptions};

const VEO3: &str = "fal/fal-ai/veo3.json";
const FLUX_DEV: &str = "fal/fal-ai/flux/dev.json";
const SCHNELL: &str = "fal/fal-ai/flux/schnell.json";

/// A scratch workspace with the shipped `schemas/` and `generated/`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = xtask::workspace_root();
    for folder in ["schemas", "generated"] {
        copy(&root.join(folder), &dir.path().join(folder));
    }
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Every file under `dir` and its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn shipped(path: &str) -> String {
    std::fs::read_to_string(xtask::workspace_root().join("schemas").join(path)).unwrap()
}

/// veo3's document with its duration's allowed values changed.
fn revised_veo3() -> String {
    let mut doc: Value = serde_json::from_str(&shipped(VEO3)).unwrap();
    doc["components"]["schemas"]["Veo3Input"]["properties"]["duration"]["enum"] = json!(["4s", "8s"]);
    serde_json::to_string_pretty(&doc).unwrap()
}

fn endpoint(req: &Recorded) -> String {
    req.query.as_deref().and_then(|q| q.strip_prefix("endpoint_id=")).unwrap_or_default().to_string()
}

async fn run_sync(root: &Path, server: &TestServer, args: &[&str]) -> anyhow::Result<String> {
    let mut options = SyncOptions::parse(args).unwrap();
    options.origins = Origins { fal_site: server.origin(), fal_api: server.origin() };
    let root = root.to_path_buf();
    tokio::task::spawn_blocking(move || xtask::sync(&root, &options)).await.unwrap()
}

#[tokio::test]
async fn a_changed_document_is_written_and_reported_an_unchanged_one_is_untouched() {
    let dir = scratch();
    let root = dir.path();
    let server = TestServer::start(|req, _| match endpoint(req).as_str() {
        "fal-ai/veo3" => text(200, "application/json", &revised_veo3()),
        "fal-ai/flux/dev" => text(200, "application/json", &shipped(FLUX_DEV)),
        _ => text(404, "text/plain", "no such endpoint"),
    })
    .await;
    let before = tree(&root.join("schemas"));
    let generated_before = tree(&root.join("generated"));

    let out = run_sync(root, &server, &["fal", "--only", "fal-ai/veo3", "fal-ai/flux/dev"]).await.unwrap();

    assert_eq!(server.requests().len(), 2, "one GET per selected document");
    assert_eq!(std::fs::read_to_string(root.join("schemas").join(VEO3)).unwrap(), revised_veo3());
    assert_eq!(
        std::fs::read(root.join("schemas").join(FLUX_DEV)).unwrap(),
        before[&root.join("schemas").join(FLUX_DEV)]
    );
    assert!(out.contains(
        "schemas/fal/fal-ai/veo3.json#/components/schemas/Veo3Input/properties/duration/enum/0: INFO enum value added \"4s\" (wire: compatible, rust: additive)"
    ), "{out}");
    assert!(out.contains("  fal/fal-ai/veo3: 1 change, wire INFO (compatible), rust additive (minor)"), "{out}");
    assert!(out.contains("synced: 1 changed, 1 unchanged, 0 without a recorded URL"), "{out}");
    // Regenerated: veo3's module changed, flux/dev's did not.
    let veo3_rs = root.join("generated/src/fal/fal_ai/veo3.rs");
    assert_ne!(std::fs::read(&veo3_rs).unwrap(), generated_before[&veo3_rs]);
    let dev_rs = root.join("generated/src/fal/fal_ai/flux/dev.rs");
    assert_eq!(std::fs::read(&dev_rs).unwrap(), generated_before[&dev_rs]);
    // The manifest records the new bytes and when they were fetched; the others are as they were.
    let m = manifest::read(root).unwrap();
    assert_eq!(m[VEO3].sha256, manifest::sha256(revised_veo3().as_bytes()));
    assert_ne!(m[VEO3].fetched, manifest::UNKNOWN);
    assert_eq!(m[FLUX_DEV].fetched, manifest::UNKNOWN);
}

#[tokio::test]
async fn a_failing_fetch_or_a_non_schema_leaves_schemas_and_generated_byte_identical() {
    let dir = scratch();
    let root = dir.path();
    let server = TestServer::start(|req, _| match endpoint(req).as_str() {
        "fal-ai/veo3" => text(200, "application/json", &revised_veo3()),
        "fal-ai/flux/dev" => json(500, json!({"detail": "upstream down"})),
        "fal-ai/flux/schnell" => text(200, "text/html", "<html>maintenance</html>"),
        _ => text(404, "text/plain", "no such endpoint"),
    })
    .await;
    let (schemas, generated) = (tree(&root.join("schemas")), tree(&root.join("generated")));

    let err = run_sync(root, &server, &["fal", "--only", "fal-ai/veo3", "fal-ai/flux/dev", "fal-ai/flux/schnell"])
        .await
        .unwrap_err();
    let err = format!("{err:#}");
    assert!(err.starts_with("nothing written"), "{err}");
    assert!(err.contains(&format!("schemas/{FLUX_DEV}: fetching")) && err.contains("HTTP 500"), "{err}");
    assert!(err.contains(&format!("schemas/{SCHNELL}:")) && err.contains("did not return a usable schema"), "{err}");
    assert!(!err.contains("veo3"), "the good document is not a failure: {err}");
    assert_eq!(tree(&root.join("schemas")), schemas, "schemas/ changed");
    assert_eq!(tree(&root.join("generated")), generated, "generated/ changed");
}

#[tokio::test]
async fn new_lists_catalogue_models_not_shipped_across_pages() {
    let dir = scratch();
    let root = dir.path();
    let server = TestServer::start(|req, _| {
        if req.path == "/v1/models" {
            let query = req.query.clone().unwrap_or_default();
            assert!(query.contains("expand=openapi-3.0") && query.contains("limit=1000"), "{query}");
            return if query.contains("cursor=page2") {
                json(
                    200,
                    json!({"models": [{"endpoint_id": "fal-ai/brand-new"}], "next_cursor": null, "has_more": false}),
                )
            } else {
                json(200, json!({"models": [{"endpoint_id": "fal-ai/veo3"}], "next_cursor": "page2", "has_more": true}))
            };
        }
        text(200, "application/json", &shipped(VEO3))
    })
    .await;
    let out = run_sync(root, &server, &["fal", "--only", "fal-ai/veo3", "--new"]).await.unwrap();
    assert!(
        out.contains(
            "new: fal/fal-ai/brand-new https://fal.ai/api/openapi/queue/openapi.json?endpoint_id=fal-ai/brand-new"
        ),
        "{out}"
    );
    assert!(!out.contains("new: fal/fal-ai/veo3"), "{out}");
    assert!(out.contains("synced: 0 changed, 1 unchanged"), "{out}");
    assert_eq!(server.requests_to("GET", "/v1/models").len(), 2);
}

#[test]
fn the_manifest_records_every_shipped_schema_with_its_sha256() {
    let root = xtask::workspace_root();
    let m = manifest::read(&root).unwrap();
    let schemas = xtask::read_schemas(&root.join("schemas")).unwrap();
    for s in &schemas {
        let source = m.get(&s.path).unwrap_or_else(|| panic!("{} is not in {}", s.path, manifest::MANIFEST));
        assert_eq!(
            source.sha256,
            manifest::sha256(s.text.as_bytes()),
            "{}: edited by hand since it was fetched",
            s.path
        );
        if s.path.starts_with("fal/") {
            let id = s.path.trim_start_matches("fal/").trim_end_matches(".json");
            assert_eq!(source.url.as_deref(), Some(xtask::sync::fal_document_url(id).as_str()));
        }
    }
    assert_eq!(m.len(), schemas.len());
    assert_eq!(std::fs::read_to_string(root.join(manifest::MANIFEST)).unwrap(), manifest::render(&m));
}
