//! The figures of `cargo xtask bench`: each measured beside its baseline in the same run.
//!
//! `cargo bench -p mediagen-tests --bench figures -- [--smoke] [--uploads ...]` prints one
//! `ROW {json}` line per figure (xtask reads them and adds compile times); naming figures
//! (`--regeneration`, `--throughput`, `--heap`, `--uploads`, `--waiting`) runs only those. `--smoke` runs every figure at a small size,
//! only to show it still works. Subprocess modes (`--serve`, `--heap`, `--upload`) keep the server
//! out of the measured process, and give each upload its own peak RSS.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::StreamExt as _;
use mediagen::{JobState as _, MediaInput, RetryPolicy, WaitOptions};
use serde_json::{json, Value};

mod alloc {
    //! Live heap bytes, counted by a wrapper around the system allocator once [`ON`] is set (only
    //! the heap process sets it: counting would slow every other figure).
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

    pub static LIVE: AtomicIsize = AtomicIsize::new(0);
    pub static ON: AtomicBool = AtomicBool::new(false);

    fn add(n: isize) {
        if ON.load(Ordering::Relaxed) {
            LIVE.fetch_add(n, Ordering::Relaxed);
        }
    }

    pub struct Counting;

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            add(layout.size() as isize);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            add(-(layout.size() as isize));
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            add(new_size as isize - layout.size() as isize);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

/// One figure and its baseline; `ratio` is mediagen over the baseline, in the figure's unit.
fn row(figure: &str, mediagen: String, baseline: String, ratio: Option<f64>, goal: &str, pass: bool) {
    let row = json!({"figure": figure, "mediagen": mediagen, "baseline": baseline, "ratio": ratio, "goal": goal, "pass": pass});
    println!("ROW {row}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["--serve"] => serve(),
        ["--heap", who, n, origin] => heap_child(who, n.parse().expect("a job count"), origin),
        ["--upload", mode, file, origin] => upload_child(mode, Path::new(file), origin),
        flags if flags.iter().all(|f| f.starts_with("--")) => {
            let smoke = flags.contains(&"--smoke");
            // `--regeneration`, `--throughput`, ...: only those figures.
            let named: Vec<&str> = flags.iter().filter(|f| **f != "--smoke").map(|f| &f[2..]).collect();
            let on = |name: &str| named.is_empty() || named.contains(&name);
            if on("regeneration") {
                regeneration(smoke);
            }
            let server = Server::spawn();
            if on("throughput") {
                throughput(&server.origin, smoke);
            }
            if on("heap") {
                heap(&server.origin, smoke);
            }
            if on("uploads") {
                uploads(&server.origin, smoke);
            }
            if on("waiting") {
                polling();
                requests_per_sse_job();
            }
        }
        other => {
            eprintln!("usage: figures [--smoke] [--regeneration] [--throughput] [--heap] [--uploads] [--waiting] (got {other:?})");
            std::process::exit(2);
        }
    }
}

fn root() -> PathBuf {
    mediagen_tests::workspace_root()
}

/// The best of `n` timings of `f`.
fn best<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..n)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(f());
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    match d.as_secs_f64() * 1e3 {
        m if m < 10.0 => format!("{m:.2} ms"),
        m => format!("{m:.0} ms"),
    }
}

/// The parse floor: every document read as JSON.
fn parse_all(files: &[mediagen_codegen::SchemaFile]) -> Vec<Value> {
    files.iter().map(|f| serde_json::from_str(&f.text).unwrap()).collect()
}

/// Regenerating the shared corpus in-process against parsing its JSON; the shipped schemas too
/// (xtask compares `cargo xtask codegen --check` with that one).
fn regeneration(smoke: bool) {
    let shared = root().join("../shared/corpus");
    let settings = mediagen_codegen::Settings::default().with_schemas_dir(shared.display().to_string());
    let mut files = Vec::new();
    for platform in ["aimlapi", "fal"] {
        let sources = xtask::corpus_sources(&shared.join(platform), platform).expect("the shared corpus");
        files.extend(sources.into_iter().map(|(_, f)| f));
    }
    let total = files.len();
    // Documents that describe no model (GET only) are not generated by `generate`.
    files.retain(|f| mediagen_codegen::generate_model(f, &settings).is_ok());
    if smoke {
        files.truncate(12);
    }
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    let reps = if smoke { 1 } else { 5 };
    let parse = best(reps, || parse_all(&files));
    let generate = best(reps, || mediagen_codegen::generate(&files, &settings).unwrap());
    let ratio = generate.as_secs_f64() / parse.as_secs_f64();
    row(
        &format!(
            "regenerate {} of the {total} corpus documents in-process ({:.1} MB)",
            files.len(),
            bytes as f64 / 1e6
        ),
        ms(generate),
        format!("serde_json parse of the same bytes {}", ms(parse)),
        Some(ratio),
        "≤ 3×",
        ratio <= 3.0,
    );

    let shipped = xtask::read_schemas(&root().join("schemas")).expect("schemas/");
    let settings = mediagen_codegen::Settings::default();
    let parse = best(reps, || parse_all(&shipped));
    let generate = best(reps, || mediagen_codegen::generate(&shipped, &settings).unwrap());
    let ratio = generate.as_secs_f64() / parse.as_secs_f64();
    row(
        &format!("regenerate the {} shipped schemas in-process", shipped.len()),
        ms(generate),
        format!("serde_json parse of the same bytes {}", ms(parse)),
        Some(ratio),
        "",
        true,
    );
    println!("SHIPPED_GENERATE_SECS {}", generate.as_secs_f64());
}

// ---------------------------------------------------------------------------------------------
// The local server (its own process): a v2 relay, skills.video and fal storage; bodies drained.

struct Server {
    origin: String,
    child: std::process::Child,
}

impl Server {
    fn spawn() -> Server {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--serve")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("starting the server process");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Server { origin: line.trim().to_string(), child }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn get_json(url: &str) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() })
}

#[derive(Default)]
struct Counts {
    requests: AtomicU64,
    next: AtomicUsize,
}

fn serve() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        println!("{origin}");
        let _ = ORIGIN.set(origin);
        let app = Router::new().fallback(answer).with_state(Arc::new(Counts::default()));
        axum::serve(listener, app).await.unwrap();
    });
}

async fn answer(State(counts): State<Arc<Counts>>, method: Method, uri: Uri, body: Body) -> Response {
    let path = uri.path().to_string();
    if path == "/stats" {
        let stats = json!({"requests": counts.requests.swap(0, Ordering::Relaxed)});
        return axum::Json(stats).into_response();
    }
    counts.requests.fetch_add(1, Ordering::Relaxed);
    // Drain the body without keeping it; keep the first bytes of a JSON body to read the prompt.
    let mut head = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(Ok(chunk)) = stream.next().await {
        if head.len() < 256 {
            head.extend_from_slice(&chunk[..chunk.len().min(256 - head.len())]);
        }
    }
    let json = |v: Value| axum::Json(v).into_response();
    match (method, path.as_str()) {
        (Method::POST, "/v2/videos/generations") => {
            let n = counts.next.fetch_add(1, Ordering::Relaxed);
            let never = String::from_utf8_lossy(&head).contains("\"never\"");
            json(json!({"task_id": if never { format!("never-{n}") } else { format!("t{n}") }}))
        }
        (Method::GET, p) if p.starts_with("/v2/videos/generations/") => {
            let id = &p["/v2/videos/generations/".len()..];
            let (status, progress) = if id.starts_with("never") { ("IN_PROGRESS", "50%") } else { ("SUCCESS", "100%") };
            json(json!({"task_id": id, "action": "google-videos", "status": status, "fail_reason": "",
                "submit_time": 1756693797, "start_time": 1756693808, "finish_time": 0, "progress": progress,
                "data": {"output": "https://cdn.example/v.mp4"}}))
        }
        (Method::POST, p) if p.starts_with("/api/v1/generation/") => json(json!({"id": "gen_1", "status": "IN_QUEUE"})),
        (Method::POST, p) if p.starts_with("/rest/storage/upload/initiate") => json(
            json!({"upload_url": format!("{}/parts", ORIGIN.get().map_or("", String::as_str)), "file_url": "https://v3.fal.media/files/b.bin"}),
        ),
        (Method::PUT, p) if p.starts_with("/parts") => {
            let mut headers = HeaderMap::new();
            headers.insert("etag", "\"e\"".parse().unwrap());
            (headers, "").into_response()
        }
        (Method::POST, "/parts/complete") => json(json!({})),
        _ => "".into_response(),
    }
}

/// This server's origin, for the absolute upload URL fal storage answers.
static ORIGIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

// ---------------------------------------------------------------------------------------------
// Loopback throughput: 64 concurrent submit→wait jobs, mediagen against a hand-written loop.

const CONCURRENCY: usize = 64;
const POLL: Duration = Duration::from_millis(1);

fn wait_options() -> WaitOptions {
    WaitOptions::default().interval(POLL).max_interval(POLL).deadline(Duration::from_secs(60))
}

fn relay(origin: &str, wait: WaitOptions) -> mediagen::v2::Client {
    mediagen::v2::Client::builder()
        .api_key("bench")
        .base_url(origin)
        .http_client(reqwest::Client::new())
        .retry(RetryPolicy::disabled())
        .wait_options(wait)
        .build()
        .unwrap()
}

fn veo3(prompt: &str) -> mediagen::v2::videos::veo3::Input {
    mediagen::v2::videos::veo3::Input::builder().prompt(prompt).build().unwrap()
}

async fn mediagen_job(client: &mediagen::v2::Client, prompt: &str) {
    let done = client.videos_veo3(veo3(prompt)).run().await.unwrap();
    assert!(done.is_terminal());
}

/// The same requests with reqwest alone: POST, then GET every [`POLL`] until `SUCCESS`.
async fn handwritten_job(http: &reqwest::Client, origin: &str, prompt: &str) {
    let submitted: Value = http
        .post(format!("{origin}/v2/videos/generations"))
        .bearer_auth("bench")
        .json(&json!({"prompt": prompt, "model": "veo3"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = submitted["task_id"].as_str().unwrap().to_string();
    loop {
        tokio::time::sleep(POLL).await;
        let task: Value = http
            .get(format!("{origin}/v2/videos/generations/{id}"))
            .bearer_auth("bench")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if task["status"] == "SUCCESS" {
            return;
        }
    }
}

fn throughput(origin: &str, smoke: bool) {
    let jobs = if smoke { 128 } else { 6400 };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let client = relay(origin, wait_options());
    let http = reqwest::Client::new();
    let run = |handwritten: bool| {
        let started = Instant::now();
        rt.block_on(async {
            let next = Arc::new(AtomicUsize::new(0));
            let workers: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let (next, client, http, origin) = (next.clone(), client.clone(), http.clone(), origin.to_string());
                    tokio::spawn(async move {
                        while next.fetch_add(1, Ordering::Relaxed) < jobs {
                            match handwritten {
                                true => handwritten_job(&http, &origin, "p").await,
                                false => mediagen_job(&client, "p").await,
                            }
                        }
                    })
                })
                .collect();
            for w in workers {
                w.await.unwrap();
            }
        });
        jobs as f64 / started.elapsed().as_secs_f64()
    };
    // The server's request count since the last call.
    let requests_since = || get_json(&format!("{origin}/stats"))["requests"].as_u64().unwrap_or(0);
    // Warm both, then alternate; the best of each.
    run(false);
    run(true);
    requests_since();
    let (mut ours, mut theirs) = (0f64, 0f64);
    let mut requests = (0, 0);
    for _ in 0..if smoke { 1 } else { 3 } {
        ours = ours.max(run(false));
        requests.0 = requests_since();
        theirs = theirs.max(run(true));
        requests.1 = requests_since();
    }
    let ratio = ours / theirs;
    row(
        &format!("{CONCURRENCY} concurrent submit→wait jobs on loopback ({jobs} jobs)"),
        format!("{ours:.0} jobs/s"),
        format!("hand-written reqwest loop {theirs:.0} jobs/s"),
        Some(ratio),
        "≥ 0.9×",
        ratio >= 0.9,
    );
    let (ours, theirs) = (requests.0 as f64 / jobs as f64, requests.1 as f64 / jobs as f64);
    row(
        "requests per job, job done at the first poll",
        format!("{ours:.2}"),
        format!("hand-written {theirs:.2}"),
        Some(ours / theirs),
        "",
        (ours - theirs).abs() < 0.01,
    );
}

// ---------------------------------------------------------------------------------------------
// Live heap per in-flight polling job (counting allocator, in a process of its own).

fn heap(origin: &str, smoke: bool) {
    let n = if smoke { 16 } else { 512 };
    let measure = |who: &str| -> f64 {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--heap", who, &n.to_string(), origin])
            .output()
            .expect("the heap process");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("bytes per job")
    };
    let (ours, theirs) = (measure("mediagen"), measure("handwritten"));
    let ratio = ours / theirs;
    row(
        &format!("live heap per in-flight polling job ({n} jobs)"),
        format!("{:.1} KiB", ours / 1024.0),
        format!("hand-written {:.1} KiB", theirs / 1024.0),
        Some(ratio),
        "",
        true,
    );
}

fn heap_child(who: &str, n: usize, origin: &str) {
    // Counted from the start, so every block freed later was counted when allocated.
    alloc::ON.store(true, Ordering::Relaxed);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let every = Duration::from_millis(200);
    let client = relay(origin, WaitOptions::default().interval(every).max_interval(every).no_deadline());
    let http = reqwest::Client::new();
    let per_job = rt.block_on(async {
        // Warm: one finished job each way, so pools and lazies exist before counting.
        mediagen_job(&client, "p").await;
        handwritten_job(&http, origin, "p").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let before = alloc::LIVE.load(Ordering::Relaxed);
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let (client, http, origin, who) = (client.clone(), http.clone(), origin.to_string(), who.to_string());
                tokio::spawn(async move {
                    match who.as_str() {
                        "mediagen" => mediagen_job(&client, "never").await,
                        _ => handwritten_job(&http, &origin, "never").await,
                    }
                })
            })
            .collect();
        // Every job has submitted and polled a few times.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let during = alloc::LIVE.load(Ordering::Relaxed);
        drop(tasks);
        (during - before) as f64 / n as f64
    });
    println!("{per_job}");
    std::process::exit(0);
}

// ---------------------------------------------------------------------------------------------
// Uploads from disk: each path in a process of its own (its peak RSS), against reqwest streaming
// the same file in 64 KiB reads.

fn uploads(origin: &str, smoke: bool) {
    let size: u64 = if smoke { 8 << 20 } else { 1 << 30 };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("upload.bin");
    {
        use std::io::Write as _;
        let mut block = vec![0u8; 1 << 20];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for b in block.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for _ in 0..size >> 20 {
            f.write_all(&block).unwrap();
        }
        f.flush().unwrap();
    }
    let measure = |mode: &str| -> (f64, f64) {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--upload", mode, file.to_str().unwrap(), origin])
            .output()
            .expect("the upload process");
        assert!(out.status.success(), "{mode}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        let mut it = text.split_whitespace().map(|n| n.parse::<f64>().unwrap());
        (it.next().unwrap(), it.next().unwrap())
    };
    // Warm the page cache, then the baseline.
    measure("reqwest");
    let (base_secs, base_rss) = measure("reqwest");
    let mb = size as f64 / 1e6;
    for (mode, label) in [
        ("multipart", "multipart submit (skills.video)"),
        ("fal", "fal storage"),
        ("data-uri", "data: URI in JSON (v2 relay)"),
    ] {
        let (secs, rss) = measure(mode);
        let limit = 64.0 * 1024.0;
        let (figure, ratio, goal) = if mode == "data-uri" {
            // base64 sends 4 bytes for every 3 of the file: the wire is what can keep up.
            let wire = mb * 4.0 / 3.0 / secs;
            let text =
                format!("{:.0} MB/s of file ({wire:.0} MB/s on the wire), peak RSS {:.1} MiB", mb / secs, rss / 1024.0);
            (text, wire / (mb / base_secs), "≥ 0.9× on the wire, ≤ 64 MiB")
        } else {
            (format!("{:.0} MB/s, peak RSS {:.1} MiB", mb / secs, rss / 1024.0), base_secs / secs, "≥ 0.9×, ≤ 64 MiB")
        };
        row(
            &format!("upload {} MiB from disk: {label}", size >> 20),
            figure,
            format!("reqwest streaming 64 KiB reads {:.0} MB/s, {:.1} MiB", mb / base_secs, base_rss / 1024.0),
            Some(ratio),
            goal,
            ratio >= 0.9 && rss <= limit,
        );
    }
}

/// Peak resident set size of this process, in KiB (`VmHWM`, Linux).
fn peak_rss_kib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0.0)
}

fn upload_child(mode: &str, file: &Path, origin: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let started = Instant::now();
    rt.block_on(async {
        match mode {
            "reqwest" => {
                let f = tokio::fs::File::open(file).await.unwrap();
                let len = f.metadata().await.unwrap().len();
                let stream = tokio_util::io::ReaderStream::with_capacity(f, 64 * 1024);
                let resp = reqwest::Client::new()
                    .put(format!("{origin}/parts/1"))
                    .header("content-length", len)
                    .body(reqwest::Body::wrap_stream(stream))
                    .send()
                    .await
                    .unwrap();
                assert!(resp.status().is_success());
            }
            "multipart" => {
                let client = mediagen::skills_video::Client::builder()
                    .api_key("bench")
                    .base_url(format!("{origin}/api"))
                    .retry(RetryPolicy::disabled())
                    .build()
                    .unwrap();
                let mut input = mediagen_tests::TestInput::new("p");
                input.image_urls.push(MediaInput::path(file));
                client.call(input).submit().await.unwrap();
            }
            "fal" => {
                let client = mediagen::fal::Client::builder()
                    .api_key("bench")
                    .base_url(origin)
                    .rest_url(format!("{origin}/rest"))
                    .retry(RetryPolicy::disabled())
                    .build()
                    .unwrap();
                client.upload(&MediaInput::path(file)).await.unwrap();
            }
            "data-uri" => {
                let client = relay(origin, wait_options());
                let input =
                    mediagen::v2::videos::veo3::Input::builder().prompt("p").images([MediaInput::path(file)]).build();
                client.videos_veo3(input.unwrap()).submit().await.unwrap();
            }
            other => panic!("unknown upload mode {other}"),
        }
    });
    println!("{} {}", started.elapsed().as_secs_f64(), peak_rss_kib());
    std::process::exit(0);
}

// ---------------------------------------------------------------------------------------------
// Waiting on tokio's paused clock: GETs and how late the end is noticed.

fn polling() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
    for (minutes, progress) in [(1.0, false), (10.0, false), (10.0, true)] {
        let length = Duration::from_secs_f64(minutes * 60.0);
        let (gets, late) = rt.block_on(mediagen_tests::follow_paused(length, progress));
        let hints = if progress { "reporting progress" } else { "no hints" };
        let (max_gets, max_late) = if progress { (40, 5.0) } else { (40, 10.0) };
        row(
            &format!("default wait, job of {minutes} min, {hints} (paused clock)"),
            format!("{gets} GETs, noticed {:.1} s late", late.as_secs_f64()),
            "–".into(),
            None,
            &format!("≤ {max_gets} GETs, ≤ {max_late} s"),
            gets <= max_gets && late.as_secs_f64() <= max_late,
        );
    }
}

/// A fal job followed over its status stream: submit, the stream, the result.
fn requests_per_sse_job() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let requests = rt.block_on(async {
        let server = mediagen_tests::TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
            ("POST", _) => mediagen_tests::json(200, json!({"request_id": "r", "status": "IN_QUEUE"})),
            ("GET", p) if p.ends_with("/status/stream") => mediagen_tests::sse(
                vec![
                    json!({"request_id": "r", "status": "IN_PROGRESS"}),
                    json!({"request_id": "r", "status": "COMPLETED"}),
                ],
                mediagen_tests::SseEnd::Close,
            ),
            ("GET", p) if p.ends_with("/status") => {
                mediagen_tests::json(200, json!({"request_id": "r", "status": "COMPLETED"}))
            }
            ("GET", _) => mediagen_tests::json(200, json!({"video": {"url": "https://fal.media/v.mp4"}})),
            _ => mediagen_tests::json(404, json!({})),
        })
        .await;
        let input = mediagen::fal::fal_ai::veo3::Input::builder().prompt("p").build().unwrap();
        let client = server.fal_builder().wait_options(WaitOptions::default()).build().unwrap();
        let job = client.fal_ai_veo3(input).submit().await.unwrap();
        job.wait().await.unwrap();
        let _: Value = job.output().await.unwrap();
        server.requests().len()
    });
    row(
        "requests per fal job over its status stream (submit, stream, result)",
        format!("{requests}"),
        "–".into(),
        None,
        "3",
        requests == 3,
    );
}
