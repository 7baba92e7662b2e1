//! The API's paths and the methods each accepts, taken from the OpenAPI document the routes
//! build, so that a request with a wrong method on a known path gets a 405 with `Allow`
//! instead of a 404 that makes an integrator doubt the path.

use utoipa::openapi::{OpenApi, PathItem};

/// Path templates such as `/api/v1/people/{id}/qr` with their methods.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<&'static str>)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `{name}`: any one non-empty segment.
    Parameter,
}

impl RouteTable {
    pub fn from_document(document: &OpenApi) -> Self {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(template, item)| (segments(template), methods(item)))
            .filter(|(_, methods)| !methods.is_empty())
            .collect();
        Self { routes }
    }

    /// The methods `path` accepts, or `None` when no route has this path.
    pub fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut allowed: Vec<&'static str> = Vec::new();
        let mut known = false;
        for (template, methods) in &self.routes {
            if matches(template, &parts) {
                known = true;
                for method in methods {
                    if !allowed.contains(method) {
                        allowed.push(method);
                    }
                }
            }
        }
        known.then_some(allowed)
    }
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_end_matches('/')
        .split('/')
        .map(|part| {
            if part.starts_with('{') && part.ends_with('}') {
                Segment::Parameter
            } else {
                Segment::Literal(part.to_owned())
            }
        })
        .collect()
}

fn methods(item: &PathItem) -> Vec<&'static str> {
    [
        ("GET", item.get.is_some()),
        ("POST", item.post.is_some()),
        ("PUT", item.put.is_some()),
        ("PATCH", item.patch.is_some()),
        ("DELETE", item.delete.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, present)| present.then_some(method))
    .collect()
}

fn matches(template: &[Segment], parts: &[&str]) -> bool {
    template.len() == parts.len()
        && template
            .iter()
            .zip(parts)
            .all(|(segment, part)| match segment {
                Segment::Literal(literal) => literal == part,
                Segment::Parameter => !part.is_empty(),
            })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        RouteTable::from_document(&crate::openapi::document())
    }

    #[test]
    fn a_known_path_lists_its_methods() {
        let table = table();
        assert_eq!(table.allowed("/api/v1/auth/login"), Some(vec!["POST"]));
        assert_eq!(table.allowed("/api/v1/auth/login/"), Some(vec!["POST"]));
    }

    #[test]
    fn parameters_match_one_segment() {
        let table = table();
        let allowed = table.allowed("/api/v1/people/abc123/qr").unwrap();
        assert!(allowed.contains(&"GET"), "{allowed:?}");
        assert_eq!(table.allowed("/api/v1/people/abc123/qr/extra"), None);
        assert_eq!(table.allowed("/api/v1/people//qr"), None);
    }

    #[test]
    fn unknown_paths_have_no_methods() {
        assert_eq!(table().allowed("/api/v1/no-such-thing"), None);
    }
}
