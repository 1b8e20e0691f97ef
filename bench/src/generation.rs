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
    Ok(())
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
