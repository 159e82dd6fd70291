//! A JSON body whose local files are sent as `data:` URIs, streamed from disk.
//!
//! Platforms that take files inline (MindVideo, the v2 relays, AI/ML API) get a JSON string
//! `"data:<type>;base64,<bytes>"` in each file's place. Building that string in memory costs the
//! file 2.3 times over (the bytes, their base64, the serialized body); here the body is the JSON
//! text around each file plus the file's base64, encoded as it is read (768 KiB reads on a
//! blocking thread, a few chunks ahead of the sending). The length is known up front
//! (`Content-Length`), and the body is built anew for every attempt.

use base64::Engine as _;
use bytes::Bytes;
use futures_util::stream::{self, BoxStream};
use futures_util::StreamExt as _;
use serde_json::Value;

use crate::media::{is_file_marker, marker_input};
use crate::{Error, MediaInput, Result};

/// The body's length in bytes and its stream.
pub(crate) async fn json_with_data_uris(value: &Value) -> Result<(u64, BoxStream<'static, std::io::Result<Bytes>>)> {
    // Each file marker becomes a placeholder string no user text can equal, then the serialized
    // text is cut at the placeholders.
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let mut files = Vec::new();
    let with_placeholders = replace_markers(value.clone(), &nonce, &mut files)?;
    let text = serde_json::to_string(&with_placeholders).map_err(|e| Error::Encode { message: e.to_string() })?;

    let mut parts: Vec<BoxStream<'static, std::io::Result<Bytes>>> = Vec::new();
    let mut len = 0u64;
    let mut rest = text.as_str();
    for (i, file) in files.into_iter().enumerate() {
        let placeholder = format!("\"{}\"", placeholder(&nonce, i));
        let Some((before, after)) = rest.split_once(placeholder.as_str()) else {
            return Err(Error::Encode { message: "a file marker was lost while encoding the body".into() });
        };
        let (file_len, file_stream) = data_uri(file).await?;
        len += before.len() as u64 + file_len;
        parts.push(stream::iter([Ok(Bytes::copy_from_slice(before.as_bytes()))]).boxed());
        parts.push(file_stream);
        rest = after;
    }
    len += rest.len() as u64;
    parts.push(stream::iter([Ok(Bytes::copy_from_slice(rest.as_bytes()))]).boxed());
    Ok((len, stream::iter(parts).flatten().boxed()))
}

fn placeholder(nonce: &str, i: usize) -> String {
    format!("mediagen-file-{nonce}-{i}")
}

/// The value with every file marker replaced by its placeholder; the files, in order.
fn replace_markers(value: Value, nonce: &str, files: &mut Vec<MediaInput>) -> Result<Value> {
    Ok(match value {
        v if is_file_marker(&v) => {
            let input = marker_input(&v).ok_or_else(|| Error::Encode { message: "malformed file marker".into() })?;
            files.push(input);
            Value::String(placeholder(nonce, files.len() - 1))
        }
        Value::Object(m) => Value::Object(
            m.into_iter().map(|(k, v)| Ok((k, replace_markers(v, nonce, files)?))).collect::<Result<_>>()?,
        ),
        Value::Array(a) => {
            Value::Array(a.into_iter().map(|v| replace_markers(v, nonce, files)).collect::<Result<_>>()?)
        }
        v => v,
    })
}

/// One file as a JSON string `"data:<type>;base64,..."` (a URL stays a URL): its length in bytes
/// and its stream.
async fn data_uri(file: MediaInput) -> Result<(u64, BoxStream<'static, std::io::Result<Bytes>>)> {
    let (_, content_type) = file.file_name_and_type();
    const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
    let (size, base64): (u64, BoxStream<'static, std::io::Result<Bytes>>) = match file {
        MediaInput::Url(url) => {
            let text = serde_json::to_string(&url).map_err(|e| Error::Encode { message: e.to_string() })?;
            return Ok((text.len() as u64, stream::iter([Ok(Bytes::from(text))]).boxed()));
        }
        MediaInput::Bytes { bytes, .. } => {
            (bytes.len() as u64, stream::iter([Ok(Bytes::from(ENGINE.encode(&bytes)))]).boxed())
        }
        MediaInput::Path { path, .. } => {
            let opened = tokio::fs::File::open(&path)
                .await
                .map_err(|source| Error::Io { context: format!("opening {}", path.display()), source })?;
            let size = opened
                .metadata()
                .await
                .map_err(|source| Error::Io { context: format!("reading the size of {}", path.display()), source })?
                .len();
            (size, base64_of_file(opened.into_std().await))
        }
    };
    // `"data:...;base64,` then the base64, then `"`; the prefix JSON-escaped like any string.
    let prefix = serde_json::to_string(&format!("data:{content_type};base64,"))
        .map_err(|e| Error::Encode { message: e.to_string() })?;
    let prefix = prefix.trim_end_matches('"').to_string();
    let len = prefix.len() as u64 + size.div_ceil(3) * 4 + 1;
    let parts = [
        stream::iter([Ok(Bytes::from(prefix))]).boxed(),
        base64,
        stream::iter([Ok(Bytes::from_static(b"\""))]).boxed(),
    ];
    Ok((len, stream::iter(parts).flatten().boxed()))
}

/// The bytes read from disk per chunk: a multiple of 3, so each chunk's base64 stands alone.
const READ: usize = 3 * 256 * 1024;
/// Chunks encoded ahead of the sending: memory stays under `AHEAD * READ * 4 / 3`.
const AHEAD: usize = 4;

/// Standard base64 (padded) of a file, read and encoded on a blocking thread a few chunks ahead
/// of the sending, so reading, encoding and sending overlap. Dropping the stream stops the
/// reading.
fn base64_of_file(mut file: std::fs::File) -> BoxStream<'static, std::io::Result<Bytes>> {
    use std::io::Read as _;
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(AHEAD);
    tokio::task::spawn_blocking(move || {
        let mut buf = vec![0u8; READ];
        loop {
            // Fill the buffer (short reads happen); only the last chunk may end mid-group.
            let mut filled = 0;
            while filled < READ {
                match file.read(&mut buf[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        let _ = tx.blocking_send(Err(e));
                        return;
                    }
                }
            }
            if filled == 0 {
                return;
            }
            // SIMD base64 (several GB/s): the encoding keeps up with the disk and the socket.
            let encoded = base64_simd::STANDARD.encode_to_string(&buf[..filled]);
            if tx.blocking_send(Ok(Bytes::from(encoded))).is_err() || filled < READ {
                return;
            }
        }
    });
    stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) }).boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    async fn collect(value: &Value) -> (u64, Vec<u8>) {
        let (len, mut s) = json_with_data_uris(value).await.unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = s.next().await {
            out.extend_from_slice(&chunk.unwrap());
        }
        (len, out)
    }

    #[tokio::test]
    async fn the_streamed_body_is_the_inlined_body_byte_for_byte_and_its_length_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        // Sizes around the 3-byte groups and the reads.
        for size in [0usize, 1, 2, 3, 4, 65_537, READ - 1, READ, READ + 1, 2 * READ + 2] {
            let path = dir.path().join(format!("f{size}.png"));
            let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            let body = json!({
                "prompt": "a \"quoted\" mediagen-file- prompt",
                "image": MediaInput::path(&path),
                "more": [MediaInput::bytes(vec![1u8, 2, 3, 4], "a.wav", "audio/wav"), MediaInput::url("https://x/y.png")],
                "n": 2,
            });
            let (len, streamed) = collect(&body).await;
            let inlined = serde_json::to_vec(&crate::media::inline_files(body).await.unwrap()).unwrap();
            assert_eq!(String::from_utf8_lossy(&streamed), String::from_utf8_lossy(&inlined), "size {size}");
            assert_eq!(len, streamed.len() as u64, "size {size}");
        }
    }

    #[tokio::test]
    async fn a_body_without_files_is_its_json() {
        let body = json!({"prompt": "p", "n": [1, 2]});
        let (len, streamed) = collect(&body).await;
        assert_eq!(streamed, serde_json::to_vec(&body).unwrap());
        assert_eq!(len, streamed.len() as u64);
    }

    #[tokio::test]
    async fn a_missing_file_is_an_error_naming_it() {
        let body = json!({"image": MediaInput::path("/nonexistent/frame.png")});
        let Err(err) = json_with_data_uris(&body).await else { panic!("a missing file must fail") };
        assert!(err.to_string().contains("/nonexistent/frame.png"), "{err}");
    }
}
