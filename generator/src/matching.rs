//! Pairs each operation of our model with the request builder progenitor
//! generated for it, once, by operation id: progenitor names each builder's
//! operation after the `operationId` (see [`crate::names`]). Generation
//! fails, naming the operation, when one cannot be paired or a parameter has
//! no builder field, so no operation can silently lose its behaviour.

use crate::model::{Location, OperationFacts};
use crate::progenitor_pass::Builder;
use crate::{GenerateError, SpecSource};

/// progenitor's builders reordered so that `result[i]` belongs to
/// `operations[i]`.
///
/// # Errors
///
/// A [`GenerateError`] naming the first operation without a builder, with a
/// builder of another name, or with a parameter the builder lacks, and any
/// builder left over.
pub fn match_builders(spec: &SpecSource, operations: &[OperationFacts], mut builders: Vec<Builder>) -> Result<Vec<Builder>, GenerateError> {
    let mut matched = Vec::with_capacity(operations.len());
    for operation in operations {
        let fail = |message: String| GenerateError::new(&spec.label, format!("operation {}", operation.id), message);
        let index = builders
            .iter()
            .position(|builder| builder.method == operation.method_name)
            .ok_or_else(|| fail(format!("progenitor generated no method `{}` for it", operation.method_name)))?;
        let builder = builders.remove(index);
        if builder.name != operation.builder {
            return Err(fail(format!("progenitor named its builder `{}`, expected `{}`", builder.name, operation.builder)));
        }
        for parameter in operation.parameters.iter().filter(|p| p.location != Location::Cookie) {
            if builder.field(&parameter.field).is_none() {
                return Err(fail(format!("the builder has no field `{}` for parameter `{}`", parameter.field, parameter.name)));
            }
        }
        if operation.body.is_some() && builder.field("body").is_none() {
            return Err(fail("the builder has no `body` field for the request body".to_owned()));
        }
        matched.push(builder);
    }
    if let Some(extra) = builders.first() {
        return Err(GenerateError::new(
            &spec.label,
            format!("builder {}", extra.name),
            format!("progenitor generated `{}`, which matches no operation of the spec", extra.method),
        ));
    }
    Ok(matched)
}
