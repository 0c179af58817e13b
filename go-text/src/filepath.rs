//! Go's `path/filepath.Clean` and `Dir` on Unix (also `path.Clean`), which snapd uses to ask
//! whether a path in snap.yaml is written in its shortest form.

/// The shortest path equivalent to `path`: repeated slashes made one, `.` elements
/// dropped, `..` elements dropped with the element before them (and at the root), no
/// trailing slash; `.` for an empty result.
///
/// ```
/// use ucore_go_text::filepath::clean;
///
/// assert_eq!(clean("$SNAP_DATA//a/./b/../c/"), "$SNAP_DATA/a/c");
/// assert_eq!(clean("/../x"), "/x");
/// assert_eq!(clean("../../x"), "../../x");
/// assert_eq!(clean(""), ".");
/// ```
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
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

/// Go's `filepath.Dir`: all but the last element of `path`, cleaned (`.` when there is no
/// `/`).
///
/// ```
/// use ucore_go_text::filepath::dir;
///
/// assert_eq!(dir("a/b/c"), "a/b");
/// assert_eq!(dir("/run/p11-kit/pkcs11"), "/run/p11-kit");
/// assert_eq!(dir("a"), ".");
/// ```
pub fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(path.get(..=i).unwrap_or(path)),
        None => ".".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn clean_matches_go() {
        // for _, p := range []string{...} { fmt.Printf("%q\n", filepath.Clean(p)) }
        let cases = [
            ("", "."),
            ("/", "/"),
            ("//", "/"),
            (".", "."),
            ("./", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("a/..", "."),
            ("a/../..", ".."),
            ("/a/../..", "/"),
            ("a//b/./c/", "a/b/c"),
            ("a/b/../../../c", "../c"),
            ("/abc/def/../../..", "/"),
            ("$SNAP_DATA/sock", "$SNAP_DATA/sock"),
            ("abc/./../def", "def"),
            ("..a/b", "..a/b"),
        ];
        for (path, want) in cases {
            assert_eq!(clean(path), want, "{path:?}");
        }
    }
}
