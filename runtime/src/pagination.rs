//! Streams over paginated operations, whatever the API's paging style.
//!
//! A generated `pages()` method hands these functions its request builder
//! and small accessors the generator derived from the spec's
//! `x-pagination` extension. The streams fetch lazily, one page at a time,
//! in server order; they stop after the last page without another request,
//! end with the error of a failing page, and refuse to loop when a server
//! repeats a cursor.
//!
//! **Resuming.** The functions take the position to start at and end with
//! a [`PageError`], which carries the position of the page that failed: a
//! new stream started from it fetches that page again and goes on, so that,
//! page after page, no item is repeated or skipped.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;

use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use progenitor_client::ResponseValue;

use super::error::Error;
use super::operation::Operation;

/// One page of items, and where the next page starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<I> {
    /// The items of this page, in server order.
    pub items: Vec<I>,
    /// Where the next page starts; `None` on the last page. Pass it back to
    /// the builder (`page_cursor`, `pagination_token`, `page_num`) to resume.
    pub next: Option<Position>,
}

/// A place in a paginated list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Position {
    /// An opaque cursor or token from the server.
    Cursor(String),
    /// A page number (the first page is 1).
    Number(u64),
}

impl Position {
    /// The cursor, for cursor- and token-paged operations.
    pub fn cursor(&self) -> Option<&str> {
        match self {
            Position::Cursor(cursor) => Some(cursor),
            Position::Number(_) => None,
        }
    }

    /// The page number, for page-numbered operations.
    pub fn number(&self) -> Option<u64> {
        match self {
            Position::Number(number) => Some(*number),
            Position::Cursor(_) => None,
        }
    }
}

/// A page that could not be fetched, and where it was: start a new stream
/// from `position` to fetch it again and go on (see the [module
/// docs](self)).
#[derive(Debug)]
pub struct PageError<E> {
    /// Where the failed page starts: the cursor or page number it was
    /// requested with, or `None` when it was the first page, requested
    /// with the builder as given (start the stream again to retry it).
    pub position: Option<Position>,
    /// Why it failed.
    pub error: Error<E>,
}

impl<E> PageError<E> {
    /// The position to resume from (see [`PageError::position`]).
    pub fn position(&self) -> Option<&Position> {
        self.position.as_ref()
    }

    /// The error, without the position.
    pub fn into_error(self) -> Error<E> {
        self.error
    }
}

impl<E> From<PageError<E>> for Error<E> {
    fn from(error: PageError<E>) -> Self {
        error.error
    }
}

impl<E: fmt::Debug> fmt::Display for PageError<E> {
    /// The error, and where to resume: `…; resume from page 3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        match &self.position {
            Some(Position::Cursor(cursor)) => write!(f, "; resume from cursor `{cursor}`"),
            Some(Position::Number(number)) => write!(f, "; resume from page {number}"),
            None => f.write_str("; resume from the first page"),
        }
    }
}

impl<E: fmt::Debug + 'static> std::error::Error for PageError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Pages of an operation that returns the next cursor (or token) with each
/// page; the list ends when it is null or absent. Starts at `start`
/// (`None`: the builder as given, so a cursor set on it resumes from there;
/// a [`Position::Cursor`]: that cursor, set with `set_cursor`), and ends
/// with a [`PageError`] that says where the failed page starts.
///
/// A [`Position::Number`] is not a place in a cursor-paged list: the
/// stream's one item is then a `Pagination` error.
pub fn cursor_pages_from<B, T, I, E, Fut, N, X>(
    operation: &'static Operation,
    builder: B,
    start: Option<Position>,
    set_cursor: impl Fn(B, String) -> B,
    send: impl Fn(B) -> Fut,
    next_cursor: N,
    items: X,
) -> impl Stream<Item = Result<Page<I>, PageError<E>>>
where
    B: Clone,
    Fut: Future<Output = Result<ResponseValue<T>, Error<E>>>,
    N: Fn(&T) -> Option<String>,
    X: Fn(T) -> Vec<I>,
{
    let (first, wrong) = match start {
        None => (Some(None), None),
        Some(Position::Cursor(cursor)) => (Some(Some(cursor)), None),
        Some(number @ Position::Number(_)) => (None, Some(wrong_position(operation, number, "a cursor"))),
    };
    let start = CursorState { next: first, seen: HashSet::new(), next_cursor, items };
    let pages = stream::try_unfold(start, move |mut state| {
        let position = state.next.take();
        let request = position.clone().map(|cursor| send(positioned(&builder, cursor, &set_cursor)));
        async move {
            let Some(request) = request else { return Ok(None) };
            let at = position.flatten().map(Position::Cursor);
            let failed = |error| PageError { position: at.clone(), error };
            let page = request.await.map_err(failed)?.into_inner();
            let next = (state.next_cursor)(&page);
            if let Some(cursor) = &next {
                if !state.seen.insert(cursor.clone()) {
                    return Err(failed(Error::Pagination {
                        operation,
                        message: format!("the server returned the cursor `{cursor}` twice; stopping instead of looping"),
                    }));
                }
            }
            state.next = next.clone().map(Some);
            let items = (state.items)(page);
            Ok(Some((Page { items, next: next.map(Position::Cursor) }, state)))
        }
    });
    stream::iter(wrong.map(Err)).chain(pages)
}

struct CursorState<N, X> {
    /// `Some(None)`: fetch with the builder as given; `Some(Some(c))`: fetch
    /// from cursor `c`; `None`: done.
    next: Option<Option<String>>,
    /// Every cursor returned so far, to detect a server going in circles.
    seen: HashSet<String>,
    next_cursor: N,
    items: X,
}

/// Pages of a page-numbered operation: each response says its page number
/// and the total; the list ends at `page >= total` or on an empty page
/// (`total` may be 0). Starts at `start` (`None`: the builder as given, so
/// its page number decides where the stream starts; a [`Position::Number`]:
/// that page, set with `set_page`), and ends with a [`PageError`] that says
/// where the failed page starts.
///
/// A [`Position::Cursor`] is not a place in a page-numbered list: the
/// stream's one item is then a `Pagination` error.
pub fn numbered_pages_from<B, T, I, E, Fut, P, X>(
    operation: &'static Operation,
    builder: B,
    start: Option<Position>,
    set_page: impl Fn(B, u64) -> B,
    send: impl Fn(B) -> Fut,
    page_and_total: P,
    items: X,
) -> impl Stream<Item = Result<Page<I>, PageError<E>>>
where
    B: Clone,
    Fut: Future<Output = Result<ResponseValue<T>, Error<E>>>,
    P: Fn(&T) -> (Option<i64>, Option<i64>),
    X: Fn(T) -> Vec<I>,
{
    let (first, wrong) = match start {
        None => (Some(None), None),
        Some(Position::Number(number)) => (Some(Some(number)), None),
        Some(cursor @ Position::Cursor(_)) => (None, Some(wrong_position(operation, cursor, "a page number"))),
    };
    let start = NumberedState { next: first, page_and_total, items };
    let pages = stream::try_unfold(start, move |mut state| {
        let position = state.next.take();
        let request = position.map(|page| send(positioned(&builder, page, &set_page)));
        async move {
            let Some(request) = request else { return Ok(None) };
            let at = position.flatten().map(Position::Number);
            let failed = |error| PageError { position: at.clone(), error };
            let page = request.await.map_err(failed)?.into_inner();
            let (number, total) = (state.page_and_total)(&page);
            let items = (state.items)(page);
            let next = match (number, total) {
                _ if items.is_empty() => None,
                (Some(number), Some(total)) if number >= total => None,
                (Some(number), Some(_)) => u64::try_from(number).ok().map(|n| n + 1),
                _ => {
                    return Err(failed(Error::Pagination {
                        operation,
                        message: "the response lacks its page number or page count".to_owned(),
                    }))
                }
            };
            state.next = next.map(Some);
            Ok(Some((Page { items, next: next.map(Position::Number) }, state)))
        }
    });
    stream::iter(wrong.map(Err)).chain(pages)
}

struct NumberedState<P, X> {
    /// `Some(None)`: fetch with the builder as given; `Some(Some(n))`: fetch
    /// page `n`; `None`: done.
    next: Option<Option<u64>>,
    page_and_total: P,
    items: X,
}

/// The error for a stream asked to start at a position of the wrong kind.
fn wrong_position<E>(operation: &'static Operation, position: Position, expected: &str) -> PageError<E> {
    let error = Error::Pagination { operation, message: format!("cannot start at {position:?}: this operation pages by {expected}") };
    PageError { position: Some(position), error }
}

/// A page number or count from a response, whatever its integer type.
pub fn page_number<N: TryInto<i64>>(value: N) -> Option<i64> {
    value.try_into().ok()
}

/// The builder as given for the first page (`None`), or moved to `position`.
fn positioned<B: Clone, P>(builder: &B, position: Option<P>, set: &impl Fn(B, P) -> B) -> B {
    match position {
        Some(position) => set(builder.clone(), position),
        None => builder.clone(),
    }
}

/// Every item of resumable `pages` (from [`cursor_pages_from`] or
/// [`numbered_pages_from`]), in order, holding one page at a time.
///
/// A page is fetched only once every item of the page before has been
/// yielded, so when the stream ends with a [`PageError`], every item before
/// the failed page has been yielded and none of it: a stream of items from
/// the error's position goes on exactly where this one stopped.
pub fn resumable_items<I, E>(pages: impl Stream<Item = Result<Page<I>, PageError<E>>>) -> impl Stream<Item = Result<I, PageError<E>>> {
    pages.map_ok(|page| stream::iter(page.items.into_iter().map(Ok))).try_flatten()
}
