//! Streaming request bodies for upload operations (`x-upload` in a spec).
//!
//! An [`Upload`] streams a file, bytes or any async reader in 64 KiB chunks,
//! so memory does not grow with the file; knows its length (sent as
//! `Content-Length`), its MIME type (from the file name, falling back to
//! `application/octet-stream`) and its file name; and reports progress. A
//! generated `send_upload` gives the type and length to its call
//! ([`super::Call::body_headers`]).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures::TryStreamExt;
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

/// Size of the chunks read from the source.
const CHUNK: usize = 64 * 1024;

/// The fallback MIME type.
const OCTET_STREAM: &str = "application/octet-stream";

type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// A body to upload, streamed as it is sent.
///
/// # Example
///
/// ```no_run
/// # async fn example() -> Result<(), sdk_runtime::upload::UploadError> {
/// use sdk_runtime::upload::Upload;
///
/// let upload = Upload::from_path("holiday.mp4")
///     .await?
///     .on_progress(|sent, total| eprintln!("{sent}/{total} bytes"));
/// assert_eq!(upload.content_type(), "video/mp4");
/// # Ok(())
/// # }
/// ```
pub struct Upload {
    source: Source,
    length: u64,
    content_type: String,
    file_name: Option<String>,
    progress: Option<Progress>,
}

enum Source {
    Bytes(bytes::Bytes),
    Reader(Box<dyn AsyncRead + Send + Sync + Unpin>),
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("length", &self.length)
            .field("content_type", &self.content_type)
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

/// A file could not be prepared for upload.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file does not exist or cannot be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The path is not a regular file.
    #[error("`{path}` is not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
}

impl Upload {
    /// Opens the file at `path` for streaming. Its name becomes the file
    /// name and its extension decides the MIME type.
    ///
    /// # Errors
    ///
    /// [`UploadError`] naming the path when it is missing, not a file, or
    /// unreadable; nothing has been sent.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, UploadError> {
        let path = path.as_ref();
        let unreadable = |source| UploadError::Unreadable { path: path.to_owned(), source };
        let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
        let metadata = file.metadata().await.map_err(unreadable)?;
        if !metadata.is_file() {
            return Err(UploadError::NotAFile { path: path.to_owned() });
        }
        let content_type = mime_guess::from_path(path).first_raw().unwrap_or(OCTET_STREAM).to_owned();
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned());
        Ok(Self { source: Source::Reader(Box::new(file)), length: metadata.len(), content_type, file_name, progress: None })
    }

    /// Uploads `bytes` as `application/octet-stream` (see [`Upload::with_content_type`]).
    pub fn from_bytes(bytes: impl Into<bytes::Bytes>) -> Self {
        let bytes = bytes.into();
        Self { length: bytes.len() as u64, source: Source::Bytes(bytes), content_type: OCTET_STREAM.to_owned(), file_name: None, progress: None }
    }

    /// Streams `length` bytes from `reader` as `application/octet-stream`.
    pub fn from_reader(reader: impl AsyncRead + Send + Sync + Unpin + 'static, length: u64) -> Self {
        Self { source: Source::Reader(Box::new(reader)), length, content_type: OCTET_STREAM.to_owned(), file_name: None, progress: None }
    }

    /// Sets the MIME type sent as `Content-Type`.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// Sets the file name (by default, the name of the file opened).
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Calls `progress(sent, total)` as chunks are handed to the connection.
    pub fn on_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Bytes to send.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// The MIME type to send.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The file name, if known.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// Turns the upload into a streamed request body.
    pub fn into_body(self) -> reqwest::Body {
        let total = self.length;
        let progress = self.progress;
        let sent = Arc::new(AtomicU64::new(0));
        let chunks: std::pin::Pin<Box<dyn futures::Stream<Item = std::io::Result<bytes::Bytes>> + Send + Sync>> = match self.source {
            Source::Bytes(bytes) => {
                let chunks: Vec<std::io::Result<bytes::Bytes>> =
                    (0..bytes.len()).step_by(CHUNK).map(|start| Ok(bytes.slice(start..(start + CHUNK).min(bytes.len())))).collect();
                Box::pin(futures::stream::iter(chunks))
            }
            Source::Reader(reader) => Box::pin(ReaderStream::with_capacity(reader, CHUNK)),
        };
        reqwest::Body::wrap_stream(chunks.inspect_ok(move |chunk| {
            let now = sent.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
            if let Some(progress) = &progress {
                progress(now, total);
            }
        }))
    }
}
