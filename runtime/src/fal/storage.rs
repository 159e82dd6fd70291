//! fal storage: a local file given to a fal model is uploaded first, and its URL goes into the
//! JSON body (fal-js `storage.ts`).
//!
//! - up to [`MULTIPART_THRESHOLD`]: `POST {rest}/storage/upload/initiate?storage_type=fal-cdn-v3`
//!   with `{content_type, file_name}` answers `{upload_url, file_url}`; the file is streamed from
//!   disk with `PUT upload_url`;
//! - above it: `.../initiate-multipart`, then `PUT {upload_url}/{part}` in [`PART_SIZE`] parts
//!   (each retried on its own, its `ETag` kept), then `POST {upload_url}/complete` with
//!   `{parts: [{partNumber, etag}]}`. Memory stays bounded by one part.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
use tracing::Instrument as _;

use crate::http::{Body, Request, Transport};
use crate::media::marker_input;
use crate::{Error, MediaInput, Platform, Result};

/// Files above this size are uploaded in parts (90 MB, as fal's clients do).
pub const MULTIPART_THRESHOLD: u64 = 90 * 1024 * 1024;
/// The size of one part of a multipart upload (10 MB).
pub const PART_SIZE: u64 = 10 * 1024 * 1024;

#[derive(Deserialize)]
struct Initiated {
    upload_url: String,
    file_url: String,
}

fn storage(transport: &Transport, path: &str) -> Result<String> {
    let base = transport.storage_url().ok_or_else(|| Error::Config("no fal storage URL".into()))?;
    Ok(format!("{base}/storage/upload/{path}?storage_type=fal-cdn-v3"))
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

/// Upload a media input to fal storage; its URL. A URL is returned as it is.
pub(crate) async fn upload(transport: &Transport, media: &MediaInput) -> Result<String> {
    let bytes = match media {
        MediaInput::Url(url) => return Ok(url.clone()),
        MediaInput::Bytes { bytes, .. } => Some(bytes.len() as u64),
        MediaInput::Path { path, .. } => tokio::fs::metadata(path).await.ok().map(|m| m.len()),
    };
    let span = crate::telemetry::upload_span(Platform::Fal, transport.storage_url().unwrap_or_default(), bytes);
    let url = upload_media(transport, media).instrument(span.clone()).await?;
    span.in_scope(|| tracing::info!(file_url = %crate::telemetry::without_query(&url), "uploaded"));
    Ok(url)
}

async fn upload_media(transport: &Transport, media: &MediaInput) -> Result<String> {
    let (file_name, content_type) = media.file_name_and_type();
    let info = json!({"content_type": content_type, "file_name": file_name});
    match media {
        MediaInput::Url(url) => Ok(url.clone()),
        MediaInput::Bytes { bytes, .. } => {
            let at: Initiated = transport
                .send_json(&Request::trusted(Method::POST, storage(transport, "initiate")?, Body::Json(info)))
                .await?;
            let body = Body::Bytes(bytes.clone(), content_type);
            transport.send(&Request::external(Method::PUT, at.upload_url, body)).await?;
            Ok(at.file_url)
        }
        MediaInput::Path { path, .. } => {
            let size = tokio::fs::metadata(path).await.map_err(io(format!("reading {}", path.display())))?.len();
            if size <= MULTIPART_THRESHOLD {
                let at: Initiated = transport
                    .send_json(&Request::trusted(Method::POST, storage(transport, "initiate")?, Body::Json(info)))
                    .await?;
                let body = Body::File(path.clone(), content_type);
                transport.send(&Request::external(Method::PUT, at.upload_url, body)).await?;
                return Ok(at.file_url);
            }
            let at: Initiated = transport
                .send_json(&Request::trusted(Method::POST, storage(transport, "initiate-multipart")?, Body::Json(info)))
                .await?;
            let mut file = tokio::fs::File::open(path).await.map_err(io(format!("opening {}", path.display())))?;
            let mut parts = Vec::new();
            let count = size.div_ceil(PART_SIZE);
            for number in 1..=count {
                let offset = (number - 1) * PART_SIZE;
                let len = PART_SIZE.min(size - offset) as usize;
                let mut chunk = vec![0u8; len];
                file.seek(std::io::SeekFrom::Start(offset)).await.map_err(io(format!("reading {}", path.display())))?;
                file.read_exact(&mut chunk).await.map_err(io(format!("reading {}", path.display())))?;
                let body = Body::Bytes(chunk.into(), content_type.clone());
                let resp = transport
                    .send(&Request::external(Method::PUT, format!("{}/{number}", at.upload_url), body))
                    .await?;
                let etag = resp
                    .headers()
                    .get(reqwest::header::ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
                    .ok_or_else(|| Error::Decode {
                        message: format!("part {number} was stored without an ETag"),
                        body: String::new(),
                    })?;
                parts.push(json!({"partNumber": number, "etag": etag}));
            }
            let done = Body::Json(json!({"parts": parts}));
            transport.send(&Request::external(Method::POST, format!("{}/complete", at.upload_url), done)).await?;
            Ok(at.file_url)
        }
    }
}

/// Replace every local file of a request body by its uploaded URL.
pub(crate) async fn upload_files(transport: &Transport, mut body: Value) -> Result<Value> {
    replace_markers(transport, &mut body).await?;
    Ok(body)
}

/// Depth-first: each marker becomes the URL of its upload.
fn replace_markers<'a>(
    transport: &'a Transport,
    value: &'a mut Value,
) -> futures_util::future::BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if let Some(media) = marker_input(value) {
            *value = Value::String(upload(transport, &media).await?);
            return Ok(());
        }
        match value {
            Value::Array(items) => {
                for item in items {
                    replace_markers(transport, item).await?;
                }
            }
            Value::Object(map) => {
                for item in map.values_mut() {
                    replace_markers(transport, item).await?;
                }
            }
            _ => {}
        }
        Ok(())
    })
}
