//! Media inputs: a URL, a local file, or bytes in memory.
//!
//! Every schema field that takes a media URL (`image_urls[]`, `first_frame_url`, `audio_url`, ...)
//! is typed [`MediaInput`]. A URL is sent as the string it is. A file is carried through the JSON
//! body as a marker object (`{"$mediagen_file": {...}}`) that the platform client turns into a
//! multipart file part (skills.video) or a `data:` URI (platforms that only take JSON).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// The key of the marker object that stands for a local file inside a request body.
pub(crate) const FILE_MARKER: &str = "$mediagen_file";

/// A media value: a URL, or a file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaInput {
    /// A hosted URL (or a `data:` URI), sent as is.
    Url(String),
    /// A file on disk, streamed when the request is sent.
    Path {
        /// Where the file is.
        path: PathBuf,
        /// Name sent to the server; the path's file name when `None`.
        file_name: Option<String>,
        /// MIME type; guessed from the extension when `None`.
        content_type: Option<String>,
    },
    /// Bytes already in memory.
    Bytes {
        /// The content.
        bytes: Bytes,
        /// Name sent to the server.
        file_name: String,
        /// MIME type.
        content_type: String,
    },
}

impl MediaInput {
    /// A hosted URL.
    pub fn url(url: impl Into<String>) -> Self {
        MediaInput::Url(url.into())
    }

    /// A local file; its name and type are taken from the path.
    pub fn path(path: impl AsRef<Path>) -> Self {
        MediaInput::Path { path: path.as_ref().to_path_buf(), file_name: None, content_type: None }
    }

    /// Bytes with a file name and content type.
    pub fn bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>, content_type: impl Into<String>) -> Self {
        MediaInput::Bytes { bytes: bytes.into(), file_name: file_name.into(), content_type: content_type.into() }
    }

    /// Whether a request body (a model's `to_body()`) holds a local file anywhere, which the
    /// platform then uploads (multipart on skills.video, `data:` URIs elsewhere).
    pub fn any_file_in(body: &Value) -> bool {
        has_files(body)
    }

    /// Whether this is a file that has to be uploaded.
    pub fn is_file(&self) -> bool {
        !matches!(self, MediaInput::Url(_))
    }

    /// The URL, when this is one.
    pub fn as_url(&self) -> Option<&str> {
        match self {
            MediaInput::Url(u) => Some(u),
            _ => None,
        }
    }
}

impl From<&str> for MediaInput {
    fn from(url: &str) -> Self {
        MediaInput::Url(url.to_string())
    }
}

impl From<String> for MediaInput {
    fn from(url: String) -> Self {
        MediaInput::Url(url)
    }
}

impl From<&String> for MediaInput {
    fn from(url: &String) -> Self {
        MediaInput::Url(url.clone())
    }
}

impl std::fmt::Display for MediaInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MediaInput::Url(u) => f.write_str(u),
            MediaInput::Path { path, .. } => write!(f, "{}", path.display()),
            MediaInput::Bytes { file_name, bytes, .. } => write!(f, "{file_name} ({} bytes)", bytes.len()),
        }
    }
}

impl std::str::FromStr for MediaInput {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(MediaInput::Url(s.to_string()))
    }
}

#[derive(Serialize, Deserialize)]
struct FileMarker {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_type: Option<String>,
}

impl Serialize for MediaInput {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let marker = match self {
            MediaInput::Url(u) => return serializer.serialize_str(u),
            MediaInput::Path { path, file_name, content_type } => FileMarker {
                path: Some(path.clone()),
                base64: None,
                file_name: file_name.clone(),
                content_type: content_type.clone(),
            },
            MediaInput::Bytes { bytes, file_name, content_type } => FileMarker {
                path: None,
                base64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
                file_name: Some(file_name.clone()),
                content_type: Some(content_type.clone()),
            },
        };
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(FILE_MARKER, &marker)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for MediaInput {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Url(String),
            File {
                #[serde(rename = "$mediagen_file")]
                file: FileMarker,
            },
        }
        match Wire::deserialize(deserializer)? {
            Wire::Url(u) => Ok(MediaInput::Url(u)),
            Wire::File { file } => match (file.path, file.base64) {
                (Some(path), _) => {
                    Ok(MediaInput::Path { path, file_name: file.file_name, content_type: file.content_type })
                }
                (None, Some(b64)) => {
                    let bytes =
                        base64::engine::general_purpose::STANDARD.decode(b64).map_err(serde::de::Error::custom)?;
                    Ok(MediaInput::Bytes {
                        bytes: bytes.into(),
                        file_name: file.file_name.unwrap_or_else(|| "file".into()),
                        content_type: file.content_type.unwrap_or_else(|| "application/octet-stream".into()),
                    })
                }
                (None, None) => Err(serde::de::Error::custom("file marker without path or bytes")),
            },
        }
    }
}

/// Whether a JSON value is the marker of a local file.
pub(crate) fn is_file_marker(value: &Value) -> bool {
    matches!(value, Value::Object(m) if m.len() == 1 && m.contains_key(FILE_MARKER))
}

/// Whether a request body carries any local file.
pub(crate) fn has_files(value: &Value) -> bool {
    match value {
        Value::Object(m) => is_file_marker(value) || m.values().any(has_files),
        Value::Array(items) => items.iter().any(has_files),
        _ => false,
    }
}

/// The file a marker stands for.
pub(crate) fn marker_input(value: &Value) -> Option<MediaInput> {
    if is_file_marker(value) {
        MediaInput::deserialize(value).ok()
    } else {
        None
    }
}

/// A guess of the MIME type from a file name's extension.
pub(crate) fn guess_content_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "m4a" => "audio/mp4",
        "flac" => "audio/flac",
        "json" => "application/json",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

impl MediaInput {
    /// The name and MIME type sent for this file.
    pub(crate) fn file_name_and_type(&self) -> (String, String) {
        match self {
            MediaInput::Url(u) => (u.rsplit('/').next().unwrap_or("file").to_string(), guess_content_type(u).into()),
            MediaInput::Path { path, file_name, content_type } => {
                let name = file_name.clone().unwrap_or_else(|| {
                    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into())
                });
                let ct = content_type.clone().unwrap_or_else(|| guess_content_type(&name).to_string());
                (name, ct)
            }
            MediaInput::Bytes { file_name, content_type, .. } => (file_name.clone(), content_type.clone()),
        }
    }

    /// A multipart part for this file; files on disk are streamed, not read into memory.
    pub(crate) async fn to_part(&self) -> Result<reqwest::multipart::Part, Error> {
        let (name, ct) = self.file_name_and_type();
        let part = match self {
            MediaInput::Url(u) => return Ok(reqwest::multipart::Part::text(u.clone())),
            MediaInput::Path { path, .. } => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|source| Error::Io { context: format!("opening {}", path.display()), source })?;
                let len = file
                    .metadata()
                    .await
                    .map_err(|source| Error::Io { context: format!("reading the size of {}", path.display()), source })?
                    .len();
                // 64 KiB reads: one blocking-pool hop per 64 KiB rather than per 4 KiB.
                let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024);
                reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), len)
            }
            MediaInput::Bytes { bytes, .. } => reqwest::multipart::Part::stream(bytes.clone()),
        };
        part.file_name(name).mime_str(&ct).map_err(|e| Error::Encode { message: format!("content type {ct:?}: {e}") })
    }

    /// The file as a `data:` URI (for platforms that take inputs inline in JSON).
    pub(crate) async fn to_data_uri(&self) -> Result<String, Error> {
        let (_, ct) = self.file_name_and_type();
        let bytes: Bytes = match self {
            MediaInput::Url(u) => return Ok(u.clone()),
            MediaInput::Path { path, .. } => tokio::fs::read(path)
                .await
                .map_err(|source| Error::Io { context: format!("reading {}", path.display()), source })?
                .into(),
            MediaInput::Bytes { bytes, .. } => bytes.clone(),
        };
        Ok(format!("data:{ct};base64,{}", base64::engine::general_purpose::STANDARD.encode(&bytes)))
    }
}

/// Replace every file marker in a JSON body by a `data:` URI.
pub(crate) async fn inline_files(value: Value) -> Result<Value, Error> {
    // Iterative over a work list would avoid boxing; bodies are shallow, so recursion is fine.
    fn collect<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
        match value {
            v if is_file_marker(v) => out.push(v),
            Value::Object(m) => m.values().for_each(|v| collect(v, out)),
            Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut markers = Vec::new();
    collect(&value, &mut markers);
    if markers.is_empty() {
        return Ok(value);
    }
    let mut uris = Vec::with_capacity(markers.len());
    for m in markers {
        let input = marker_input(m).ok_or_else(|| Error::Encode { message: "malformed file marker".into() })?;
        uris.push(input.to_data_uri().await?);
    }
    fn replace(value: Value, uris: &mut std::vec::IntoIter<String>) -> Value {
        match value {
            v if is_file_marker(&v) => Value::String(uris.next().unwrap_or_default()),
            Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, replace(v, uris))).collect::<Map<_, _>>()),
            Value::Array(a) => Value::Array(a.into_iter().map(|v| replace(v, uris)).collect()),
            v => v,
        }
    }
    Ok(replace(value, &mut uris.into_iter()))
}

/// A multipart form with the body's top-level fields: arrays repeat their field name, strings,
/// numbers and booleans are text parts, nested objects are JSON text, files are file parts.
pub(crate) async fn to_multipart(value: &Value) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    let Value::Object(fields) = value else {
        return Err(Error::Encode { message: "a multipart body must be a JSON object".into() });
    };
    for (name, v) in fields {
        let items: Vec<&Value> = match v {
            Value::Array(items) => items.iter().collect(),
            Value::Null => continue,
            other => vec![other],
        };
        for item in items {
            form = match marker_input(item) {
                Some(file) => form.part(name.clone(), file.to_part().await?),
                // A file nested deeper than a field or an array item has no multipart form;
                // sending its marker as text would silently drop the file.
                None if has_files(item) => {
                    return Err(Error::Encode {
                        message: format!("{name}: a local file nested inside an object cannot be uploaded; give a URL"),
                    })
                }
                None => form.text(name.clone(), text_of(item)),
            };
        }
    }
    Ok(form)
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
