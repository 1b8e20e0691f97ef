//! `multipart/form-data` request bodies: text fields, JSON fields, and files
//! from memory or streamed from disk, each part with its own content type.
//!
//! A generated `send_multipart` takes a [`Multipart`] and sends it as the
//! operation's body. Files stream as they are sent (see
//! [`super::upload::Upload`]), so memory does not grow with them; a
//! multipart body is never retried, since a stream cannot be replayed.

use std::fmt;

use reqwest::multipart::{Form, Part};

use super::upload::Upload;

/// A `multipart/form-data` body, built part by part.
///
/// # Example
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use sdk_runtime::multipart::Multipart;
/// use sdk_runtime::upload::Upload;
///
/// let form = Multipart::new()
///     .text("title", "Holiday")
///     .json("tags", &["beach", "2026"])?
///     .file("file", Upload::from_path("holiday.mp4").await?);
/// # Ok(())
/// # }
/// ```
#[derive(Default)]
pub struct Multipart {
    parts: Vec<(String, PartKind)>,
}

enum PartKind {
    Text(String),
    Bytes { bytes: Vec<u8>, content_type: String, file_name: Option<String> },
    File(Upload),
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.parts.iter().map(|(name, _)| name)).finish()
    }
}

/// A JSON part could not be serialised.
#[derive(Debug, thiserror::Error)]
#[error("the multipart field `{field}` cannot be serialised as JSON: {source}")]
pub struct MultipartError {
    field: String,
    source: serde_json::Error,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field (`text/plain`).
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push((name.into(), PartKind::Text(value.into())));
        self
    }

    /// Adds a field holding `value` as JSON (`application/json`), for
    /// object and array fields.
    ///
    /// # Errors
    ///
    /// [`MultipartError`] when `value` cannot be serialised.
    pub fn json<T: serde::Serialize + ?Sized>(self, name: impl Into<String>, value: &T) -> Result<Self, MultipartError> {
        let name = name.into();
        let bytes = serde_json::to_vec(value).map_err(|source| MultipartError { field: name.clone(), source })?;
        Ok(self.bytes(name, bytes, "application/json", None))
    }

    /// Adds bytes from memory with their content type and, for a file, its
    /// name.
    pub fn bytes(mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>, content_type: impl Into<String>, file_name: Option<String>) -> Self {
        self.parts.push((name.into(), PartKind::Bytes { bytes: bytes.into(), content_type: content_type.into(), file_name }));
        self
    }

    /// Adds a file, streamed with its length, content type and file name.
    pub fn file(mut self, name: impl Into<String>, upload: Upload) -> Self {
        self.parts.push((name.into(), PartKind::File(upload)));
        self
    }

    /// The field names, in order.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|(name, _)| name.as_str())
    }

    /// The reqwest form, or the name of a part whose content type is not a
    /// valid MIME type.
    pub(crate) fn into_form(self) -> Result<Form, String> {
        let mut form = Form::new();
        for (name, kind) in self.parts {
            let part = match kind {
                PartKind::Text(text) => Part::text(text),
                PartKind::Bytes { bytes, content_type, file_name } => {
                    let part = Part::bytes(bytes).mime_str(&content_type).map_err(|_| name.clone())?;
                    match file_name {
                        Some(file_name) => part.file_name(file_name),
                        None => part,
                    }
                }
                PartKind::File(upload) => {
                    let (content_type, length, file_name) = (upload.content_type().to_owned(), upload.length(), upload.file_name().map(str::to_owned));
                    let part = Part::stream_with_length(upload.into_body(), length).mime_str(&content_type).map_err(|_| name.clone())?;
                    match file_name {
                        Some(file_name) => part.file_name(file_name),
                        None => part,
                    }
                }
            };
            form = form.part(name, part);
        }
        Ok(form)
    }
}
