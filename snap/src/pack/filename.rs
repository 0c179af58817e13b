//! The name `snap pack` gives the snap file: `<instance-name>_<version>_<arch>.snap`.

/// snapd's `debArchitecture`: the single architecture, `multi` for several, `all` for none.
pub fn deb_architecture(architectures: &[String]) -> &str {
    match architectures {
        [] => "all",
        [one] => one,
        _ => "multi",
    }
}

/// `<instance-name>_<version>_<arch>.snap` (snapd's `snapPath` without `--filename`).
pub fn snap_file_name(instance_name: &str, version: &str, architectures: &[String]) -> String {
    format!(
        "{instance_name}_{version}_{}.snap",
        deb_architecture(architectures)
    )
}

/// Where `snap pack` writes the snap (snapd's `snapPath`): `file_name` (`--filename`, or
/// [`snap_file_name`]) inside `target_dir`, unless `file_name` is absolute.
pub fn snap_path(target_dir: &std::path::Path, file_name: &std::path::Path) -> std::path::PathBuf {
    if file_name.is_absolute() || target_dir.as_os_str().is_empty() {
        file_name.to_path_buf()
    } else {
        target_dir.join(file_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arch_part_is_single_multi_or_all() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(snap_file_name("foo", "1", &a(&[])), "foo_1_all.snap");
        assert_eq!(
            snap_file_name("foo", "1", &a(&["amd64"])),
            "foo_1_amd64.snap"
        );
        assert_eq!(
            snap_file_name("foo_bar", "1.0", &a(&["amd64", "arm64"])),
            "foo_bar_1.0_multi.snap"
        );
        // `architectures: [all]` is one architecture named all
        assert_eq!(snap_file_name("foo", "2", &a(&["all"])), "foo_2_all.snap");
    }

    #[test]
    fn path_is_in_the_target_dir_unless_absolute() {
        use std::path::Path;
        assert_eq!(
            snap_path(Path::new("out"), Path::new("x.snap")),
            Path::new("out/x.snap")
        );
        assert_eq!(
            snap_path(Path::new("out"), Path::new("/abs/x.snap")),
            Path::new("/abs/x.snap")
        );
        assert_eq!(
            snap_path(Path::new(""), Path::new("x.snap")),
            Path::new("x.snap")
        );
    }
}
