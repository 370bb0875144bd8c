//! docs/admin-api.json describes exactly the operations the admin API's router serves, and
//! keeps the strictness the document promises: closed objects, the error schema on every
//! error answer, and the status codes each kind of operation can answer.

use duet_server::http::admin_api::{PREFIX, routes};
use serde_json::Value;
use std::collections::BTreeSet;

fn doc() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/admin-api.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).expect("docs/admin-api.json is JSON")
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn operations(doc: &Value) -> Vec<(String, String, &Value, Vec<&Value>)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let shared: Vec<&Value> = item.get("parameters").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
        for (k, op) in item.as_object().unwrap() {
            if METHODS.contains(&k.as_str()) {
                let mut params = shared.clone();
                params.extend(op.get("parameters").and_then(Value::as_array).into_iter().flatten());
                out.push((k.to_uppercase(), path.clone(), op, params));
            }
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("dangling {r}")),
        None => v,
    }
}

#[test]
fn the_document_lists_exactly_the_routes_the_router_serves() {
    let d = doc();
    assert_eq!(d["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = operations(&d).into_iter().map(|(m, p, _, _)| (m, p)).collect();
    let served: BTreeSet<(String, String)> =
        routes().into_iter().map(|r| (r.method.to_string(), format!("{PREFIX}{}", r.path))).collect();
    let missing: Vec<_> = served.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&served).collect();
    assert!(missing.is_empty() && stale.is_empty(), "undocumented: {missing:?}; documented but not served: {stale:?}");
}

#[test]
fn every_object_schema_is_closed() {
    fn walk(v: &Value, at: &str) {
        match v {
            Value::Object(m) => {
                if m.get("type") == Some(&Value::String("object".into())) {
                    assert_eq!(m.get("additionalProperties"), Some(&Value::Bool(false)), "{at} is open");
                    let props: BTreeSet<&String> = m["properties"].as_object().unwrap().keys().collect();
                    for r in m.get("required").and_then(Value::as_array).into_iter().flatten() {
                        assert!(props.contains(&r.as_str().unwrap().to_string()), "{at} requires an unknown {r}");
                    }
                }
                for (k, c) in m {
                    walk(c, &format!("{at}/{k}"));
                }
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| walk(c, &format!("{at}/{i}"))),
            _ => {}
        }
    }
    walk(&doc(), "");
}

#[test]
fn every_operation_lists_the_codes_it_can_answer_with_the_error_schema() {
    let d = doc();
    for (method, path, op, params) in operations(&d) {
        let codes: BTreeSet<&str> = op["responses"].as_object().unwrap().keys().map(String::as_str).collect();
        let want = |c: &str, why: &str| assert!(codes.contains(c), "{method} {path} lacks {c} ({why})");
        want("401", "every call needs a key");
        want("500", "storage can fail");
        assert!(codes.iter().any(|c| c.starts_with('2')), "{method} {path} has no success answer");
        let params: Vec<&Value> = params.into_iter().map(|p| resolve(&d, p)).collect();
        if params.iter().any(|p| p["in"] == "path") {
            want("400", "a path parameter can be malformed");
            want("404", "a path names something that may not exist");
        }
        if params.iter().any(|p| p["in"] == "query") {
            want("400", "a query parameter can be malformed");
        }
        if method != "GET" {
            want("403", "read-only keys are refused");
        }
        if op.get("requestBody").is_some() {
            want("400", "a body can be malformed");
            want("413", "a body can be too large");
        }
        for (code, resp) in op["responses"].as_object().unwrap() {
            let resp = resolve(&d, resp);
            let schema = &resp["content"]["application/json"]["schema"];
            assert!(!schema.is_null(), "{method} {path} {code} is not JSON");
            if !code.starts_with('2') {
                assert_eq!(schema["$ref"], "#/components/schemas/Error", "{method} {path} {code}");
            }
        }
    }
}
