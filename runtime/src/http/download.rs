//! Downloads: an output streamed into a writer, or into a file through a `.part` file.

use std::path::{Path, PathBuf};

use futures_util::StreamExt as _;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use super::{Request, Transport};
use crate::output::Output;
use crate::{Error, Result};

impl Transport {
    /// Stream the body of `GET url` (no API key) into `writer`. Returns the bytes written. A body
    /// that stalls for longer than the request timeout is an [`Error::Stream`].
    pub(crate) async fn download_to<W: AsyncWrite + Unpin + ?Sized>(&self, url: &str, writer: &mut W) -> Result<u64> {
        self.copy_body(url, writer, "the writer").await
    }

    /// Stream the body of `GET url` (no API key) into `dest`, through `dest.part` so a broken
    /// download never leaves a truncated file under the final name. Returns the bytes written.
    pub(crate) async fn download(&self, url: &str, dest: &Path) -> Result<u64> {
        let part = part_path(dest);
        let io = |context: String| move |source| Error::Io { context, source };
        let mut file = tokio::fs::File::create(&part).await.map_err(io(format!("creating {}", part.display())))?;
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

fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    dest.with_file_name(name)
}

/// Download `output` into `dir` (created if missing) under its safe file name; the file's path.
pub(crate) async fn download_into(transport: &Transport, output: &Output, dir: &Path) -> Result<PathBuf> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|source| Error::Io { context: format!("creating {}", dir.display()), source })?;
    let path = dir.join(output.safe_file_name());
    transport.download(&output.url, &path).await?;
    Ok(path)
}
