//! progenitor's file in pieces, parsed and printed on two threads.
//!
//! Parsing progenitor's tokens with syn and printing them with prettyplease
//! is most of a large crate's generation time. Two parts of the file need
//! nothing from the rest but the variant renames of the open enums (which
//! [`crate::open_enums::rewrite`] writes from the enums' tokens first):
//! typify's `types::builder` module (a builder struct and four impls per
//! type, half the file) and progenitor's `builder` module (a struct and a
//! block of setters per operation). Their items are cut out before the file
//! is parsed, the first in chunks, and handed out as text through a
//! [`Queue`]: a second thread takes pieces from the front, parses them,
//! applies the passes that reach into them and prints them, while
//! progenitor's thread parses, reshapes and prints the rest of the file,
//! then takes the pieces still waiting from the back. How much each thread
//! prints follows from how long its own part took, whatever the spec's
//! shape. The printed pieces are spliced back in, in order, where they
//! were cut, in place of a marker item left there (a constant named at
//! random for each process, which no spec's text can foresee, so a doc
//! comment cannot pose as it). The file is the same, byte for byte, as
//! printed whole.

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, OnceLock};

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::quote;

use crate::open_enums::VariantRenames;
use crate::render::SpacedPart;
use crate::token_trees::{item_starts, module_body};

/// Builder modules with fewer items are printed whole: a thread and the
/// round trip through text cost more than they save.
const MIN_ITEMS: usize = 64;

/// The fewest items in a chunk of typify's builders, and the most chunks:
/// enough for the two threads to end close together, few enough that
/// handing them out costs nothing.
const CHUNK_ITEMS: usize = 40;
const MAX_CHUNKS: usize = 16;

/// Which module a piece belongs in: its passes, and its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Items of typify's `types::builder` module.
    TypeBuilders,
    /// The items of progenitor's `builder` module (the request builders).
    Operations,
}

impl Kind {
    /// The modules the piece's items sit in, outermost first.
    fn modules(self) -> &'static [&'static str] {
        match self {
            Self::TypeBuilders => &["types", "builder"],
            Self::Operations => &["builder"],
        }
    }

    /// The name of the constant that marks where the pieces of this kind go.
    fn marker(self) -> &'static str {
        static MARKERS: OnceLock<[String; 2]> = OnceLock::new();
        let [type_builders, operations] = MARKERS.get_or_init(|| {
            let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
            [format!("BUILDER_TAIL_{random:016X}"), format!("OPERATION_BUILDERS_{random:016X}")]
        });
        match self {
            Self::TypeBuilders => type_builders,
            Self::Operations => operations,
        }
    }

    /// The marker item to leave where the pieces of this kind were cut.
    pub fn marker_item(self) -> TokenStream {
        let marker = Ident::new(self.marker(), Span::call_site());
        quote! { const #marker: () = (); }
    }
}

/// A piece of progenitor's file, as text, with the kind of its items.
pub struct Piece {
    pub kind: Kind,
    pub text: String,
}

/// Cuts the items of typify's `types::builder` module out of progenitor's
/// file `trees`, in chunks, in order, and leaves the marker item in their
/// place (none when the module is missing or small).
pub fn split_off_type_builders(trees: &mut [TokenTree]) -> Vec<TokenStream> {
    module_body(trees, "types", |types| module_body(types, "builder", cut_type_builders)).unwrap_or_default()
}

/// Takes the module's `items` in chunks, and leaves the marker item in
/// their place.
fn cut_type_builders(items: &mut Vec<TokenTree>) -> Option<Vec<TokenStream>> {
    let starts = item_starts(items);
    let count = starts.len() + 1;
    if count < MIN_ITEMS {
        return None;
    }
    let chunks = (count / CHUNK_ITEMS).clamp(1, MAX_CHUNKS);
    // Where each chunk after the first starts, as evenly apart (in items) as can be.
    let cuts: Vec<usize> = (1..chunks).map(|chunk| starts[chunk * count / chunks - 1]).collect();
    let mut trees = std::mem::take(items).into_iter();
    let mut taken = 0;
    let mut pieces: Vec<TokenStream> = cuts
        .iter()
        .map(|&cut| {
            let chunk = trees.by_ref().take(cut - taken).collect();
            taken = cut;
            chunk
        })
        .collect();
    pieces.push(trees.collect());
    items.extend(Kind::TypeBuilders.marker_item());
    Some(pieces)
}

/// The pieces, as text, waiting for a thread to print them: the helper
/// thread takes them from the front as they come, progenitor's from the
/// back once its own part is printed. Each piece keeps its place.
#[derive(Default)]
pub struct Queue {
    state: Mutex<QueueState>,
    changed: Condvar,
}

#[derive(Default)]
struct QueueState {
    waiting: VecDeque<(usize, Piece)>,
    kinds: Vec<Kind>,
    closed: bool,
}

impl Queue {
    /// Adds the next piece.
    pub fn push(&self, piece: Piece) {
        let mut state = self.lock();
        let index = state.kinds.len();
        state.kinds.push(piece.kind);
        state.waiting.push_back((index, piece));
        self.changed.notify_all();
    }

    /// Marks the pieces complete: a thread waiting at the front stops once
    /// they run out. Returns the kind of each piece pushed, in order.
    pub fn close(&self) -> Vec<Kind> {
        let mut state = self.lock();
        state.closed = true;
        self.changed.notify_all();
        state.kinds.clone()
    }

    /// Closes the queue when dropped, however the pushing thread leaves
    /// (with an error or a panic), so that the helper does not wait forever.
    pub fn closer(&self) -> impl Drop + '_ {
        struct Closer<'a>(&'a Queue);
        impl Drop for Closer<'_> {
            fn drop(&mut self) {
                self.0.close();
            }
        }
        Closer(self)
    }

    /// The first waiting piece and its place, waiting for one to come;
    /// none once the queue is closed and empty.
    pub fn take_front(&self) -> Option<(usize, Piece)> {
        let mut state = self.lock();
        loop {
            if let Some(piece) = state.waiting.pop_front() {
                return Some(piece);
            }
            if state.closed {
                return None;
            }
            state = self.changed.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// The last waiting piece and its place, if any (without waiting).
    pub fn take_back(&self) -> Option<(usize, Piece)> {
        self.lock().waiting.pop_back()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        // The state is consistent between any two statements: a panic
        // elsewhere leaves nothing half done.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A printed piece (spaced out as far as it can be alone) and its place,
/// or why it could not be printed.
pub type Printed = (usize, Result<SpacedPart, String>);

/// The helper thread: once the `renames` arrive, prints the pieces from
/// the front of `queue`, spaces each out as far as it can be alone
/// ([`SpacedPart`]) and sends it on `printed`. It stops at the first
/// piece it cannot print, or when the renames never come (progenitor's
/// thread failed, and reports it).
pub fn print_from_front(queue: &Queue, renames: &mpsc::Receiver<VariantRenames>, printed: &mpsc::Sender<Printed>, vendored: bool) {
    let Ok(renames) = renames.recv() else { return };
    while let Some((index, piece)) = queue.take_front() {
        match print(&piece, &renames, vendored) {
            // The text goes out before the tree is freed.
            Ok((text, tree)) => {
                let _ = printed.send((index, Ok(SpacedPart::new(&text))));
                drop(tree);
            }
            Err(reason) => {
                let _ = printed.send((index, Err(reason)));
                return;
            }
        }
    }
}

/// Progenitor's thread, once its own part is printed: the pieces still
/// waiting in `queue` (of `count` in all) printed, from the back, each in
/// its place; the others are the helper's ([`receive`]).
pub fn print_from_back(queue: &Queue, count: usize, renames: &VariantRenames, vendored: bool) -> Result<Vec<Option<SpacedPart>>, String> {
    let mut parts: Vec<Option<SpacedPart>> = std::iter::repeat_with(|| None).take(count).collect();
    while let Some((index, piece)) = queue.take_back() {
        let (text, tree) = print(&piece, renames, vendored)?;
        parts[index] = Some(SpacedPart::new(&text));
        drop(tree);
    }
    Ok(parts)
}

/// The `parts` still missing, as the helper sends them on `printed`;
/// false when it stopped before sending them all.
pub fn receive(parts: &mut [Option<SpacedPart>], printed: &mpsc::Receiver<Printed>) -> Result<bool, String> {
    let mut missing = parts.iter().filter(|part| part.is_none()).count();
    while missing > 0 {
        let Ok((index, part)) = printed.recv() else { return Ok(false) };
        parts[index] = Some(part?);
        missing -= 1;
    }
    Ok(true)
}

/// `piece` parsed, with the passes of [`reshape`](crate::progenitor_pass)
/// that reach into its module, then printed as it sits in the file. The
/// tree comes back with the text, for the caller to drop once it has
/// handed the text on: freeing a large tree takes a while.
pub fn print(piece: &Piece, renames: &VariantRenames, vendored: bool) -> Result<(String, syn::File), String> {
    let modules = piece.kind.modules();
    let mut items: syn::File = syn::parse_str(&piece.text).map_err(|e| format!("the items of {} do not parse: {e}", modules.join("::")))?;
    match piece.kind {
        Kind::TypeBuilders => {
            crate::open_enums::drop_deny_unknown_fields(&mut items.items);
            // A doc comment's text is in the piece's as it is: the opening
            // looked for holds nothing a string literal escapes.
            if piece.text.contains(crate::progenitor_pass::IGNORED_EXAMPLE) {
                crate::progenitor_pass::strip_ignored_examples(&mut items);
            }
        }
        Kind::Operations => crate::progenitor_pass::reshape_module(&mut items.items),
    }
    if crate::open_enums::may_name_a_renamed_variant(&piece.text, renames) {
        crate::open_enums::rename_variants(&mut items, renames);
    }
    if vendored {
        crate::vendored_runtime::retarget(&mut items);
    }
    // The items go into their modules as trees: quoting them back into
    // tokens to parse the modules whole would cost a second parse.
    let nested = modules.iter().rev().fold(items.items, |inner, module| vec![public_module(module, inner)]);
    let nested = syn::File { shebang: None, frontmatter: None, attrs: Vec::new(), items: nested };
    let mut text = prettyplease::unparse(&nested);
    let (opening, closing) = wrapping(modules);
    if !(text.starts_with(&opening) && text.ends_with(&closing)) {
        return Err(format!("the printed items of {} are not where they belong", modules.join("::")));
    }
    text.truncate(text.len() - closing.len());
    text.drain(..opening.len());
    Ok((text, nested))
}

/// The lines prettyplease prints before and after the items of `modules`
/// (`pub mod types {\n    pub mod builder {\n` and `    }\n}\n`).
fn wrapping(modules: &[&str]) -> (String, String) {
    let indent = |depth: usize| "    ".repeat(depth);
    let opening = modules.iter().enumerate().map(|(depth, module)| format!("{}pub mod {module} {{\n", indent(depth))).collect();
    let closing = (0..modules.len()).rev().map(|depth| format!("{}}}\n", indent(depth))).collect();
    (opening, closing)
}

/// `pub mod <name> { <items> }`.
fn public_module(name: &str, items: Vec<syn::Item>) -> syn::Item {
    syn::Item::Mod(syn::ItemMod {
        attrs: Vec::new(),
        vis: syn::Visibility::Public(Default::default()),
        unsafety: None,
        mod_token: Default::default(),
        ident: Ident::new(name, Span::call_site()),
        content: Some((Default::default(), items)),
        semi: None,
    })
}

/// `file` (printed, with pieces cut out) in segments around the marker
/// items it holds, with the kind each marker stands for, in order: the
/// pieces of that kind go between the segments on either side of it.
pub fn split_at_markers(file: &str) -> Result<(Vec<&str>, Vec<Kind>), String> {
    let mut markers = Vec::new();
    for kind in [Kind::TypeBuilders, Kind::Operations] {
        let item = format!("const {}: () = ();", kind.marker());
        let module = kind.modules().join("::");
        match file.matches(&item).count() {
            0 => continue,
            1 => {}
            _ => return Err(format!("progenitor's printed file marks twice where the items of {module} go")),
        }
        let line = format!("\n{}{item}\n", "    ".repeat(kind.modules().len()));
        let at = file.find(&line).ok_or_else(|| format!("progenitor's printed file marks where the items of {module} go out of their module"))?;
        // The segment before keeps the line's first `\n`.
        markers.push((at + 1, at + line.len(), kind));
    }
    markers.sort_by_key(|(start, _, _)| *start);
    let mut segments = Vec::with_capacity(markers.len() + 1);
    let mut from = 0;
    for (start, end, _) in &markers {
        segments.push(&file[from..*start]);
        from = *end;
    }
    segments.push(&file[from..]);
    Ok((segments, markers.into_iter().map(|(_, _, kind)| kind).collect()))
}

/// The file as it is written: `// <header>`, then the `segments` of
/// progenitor's printed file (from [`split_at_markers`], each spaced out
/// alone) with the printed `pieces` of the kind each marker in `order`
/// stands for, in their order, between them.
pub fn assemble(header: &str, segments: Vec<SpacedPart>, order: &[Kind], pieces: Vec<(Kind, SpacedPart)>) -> Result<String, String> {
    if let Some((kind, _)) = pieces.iter().find(|(kind, _)| !order.contains(kind)) {
        return Err(format!("progenitor's printed file does not mark where the items of {} go", kind.modules().join("::")));
    }
    let mut parts = Vec::with_capacity(segments.len() + pieces.len());
    let (mut type_builders, mut operations) = (Vec::new(), Vec::new());
    for (kind, part) in pieces {
        match kind {
            Kind::TypeBuilders => type_builders.push(part),
            Kind::Operations => operations.push(part),
        }
    }
    let mut segments = segments.into_iter();
    parts.extend(segments.next());
    for (kind, segment) in order.iter().zip(segments) {
        parts.append(match kind {
            Kind::TypeBuilders => &mut type_builders,
            Kind::Operations => &mut operations,
        });
        parts.push(segment);
    }
    Ok(crate::render::finish_parts(header, parts))
}

#[cfg(test)]
mod tests {
    use quote::format_ident;

    use super::*;

    /// A file shaped like progenitor's: types with a builder module of
    /// `count` builders, and a builder module of its own after it.
    fn sample(count: usize) -> TokenStream {
        let builders = (0..count).map(|index| {
            let name = format_ident!("Thing{index}");
            quote! {
                #[derive(Clone, Debug)]
                pub struct #name { value: Result<Option<super::Kind>, String> }
                impl Default for #name {
                    fn default() -> Self { Self { value: Ok(Some(super::Kind::X3d)) } }
                }
                impl #name {
                    pub fn value<T>(mut self, value: T) -> Self where T: Into<Option<super::Kind>> {
                        self.value = Ok(value.into());
                        self
                    }
                }
            }
        });
        quote! {
            pub mod types {
                #[derive(Clone, Debug, serde::Deserialize)]
                pub enum Kind { X3d }
                pub mod builder { #(#builders)* }
                pub mod defaults { pub fn one() -> u8 { 1 } }
            }
            pub mod builder {
                pub struct Operation { x: u8 }
            }
        }
    }

    fn printed(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).unwrap())
    }

    /// `tokens` cut in pieces as progenitor's thread does, the pieces
    /// printed as the threads do, and put back together: the file, and how
    /// many pieces of typify's builders there were.
    fn printed_in_pieces(tokens: TokenStream, renames: &VariantRenames) -> (String, usize) {
        let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
        let chunks = split_off_type_builders(&mut trees);
        let operations = module_body(&mut trees, "builder", |items| Some(std::mem::replace(items, Kind::Operations.marker_item().into_iter().collect())))
            .expect("a builder module");
        let mut rest: syn::File = syn::parse2(trees.into_iter().collect()).unwrap();
        crate::open_enums::rename_variants(&mut rest, renames);
        let text = prettyplease::unparse(&rest);
        let (segments, order) = split_at_markers(&text).unwrap();
        let operations: TokenStream = operations.into_iter().collect();
        let pieces = chunks.iter().map(|chunk| Piece { kind: Kind::TypeBuilders, text: chunk.to_string() });
        let pieces = pieces.chain([Piece { kind: Kind::Operations, text: operations.to_string() }]);
        let printed = pieces.map(|piece| (piece.kind, SpacedPart::new(&print(&piece, renames, false).unwrap().0))).collect();
        (assemble("header", segments.into_iter().map(SpacedPart::new).collect(), &order, printed).unwrap(), chunks.len())
    }

    /// `tokens` printed whole, with the passes the pieces get.
    fn printed_whole(tokens: TokenStream, renames: &VariantRenames) -> String {
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        crate::open_enums::rename_variants(&mut file, renames);
        for item in &mut file.items {
            if let syn::Item::Mod(module) = item {
                if module.ident == "builder" {
                    crate::progenitor_pass::reshape_module(&mut module.content.as_mut().unwrap().1);
                }
            }
        }
        crate::render::finish("header", &prettyplease::unparse(&file))
    }

    #[test]
    fn ignored_examples_are_stripped_from_the_type_builders_that_have_them() {
        let tokens = quote! {
            impl Thing {
                // One attribute for the whole text, as progenitor writes it.
                #[doc = "Sets the value.\n\n```ignore\nlet thing = Thing::default().value(1);\n```"]
                pub fn value(self) -> Self { self }
            }
        };
        let piece = Piece { kind: Kind::TypeBuilders, text: tokens.to_string() };
        let (text, _) = print(&piece, &VariantRenames::new(), false).unwrap();
        assert!(text.contains("Sets the value.") && !text.contains("ignore") && !text.contains("value(1)"), "{text}");
    }

    #[test]
    fn a_file_printed_in_pieces_is_the_file_printed_whole() {
        let renames: VariantRenames = [(("Kind".to_owned(), "X3d".to_owned()), "ThreeD".to_owned())].into();
        let whole = printed_whole(sample(100), &renames);
        let (spliced, chunks) = printed_in_pieces(sample(100), &renames);
        assert_eq!(spliced, whole);
        assert_eq!(chunks, 7, "300 items in chunks of 40 or more");
        assert!(whole.contains("Ok(Some(super::Kind::ThreeD))") && !whole.contains("X3d))"), "the renames reach the pieces");
        assert!(whole.contains("pub(crate) x: u8"), "the request builders are reshaped");
    }

    #[test]
    fn typify_builders_are_cut_between_items_in_even_chunks() {
        let mut trees: Vec<TokenTree> = sample(1000).into_iter().collect();
        let chunks = split_off_type_builders(&mut trees);
        assert_eq!(chunks.len(), MAX_CHUNKS);
        let texts: Vec<String> = chunks.iter().map(ToString::to_string).collect();
        for text in &texts {
            assert!(text.starts_with("# [derive (Clone , Debug)] pub struct Thing") || text.starts_with("impl"), "the cut falls between items: {}", &text[..60]);
            let structs = text.matches("pub struct").count();
            assert!((62..=63).contains(&structs), "{structs} of 1000 builders in one of 16 chunks");
        }
        assert_eq!(texts.iter().map(|text| text.matches("pub struct").count()).sum::<usize>(), 1000, "every builder moves");
        assert!(printed(trees.into_iter().collect()).contains(&format!("const {}: () = ();", Kind::TypeBuilders.marker())));
    }

    #[test]
    fn doc_comments_that_look_like_the_modules_do_not_move_the_pieces() {
        let doc = "x\npub mod types {\n    pub mod builder {\n    }\n}\npub mod builder {\n}\n";
        let tokens = quote! { #[doc = #doc] pub struct Lookalike; };
        let file: TokenStream = sample(100).into_iter().chain(tokens.clone()).collect();
        let file: TokenStream = tokens.into_iter().chain(file).collect();
        let whole = printed_whole(file.clone(), &VariantRenames::default());
        assert_eq!(printed_in_pieces(file, &VariantRenames::default()).0, whole);
        assert!(whole.contains("/**x\npub mod types {\n    pub mod builder {\n    }\n}\n"), "the doc is a block comment: {}", &whole[..120]);
    }

    #[test]
    fn a_small_builder_module_is_not_split() {
        let tokens = sample(10);
        let mut trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        assert!(split_off_type_builders(&mut trees).is_empty());
        assert_eq!(printed(trees.into_iter().collect()), printed(tokens));
    }

    #[test]
    fn pieces_that_do_not_parse_or_print_in_place_are_errors() {
        let broken = Piece { kind: Kind::TypeBuilders, text: "impl Broken { fn }".to_owned() };
        let reason = print(&broken, &VariantRenames::default(), false).err().unwrap();
        assert!(reason.starts_with("the items of types::builder do not parse"), "{reason}");
        let (segments, order) = split_at_markers("pub mod builder {}\n").unwrap();
        let operations = Piece { kind: Kind::Operations, text: "pub struct A;".to_owned() };
        let printed = vec![(Kind::Operations, SpacedPart::new(&print(&operations, &VariantRenames::default(), false).unwrap().0))];
        let reason = assemble("header", segments.into_iter().map(SpacedPart::new).collect(), &order, printed).unwrap_err();
        assert!(reason.contains("does not mark where the items of builder go"), "{reason}");
        let marked = format!("pub mod builder {{\n    const {0}: () = ();\n    const {0}: () = ();\n}}\n", Kind::Operations.marker());
        assert!(split_at_markers(&marked).unwrap_err().contains("marks twice"));
        let misplaced = format!("pub mod builder {{}}\nconst {}: () = ();\n", Kind::Operations.marker());
        assert!(split_at_markers(&misplaced).unwrap_err().contains("out of their module"));
    }

    #[test]
    fn the_queue_hands_pieces_out_from_both_ends_with_their_places() {
        let queue = Queue::default();
        for text in ["a", "b", "c"] {
            queue.push(Piece { kind: Kind::TypeBuilders, text: text.to_owned() });
        }
        queue.push(Piece { kind: Kind::Operations, text: "d".to_owned() });
        let taken = |piece: Option<(usize, Piece)>| piece.map(|(index, piece)| (index, piece.text));
        assert_eq!(taken(queue.take_front()), Some((0, "a".to_owned())));
        assert_eq!(taken(queue.take_back()), Some((3, "d".to_owned())));
        assert_eq!(taken(queue.take_back()), Some((2, "c".to_owned())));
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| [taken(queue.take_front()), taken(queue.take_front())]);
            // The thread takes "b", then waits until the queue closes.
            std::thread::sleep(std::time::Duration::from_millis(20));
            assert_eq!(queue.close(), [Kind::TypeBuilders, Kind::TypeBuilders, Kind::TypeBuilders, Kind::Operations]);
            assert_eq!(waiting.join().unwrap(), [Some((1, "b".to_owned())), None]);
        });
    }

    #[test]
    fn a_thread_waiting_for_pieces_stops_when_the_pushing_one_leaves() {
        let queue = Queue::default();
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| queue.take_front().is_none());
            let closing = queue.closer();
            std::thread::sleep(std::time::Duration::from_millis(20));
            drop(closing);
            assert!(waiting.join().unwrap());
        });
    }
}
