//! Generation time: our whole pipeline against bare progenitor (builder
//! interface, same spec, same formatting), in this process.

use std::time::Instant;

use anyhow::{anyhow, Result};
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

const ROUNDS: u32 = 20;

/// Prints the generation table.
pub fn report() -> Result<()> {
    let specs = xtask::read_specs(&xtask::repo_root())?;
    println!("\n### Generation: mean of {ROUNDS} rounds per spec\n");
    println!("| spec | ours | bare progenitor | ratio |\n|---|---|---|---|");
    for spec in &specs {
        let ours = mean_ms(|| generator::generate(spec).map(drop).map_err(|e| anyhow!("{e}")))?;
        let bare = mean_ms(|| bare_progenitor(&spec.text))?;
        println!("| `{}` | {ours:.1} ms | {bare:.1} ms | {:.2} |", spec.label, ours / bare);
    }
    let all = mean_ms(|| xtask::plan(&specs).map(drop))?;
    println!("| all {} specs (`xtask::plan`, what `cargo xtask generate` runs) | {all:.1} ms | | |", specs.len());
    let large = large_spec(500);
    let started = Instant::now();
    let generated = generator::generate(&large).map_err(|e| anyhow!("{e}"))?;
    let ours = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    bare_progenitor(&large.text)?;
    let bare = started.elapsed().as_secs_f64() * 1000.0;
    let lines: usize = generated.files.values().map(|text| text.lines().count()).sum();
    println!("| synthetic spec, 1000 operations, {lines} lines generated (one round) | {ours:.0} ms | {bare:.0} ms | {:.2} |", ours / bare);
    Ok(())
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
    generator::SpecSource { label: "large.yaml".into(), slug: "large".into(), text }
}

fn mean_ms(mut run: impl FnMut() -> Result<()>) -> Result<f64> {
    run()?;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        run()?;
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0 / f64::from(ROUNDS))
}

/// What a progenitor user does: parse, generate, format.
fn bare_progenitor(text: &str) -> Result<()> {
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(text)?;
    let mut settings = GenerationSettings::new();
    settings.with_interface(InterfaceStyle::Builder).with_tag(TagStyle::Merged);
    let tokens = Generator::new(&settings).generate_tokens(&spec)?;
    let file: syn::File = syn::parse2(tokens)?;
    std::hint::black_box(prettyplease::unparse(&file));
    Ok(())
}
