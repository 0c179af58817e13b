//! The path checks several interfaces share, over Go's `filepath.Clean` and `Dir` (from
//! `ucore-go-text`).

use ucore_go_text::quote;

use ucore_go_text::filepath::clean;

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
    use ucore_go_text::filepath::dir;

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
