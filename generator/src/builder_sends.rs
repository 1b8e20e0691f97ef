//! Each request builder's `send`, taken out of progenitor's tokens before
//! they are parsed.
//!
//! Our `operations.rs` sends requests through our own pipeline, so
//! progenitor's `send` methods (a tenth of its file: building the URL,
//! the query and the headers, matching each status) are removed. Parsing
//! them with syn only to drop them would be a tenth of the parse, so they
//! are cut out of the token stream instead; what our templates need from
//! each (its return type, and the operation id it hands progenitor's
//! hooks) is read from their tokens.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

use crate::token_trees::{edit_group, is_group, is_ident, is_punct};

/// What a builder's `send` said about its operation.
pub struct SendFacts {
    /// What `send` returned (`Result<ResponseValue<T>, Error<E>>`).
    pub output: syn::Type,
    /// The operation id `send` passed to progenitor's hooks: its name for
    /// the operation, the client method's name (none if it passed none).
    pub operation_id: Option<String>,
}

/// Removes `send` from every `impl .. { .. }` among a module's `items`,
/// returning what each said, with the builder's type name, in order.
pub fn take_from_impls(items: &mut [TokenTree]) -> Result<Vec<(String, SendFacts)>, String> {
    let mut sends = Vec::new();
    let mut at = 0;
    while at < items.len() {
        if !is_ident(&items[at], "impl") {
            at += 1;
            continue;
        }
        let Some(body_at) = (at..items.len()).find(|&index| is_group(&items[index], Delimiter::Brace)) else { break };
        if let Some(facts) = edit_group(&mut items[body_at], cut_send).transpose()?.flatten() {
            sends.push((self_type_name(&items[at..body_at])?, facts));
        }
        at = body_at + 1;
    }
    Ok(sends)
}

/// Cuts `[attributes] pub async fn send(..) -> T { .. }` out of an impl's
/// `members`, returning what it said (none when there is no `send`).
fn cut_send(members: &mut Vec<TokenTree>) -> Result<Option<SendFacts>, String> {
    // `async`: a setter of a parameter named `send` would not be (and
    // `reserved.rs` renames such parameters anyway).
    let is_send = |at: usize| at > 0 && is_ident(&members[at - 1], "async") && is_ident(&members[at], "fn") && is_ident(&members[at + 1], "send");
    let Some(fn_at) = (0..members.len().saturating_sub(1)).find(|&at| is_send(at)) else {
        return Ok(None);
    };
    let mut start = fn_at;
    while start > 0 && ["async", "pub"].iter().any(|keyword| is_ident(&members[start - 1], keyword)) {
        start -= 1;
    }
    while start >= 2 && is_punct(&members[start - 2], '#') && is_group(&members[start - 1], Delimiter::Bracket) {
        start -= 2;
    }
    let Some(body_at) = (fn_at..members.len()).find(|&at| is_group(&members[at], Delimiter::Brace)) else {
        return Err("a builder's `send` has no body; progenitor's output changed shape".to_owned());
    };
    let arrow = (fn_at..body_at).find(|&at| is_punct(&members[at], '-') && is_punct(&members[at + 1], '>'));
    let Some(arrow) = arrow else { return Err("a builder's `send` returns nothing; progenitor's output changed shape".to_owned()) };
    let output: TokenStream = members[arrow + 2..body_at].iter().cloned().collect();
    let output = syn::parse2(output.clone()).map_err(|e| format!("the type `{output}` a builder's `send` returns does not parse: {e}"))?;
    let TokenTree::Group(body) = &members[body_at] else { unreachable!("found as a group") };
    let operation_id = hooks_operation_id(body.stream());
    members.drain(start..=body_at);
    Ok(Some(SendFacts { output, operation_id }))
}

/// The type an `impl` header (`impl<'a> ListThings<'a>`) is for.
fn self_type_name(header: &[TokenTree]) -> Result<String, String> {
    let tokens: TokenStream = header.iter().cloned().chain(std::iter::once(TokenTree::Group(Group::new(Delimiter::Brace, TokenStream::new())))).collect();
    let block: syn::ItemImpl = syn::parse2(tokens.clone()).map_err(|e| format!("the impl `{tokens}` does not parse: {e}"))?;
    match &*block.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|segment| segment.ident.to_string()),
        _ => None,
    }
    .ok_or_else(|| format!("the impl `{tokens}` is not for a named type"))
}

/// The string in `OperationInfo { operation_id: "..", .. }`, anywhere in
/// `body`.
fn hooks_operation_id(body: TokenStream) -> Option<String> {
    let trees: Vec<TokenTree> = body.into_iter().collect();
    // Progenitor writes it among the body's statements: looked for there
    // first, before inside every group (a large body's groups take a while
    // to go through).
    let here = trees.windows(2).find_map(|pair| match pair {
        [name, TokenTree::Group(group)] if is_ident(name, "OperationInfo") && group.delimiter() == Delimiter::Brace => operation_id_field(group.stream()),
        _ => None,
    });
    here.or_else(|| {
        trees.iter().find_map(|tree| match tree {
            TokenTree::Group(group) => hooks_operation_id(group.stream()),
            _ => None,
        })
    })
}

/// The string literal of `operation_id: ".."` among a struct
/// expression's `fields`.
fn operation_id_field(fields: TokenStream) -> Option<String> {
    let trees: Vec<TokenTree> = fields.into_iter().collect();
    trees.windows(3).find_map(|window| match window {
        [name, colon, TokenTree::Literal(literal)] if is_ident(name, "operation_id") && is_punct(colon, ':') => {
            syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into()).ok().map(|text| text.value())
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;
    use crate::token_trees::module_body;

    #[test]
    fn sends_are_cut_out_with_what_they_returned_and_the_operation_they_named() {
        let tokens = quote! {
            pub mod types { pub struct Thing; impl Thing { pub async fn send(self) -> u8 { 1 } } }
            pub mod builder {
                pub struct ListThings<'a> { client: &'a super::Client }
                impl<'a> ListThings<'a> {
                    pub fn new(client: &'a super::Client) -> Self { Self { client } }
                    pub fn send<V>(mut self, value: V) -> Self { self }
                    ///Sends a `GET` request to `/things`
                    #[allow(unused)]
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                        let info = OperationInfo { operation_id: "list_things" };
                        if true { Ok(todo()) } else { Err(x) }
                    }
                    pub fn after(&self) {}
                }
            }
        };

        let mut file: Vec<TokenTree> = tokens.into_iter().collect();
        let sends = module_body(&mut file, "builder", |items| Some(take_from_impls(items).unwrap())).unwrap();
        let rest: TokenStream = file.into_iter().collect();

        let [(name, facts)] = &sends[..] else { panic!("only the builder module's impls lose their send") };
        assert_eq!(name, "ListThings");
        let output = &facts.output;
        assert_eq!(quote!(#output).to_string(), "Result < ResponseValue < types :: Thing > , Error < () > >");
        assert_eq!(facts.operation_id.as_deref(), Some("list_things"));
        let rest = rest.to_string();
        assert!(!rest.contains("Sends a") && !rest.contains("allow (unused)") && !rest.contains("OperationInfo"), "{rest}");
        assert!(rest.contains("pub fn after (& self) { }") && rest.contains("pub async fn send (self) -> u8"), "{rest}");
        assert!(rest.contains("pub fn send < V > (mut self , value : V)"), "a setter named send stays: {rest}");
    }
}
