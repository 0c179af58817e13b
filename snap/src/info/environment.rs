//! An `environment` map: string keys and values in the order snap.yaml writes them
//! (snapd's `strutil.OrderedMap`).

use serde::Serialize;

/// Environment variables in YAML order; keys are unique (snap.yaml refuses duplicates).
/// Serialises as a list of `[key, value]` pairs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Environment {
    entries: Vec<(String, String)>,
}

impl Environment {
    /// An environment from pairs, in order; `None` when a key repeats (the repeated key is
    /// the error's value).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Result<Environment, String> {
        let mut seen = std::collections::BTreeSet::new();
        for (k, _) in &pairs {
            if !seen.insert(k.as_str()) {
                return Err(k.clone());
            }
        }
        Ok(Environment { entries: pairs })
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The keys and values in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many variables.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_refuses_duplicates() {
        let env = Environment::from_pairs(vec![("B".into(), "1".into()), ("A".into(), "x".into())])
            .unwrap();
        assert_eq!(env.iter().collect::<Vec<_>>(), [("B", "1"), ("A", "x")]);
        assert_eq!(env.get("A"), Some("x"));
        assert_eq!(
            serde_json::to_string(&env).unwrap(),
            r#"[["B","1"],["A","x"]]"#
        );
        assert_eq!(
            Environment::from_pairs(vec![("A".into(), "1".into()), ("A".into(), "2".into())]),
            Err("A".to_string())
        );
    }
}
