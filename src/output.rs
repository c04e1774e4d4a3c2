//! Where the binary writes: standard output and `-o` files that remember their first
//! failure, stderr messages that can never fail the run, and files for secrets that are
//! created new, owner-only, and never through a link or over an input.

use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tlsscope::files::PrivateFile;
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

/// Creates a secrets file (`keylog -o`) checked before the run.
pub fn create_private(file: PrivateFile) -> Result<Output, String> {
    let shown = file.path().display().to_string();
    let file = file.create_file()?;
    Ok(Output::new(Box::new(file), &shown))
}
