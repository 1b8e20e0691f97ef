//! Pairs each operation of our model with the request builder progenitor
//! generated for it, once, by operation id: progenitor names each builder's
//! operation after the `operationId` (see [`crate::names`]). Generation
//! fails, naming the operation, when one cannot be paired or a parameter has
//! no builder field, so no operation can silently lose its behaviour.

use crate::model::OperationFacts;
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
        for parameter in &operation.parameters {
            if builder.field(&parameter.field).is_none() {
                return Err(fail(format!("the builder has no field `{}` for parameter `{}`", parameter.field, parameter.name)));
            }
        }
        let progenitor_body = matches!(operation.body, Some(ref kind) if !matches!(kind, crate::model::BodyKind::Multipart { .. }));
        if progenitor_body && builder.field("body").is_none() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Idempotency, Location, OperationFacts, ParameterFacts, Style};

    fn operation(id: &str, parameter: &str) -> OperationFacts {
        OperationFacts {
            id: id.to_owned(),
            method_name: crate::names::method_name(id),
            builder: crate::names::builder_name(id),
            http_method: "GET".to_owned(),
            path: "/".to_owned(),
            security: Vec::new(),
            idempotency: Idempotency::Safe,
            parameters: vec![ParameterFacts {
                name: parameter.to_owned(),
                field: crate::names::field_name(parameter),
                location: Location::Query,
                style: Style::Form { explode: true },
                rule: None,
            }],
            body: None,
            responses: Vec::new(),
            accepts_json: false,
            success_when: None,
            pagination: None,
            upload: None,
            outcomes: Vec::new(),
            example: Default::default(),
            help: Default::default(),
            success_type: None,
            body_type: None,
        }
    }

    fn builder(name: &str, method: &str, fields: &[&str]) -> Builder {
        Builder {
            name: quote::format_ident!("{name}"),
            method: method.to_owned(),
            fields: fields.iter().map(|field| ((*field).to_owned(), syn::parse_quote!(Result<String, String>))).collect(),
            success: syn::parse_quote!(()),
            error: syn::parse_quote!(()),
        }
    }

    fn spec() -> SpecSource {
        SpecSource { label: "specs/x.yaml".into(), slug: "x".into(), text: String::new() }
    }

    #[test]
    fn builders_pair_by_operation_id_whatever_their_order() {
        let operations = [operation("type", "pageSize"), operation("2fa", "q")];
        let builders = vec![builder("_2fa", "_2fa", &["client", "q"]), builder("Type", "type_", &["client", "page_size"])];
        let Ok(matched) = match_builders(&spec(), &operations, builders) else { panic!("both operations have builders") };
        assert_eq!(matched.iter().map(|b| b.name.to_string()).collect::<Vec<_>>(), ["Type", "_2fa"]);
    }

    #[test]
    fn an_operation_without_its_builder_or_field_fails_naming_it() {
        let missing = match_builders(&spec(), &[operation("type", "q")], vec![builder("Other", "other", &[])]).err().expect("an error");
        assert_eq!(missing.to_string(), "specs/x.yaml: operation type: progenitor generated no method `type_` for it");
        let field = match_builders(&spec(), &[operation("type", "q")], vec![builder("Type", "type_", &["client"])]).err().expect("an error");
        assert_eq!(field.to_string(), "specs/x.yaml: operation type: the builder has no field `q` for parameter `q`");
        let extra = match_builders(&spec(), &[], vec![builder("Type", "type_", &[])]).err().expect("an error");
        assert_eq!(extra.to_string(), "specs/x.yaml: builder Type: progenitor generated `type_`, which matches no operation of the spec");
    }
}
