//! Writing files so that a reader never sees half of one: each is written to a temporary file
//! beside it and renamed into place.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Writes `bytes` to `dir/name` through a temporary file renamed into place.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
    let path = dir.join(name);
    let fail = |source| Error::Output {
        path: path.clone(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    // Temporary files are private; results are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&path).map_err(|e| fail(e.error))?;
    Ok(path)
}

/// Writes output files into `dir`, creating it. Every file is complete before any is written.
pub fn write_files(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, bytes) in files {
        write_atomically(dir, name, bytes)?;
    }
    Ok(())
}
