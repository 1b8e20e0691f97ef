//! One call of a generated client, from builder to our [`Error`].
//!
//! progenitor's error for an undecodable body keeps the bytes but not the
//! status, and its hooks cannot return our errors. So each call runs inside
//! a task-local [`CallRecord`] that [`crate::execute`] and [`crate::validate`]
//! fill in (status, headers, a buffered error body, a failed envelope, a
//! constraint violation), and [`call`] turns progenitor's result and the
//! record into one [`Error`].

use std::cell::RefCell;
use std::future::Future;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::error::{convert, Error, ErrorHints};

tokio::task_local! {
    static RECORD: RefCell<CallRecord>;
}

/// What the hooks learned about the call in flight.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: Option<HeaderMap>,
    pub(crate) host: String,
    /// The body of an error response, read by `execute`.
    pub(crate) body: Option<Bytes>,
    /// A 2xx body whose envelope reports failure (`x-success-when`).
    pub(crate) envelope_failure: Option<Bytes>,
    pub(crate) violation: Option<Violation>,
}

/// A parameter that breaks a documented constraint.
#[derive(Debug)]
pub(crate) struct Violation {
    pub(crate) parameter: String,
    pub(crate) message: String,
}

/// Runs one progenitor call (`send_raw()`) and returns our result.
pub async fn call<T, E, R, F>(
    future: F,
    hints: &ErrorHints,
) -> Result<progenitor_client::ResponseValue<T>, Error<E>>
where
    F: Future<Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<R>>>,
    E: serde::de::DeserializeOwned,
    R: serde::Serialize,
{
    let (result, record) = RECORD
        .scope(RefCell::new(CallRecord::default()), async {
            let result = future.await;
            (result, RECORD.with(|record| record.take()))
        })
        .await;
    convert(result, record, hints).await
}

/// Updates the record of the call in flight, if there is one.
pub(crate) fn record(update: impl FnOnce(&mut CallRecord)) {
    let _ = RECORD.try_with(|record| update(&mut record.borrow_mut()));
}
