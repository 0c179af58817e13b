//! Go's texts for operating-system errors.

/// Go's `syscall.Errno` text of an I/O error's cause, as the end of an `*os.PathError`
/// (`open F: no such file or directory`) prints it: the C library's description in
/// lower case, without Rust's ` (os error N)` suffix.
///
/// ```
/// let e = std::io::Error::from(std::io::ErrorKind::NotFound);
/// assert_eq!(ucore_go_text::os::error_text(&e), "no such file or directory");
/// ```
pub fn error_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}
