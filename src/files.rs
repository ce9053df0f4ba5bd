//! Writing files so that a reader never sees half of one, and an output directory never holds
//! the files of two runs.
//!
//! - [`write_atomically`]: one file, written to a temporary file beside it and renamed into
//!   place (checkpoints, shard files, scripts).
//! - [`publish`]: a whole set of outputs. They are written into a staging directory inside the
//!   output directory; renaming it to `.casesim-staging` is the moment the new set exists; the
//!   files are then moved into place one by one, the files of the previous set that the new one
//!   does not have are removed, and the list of files (`.casesim-files`) is replaced last. A
//!   process killed while moving leaves the staging directory, and the next casesim command on
//!   the directory finishes the move ([`recover`]) before it does anything else, so the
//!   directory holds one run's outputs. Only files that casesim listed as its own are ever
//!   removed: a user's files beside them are left alone.
//! - [`lock_dir`]: one casesim process at a time per output directory.
//! - [`safe_file_name`]: a scenario name made fit to be a directory name.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use crate::error::Error;

fn output_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `dir/name` through a temporary file renamed into place.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
    let path = dir.join(name);
    let fail = output_error(&path);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(&fail)?;
    tmp.write_all(bytes).map_err(&fail)?;
    // Temporary files are private; results are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(&fail)?;
    }
    tmp.as_file().sync_all().map_err(&fail)?;
    tmp.persist(&path).map_err(|e| fail(e.error))?;
    drop(fail);
    Ok(path)
}

/// Writes output files into `dir`, creating it. Every file is complete before any is written.
pub fn write_files(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(output_error(dir))?;
    for (name, bytes) in files {
        write_atomically(dir, name, bytes)?;
    }
    Ok(())
}

/// A scenario name reduced to a safe directory name: letters, digits and `-_.+=,` kept, any
/// other character (a `/`, a `\`, a space, a control character) replaced by `_`, no leading
/// dot (so neither `.`, `..` nor a hidden name), at most 100 characters, and `scenario` when
/// nothing is left. `output/<name>` then always stays inside `output/`.
pub fn safe_file_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '=' | ',') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed: String = kept.trim_start_matches('.').chars().take(100).collect();
    if trimmed.is_empty() {
        "scenario".into()
    } else {
        trimmed
    }
}

/// The lock file inside an output directory.
pub const LOCK_NAME: &str = ".casesim.lock";
/// The list of the files casesim wrote in an output directory, one name a line.
pub const MANIFEST_NAME: &str = ".casesim-files";
/// A complete set of new outputs not yet all moved into place.
const STAGING_NAME: &str = ".casesim-staging";
/// The prefix of a staging directory still being written (incomplete: removed on recovery).
const STAGING_TMP_PREFIX: &str = ".casesim-staging-";

/// An output directory held by this process: other casesim processes are refused until it is
/// dropped. The lock is the operating system's (`flock` on Unix), so a process that dies
/// releases it; the file holds the holder's process id, for the message.
pub struct DirLock {
    file: File,
    path: PathBuf,
    dir: PathBuf,
    /// Whether this process created the directory (removed again if it is left empty).
    created: bool,
}

/// Takes the lock of output directory `dir`, creating the directory. Refused, naming the
/// holder, when another casesim process holds it; then finishes a move of outputs that a
/// killed process left half done ([`recover`]).
pub fn lock_dir(dir: &Path) -> Result<DirLock, Error> {
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(output_error(dir))?;
    let path = dir.join(LOCK_NAME);
    let fail = output_error(&path);
    loop {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(&fail)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if !holder.is_empty() && holder.chars().all(|c| c.is_ascii_digit()) {
                    format!("another casesim process (pid {holder})")
                } else {
                    "another casesim process".to_string()
                };
                return Err(Error::Output {
                    path: dir.to_path_buf(),
                    source: std::io::Error::other(format!(
                        "{who} is writing this directory; wait for it to end, or give \
                         another --out"
                    )),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
        // The holder before may have removed the file between our open and our lock: then
        // the lock is on a file no one else will see, so take the new one.
        if same_file(&file, &path) {
            file.set_len(0).map_err(&fail)?;
            write!(file, "{}", std::process::id()).map_err(&fail)?;
            drop(fail);
            let lock = DirLock {
                file,
                path,
                dir: dir.to_path_buf(),
                created,
            };
            recover(dir)?;
            return Ok(lock);
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

impl DirLock {
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still held, so a process waiting on it takes the next file instead.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
        if self.created {
            let _ = std::fs::remove_dir(&self.dir); // only if empty
        }
    }
}

/// Whether `name` may be one of casesim's outputs in a directory's list: a plain file name
/// (no path, not hidden) of the kinds casesim writes. A list edited by hand can therefore
/// never make casesim remove anything else.
fn is_output_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && Path::new(name).file_name().is_some_and(|f| f == name)
        && [".csv", ".svg", ".png", ".json", ".html"]
            .iter()
            .any(|x| name.ends_with(x))
}

fn read_manifest(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .filter(|n| is_output_name(n))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// How a new set of outputs relates to the files already in the directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    /// The new files are the whole of the outputs (a run, sweep, comparison or merge): files
    /// casesim wrote before that the new set does not have are removed.
    All,
    /// The new files replace only their namesakes (`casesim plot` redrawing the plots).
    Same,
}

/// Writes a set of output files into `dir` (which the caller has locked) so that it replaces
/// the previous set as a whole: see the module's documentation.
pub fn publish(dir: &Path, files: &[(String, Vec<u8>)], replace: Replace) -> Result<(), Error> {
    recover(dir)?;
    let staging = tempfile::Builder::new()
        .prefix(STAGING_TMP_PREFIX)
        .tempdir_in(dir)
        .map_err(output_error(dir))?;
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    if replace == Replace::Same {
        for old in read_manifest(&dir.join(MANIFEST_NAME)) {
            if !names.contains(&old) {
                names.push(old);
            }
        }
    }
    for (name, bytes) in files {
        debug_assert!(is_output_name(name), "{name}");
        let path = staging.path().join(name);
        let fail = output_error(&path);
        let mut f = File::create(&path).map_err(&fail)?;
        f.write_all(bytes).map_err(&fail)?;
        f.sync_all().map_err(&fail)?;
    }
    let manifest = staging.path().join(MANIFEST_NAME);
    let mut list = names.join("\n");
    list.push('\n');
    std::fs::write(&manifest, list).map_err(output_error(&manifest))?;
    sync_dir(staging.path());
    // The commit: from here the new set exists and will be moved into place, now or by the
    // next command on the directory.
    let committed = dir.join(STAGING_NAME);
    std::fs::rename(staging.path(), &committed).map_err(output_error(&committed))?;
    let _ = staging.keep();
    sync_dir(dir);
    recover(dir)
}

fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Finishes what a killed [`publish`] left: moves a committed set of outputs into place, and
/// removes a staging directory that was never committed (it is incomplete).
pub fn recover(dir: &Path) -> Result<(), Error> {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with(STAGING_TMP_PREFIX)
                && entry.file_type().is_ok_and(|t| t.is_dir())
            {
                let path = entry.path();
                std::fs::remove_dir_all(&path).map_err(output_error(&path))?;
            }
        }
    }
    let staging = dir.join(STAGING_NAME);
    if !staging.is_dir() {
        return Ok(());
    }
    let new = read_manifest(&staging.join(MANIFEST_NAME));
    let old = read_manifest(&dir.join(MANIFEST_NAME));
    for name in &new {
        let from = staging.join(name);
        if from.exists() {
            let to = dir.join(name);
            std::fs::rename(&from, &to).map_err(output_error(&to))?;
        }
    }
    for name in old.iter().filter(|n| !new.contains(n)) {
        let path = dir.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(output_error(&path)(e)),
        }
    }
    let manifest = dir.join(MANIFEST_NAME);
    std::fs::rename(staging.join(MANIFEST_NAME), &manifest).map_err(output_error(&manifest))?;
    std::fs::remove_dir_all(&staging).map_err(output_error(&staging))?;
    sync_dir(dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_becomes_one_safe_path_component() {
        for (name, expect) in [
            ("baseline", "baseline"),
            ("../../../../x", "_.._.._.._x"),
            ("/etc/passwd", "_etc_passwd"),
            ("..", "scenario"),
            (".", "scenario"),
            ("", "scenario"),
            ("a\nb\tc", "a_b_c"),
            ("C:\\x", "C__x"),
            ("..hidden", "hidden"),
            ("caseload=50 cap", "caseload=50_cap"),
        ] {
            let safe = safe_file_name(name);
            assert_eq!(safe, expect, "{name:?}");
            let joined = Path::new("output").join(&safe);
            assert_eq!(joined.parent(), Some(Path::new("output")), "{name:?}");
            assert!(
                joined
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_))),
                "{name:?}"
            );
        }
        assert_eq!(safe_file_name(&"x".repeat(500)).len(), 100);
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_published_set_replaces_the_previous_one_whole_and_leaves_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        std::fs::write(dir.join("mine.csv"), "mine").unwrap();
        let set = |names: &[&str], text: &str| -> Vec<(String, Vec<u8>)> {
            names
                .iter()
                .map(|n| (n.to_string(), text.as_bytes().to_vec()))
                .collect()
        };
        publish(dir, &set(&["a.csv", "b.csv"], "1"), Replace::All).unwrap();
        publish(dir, &set(&["a.csv", "c.png"], "2"), Replace::All).unwrap();
        assert_eq!(
            names_in(dir),
            [MANIFEST_NAME, "a.csv", "c.png", "mine.csv", "notes.txt"]
        );
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "2");
        publish(dir, &set(&["d.svg"], "3"), Replace::Same).unwrap();
        assert!(dir.join("a.csv").exists() && dir.join("d.svg").exists());
        assert_eq!(
            std::fs::read_to_string(dir.join("mine.csv")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_move_cut_short_is_finished_by_the_next_command_and_a_hand_edited_list_removes_nothing_else()
     {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let one = vec![("a.csv".to_string(), b"old".to_vec())];
        publish(dir, &one, Replace::All).unwrap();
        std::fs::write(dir.join("b.csv"), "old b").unwrap();
        // A committed set whose move was killed after `a.csv`'s namesake... not yet moved.
        let staging = dir.join(STAGING_NAME);
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("a.csv"), "new").unwrap();
        std::fs::write(staging.join(MANIFEST_NAME), "a.csv\n").unwrap();
        // And an uncommitted one, which is dropped.
        let partial = dir.join(format!("{STAGING_TMP_PREFIX}x"));
        std::fs::create_dir(&partial).unwrap();
        std::fs::write(partial.join("a.csv"), "partial").unwrap();
        // A list edited to name files that are not outputs.
        std::fs::write(
            dir.join(MANIFEST_NAME),
            "a.csv\n../x.csv\n.casesim.lock\nb.txt\n",
        )
        .unwrap();
        std::fs::write(dir.join("b.txt"), "mine").unwrap();
        recover(dir).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "new");
        assert!(!staging.exists() && !partial.exists());
        assert!(dir.join("b.txt").exists(), "not an output name: kept");
        assert!(dir.join("b.csv").exists(), "never listed: kept");
    }

    #[test]
    fn a_locked_directory_is_refused_naming_the_holder_and_freed_when_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let lock = lock_dir(&dir).unwrap();
        let refused = lock_dir(&dir).err().expect("held");
        let message = refused.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("out"), "{message}");
        assert_eq!(refused.exit_code(), 3);
        drop(lock);
        assert!(!dir.exists(), "created empty by the lock, removed with it");
        std::fs::create_dir_all(&dir).unwrap();
        // A lock file left by a process that died holds no lock.
        std::fs::write(dir.join(LOCK_NAME), "999999").unwrap();
        let again = lock_dir(&dir).unwrap();
        drop(again);
        assert!(dir.exists() && !dir.join(LOCK_NAME).exists());
    }
}
