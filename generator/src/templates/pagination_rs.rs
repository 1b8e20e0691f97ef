//! The generated crate's `src/pagination.rs`: `pages()` and `items()` on the
//! builder of every operation with an `x-pagination` extension.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_lines;
use crate::model::{Api, OperationFacts};
use crate::pagination::{Field, Pagination, Style};
use crate::progenitor_pass::Builder;

/// Renders `src/pagination.rs`, or `None` when no operation pages.
/// `builders[i]` is progenitor's builder for `api.operations[i]`.
pub fn pagination_rs(api: &Api, builders: &[Builder]) -> Option<TokenStream> {
    let impls: Vec<TokenStream> = api
        .operations
        .iter()
        .zip(builders)
        .filter_map(|(operation, builder)| {
            let pagination = operation.pagination.as_ref()?;
            Some(stream_methods(operation, pagination, &builder.name, &builder.success))
        })
        .collect();
    if impls.is_empty() {
        return None;
    }
    let descriptors = api.operations.iter().filter(|operation| operation.pagination.is_some()).map(super::descriptor_name);
    let mut file = quote! {
        //! Streams over the paginated operations: every page, or every item,
        //! fetched one page at a time as the stream is polled.

        use futures_core::Stream;
        use sdk_runtime::pagination::{self, Page, Position};

        use crate::operations::{#(#descriptors),*};
        use crate::{builder, types, PageError};
    };
    // Moved in, not copied (see `braced`).
    file.extend(impls);
    Some(file)
}

fn stream_methods(operation: &OperationFacts, pagination: &Pagination, builder: &syn::Ident, page_type: &syn::Type) -> TokenStream {
    let item = format_ident!("{}", pagination.item_type);
    let descriptor = super::descriptor_name(operation);
    let setter = format_ident!("{}", pagination.setter);
    let items = owned_path(&pagination.items);
    let (driver, accessor, resume) = match &pagination.style {
        Style::Cursor { next } => {
            let next = borrowed_path(next);
            (quote!(cursor_pages_from), quote!(|page: &#page_type| #next.cloned()), "cursor")
        }
        Style::Number { page, total } => {
            let (page, total) = (borrowed_path(page), borrowed_path(total));
            let number = quote!(and_then(|value| pagination::page_number(*value)));
            (quote!(numbered_pages_from), quote!(|page: &#page_type| (#page.#number, #total.#number)), "page number")
        }
    };
    let pages_docs = doc_lines(&format!(
        "Every page of `{id}`, fetched one at a time as the stream is polled.\n\n\
         Takes the same parameters as [`send`](Self::send). The first request uses them as set, \
         so a {resume} set with `{setter}` resumes from there; each [`Page`] carries the {resume} \
         of the next page. The stream ends after the last page without another request, and \
         ends with the error of a page that fails: a [`PageError`] with the position of that page, \
         to resume from with [`pages_from`](Self::pages_from).",
        id = operation.id,
    ));
    let pages_from_docs = doc_lines(&format!(
        "Every page of `{id}` from `position` on (the first page when `None`), such as the \
         position of a [`PageError`]: the page that failed is requested again, and none before it.",
        id = operation.id,
    ));
    let items_from_docs = doc_lines(&format!(
        "Every item of `{id}` from the page at `position` on: after an error, \
         `items_from(error.position().cloned())` on the same request continues without \
         repeating or skipping an item of the pages already read.",
        id = operation.id,
    ));
    let items_docs = doc_lines(&format!(
        "Every item of `{id}`, in server order, holding one page at a time (the crate docs' \
         Pagination section has a running example).",
        id = operation.id,
    ));
    quote! {
        impl<'a> builder::#builder<'a> {
            #(#[doc = #pages_docs])*
            pub fn pages(self) -> impl Stream<Item = Result<Page<types::#item>, PageError>> + 'a {
                self.pages_from(None)
            }

            #(#[doc = #pages_from_docs])*
            pub fn pages_from(self, position: Option<Position>) -> impl Stream<Item = Result<Page<types::#item>, PageError>> + 'a {
                pagination::#driver(
                    &#descriptor,
                    self,
                    position,
                    |builder, position| builder.#setter(position),
                    |builder| builder.send(),
                    #accessor,
                    |page: #page_type| #items.unwrap_or_default(),
                )
            }

            #(#[doc = #items_docs])*
            pub fn items(self) -> impl Stream<Item = Result<types::#item, PageError>> + 'a {
                self.items_from(None)
            }

            #(#[doc = #items_from_docs])*
            pub fn items_from(self, position: Option<Position>) -> impl Stream<Item = Result<types::#item, PageError>> + 'a {
                pagination::resumable_items(self.pages_from(position))
            }
        }
    }
}

/// `Some(page).map(|v| &v.a).and_then(|v| v.b.as_ref())`: an `Option<&_>`.
fn borrowed_path(fields: &[Field]) -> TokenStream {
    let steps = fields.iter().map(|field| {
        let name = format_ident!("{}", field.rust);
        if field.optional { quote!(.and_then(|value| value.#name.as_ref())) } else { quote!(.map(|value| &value.#name)) }
    });
    quote!(Some(page)#(#steps)*)
}

/// `Some(page).map(|v| v.a).and_then(|v| v.b)`: an `Option<_>` by value.
fn owned_path(fields: &[Field]) -> TokenStream {
    let steps = fields.iter().map(|field| {
        let name = format_ident!("{}", field.rust);
        if field.optional { quote!(.and_then(|value| value.#name)) } else { quote!(.map(|value| value.#name)) }
    });
    quote!(Some(page)#(#steps)*)
}
