//! Generation time, in this process: our whole pipeline against bare
//! progenitor (builder interface, same document, formatted with
//! prettyplease) on the seed specs, every corpus spec with more than 100
//! operations and a synthetic 1000-operation spec. `cargo xtask bench
//! generate` runs it with the peer and compile-time tables.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

/// A spec the benchmarks generate, with what bare progenitor is given.
pub struct BenchSpec {
    /// The spec as our generator reads it.
    pub source: generator::SpecSource,
    /// The file on disk, for tools that read files (absent for the synthetic spec).
    pub file: Option<PathBuf>,
    /// The OpenAPI 3.0 text bare progenitor reads: the spec itself, or our
    /// conversion of a Swagger 2.0 spec (progenitor cannot read 2.0).
    pub openapi3_text: String,
    /// Whether `openapi3_text` is JSON (else YAML).
    pub openapi3_is_json: bool,
    /// What `openapi3_text` is.
    pub given: Given,
    /// Its operation count.
    pub operations: usize,
}

impl BenchSpec {
    fn new(source: generator::SpecSource, file: Option<PathBuf>) -> Result<Self> {
        let (value, _) = generator::load::converted(&source).map_err(|e| anyhow!("{e}"))?;
        let operations = count_operations(&value);
        let raw: serde_yaml::Value = serde_yaml::from_str(&source.text)?;
        let mut spec = Self {
            openapi3_text: source.text.clone(),
            openapi3_is_json: source.text.trim_start().starts_with('{'),
            given: Given::Spec,
            source,
            file,
            operations,
        };
        if raw.get("swagger").is_some() {
            spec.given = Given::Converted;
        } else if spec.progenitor_reads_spec() {
            return Ok(spec);
        } else {
            spec.given = Given::Normalised;
        }
        // What our loader hands progenitor: converted, normalised, and
        // without the operations progenitor fails on.
        let (mut document, mut warnings) = generator::load::load(&spec.source).map_err(|e| anyhow!("{e}"))?;
        generator::progenitor_pass::run(&spec.source, &mut document, &mut warnings).map_err(|e| anyhow!("{e}"))?;
        spec.openapi3_text = serde_json::to_string(&document)?;
        spec.openapi3_is_json = true;
        Ok(spec)
    }

    /// Whether bare progenitor generates from the spec as it is (without
    /// an error or a panic).
    fn progenitor_reads_spec(&self) -> bool {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let read = std::panic::catch_unwind(|| self.bare_progenitor().is_ok()).unwrap_or(false);
        std::panic::set_hook(previous);
        read
    }

    /// The label used in tables, saying what bare progenitor was given.
    pub fn label(&self) -> String {
        let given = match self.given {
            Given::Spec => "",
            Given::Converted => " (Swagger 2.0: progenitor given our 3.0 conversion)",
            Given::Normalised => " (progenitor fails on it: given our normalised document)",
        };
        let plural = if self.operations == 1 { "" } else { "s" };
        format!("`{}`, {} operation{plural}{given}", self.source.label, self.operations)
    }

    /// Generates with bare progenitor, as its users do: parse, generate, format.
    pub fn bare_progenitor(&self) -> Result<String> {
        let document: openapiv3::OpenAPI = if self.openapi3_is_json {
            serde_json::from_str(&self.openapi3_text)?
        } else {
            serde_yaml::from_str(&self.openapi3_text)?
        };
        let mut settings = GenerationSettings::new();
        settings.with_interface(InterfaceStyle::Builder).with_tag(TagStyle::Merged);
        let tokens = Generator::new(&settings).generate_tokens(&document)?;
        let file: syn::File = syn::parse2(tokens)?;
        Ok(prettyplease::unparse(&file))
    }

    /// Generates with our pipeline.
    pub fn ours(&self) -> Result<generator::GeneratedCrate> {
        generator::generate(&self.source).map_err(|e| anyhow!("{e}"))
    }
}

/// What bare progenitor is given to generate from.
pub enum Given {
    /// The spec itself.
    Spec,
    /// Our OpenAPI 3.0 conversion of a Swagger 2.0 spec.
    Converted,
    /// The document our pipeline hands progenitor, for a spec that bare
    /// progenitor fails on (it panics or refuses).
    Normalised,
}

/// Operations in an OpenAPI 3.0 JSON value (every method under `paths`).
fn count_operations(document: &serde_json::Value) -> usize {
    const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let Some(paths) = document.get("paths").and_then(|p| p.as_object()) else { return 0 };
    paths.values().filter_map(|item| item.as_object()).map(|item| METHODS.iter().filter(|m| item.contains_key(**m)).count()).sum()
}

/// The specs of the generation benchmark: the seed specs, every corpus
/// spec with more than `min_operations` operations, and the synthetic one.
pub fn bench_specs(min_operations: usize) -> Result<Vec<BenchSpec>> {
    let root = xtask::repo_root();
    let mut specs = Vec::new();
    for source in xtask::read_specs(&root)? {
        // The label is the path from the repository root (`specs/<slug>.yaml`).
        let file = root.join(&source.label);
        specs.push(BenchSpec::new(source, Some(file))?);
    }
    specs.extend(large_corpus_specs(&root.join("../shared/spec-corpus"), min_operations)?);
    specs.push(BenchSpec::new(large_spec(500), None)?);
    Ok(specs)
}

/// Every spec under `corpus/*/` with more than `min_operations` operations.
fn large_corpus_specs(corpus: &Path, min_operations: usize) -> Result<Vec<BenchSpec>> {
    let mut files = Vec::new();
    for folder in std::fs::read_dir(corpus).with_context(|| format!("cannot list {}", corpus.display()))? {
        let folder = folder?.path();
        if folder.is_dir() {
            for entry in std::fs::read_dir(&folder)? {
                files.push(entry?.path());
            }
        }
    }
    files.retain(|path| path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "json" | "yaml" | "yml")));
    files.sort();
    let mut specs = Vec::new();
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&path)?;
        let slug = xtask::kebab(name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem));
        let source = generator::SpecSource { label: name, slug, text };
        match BenchSpec::new(source, Some(path.clone())) {
            Ok(spec) if spec.operations > min_operations => specs.push(spec),
            _ => {}
        }
    }
    Ok(specs)
}

/// Median times, in milliseconds, of our generation and bare progenitor's
/// on one spec, the two interleaved round by round so that both see the
/// same machine.
pub struct Timing {
    pub ours_ms: f64,
    pub bare_ms: f64,
}

/// Times `spec` over `rounds` rounds (after one warm-up of each).
pub fn time(spec: &BenchSpec, rounds: usize) -> Result<Timing> {
    spec.ours()?;
    spec.bare_progenitor()?;
    let (mut ours, mut bare) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = Instant::now();
        std::hint::black_box(spec.ours()?);
        ours.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        std::hint::black_box(spec.bare_progenitor()?);
        bare.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(Timing { ours_ms: median(&mut ours), bare_ms: median(&mut bare) })
}

/// The median of `values` (sorted in place).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Prints the in-process generation table.
pub fn report(rounds: usize) -> Result<()> {
    println!("\n### Generation in one process: median of {rounds} interleaved rounds per spec\n");
    println!("| spec | ours | bare progenitor | ours / bare |\n|---|---|---|---|");
    for spec in bench_specs(100)? {
        let timing = time(&spec, rounds)?;
        println!("| {} | {:.1} ms | {:.1} ms | {:.2} |", spec.label(), timing.ours_ms, timing.bare_ms, timing.ours_ms / timing.bare_ms);
    }
    Ok(())
}

/// What [`profile`] takes for the synthetic 1000-operation spec.
pub const SYNTHETIC: &str = "synthetic";

/// Runs our generation of `file` (or of the synthetic spec, for
/// [`SYNTHETIC`]) `rounds` times, then bare progenitor's, for a profiler.
pub fn profile(file: &str, rounds: u32) -> Result<()> {
    let spec = if file == SYNTHETIC {
        BenchSpec::new(large_spec(500), None)?
    } else {
        let text = std::fs::read_to_string(file)?;
        BenchSpec::new(generator::SpecSource { label: file.into(), slug: "profiled".into(), text }, None)?
    };
    let (started, faults) = (Instant::now(), minor_faults());
    for _ in 0..rounds {
        std::hint::black_box(spec.ours()?);
    }
    let per_round = |total: f64| total / f64::from(rounds);
    println!(
        "ours: {:.1} ms and {:.0} minor page faults per round",
        per_round(started.elapsed().as_secs_f64() * 1000.0),
        per_round((minor_faults() - faults) as f64)
    );
    let (started, faults) = (Instant::now(), minor_faults());
    for _ in 0..rounds {
        std::hint::black_box(spec.bare_progenitor()?);
    }
    println!(
        "bare progenitor: {:.1} ms and {:.0} minor page faults per round",
        per_round(started.elapsed().as_secs_f64() * 1000.0),
        per_round((minor_faults() - faults) as f64)
    );
    Ok(())
}

/// The minor page faults of this process so far (`minflt` of
/// `/proc/self/stat`); 0 where that cannot be read.
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which ends with the last `)`:
    // state is the first of them, minflt the eighth.
    let fields = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or_default();
    fields.split_whitespace().nth(7).and_then(|field| field.parse().ok()).unwrap_or(0)
}

/// A spec with `resources` resources, each with a list (GET, paginated,
/// with query constraints and an enum) and a create (POST with a JSON body):
/// `2 * resources` operations.
fn large_spec(resources: usize) -> generator::SpecSource {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: Large, version: '1'}\nservers: [{url: 'https://api.example.com'}]\n\
         security: [{Key: []}]\npaths:\n",
    );
    for index in 0..resources {
        text.push_str(&format!(
            "  /resources{index}:\n    get:\n      operationId: listResource{index}\n      \
             x-pagination: {{style: cursor, request: cursor, next: /next, items: /items}}\n      parameters:\n        \
             - {{name: cursor, in: query, schema: {{type: string}}}}\n        \
             - {{name: limit, in: query, schema: {{type: integer, minimum: 1, maximum: 100}}}}\n        \
             - {{name: state, in: query, schema: {{$ref: '#/components/schemas/State'}}}}\n      responses:\n        \
             '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Page{index}'}}}}}}}}\n        \
             '404': {{description: missing, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Problem'}}}}}}}}\n    \
             post:\n      operationId: createResource{index}\n      requestBody:\n        required: true\n        \
             content: {{application/json: {{schema: {{$ref: '#/components/schemas/Resource{index}'}}}}}}\n      responses:\n        \
             '201': {{description: created, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Resource{index}'}}}}}}}}\n        \
             '404': {{description: missing, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Problem'}}}}}}}}\n"
        ));
    }
    text.push_str("components:\n  securitySchemes:\n    Key: {type: apiKey, in: header, name: x-key}\n  schemas:\n");
    text.push_str("    State: {type: string, enum: [active, archived, 3d-ready]}\n");
    text.push_str("    Problem: {type: object, required: [message], properties: {message: {type: string}}}\n");
    for index in 0..resources {
        text.push_str(&format!(
            "    Resource{index}:\n      type: object\n      required: [id, name]\n      properties:\n        \
             id: {{type: string, format: uuid}}\n        name: {{type: string, maxLength: 80}}\n        \
             state: {{$ref: '#/components/schemas/State'}}\n        size: {{type: integer, nullable: true}}\n    \
             Page{index}:\n      type: object\n      required: [items]\n      properties:\n        \
             items: {{type: array, items: {{$ref: '#/components/schemas/Resource{index}'}}}}\n        next: {{type: string, nullable: true}}\n"
        ));
    }
    generator::SpecSource { label: "synthetic.yaml".into(), slug: "synthetic".into(), text }
}
