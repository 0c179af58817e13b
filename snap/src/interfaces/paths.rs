//! Go's path functions (`path/filepath` on Linux) and the path checks several interfaces
//! share.

use ucore_go_text::quote;

/// `filepath.Clean`: the shortest lexically equivalent path (`.` for empty).
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// `filepath.Dir`: all but the last element, cleaned.
pub fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(path.get(..=i).unwrap_or(path)),
        None => ".".to_string(),
    }
}

/// `cleanSubPath` (interfaces/builtin): clean and not climbing out with `..`.
pub fn is_clean_sub_path(path: &str) -> bool {
    clean(path) == path && path != ".." && !path.starts_with("../")
}

/// AppArmor's reserved characters, as `sandbox/apparmor` lists them (ending in NUL).
pub const APPARMOR_RESERVED: &str = "?*[]{}^\"\0";

/// `apparmor.ValidateNoAppArmorRegexp`: `"P" contains a reserved apparmor char from …`.
pub fn no_apparmor_regexp(path: &str) -> Result<(), String> {
    if path.contains(|c| APPARMOR_RESERVED.contains(c)) {
        return Err(format!(
            "{} contains a reserved apparmor char from {APPARMOR_RESERVED}",
            quote(path)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        for (input, want) in [
            ("", "."),
            ("/", "/"),
            ("a/../..", ".."),
            ("/../x", "/x"),
            ("a//b/./c/", "a/b/c"),
            ("../../a/../b", "../../b"),
            ("/dev/hidraw0/", "/dev/hidraw0"),
        ] {
            assert_eq!(clean(input), want, "{input}");
        }
        assert_eq!(dir("/run/p11-kit/x"), "/run/p11-kit");
        assert_eq!(dir("x"), ".");
        assert_eq!(dir("/x"), "/");
        assert!(!is_clean_sub_path("../a"));
        assert!(is_clean_sub_path("a/b"));
        assert_eq!(
            no_apparmor_regexp("a*").unwrap_err(),
            "\"a*\" contains a reserved apparmor char from ?*[]{}^\"\0"
        );
    }
}
