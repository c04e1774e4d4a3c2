//! Files the run writes that must never land on something else: secrets (`keylog
//! -o`) and exported bodies. Created new, mode 0600, never through a symbolic link,
//! never over an input of the run, never over an existing file without `--force`.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

/// An output file checked before the run and created when the run has something to
/// write.
pub struct PrivateFile {
    path: PathBuf,
    replace: bool,
}

impl PrivateFile {
    /// Refuses a path that exists (unless `force`), a symbolic link (even with `force`:
    /// its target would be overwritten), anything but a regular file, and any of the
    /// run's `inputs` (compared by device and inode, so a hard link is caught too).
    pub fn check(path: &Path, force: bool, inputs: &[PathBuf]) -> Result<PrivateFile, String> {
        let shown = path.display();
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(PrivateFile {
                    path: path.to_path_buf(),
                    replace: false,
                })
            }
            Err(e) => return Err(format!("{shown}: {e}")),
        };
        if meta.file_type().is_symlink() {
            return Err(format!(
                "{shown}: is a symbolic link: refusing to write secrets through it"
            ));
        }
        if !meta.is_file() {
            return Err(format!("{shown}: exists and is not a regular file"));
        }
        if is_input(&meta, inputs) {
            return Err(format!(
                "{shown}: is an input of this run: refusing to overwrite it"
            ));
        }
        if !force {
            return Err(format!("{shown}: exists (--force replaces it)"));
        }
        Ok(PrivateFile {
            path: path.to_path_buf(),
            replace: true,
        })
    }

    /// The path checked.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the file new, mode 0600. A file being replaced is removed first and the
    /// new one created exclusively, so that nothing swapped in meanwhile (a link) is
    /// ever followed.
    pub fn create_file(self) -> Result<std::fs::File, String> {
        let shown = self.path.display().to_string();
        if self.replace {
            std::fs::remove_file(&self.path).map_err(|e| format!("{shown}: {e}"))?;
        }
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(&self.path).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => format!("{shown}: exists (--force replaces it)"),
            _ => format!("{shown}: {e}"),
        })
    }
}

#[cfg(unix)]
fn is_input(meta: &std::fs::Metadata, inputs: &[PathBuf]) -> bool {
    use std::os::unix::fs::MetadataExt;
    inputs
        .iter()
        .any(|p| std::fs::metadata(p).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino()))
}

#[cfg(not(unix))]
fn is_input(_meta: &std::fs::Metadata, inputs: &[PathBuf]) -> bool {
    let _ = inputs;
    false
}
