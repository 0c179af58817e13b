//! Channel names in publishing requests.

use crate::Error;
use crate::channel::Channel;

/// Parses channel names (snapd's texts for a bad one, as [`Error::BadRequest`]); each
/// channel once, in the order first given.
pub(crate) fn parse_channels(names: &[String]) -> Result<Vec<Channel>, Error> {
    let mut channels: Vec<Channel> = Vec::with_capacity(names.len().min(64));
    for name in names {
        let channel = Channel::parse(name).map_err(|e| Error::BadRequest(e.to_string()))?;
        if !channels.contains(&channel) {
            channels.push(channel);
        }
    }
    Ok(channels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_once_each_and_bad_ones_are_refused() {
        let names = ["stable", "latest/stable", "2.0/beta/fix"].map(String::from);
        let full: Vec<String> = parse_channels(&names)
            .unwrap()
            .iter()
            .map(Channel::full)
            .collect();
        assert_eq!(full, ["latest/stable", "2.0/beta/fix"]);
        let err = parse_channels(&["../edge".to_string()]).unwrap_err();
        assert_eq!(err.to_string(), "invalid channel name: ../edge");
        assert_eq!(err.http_status(), 400);
    }
}
