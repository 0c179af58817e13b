//! Kernel arguments of `kernel-cmdline`, split as the Linux kernel's `next_arg` does.

use serde::Serialize;

use ucore_go_text::quote;

/// One kernel argument: `param`, `param=value` or `param="quoted value"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KernelArgument {
    /// Parameter name.
    pub param: String,
    /// Value, if there is a `=`.
    pub value: Option<String>,
    /// Whether the value was in double quotes.
    pub quoted: bool,
}

impl std::fmt::Display for KernelArgument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.value, self.quoted) {
            (None, _) => write!(f, "{}", self.param),
            (Some(v), true) => write!(f, "{}=\"{v}\"", self.param),
            (Some(v), false) => write!(f, "{}={v}", self.param),
        }
    }
}

/// A pattern for `allow`/`remove`: an unquoted `*` value matches any value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KernelArgumentPattern {
    /// The argument as written.
    pub argument: KernelArgument,
    /// Whether the value is the wildcard (unquoted `*`).
    pub wildcard: bool,
}

impl KernelArgumentPattern {
    /// Whether `arg` matches this pattern.
    pub fn matches(&self, arg: &KernelArgument) -> bool {
        if self.argument.param != arg.param {
            return false;
        }
        if self.wildcard {
            return true;
        }
        self.argument.value == arg.value
    }
}

/// Splits a command line into arguments like the kernel's `next_arg`.
pub fn parse(cmdline: &str) -> Vec<KernelArgument> {
    let chars: Vec<char> = cmdline.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < chars.len() && chars[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = i;
        let mut in_quote = false;
        let mut equals: Option<usize> = None;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_whitespace() && !in_quote {
                break;
            }
            if c == '"' {
                in_quote = !in_quote;
            }
            if c == '=' && equals.is_none() && !in_quote {
                equals = Some(i);
            }
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        let unquote = |s: &str| -> (String, bool) {
            let quoted = s.starts_with('"');
            let mut t = s.strip_prefix('"').unwrap_or(s);
            if quoted {
                t = t.strip_suffix('"').unwrap_or(t);
            }
            (t.to_string(), quoted)
        };
        match equals {
            Some(e) => {
                let (param, _) = unquote(&chars[start..e].iter().collect::<String>());
                let (value, quoted) = unquote(&chars[e + 1..i].iter().collect::<String>());
                out.push(KernelArgument {
                    param,
                    value: Some(value),
                    quoted,
                });
            }
            None => {
                let (param, _) = unquote(&token);
                out.push(KernelArgument {
                    param,
                    value: None,
                    quoted: false,
                });
            }
        }
    }
    out
}

/// Parses one `append` item: exactly one argument.
pub fn parse_argument(text: &str) -> Result<KernelArgument, String> {
    let mut args = parse(text);
    if args.len() != 1 {
        return Err(format!("{} is not a unique kernel argument", quote(text)));
    }
    Ok(args.remove(0))
}

/// Parses one `allow`/`remove` item: exactly one argument, globbing only as a bare `*`.
pub fn parse_pattern(text: &str) -> Result<KernelArgumentPattern, String> {
    let argument = parse_argument(text)?;
    let mut wildcard = false;
    if let (Some(v), false) = (&argument.value, argument.quoted) {
        if v == "*" {
            wildcard = true;
        } else if v.contains(['*', '?', '[', ']', '\\', '{', '}']) {
            return Err(format!(
                "{} contains globbing characters and is not quoted",
                quote(v)
            ));
        }
    }
    Ok(KernelArgumentPattern { argument, wildcard })
}

/// snapd's `isKernelArgumentAllowed`.
pub fn is_allowed(param: &str) -> bool {
    if matches!(param, "root" | "nfsroot" | "init") {
        return false;
    }
    if param.starts_with("snapd") {
        return param == "snapd_system_disk" || param == "snapd.debug";
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        let a = parse_argument("console=ttyS0,115200").unwrap();
        assert_eq!(a.param, "console");
        assert_eq!(a.value.as_deref(), Some("ttyS0,115200"));
        let q = parse_argument("opt=\"a b\"").unwrap();
        assert_eq!(q.value.as_deref(), Some("a b"));
        assert!(q.quoted);
        assert_eq!(
            parse_argument("a b"),
            Err("\"a b\" is not a unique kernel argument".into())
        );
        assert!(parse_argument("").is_err());
    }

    #[test]
    fn patterns() {
        let p = parse_pattern("foo=*").unwrap();
        assert!(p.wildcard);
        let arg = parse_argument("foo=bar").unwrap();
        assert!(p.matches(&arg));
        let lit = parse_pattern("foo=\"*\"").unwrap();
        assert!(!lit.wildcard && !lit.matches(&arg));
        assert_eq!(
            parse_pattern("foo=b*r"),
            Err("\"b*r\" contains globbing characters and is not quoted".into())
        );
    }

    #[test]
    fn allowed() {
        assert!(!is_allowed("root"));
        assert!(!is_allowed("snapd_recovery_mode"));
        assert!(is_allowed("snapd.debug"));
        assert!(is_allowed("console"));
    }
}
