//! Where the binary writes: standard output and `-o` files that remember their first
//! failure, stderr messages that can never fail the run, and files for secrets that are
//! created new, owner-only, and never through a link or over an input.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tlsscope::report::text::terminal_safe;

/// One line on stderr, `tlsscope: …`, with the input's bytes escaped. A stderr that
/// cannot be written (closed, a full disk) is not worth failing the run for.
pub fn say(msg: &str) {
    let _ = writeln!(io::stderr().lock(), "tlsscope: {}", terminal_safe(msg));
}

/// Whether standard output was closed when the process started. Rust's runtime opens
/// /dev/null on a closed stdout before `main`, which would make every write succeed
/// silently, so this is looked at earlier, from the ELF initialisers.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static CHECK_STDOUT: extern "C" fn() = check_stdout;

#[cfg(target_os = "linux")]
extern "C" fn check_stdout() {
    // SAFETY: F_GETFD on a descriptor number only reads the descriptor table.
    if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// A buffered output that keeps the first write error instead of returning it, so that
/// the views need no error paths; [`Output::finish`] reports it. After an error nothing
/// more is written, and the run is asked to stop.
pub struct Output {
    w: BufWriter<Box<dyn Write + Send>>,
    name: String,
    error: Option<io::Error>,
    stop: Option<Arc<AtomicBool>>,
}

impl Output {
    /// Standard output, through its own descriptor: Rust's `Stdout` takes a closed
    /// descriptor for success and writes nothing, silently.
    pub fn stdout() -> Result<Self, String> {
        use std::os::fd::AsFd;
        if STDOUT_CLOSED.load(Ordering::Relaxed) {
            return Err("writing standard output: it is closed".into());
        }
        let fd = io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| format!("writing standard output: {e}"))?;
        Ok(Output::new(
            Box::new(std::fs::File::from(fd)),
            "standard output",
        ))
    }

    fn new(w: Box<dyn Write + Send>, name: &str) -> Self {
        Output {
            w: BufWriter::with_capacity(64 << 10, w),
            name: name.to_string(),
            error: None,
            stop: None,
        }
    }

    /// Sets `stop` when a write fails: nobody will read the rest.
    pub fn stop_on_close(mut self, stop: Arc<AtomicBool>) -> Self {
        self.stop = Some(stop);
        self
    }

    fn fail(&mut self, e: io::Error) {
        if let Some(s) = &self.stop {
            s.store(true, Ordering::Relaxed);
        }
        self.error.get_or_insert(e);
    }

    /// Flushes; the first failure, if any, as a message. A closed pipe (`| head`) is
    /// not a failure: the reader had what it wanted.
    pub fn finish(mut self) -> Result<(), String> {
        if self.error.is_none() {
            if let Err(e) = self.w.flush() {
                self.fail(e);
            }
        }
        match self.error.take() {
            None => Ok(()),
            Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            Some(e) => Err(format!("writing {}: {e}", self.name)),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.error.is_none() {
            if let Err(e) = self.w.write_all(buf) {
                self.fail(e);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.error.is_none() {
            if let Err(e) = self.w.flush() {
                self.fail(e);
            }
        }
        Ok(())
    }
}

/// An output file for secrets (`keylog -o`), checked before the run and created when
/// the run has something to write.
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

    /// Creates the file new, mode 0600. A file being replaced is removed first and the
    /// new one created exclusively, so that nothing swapped in meanwhile (a link) is
    /// ever followed.
    pub fn create(self) -> Result<Output, String> {
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
        let file = opts.open(&self.path).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => format!("{shown}: exists (--force replaces it)"),
            _ => format!("{shown}: {e}"),
        })?;
        Ok(Output::new(Box::new(file), &shown))
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
