//! Streams over paginated operations, whatever the API's paging style.
//!
//! A generated `pages()` method hands these functions its request builder
//! and small accessors the generator derived from the spec's
//! `x-pagination` extension. The streams fetch lazily, one page at a time,
//! in server order; they stop after the last page without another request,
//! end with the error of a failing page, and refuse to loop when a server
//! repeats a cursor.

use std::collections::HashSet;
use std::future::Future;

use futures::stream::{self, Stream, TryStreamExt};
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

/// Pages of an operation that returns the next cursor (or token) with each
/// page; the list ends when it is null or absent. The first request uses
/// `builder` as given, so a cursor set on it resumes from there.
pub fn cursor_pages<B, T, I, E, Fut, N, X>(
    operation: &'static Operation,
    builder: B,
    set_cursor: impl Fn(B, String) -> B,
    send: impl Fn(B) -> Fut,
    next_cursor: N,
    items: X,
) -> impl Stream<Item = Result<Page<I>, Error<E>>>
where
    B: Clone,
    Fut: Future<Output = Result<ResponseValue<T>, Error<E>>>,
    N: Fn(&T) -> Option<String>,
    X: Fn(T) -> Vec<I>,
{
    let start = CursorState { next: Some(None), seen: HashSet::new(), next_cursor, items };
    stream::try_unfold(start, move |mut state| {
        let request = state.next.take().map(|cursor| send(positioned(&builder, cursor, &set_cursor)));
        async move {
            let Some(request) = request else { return Ok(None) };
            let page = request.await?.into_inner();
            let next = (state.next_cursor)(&page);
            if let Some(cursor) = &next {
                if !state.seen.insert(cursor.clone()) {
                    return Err(Error::Pagination {
                        operation,
                        message: format!("the server returned the cursor `{cursor}` twice; stopping instead of looping"),
                    });
                }
            }
            state.next = next.clone().map(Some);
            let items = (state.items)(page);
            Ok(Some((Page { items, next: next.map(Position::Cursor) }, state)))
        }
    })
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
/// (`total` may be 0). The first request uses `builder` as given, so its page
/// number decides where the stream starts.
pub fn numbered_pages<B, T, I, E, Fut, P, X>(
    operation: &'static Operation,
    builder: B,
    set_page: impl Fn(B, u64) -> B,
    send: impl Fn(B) -> Fut,
    page_and_total: P,
    items: X,
) -> impl Stream<Item = Result<Page<I>, Error<E>>>
where
    B: Clone,
    Fut: Future<Output = Result<ResponseValue<T>, Error<E>>>,
    P: Fn(&T) -> (Option<i64>, Option<i64>),
    X: Fn(T) -> Vec<I>,
{
    let start = NumberedState { next: Some(None), page_and_total, items };
    stream::try_unfold(start, move |mut state| {
        let request = state.next.take().map(|page| send(positioned(&builder, page, &set_page)));
        async move {
            let Some(request) = request else { return Ok(None) };
            let page = request.await?.into_inner();
            let (number, total) = (state.page_and_total)(&page);
            let items = (state.items)(page);
            let next = match (number, total) {
                _ if items.is_empty() => None,
                (Some(number), Some(total)) if number >= total => None,
                (Some(number), Some(_)) => u64::try_from(number).ok().map(|n| n + 1),
                _ => {
                    return Err(Error::Pagination {
                        operation,
                        message: "the response lacks its page number or page count".to_owned(),
                    })
                }
            };
            state.next = next.map(Some);
            Ok(Some((Page { items, next: next.map(Position::Number) }, state)))
        }
    })
}

struct NumberedState<P, X> {
    /// `Some(None)`: fetch with the builder as given; `Some(Some(n))`: fetch
    /// page `n`; `None`: done.
    next: Option<Option<u64>>,
    page_and_total: P,
    items: X,
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

/// Every item of `pages`, in order, holding one page at a time.
pub fn items<I, E>(pages: impl Stream<Item = Result<Page<I>, Error<E>>>) -> impl Stream<Item = Result<I, Error<E>>> {
    pages.map_ok(|page| stream::iter(page.items.into_iter().map(Ok))).try_flatten()
}
