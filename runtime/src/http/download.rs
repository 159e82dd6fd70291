//! Downloads: an output streamed into a writer, or into a file through a `.part` file.

use std::path::{Path, PathBuf};

use futures_util::StreamExt as _;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};
use tracing::Instrument as _;

use super::{Request, Transport};
use crate::output::Output;
use crate::{Error, Result};

impl Transport {
    /// Stream the body of `GET url` (no API key) into `writer`. Returns the bytes written. A body
    /// that stalls for longer than the request timeout is an [`Error::Stream`].
    pub(crate) async fn download_to<W: AsyncWrite + Unpin + ?Sized>(&self, url: &str, writer: &mut W) -> Result<u64> {
        self.copy_body(url, writer, "the writer").await
    }

    /// Stream the body of `GET url` (no API key) into `dest`, through a `.part` file of its own
    /// (never an existing file) so a broken download never leaves a truncated file under the
    /// final name. Returns the bytes written.
    pub(crate) async fn download(&self, url: &str, dest: &Path) -> Result<u64> {
        let part = part_path(dest);
        let io = |context: String| move |source| Error::Io { context, source };
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&part)
            .await
            .map_err(io(format!("creating {}", part.display())))?;
        let result = self.copy_body(url, &mut file, &part.display().to_string()).await;
        drop(file);
        let written = match result {
            Ok(n) => n,
            Err(e) => {
                let _ = tokio::fs::remove_file(&part).await;
                return Err(e);
            }
        };
        tokio::fs::rename(&part, dest).await.map_err(io(format!(
            "renaming {} to {}",
            part.display(),
            dest.display()
        )))?;
        Ok(written)
    }

    async fn copy_body<W: AsyncWrite + Unpin + ?Sized>(&self, url: &str, writer: &mut W, what: &str) -> Result<u64> {
        let span = crate::telemetry::download_span(url);
        let written = self.copy_body_inner(url, writer, what).instrument(span.clone()).await?;
        span.record("bytes", written);
        span.in_scope(|| tracing::info!(bytes = written, "downloaded"));
        Ok(written)
    }

    async fn copy_body_inner<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        url: &str,
        writer: &mut W,
        what: &str,
    ) -> Result<u64> {
        let resp = self.send(&Request::get_external(url).streaming()).await?;
        let io = |source| Error::Io { context: format!("writing {what}"), source };
        let mut written = 0u64;
        let mut body = resp.bytes_stream();
        while let Some(chunk) = tokio::time::timeout(self.timeout, body.next())
            .await
            .map_err(|_| Error::Stream { message: format!("download of {url} stalled for {:?}", self.timeout) })?
        {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(io)?;
        Ok(written)
    }
}

/// `.{name}.{random}.part` beside `dest`: hidden, and never the name of a file already there.
fn part_path(dest: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(dest.file_name().unwrap_or_default());
    name.push(format!(".{:08x}.part", fastrand::u32(..)));
    dest.with_file_name(name)
}

/// Download `output` into `dir` (created if missing) under its safe file name, made unique in the
/// folder: a file already there is never replaced (`output.png`, then `output-2.png`, ...). The
/// name is claimed atomically (`create_new`) before the download starts, so two downloads at
/// once never pick the same one; a failed download removes what it created. The file's path.
pub(crate) async fn download_into(transport: &Transport, output: &Output, dir: &Path) -> Result<PathBuf> {
    let io = |context: String| move |source| Error::Io { context, source };
    tokio::fs::create_dir_all(dir).await.map_err(io(format!("creating {}", dir.display())))?;
    let path = claim_unique(dir, &output.safe_file_name()).await?;
    match transport.download(&output.url, &path).await {
        Ok(_) => Ok(path),
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            Err(e)
        }
    }
}

/// Create an empty file named `name` in `dir`, or `stem-2.ext`, `stem-3.ext`, ... when taken.
async fn claim_unique(dir: &Path, name: &str) -> Result<PathBuf> {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
        _ => (name, None),
    };
    const TRIES: u32 = 10_000;
    for n in 1..=TRIES {
        let candidate = match (n, ext) {
            (1, _) => name.to_string(),
            (_, Some(ext)) => format!("{stem}-{n}.{ext}"),
            (_, None) => format!("{stem}-{n}"),
        };
        let path = dir.join(candidate);
        match tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(Error::Io { context: format!("creating {}", path.display()), source }),
        }
    }
    let source = std::io::Error::new(std::io::ErrorKind::AlreadyExists, format!("{TRIES} names are taken"));
    Err(Error::Io { context: format!("finding a free name for {name} in {}", dir.display()), source })
}
