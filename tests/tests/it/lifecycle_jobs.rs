//! One job lifecycle for skills.video, MindVideo and the v2 relays: the same application
//! function runs a generated model on each, job handles resume in new clients, downloads go to
//! files or any writer.

use std::path::{Path, PathBuf};

use futures_util::StreamExt as _;
use mediagen::{mindvideo, skills_video, v2};
use mediagen::{Cost, CostUnit, JobState, JobStatus, Kind, Platform, RawInput, Submit};
use mediagen_tests::{bytes, generation, json, mv_done, mv_task, payload, sse, v2_task, Recorded, SseEnd, TestServer};
use serde_json::json;

/// What the application reports about one run.
#[derive(Debug)]
struct Rendered {
    platform: Platform,
    id: String,
    raw_status: String,
    updates: Vec<(JobStatus, Option<f64>)>,
    cost: Option<Cost>,
    files: Vec<PathBuf>,
}

/// The application code, written once: submit, report progress, wait, download every output.
async fn render<S: Submit>(call: S, dir: &Path) -> mediagen::Result<Rendered> {
    let job = call.submit().await?;
    let mut updates = Vec::new();
    let done = job
        .wait_reporting(mediagen_tests::fast_wait(), |state| updates.push((state.job_status(), state.progress())))
        .await?;
    let mut files = Vec::new();
    for output in done.outputs() {
        files.push(job.download(&output, dir).await?);
    }
    Ok(Rendered {
        platform: job.platform(),
        id: job.id().to_string(),
        raw_status: done.raw_status().to_string(),
        updates,
        cost: done.cost(),
        files,
    })
}

/// The URL of a file on the server that received `req`.
fn file_url(req: &Recorded, name: &str) -> String {
    format!("http://{}/files/{name}", req.header("host").unwrap())
}

#[tokio::test]
async fn one_generic_function_runs_a_model_on_each_of_the_three_platforms() {
    let video = payload(150_000, 7);
    let served = video.clone();
    let skills = TestServer::start(move |req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", "/api/v1/generation/google/veo-3.1", _) => json(202, generation("gen_1", "IN_QUEUE")),
        ("GET", "/api/v1/generation/gen_1", 0) => json(200, generation("gen_1", "IN_PROGRESS")),
        ("GET", "/api/v1/generation/gen_1", _) => {
            let mut done = generation("gen_1", "COMPLETED");
            done["data"] =
                json!({"type": "video", "videos": [{"url": file_url(req, "gen_1.mp4"), "content_type": "video/mp4"}]});
            json(200, done)
        }
        ("GET", "/files/gen_1.mp4", _) => bytes("video/mp4", served.clone()),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let served = video.clone();
    let mindvideo = TestServer::start(move |req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/v1/tasks") => json(201, mv_task("task_1", "queued")),
        ("GET", "/api/v1/tasks/task_1/events") => sse(
            vec![
                json!({"task_id": "task_1", "status": "processing", "progress": 0.5}),
                mv_done("task_1", &file_url(req, "task_1.mp4")),
            ],
            SseEnd::Close,
        ),
        ("GET", "/files/task_1.mp4") => bytes("video/mp4", served.clone()),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let served = video.clone();
    let relay = TestServer::start(move |req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", "/relay/v2/videos/generations", _) => json(200, json!({"task_id": "veo3:1"})),
        ("GET", "/relay/v2/videos/generations/veo3:1", 0) => json(200, v2_task("veo3:1", "IN_PROGRESS", json!("50%"))),
        ("GET", "/relay/v2/videos/generations/veo3:1", _) => {
            let mut done = v2_task("veo3:1", "SUCCESS", json!("100%"));
            done["data"] = json!({"output": file_url(req, "veo3.mp4")});
            json(200, done)
        }
        ("GET", "/files/veo3.mp4", _) => bytes("video/mp4", served.clone()),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let prompt = "sunrise over mountains in watercolor style";

    let sv_input = skills_video::google::veo_3_1::Input::builder().prompt(prompt).build().unwrap();
    let mv_input = mindvideo::skyreels_v4_fast::Input::builder().prompt(prompt).build().unwrap();
    let v2_input = v2::videos::veo3::Input::builder().prompt(prompt).build().unwrap();
    let runs = [
        render(skills.client().google_veo_3_1(sv_input), dir.path()).await.unwrap(),
        render(mindvideo.mindvideo().skyreels_v4_fast(mv_input), dir.path()).await.unwrap(),
        render(relay.relay().videos_veo3(v2_input), dir.path()).await.unwrap(),
    ];

    let summary: Vec<_> = runs.iter().map(|r| (r.platform, r.id.as_str(), r.raw_status.as_str())).collect();
    assert_eq!(
        summary,
        [
            (Platform::SkillsVideo, "gen_1", "COMPLETED"),
            (Platform::Mindvideo, "task_1", "succeeded"),
            (Platform::V2, "veo3:1", "SUCCESS"),
        ]
    );
    for run in &runs {
        let statuses: Vec<JobStatus> = run.updates.iter().map(|u| u.0).collect();
        assert_eq!(statuses, [JobStatus::Queued, JobStatus::Running, JobStatus::Succeeded], "{run:?}");
        assert_eq!(run.files.len(), 1, "{run:?}");
        assert_eq!(std::fs::read(&run.files[0]).unwrap(), video, "{run:?}");
    }
    // Progress where the platform reports it.
    assert_eq!(runs[0].updates[1].1, None);
    assert_eq!(runs[1].updates[1].1, Some(0.5));
    assert_eq!((runs[2].updates[1].1, runs[2].updates[2].1), (Some(0.5), Some(1.0)));
    // Cost as each platform reports it.
    assert_eq!(runs[0].cost, Some(Cost { estimated: None, charged: Some(20.0), unit: CostUnit::Credits }));
    assert_eq!(runs[1].cost, Some(Cost { estimated: Some(0.2475), charged: Some(0.2475), unit: CostUnit::Currency }));
    assert_eq!(runs[2].cost, None);
    let names: Vec<_> = runs.iter().map(|r| r.files[0].file_name().unwrap().to_str().unwrap().to_string()).collect();
    assert_eq!(names, ["gen_1.mp4", "task_1.mp4", "veo3.mp4"]);

    // Each server saw one submit, and the file downloads went without the API key.
    for (server, submit) in [
        (&skills, "/api/v1/generation/google/veo-3.1"),
        (&mindvideo, "/api/v1/tasks"),
        (&relay, "/relay/v2/videos/generations"),
    ] {
        assert_eq!(server.requests_to("POST", submit).len(), 1);
        let files: Vec<_> = server.requests().into_iter().filter(|r| r.path.starts_with("/files/")).collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].header("authorization"), None);
    }
}

#[tokio::test]
async fn a_mindvideo_handle_saved_mid_run_resumes_in_a_new_client() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", "/api/v1/tasks", _) => json(201, mv_task("task_r", "queued")),
        ("GET", "/api/v1/tasks/task_r", _) => json(200, mv_task("task_r", "processing")),
        ("GET", "/api/v1/tasks/task_r/events", _) => sse(
            vec![
                json!({"task_id": "task_r", "status": "processing", "progress": "80%"}),
                mv_done("task_r", "https://cdn.example/r.mp4"),
            ],
            SseEnd::Close,
        ),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;

    let saved = {
        let first = server.mindvideo();
        let input = mindvideo::skyreels_v4_fast::Input::builder().prompt("p").build().unwrap();
        let job = first.skyreels_v4_fast(input).submit().await.unwrap();
        assert_eq!(job.status().await.unwrap().job_status(), JobStatus::Running);
        serde_json::to_string(&job.handle()).unwrap()
    };
    let stored: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(stored["platform"], "mindvideo");
    assert_eq!((stored["id"].as_str(), stored["family"].as_str()), (Some("task_r"), Some("video")));
    assert_eq!(stored["submitted"]["request_id"], "req_task_r");
    assert_eq!(stored["submitted"]["status"], "queued");

    // A new client, as another process would build it, picks the job up from the JSON alone.
    let second = server.mindvideo();
    let job = second.resume(serde_json::from_str(&saved).unwrap());
    assert_eq!((job.id(), job.submitted().cost_estimate), ("task_r", Some(0.2475)));
    let done = job.wait().await.unwrap();
    assert_eq!(done.job_status(), JobStatus::Succeeded);
    assert_eq!(done.outputs()[0].url, "https://cdn.example/r.mp4");
    assert_eq!(server.requests_to("POST", "/api/v1/tasks").len(), 1);
    assert_eq!(server.requests_to("GET", "/api/v1/tasks/task_r/events").len(), 1);

    // A handle is bound to its platform.
    let err = serde_json::from_str::<v2::JobHandle>(&saved).unwrap_err();
    assert!(err.to_string().contains("mindvideo"), "{err}");
}

#[tokio::test]
async fn a_relay_handle_saved_mid_run_resumes_in_a_new_client() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(200, json!({"code": "success", "data": {"task_id": "t_r", "status": "SUBMITTED"}})),
        ("GET", 0) => json(200, v2_task("t_r", "IN_PROGRESS", json!("30%"))),
        ("GET", 1) => json(200, v2_task("t_r", "IN_PROGRESS", json!("60%"))),
        ("GET", _) => {
            let mut done = v2_task("t_r", "SUCCESS", json!("100%"));
            done["data"] = json!({"outputs": ["https://cdn.example/result?id=t_r"]});
            json(200, done)
        }
        _ => unreachable!(),
    })
    .await;

    let saved = {
        let job = server
            .relay()
            .videos_veo3(v2::videos::veo3::Input::builder().prompt("p").build().unwrap())
            .submit()
            .await
            .unwrap();
        assert_eq!(job.status().await.unwrap().progress(), Some(0.3));
        serde_json::to_string_pretty(&job.handle()).unwrap()
    };
    let stored: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!((stored["platform"].as_str(), stored["scope"].as_str()), (Some("v2"), Some("videos")));

    let job = server.relay().resume(serde_json::from_str(&saved).unwrap());
    let mut seen = Vec::new();
    let done = job.wait_reporting(mediagen_tests::fast_wait(), |t| seen.push(t.progress_percent)).await.unwrap();
    assert_eq!(seen, [None, Some(60.0), Some(100.0)]);
    // The stored scope still gives extensionless outputs their kind.
    assert_eq!(done.outputs()[0].kind, Some(Kind::Video));
    assert_eq!(server.requests_to("POST", "/relay/v2/videos/generations").len(), 1);
    assert_eq!(server.requests_to("GET", "/relay/v2/videos/generations/t_r").len(), 3);
}

#[tokio::test]
async fn updates_stream_and_downloads_to_any_writer() {
    let file = payload(70_000, 3);
    let served = file.clone();
    let server = TestServer::start(move |req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", _, _) => json(200, json!({"task_id": "t_w"})),
        ("GET", "/files/w.png", _) => bytes("image/png", served.clone()),
        ("GET", _, 0) => json(200, v2_task("t_w", "QUEUED", json!("0%"))),
        ("GET", _, _) => {
            let mut done = v2_task("t_w", "SUCCESS", json!("100%"));
            done["outputs"] = json!([file_url(req, "w.png")]);
            json(200, done)
        }
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let job = server
        .relay()
        .videos_veo3(v2::videos::veo3::Input::builder().prompt("p").build().unwrap())
        .submit()
        .await
        .unwrap();
    let states: Vec<_> = job.updates(mediagen_tests::fast_wait()).collect().await;
    let statuses: Vec<_> = states.iter().map(|s| s.as_ref().unwrap().job_status()).collect();
    assert_eq!(statuses, [JobStatus::Queued, JobStatus::Queued, JobStatus::Succeeded]);
    let done = states.last().unwrap().as_ref().unwrap();
    let output = &done.outputs()[0];
    assert_eq!(output.kind, Some(Kind::Image));

    let mut sink: Vec<u8> = Vec::new();
    let written = job.download_to(output, &mut sink).await.unwrap();
    assert_eq!((written, sink.len()), (file.len() as u64, file.len()));
    assert_eq!(sink, file);
    let fetched: Vec<_> = server.requests().into_iter().filter(|r| r.path == "/files/w.png").collect();
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].header("authorization"), None);
}

#[tokio::test]
async fn a_skills_video_job_is_the_same_job_type() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(202, generation("gen_j", "IN_QUEUE")),
        ("GET", 0) => json(200, json!({"id": "gen_j", "status": "processing"})),
        ("GET", _) => {
            json(200, json!({"id": "gen_j", "status": "succeeded", "outputUrl": "https://cdn.example/j.mp4"}))
        }
        _ => unreachable!(),
    })
    .await;
    let job: skills_video::Job = server.client().call(mediagen_tests::TestInput::new("p")).submit().await.unwrap();
    let mut raw = Vec::new();
    let done = job
        .wait_reporting(mediagen_tests::fast_wait(), |g| raw.push((g.job_status(), g.raw_status().to_string())))
        .await
        .unwrap();
    // The older vocabulary is normalized and kept as sent.
    assert_eq!(
        raw,
        [
            (JobStatus::Queued, "IN_QUEUE".to_string()),
            (JobStatus::Running, "processing".to_string()),
            (JobStatus::Succeeded, "succeeded".to_string())
        ]
    );
    assert_eq!(JobState::outputs(&done)[0].url, "https://cdn.example/j.mp4");
    let saved = serde_json::to_value(job.handle()).unwrap();
    assert_eq!(saved["platform"], "skills-video");
}

/// Application code spawns jobs onto a multi-threaded runtime: every future of the lifecycle is
/// `Send` (this does not compile otherwise).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_futures_can_be_spawned_on_every_platform() {
    fn spawnable<S: Submit + 'static>(call: S) -> tokio::task::JoinHandle<mediagen::Result<String>> {
        tokio::spawn(async move {
            let job = call.submit().await?;
            let updates = job.updates(mediagen_tests::fast_wait());
            drop(updates);
            let done = job.wait().await?;
            Ok(done.raw_status().to_string())
        })
    }
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/v1/generation/google/veo-3.1") => json(200, generation("g", "COMPLETED")),
        ("POST", "/api/v1/tasks") => json(200, mv_done("t", "https://cdn.example/t.mp4")),
        ("POST", _) => json(200, json!({"task_id": "r", "status": "SUCCESS", "progress": "100%"})),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    // Owned clients: a `Call` borrows its client, so the spawned task owns one.
    let sv: &'static skills_video::Client = Box::leak(Box::new(server.client()));
    let mv: &'static mindvideo::Client = Box::leak(Box::new(server.mindvideo()));
    let relay: &'static v2::Client = Box::leak(Box::new(server.relay()));
    let prompt = "p";
    let a =
        spawnable(sv.google_veo_3_1(skills_video::google::veo_3_1::Input::builder().prompt(prompt).build().unwrap()));
    let b =
        spawnable(mv.skyreels_v4_fast(mindvideo::skyreels_v4_fast::Input::builder().prompt(prompt).build().unwrap()));
    let c = spawnable(relay.videos_veo3(v2::videos::veo3::Input::builder().prompt(prompt).build().unwrap()));
    let got = [a.await.unwrap().unwrap(), b.await.unwrap().unwrap(), c.await.unwrap().unwrap()];
    assert_eq!(got, ["COMPLETED", "succeeded", "SUCCESS"]);
}

/// A handle's JSON form did not change when its key became typed: handles stored before (no
/// `platform`, the v2 scope as a string) load, and the key is each platform's own type.
#[test]
fn stored_handles_keep_their_json_form_and_type_their_key() {
    use mediagen::aimlapi::{self, Answer};
    use mediagen::v2::Scope;

    let old = json!({"id": "t_old", "family": "image", "scope": "images", "submitted": v2_task("t_old", "QUEUED", json!("0%"))});
    let handle: v2::JobHandle = serde_json::from_value(old.clone()).unwrap();
    assert_eq!((handle.id.as_str(), handle.key, handle.platform()), ("t_old", Scope::Images, Platform::V2));
    let mut again = serde_json::to_value(&handle).unwrap();
    assert_eq!(again["platform"], "v2");
    again.as_object_mut().unwrap().remove("platform");
    assert_eq!(again["scope"], old["scope"]);
    assert_eq!((&again["id"], &again["family"]), (&old["id"], &old["family"]));
    // Handles stored without a scope were video tasks; a scope of no relay is refused.
    let mut unscoped = old.clone();
    unscoped.as_object_mut().unwrap().remove("scope");
    assert_eq!(serde_json::from_value::<v2::JobHandle>(unscoped).unwrap().key, Scope::Videos);
    let mut bad = old.clone();
    bad["scope"] = json!("pictures");
    let err = serde_json::from_value::<v2::JobHandle>(bad).unwrap_err();
    assert!(err.to_string().contains("pictures"), "{err}");

    let answer = json!({"id": "g", "status": "queued"});
    for (scope, key) in [(None, Answer::Followed), (Some("video"), Answer::Followed), (Some("direct"), Answer::Direct)]
    {
        let stored = json!({"platform": "aimlapi", "id": "g", "family": "video", "scope": scope, "submitted": answer});
        let handle: aimlapi::JobHandle = serde_json::from_value(stored).unwrap();
        assert_eq!(handle.key, key, "{scope:?}");
        let back = serde_json::to_value(&handle).unwrap();
        assert_eq!(back["scope"], if key == Answer::Direct { "direct" } else { "video" });
    }
    let stored = json!({"id": "g", "scope": "audio", "submitted": answer});
    assert!(serde_json::from_value::<aimlapi::JobHandle>(stored).is_err());

    // Nothing beside the id on skills.video: no `scope` is written.
    let handle: skills_video::JobHandle =
        serde_json::from_value(json!({"id": "gen_1", "family": "video", "submitted": generation("gen_1", "IN_QUEUE")}))
            .unwrap();
    assert_eq!(handle.key, ());
    let back = serde_json::to_value(&handle).unwrap();
    assert_eq!(back.get("scope"), None, "{back}");
    assert_eq!(back["platform"], "skills-video");
}

/// A generation AI/ML API answered at once has nothing to look up: a resumed handle says so
/// instead of sending a request.
#[tokio::test]
async fn a_direct_aimlapi_answer_resumes_without_a_lookup() {
    let server = TestServer::start(|_, _| json(404, json!({"message": "no route"}))).await;
    let client =
        mediagen::aimlapi::Client::builder().api_key(mediagen_tests::KEY).base_url(server.origin()).build().unwrap();
    let stored = json!({"platform": "aimlapi", "id": "img_1", "family": "image", "scope": "direct",
        "submitted": {"id": "img_1", "status": "completed", "data": [{"url": "https://cdn.example/a.png"}]}});
    let job = client.resume(serde_json::from_value(stored).unwrap());
    let err = job.status().await.unwrap_err();
    assert!(matches!(&err, mediagen::Error::Config(m) if m.contains("img_1")), "{err:?}");
    assert!(server.requests().is_empty());
}

/// A registry model given as JSON, as a program that picks it at run time builds it.
fn raw(id: &str) -> RawInput {
    let info = mediagen::registry::find(id).unwrap();
    RawInput::for_model(info, (info.parse)(json!({"prompt": "x"})).unwrap())
}

/// A model picked at run time goes to `call_raw`; one of another platform is refused before
/// anything is sent (a typed input of another platform does not compile).
#[tokio::test]
async fn call_raw_refuses_a_model_of_another_platform() {
    let server = TestServer::start(|_, _| json(500, json!({"message": "nothing may arrive"}))).await;
    let aimlapi =
        mediagen::aimlapi::Client::builder().api_key(mediagen_tests::KEY).base_url(server.origin()).build().unwrap();
    let refusals = [
        ("mindvideo", server.mindvideo().call_raw(raw("v2/videos/veo3")).submit().await.map(|j| j.id().to_string())),
        ("v2", server.relay().call_raw(raw("aimlapi/google/veo-3.1-t2v")).submit().await.map(|j| j.id().to_string())),
        ("aimlapi", aimlapi.call_raw(raw("skills-video/google/veo-3.1")).submit().await.map(|j| j.id().to_string())),
    ];
    for (platform, outcome) in refusals {
        assert!(matches!(&outcome, Err(mediagen::Error::Config(m)) if m.contains("model")), "{platform}: {outcome:?}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

/// The same on skills.video, whose submit does not check the model's platform yet.
#[tokio::test]
async fn call_raw_refuses_a_model_of_another_platform_on_skills_video() {
    let server = TestServer::start(|_, _| json(500, json!({"message": "nothing may arrive"}))).await;
    let client = server.client();
    let outcome = client.call_raw(raw("mindvideo/skyreels-v4-fast")).submit().await.map(|j| j.id().to_string());
    assert!(matches!(&outcome, Err(mediagen::Error::Config(_))), "{outcome:?}");
    let stream = client.call_raw(raw("mindvideo/skyreels-v4-fast")).stream().await.map(|_| ());
    assert!(matches!(&stream, Err(mediagen::Error::Config(_))), "{stream:?}");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}
