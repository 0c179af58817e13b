//! The assertion type table (snapd's `asserts/asserts.go`: the `AssertionType`
//! values and `typeRegistry`): names, primary keys, authority, sequences,
//! formats and body rules.

use serde::{Serialize, Serializer};

/// One primary-key header of a type, with its default if it is optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrimaryKey {
    /// The header name.
    pub name: &'static str,
    /// The default filled in when the header is absent (optional keys only).
    pub default: Option<&'static str>,
}

const fn key(name: &'static str) -> PrimaryKey {
    PrimaryKey {
        name,
        default: None,
    }
}

const PROVENANCE: PrimaryKey = PrimaryKey {
    name: "provenance",
    default: Some("global-upload"),
};

/// What a type does with the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyRule {
    /// Any body is accepted and not interpreted.
    Ignored,
    /// The body is content the type interprets (repair script, serial-request); it
    /// may be empty.
    Optional,
    /// The body is a v1-encoded public key (checked by the typed view).
    PublicKey,
    /// The body must be canonical JSON (snapd's `checkJSON`, newer than 2.57; checked
    /// when decoding).
    Json,
    /// The body must not be empty (checked by the typed view).
    NonEmpty,
}

struct TypeInfo {
    name: &'static str,
    primary_key: &'static [PrimaryKey],
    authority: bool,
    sequence_forming: bool,
    max_format: i64,
    body: BodyRule,
    timestamp: bool,
}

macro_rules! types {
    ($( $variant:ident = $name:literal [$($pk:expr),*] auth=$auth:literal seq=$seq:literal fmt=$fmt:literal body=$body:ident ts=$ts:literal; )*) => {
        /// An assertion type known to snapd today (newer than 2.57). Decoding rejects any
        /// other, as snapd's `asserts.Type` lookup does.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum AssertionType {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        const ALL: &[AssertionType] = &[$(AssertionType::$variant),*];

        /// One row per variant, in declaration order.
        static TABLE: &[TypeInfo] = &[$(
            TypeInfo {
                name: $name,
                primary_key: &[$($pk),*],
                authority: $auth,
                sequence_forming: $seq,
                max_format: $fmt,
                body: BodyRule::$body,
                timestamp: $ts,
            },
        )*];

        impl AssertionType {
            fn info(self) -> &'static TypeInfo {
                // Discriminants are 0..N in declaration order, like TABLE.
                &TABLE[self as usize]
            }

            /// The type named `name`, if snapd knows it.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(AssertionType::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

types! {
    Account = "account" [key("account-id")] auth=true seq=false fmt=0 body=Ignored ts=true;
    AccountKey = "account-key" [key("public-key-sha3-384")] auth=true seq=false fmt=1 body=PublicKey ts=false;
    Repair = "repair" [key("brand-id"), key("repair-id")] auth=true seq=true fmt=0 body=Optional ts=true;
    Model = "model" [key("series"), key("brand-id"), key("model")] auth=true seq=false fmt=0 body=Ignored ts=true;
    Serial = "serial" [key("brand-id"), key("model"), key("serial")] auth=true seq=false fmt=0 body=Ignored ts=true;
    BaseDeclaration = "base-declaration" [key("series")] auth=true seq=false fmt=0 body=Ignored ts=true;
    SnapDeclaration = "snap-declaration" [key("series"), key("snap-id")] auth=true seq=false fmt=7 body=Ignored ts=true;
    SnapBuild = "snap-build" [key("snap-sha3-384")] auth=true seq=false fmt=0 body=Ignored ts=true;
    SnapRevision = "snap-revision" [key("snap-sha3-384"), PROVENANCE] auth=true seq=false fmt=0 body=Ignored ts=true;
    SnapDeveloper = "snap-developer" [key("snap-id"), key("publisher-id")] auth=true seq=false fmt=0 body=Ignored ts=false;
    SystemUser = "system-user" [key("brand-id"), key("email")] auth=true seq=false fmt=2 body=Ignored ts=false;
    Validation = "validation" [key("series"), key("snap-id"), key("approved-snap-id"), key("approved-snap-revision")] auth=true seq=false fmt=0 body=Ignored ts=true;
    ValidationSet = "validation-set" [key("series"), key("account-id"), key("name"), key("sequence")] auth=true seq=true fmt=0 body=Ignored ts=true;
    Store = "store" [key("store")] auth=true seq=false fmt=0 body=Ignored ts=true;
    Preseed = "preseed" [key("series"), key("brand-id"), key("model"), key("system-label")] auth=true seq=false fmt=0 body=Ignored ts=true;
    SnapResourceRevision = "snap-resource-revision" [key("snap-id"), key("resource-name"), key("resource-sha3-384"), PROVENANCE] auth=true seq=false fmt=0 body=Ignored ts=true;
    SnapResourcePair = "snap-resource-pair" [key("snap-id"), key("resource-name"), key("resource-revision"), key("snap-revision"), PROVENANCE] auth=true seq=false fmt=0 body=Ignored ts=true;
    ConfdbSchema = "confdb-schema" [key("account-id"), key("name")] auth=true seq=false fmt=0 body=Json ts=false;
    Cluster = "cluster" [key("cluster-id"), key("sequence")] auth=true seq=true fmt=0 body=Ignored ts=false;
    RequestMessage = "request-message" [key("account-id"), key("message-id")] auth=true seq=false fmt=0 body=NonEmpty ts=false;
    HardwareIdentity = "hardware-identity" [key("issuer-id"), key("hardware-id-key-sha3-384")] auth=true seq=false fmt=0 body=Ignored ts=false;
    DeviceSessionRequest = "device-session-request" [key("brand-id"), key("model"), key("serial")] auth=false seq=false fmt=0 body=Ignored ts=true;
    SerialRequest = "serial-request" [] auth=false seq=false fmt=0 body=Optional ts=false;
    AccountKeyRequest = "account-key-request" [key("public-key-sha3-384")] auth=false seq=false fmt=0 body=PublicKey ts=false;
    ConfdbControl = "confdb-control" [key("brand-id"), key("model"), key("serial")] auth=false seq=false fmt=0 body=Ignored ts=false;
    ResponseMessage = "response-message" [key("account-id"), key("message-id"), key("device")] auth=false seq=false fmt=0 body=Ignored ts=false;
}

impl AssertionType {
    /// Every type, in the order snapd declares them in `asserts/asserts.go`.
    pub fn all() -> &'static [AssertionType] {
        ALL
    }

    /// The type's name, as written in the `type` header.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The primary-key headers, in order.
    pub fn primary_key(self) -> &'static [PrimaryKey] {
        self.info().primary_key
    }

    /// Whether the type has an authority (`authority-id` required); otherwise
    /// `authority-id` is forbidden.
    pub fn has_authority(self) -> bool {
        self.info().authority
    }

    /// Whether the type forms sequences (its last primary key is an integer ≥ 1).
    pub fn is_sequence_forming(self) -> bool {
        self.info().sequence_forming
    }

    /// The highest format this implementation understands
    /// (snap-declaration 7, system-user 2, account-key 1, else 0).
    pub fn max_supported_format(self) -> i64 {
        self.info().max_format
    }

    /// Whether an assertion of `format` is supported (`format <= max`).
    pub fn supported_format(self, format: i64) -> bool {
        format <= self.max_supported_format()
    }

    /// What the type does with the body.
    pub fn body_rule(self) -> BodyRule {
        self.info().body
    }

    /// Whether the body must be canonical JSON (only confdb-schema).
    pub fn json_body(self) -> bool {
        self.info().body == BodyRule::Json
    }

    /// Whether the type has a `timestamp` header that the database checks against
    /// the signing key's validity (snapd's `CheckTimestampVsSigningKeyValidity` in
    /// `asserts/database.go`).
    pub fn has_timestamp(self) -> bool {
        self.info().timestamp
    }
}

impl std::fmt::Display for AssertionType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for AssertionType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::str::FromStr for AssertionType {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AssertionType::from_name(s).ok_or_else(|| crate::Error::UnknownType { name: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips_names() {
        assert_eq!(AssertionType::all().len(), 26);
        for &t in AssertionType::all() {
            assert_eq!(AssertionType::from_name(t.name()), Some(t));
            if t.is_sequence_forming() {
                assert!(t.primary_key().iter().all(|k| k.default.is_none()));
            }
        }
        assert_eq!(AssertionType::from_name("nope"), None);
        assert_eq!(
            "nope".parse::<AssertionType>().unwrap_err().to_string(),
            r#"unknown assertion type: "nope""#
        );
    }

    #[test]
    fn formats_and_flags() {
        assert_eq!(AssertionType::SnapDeclaration.max_supported_format(), 7);
        assert_eq!(AssertionType::SystemUser.max_supported_format(), 2);
        assert_eq!(AssertionType::AccountKey.max_supported_format(), 1);
        assert_eq!(AssertionType::Model.max_supported_format(), 0);
        assert!(AssertionType::AccountKey.supported_format(1));
        assert!(!AssertionType::AccountKey.supported_format(2));
        assert!(!AssertionType::SerialRequest.has_authority());
        assert!(AssertionType::ConfdbSchema.json_body());
        assert_eq!(
            AssertionType::SnapRevision.primary_key()[1].default,
            Some("global-upload")
        );
    }
}
