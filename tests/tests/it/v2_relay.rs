//! A v2 relay (new-api task envelope) against a local server mounted below `/relay`: both submit
//! answers, progress as percent strings and numbers, FAILURE with its reason, unknown statuses,
//! outputs, errors.

use std::time::Duration;

use futures_util::StreamExt as _;
use mediagen::v2::{videos::veo3, Scope, TaskStatus, V2};
use mediagen::{Error, ErrorKind, Family, JobRef, JobState as _, JobStatus, Kind, RawInput};
use mediagen_tests::{drop_connection, json, v2_task, TestServer};
use serde_json::json;

const SUBMIT: &str = "/relay/v2/videos/generations";

fn input() -> veo3::Input {
    veo3::Input::builder().prompt("A cat surfing in sunset, cinematic").build().unwrap()
}

fn poll_path(id: &str) -> String {
    format!("/relay/v2/videos/generations/{id}")
}

#[test]
fn a_scope_reads_from_its_path_segment_and_nothing_else() {
    for (text, scope) in [("images", Scope::Images), ("videos", Scope::Videos), ("audio", Scope::Audio)] {
        assert_eq!(text.parse::<Scope>().unwrap(), scope);
        assert_eq!((scope.as_str(), scope.to_string()), (text, text.to_string()));
    }
    for bad in ["video", "Videos", "", "music"] {
        assert!(bad.parse::<Scope>().is_err(), "{bad:?}");
    }
}

#[tokio::test]
async fn submit_accepts_both_answer_shapes() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", 0) => json(200, json!({"task_id": "f186f65a-8657-4e83-b0e3-67facf1b2576"})),
        ("POST", _) => json(
            200,
            json!({"code": "success", "message": "", "data": {"task_id": "veo3:1756693796-YQ", "status": "NOT_START"}}),
        ),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let client = server.relay();

    let bare = client.videos_veo3(input()).submit().await.unwrap();
    assert_eq!(bare.id(), "f186f65a-8657-4e83-b0e3-67facf1b2576");
    // No status in the answer: the relay accepted the task.
    assert_eq!(
        (bare.submitted().status.clone(), bare.submitted().job_status()),
        (TaskStatus::Submitted, JobStatus::Queued)
    );

    let wrapped = client.videos_veo3(input()).submit().await.unwrap();
    assert_eq!(wrapped.id(), "veo3:1756693796-YQ");
    let task = wrapped.submitted();
    assert_eq!(
        (task.status.clone(), task.raw_status(), task.job_status()),
        (TaskStatus::NotStart, "NOT_START", JobStatus::Queued)
    );
    assert_eq!(wrapped.platform(), mediagen::Platform::V2);

    let posts = server.requests_to("POST", SUBMIT);
    assert_eq!(posts.len(), 2);
    for post in posts {
        assert!(post.authorized());
        assert_eq!(post.json(), json!({"prompt": "A cat surfing in sunset, cinematic", "model": "veo3"}));
        assert_eq!(post.header("idempotency-key"), None);
    }
}

#[tokio::test]
async fn progress_from_0_to_100_percent_and_as_numbers_with_times_and_outputs() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(200, json!({"task_id": "t1"})),
        ("GET", 0) => json(200, v2_task("t1", "NOT_START", json!("0%"))),
        ("GET", 1) => json(200, v2_task("t1", "QUEUED", json!("0%"))),
        // Wrapped like new-api's fetch answers.
        ("GET", 2) => json(200, json!({"code": "success", "message": "", "data": v2_task("t1", "IN_PROGRESS", json!("37%"))})),
        ("GET", 3) => json(200, v2_task("t1", "IN_PROGRESS", json!(55))),
        ("GET", 4) => json(200, v2_task("t1", "IN_PROGRESS", json!(55))),
        ("GET", _) => {
            let mut done = v2_task("t1", "SUCCESS", json!("100%"));
            done["finish_time"] = json!(1756693898);
            done["data"] = json!({"output": "https://cdn.example/t1.mp4", "outputs": ["https://cdn.example/t1.mp4", "https://cdn.example/t1-alt"]});
            json(200, done)
        }
        _ => unreachable!(),
    })
    .await;
    let job = server.relay().videos_veo3(input()).submit().await.unwrap();

    let mut seen = Vec::new();
    let done = job
        .wait_reporting(mediagen_tests::fast_wait(), |t| seen.push((t.raw_status().to_string(), t.progress())))
        .await
        .unwrap();
    let expected: Vec<(String, Option<f64>)> = [
        ("SUBMITTED", None),
        ("NOT_START", Some(0.0)),
        ("QUEUED", Some(0.0)),
        ("IN_PROGRESS", Some(0.37)),
        ("IN_PROGRESS", Some(0.55)),
        ("SUCCESS", Some(1.0)),
    ]
    .into_iter()
    .map(|(s, p)| (s.to_string(), p))
    .collect();
    assert_eq!(seen, expected, "an unchanged poll is not reported twice");
    assert_eq!(done.progress_percent, Some(100.0));
    assert_eq!(
        (done.submit_time, done.start_time, done.finish_time),
        (Some(1756693797), Some(1756693808), Some(1756693898))
    );
    assert_eq!(done.action.as_deref(), Some("google-videos"));
    let outputs = done.outputs();
    assert_eq!(outputs.len(), 2);
    assert_eq!(outputs[0].url, "https://cdn.example/t1.mp4");
    // No extension: the kind comes from the scope.
    assert_eq!((outputs[1].url.as_str(), outputs[1].kind), ("https://cdn.example/t1-alt", Some(Kind::Video)));
    assert!(done.cost().is_none());

    let polls = server.requests_to("GET", &poll_path("t1"));
    assert_eq!(polls.len(), 6);
    assert!(polls.iter().all(|p| p.authorized()));
}

#[tokio::test]
async fn failure_with_fail_reason_is_a_typed_job_failed_error() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(200, json!({"code": "success", "data": {"task_id": "t_f", "status": "SUBMITTED"}})),
        ("GET", 0) => json(200, v2_task("t_f", "IN_PROGRESS", json!("20%"))),
        ("GET", _) => {
            let mut failed = v2_task("t_f", "FAILURE", json!("100%"));
            failed["fail_reason"] = json!("content policy violation: the prompt was rejected");
            json(200, failed)
        }
        _ => unreachable!(),
    })
    .await;
    let err = server.relay().videos_veo3(input()).run().await.unwrap_err();
    let Error::JobFailed { id, kind, family, code, message } = &err else { panic!("{err:?}") };
    assert_eq!((id.as_str(), *kind, *family, code.as_deref()), ("t_f", ErrorKind::Failed, Some(Family::Video), None));
    assert_eq!(message, "content policy violation: the prompt was rejected");
    // The task itself keeps the reason too.
    let task = server.relay().get(Scope::Videos, "t_f").await.unwrap();
    assert_eq!(
        (task.job_status(), task.fail_reason.as_deref()),
        (JobStatus::Failed, Some("content policy violation: the prompt was rejected"))
    );
}

#[tokio::test]
async fn an_unknown_status_is_kept_raw_and_waiting_goes_on() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("GET", 0) => json(200, v2_task("t_u", "RETRYING_UPSTREAM", json!("40%"))),
        ("GET", _) => {
            let mut done = v2_task("t_u", "SUCCESS", json!("100%"));
            done["output"] = json!("https://cdn.example/u.mp4"); // top-level, as some relays send it
            json(200, done)
        }
        _ => unreachable!(),
    })
    .await;
    let client = server.relay();
    let odd = client.get(Scope::Videos, "t_u").await.unwrap();
    assert_eq!(odd.status, TaskStatus::Unknown("RETRYING_UPSTREAM".into()));
    assert_eq!((odd.job_status(), odd.raw_status()), (JobStatus::Unknown, "RETRYING_UPSTREAM"));
    assert!(!odd.is_terminal());
    let done = client.wait(Scope::Videos, "t_u", mediagen_tests::fast_wait()).await.unwrap();
    assert_eq!(done.outputs()[0].url, "https://cdn.example/u.mp4");
}

/// On tokio's paused clock: the waits are virtual, so the deadline is measured exactly.
#[tokio::test(start_paused = true)]
async fn deadline_passes_while_the_task_is_still_running() {
    let server = TestServer::start(|_, _| json(200, v2_task("t_slow", "IN_PROGRESS", json!("10%")))).await;
    let deadline = Duration::from_millis(150);
    let started = tokio::time::Instant::now();
    let err =
        server.relay().wait(Scope::Videos, "t_slow", mediagen_tests::fast_wait().deadline(deadline)).await.unwrap_err();
    let waited = started.elapsed();
    assert!(
        matches!(&err, Error::Deadline { id, last_status, .. } if id == "t_slow" && last_status == "IN_PROGRESS"),
        "{err:?}"
    );
    assert!(waited >= deadline && waited < deadline + Duration::from_millis(50), "{waited:?}");
    let polls = server.requests_to("GET", &poll_path("t_slow"));
    assert!((4..=16).contains(&polls.len()), "{} polls", polls.len());
}

#[tokio::test]
async fn relay_errors_are_typed_and_a_submit_is_not_repeated_where_it_could_charge_twice() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        // new-api answers a failed fetch with HTTP 200 and its own code.
        ("GET", "/relay/v2/videos/generations/gone", _) => {
            json(200, json!({"code": "fail_to_fetch_task", "message": "task_not_exist", "data": null}))
        }
        ("GET", "/relay/v2/videos/generations/flaky", 0) => {
            json(502, json!({"error": {"message": "bad gateway", "type": "upstream_error"}}))
        }
        ("GET", "/relay/v2/videos/generations/flaky", _) => json(200, v2_task("flaky", "QUEUED", json!("0%"))),
        ("POST", _, 0) => json(
            401,
            json!({"error": {"message": "invalid token", "type": "new_api_error", "code": "invalid_api_key"}}),
        ),
        ("POST", _, 1) => json(500, json!({"error": {"message": "upstream exploded", "type": "new_api_error"}})),
        ("POST", _, _) => drop_connection(),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let client = server.relay();

    let err = client.get(Scope::Videos, "gone").await.unwrap_err();
    let Error::Api { status, code, message, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*status, code.as_deref(), message.as_str()), (200, Some("fail_to_fetch_task"), "task_not_exist"));

    // A GET is retried on 502.
    assert_eq!(client.get(Scope::Videos, "flaky").await.unwrap().status, TaskStatus::Queued);
    assert_eq!(server.requests_to("GET", &poll_path("flaky")).len(), 2);

    let err = client.videos_veo3(input()).submit().await.unwrap_err();
    let Error::Api { status, kind, code, message, .. } = &err else { panic!("{err:?}") };
    assert_eq!(
        (*status, *kind, code.as_deref(), message.as_str()),
        (401, ErrorKind::Unauthorized, Some("invalid_api_key"), "invalid token")
    );
    let err = client.videos_veo3(input()).submit().await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 500, kind: ErrorKind::Server, .. }), "{err:?}");
    // A dropped connection after the request was sent: the task may exist, so no retry, and
    // the error says so.
    let err = client.videos_veo3(input()).submit().await.unwrap_err();
    assert!(matches!(&err, Error::Stream { message } if message.contains("the job may have been created")), "{err:?}");
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 3);
}

#[tokio::test]
async fn a_model_chosen_at_run_time_goes_through_call_raw() {
    let server = TestServer::start(|_, _| json(200, json!({"task_id": "raw_1"}))).await;
    let info = mediagen::registry::find("v2/videos/veo3").unwrap();
    let body = (info.parse)(json!({"prompt": "a cat", "aspect_ratio": "9:16"})).unwrap();
    let job = server.relay().call_raw(RawInput::for_model(info, body)).submit().await.unwrap();
    assert_eq!(job.id(), "raw_1");
    let posts = server.requests_to("POST", SUBMIT);
    assert_eq!(posts[0].json(), json!({"prompt": "a cat", "aspect_ratio": "9:16", "model": "veo3"}));
    // A MindVideo model is refused by the relay client before anything is sent. (A typed
    // MindVideo input does not compile with `call` on a relay client: the generated crate's
    // compile_fail doctest shows it.)
    let mv = mediagen::registry::find("mindvideo/skyreels-v4-fast").unwrap();
    let body = (mv.parse)(json!({"prompt": "x"})).unwrap();
    let err = server.relay().call_raw(RawInput::for_model(mv, body)).submit().await.unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("mindvideo")), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

/// A job known only by id: `JobRef::for_model` takes the relay scope from the model, `lookup`
/// gets it once, `follow` polls it to the end; nothing is submitted.
#[tokio::test]
async fn a_job_known_by_id_is_looked_up_and_followed_under_its_models_scope() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("GET", "/relay/v2/images/generations/img_1", 0 | 1) => {
            json(200, v2_task("img_1", "IN_PROGRESS", json!("40%")))
        }
        ("GET", "/relay/v2/images/generations/img_1", _) => {
            let mut done = v2_task("img_1", "SUCCESS", json!("100%"));
            done["data"] = json!({"outputs": ["https://cdn.example/img_1"]});
            json(200, done)
        }
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let client = server.relay();
    let info = mediagen::registry::find("v2/images/seedream-4").unwrap();
    let job = JobRef::<V2>::for_model(info, "img_1");
    assert_eq!((job.id(), *job.key()), ("img_1", Scope::Images));

    assert_eq!(client.lookup(&job).await.unwrap().progress(), Some(0.4));
    let states: Vec<_> = client.follow(job, mediagen_tests::fast_wait()).collect().await;
    let last = states.last().unwrap().as_ref().unwrap();
    assert_eq!(last.job_status(), JobStatus::Succeeded);
    // The scope types an extensionless output.
    assert_eq!(last.outputs()[0].kind, Some(Kind::Image));
    assert_eq!(server.requests_to("GET", "/relay/v2/images/generations/img_1").len(), 3);
    assert!(server.requests().iter().all(|r| r.method == "GET"));
}
