//! The `assertions/` directory of a seed or system: every file, in name order, a stream
//! added to a [`Batch`] (snapd's `seed.loadAssertions`).

use std::path::Path;

use super::batch::{Batch, Ref};
use super::error::AssertionsError;

/// Reads every file of `dir` into `batch`, calling `seen` with the reference of each
/// assertion added.
pub(crate) fn read_dir(
    dir: &Path,
    batch: &mut Batch,
    mut seen: impl FnMut(&Ref) -> Result<(), AssertionsError>,
) -> Result<(), AssertionsError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(AssertionsError::NoAssertions);
        }
        Err(e) => return Err(AssertionsError::ReadDir(e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        names.push(entry.map_err(AssertionsError::ReadDir)?.file_name());
    }
    names.sort();
    for name in names {
        let path = dir.join(name);
        let file = std::fs::File::open(&path).map_err(|source| AssertionsError::OpenFile {
            path: path.clone(),
            source,
        })?;
        let refs = batch
            .add_stream(std::io::BufReader::new(file))
            .map_err(AssertionsError::Read)?;
        for r in &refs {
            seen(r)?;
        }
    }
    Ok(())
}
