//! A progress bar on stderr for runs that take more than a moment: only when asked
//! (stderr is a terminal and not `--quiet`), and only once a second has gone by, so that
//! quick runs and piped output never see it.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows after this long.
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    /// `enabled`: the caller checked that stderr is a terminal and the user wants it.
    pub fn new(enabled: bool) -> Self {
        Progress {
            bar: enabled.then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())),
            started: Instant::now(),
            shown: std::cell::Cell::new(false),
        }
    }

    pub fn start(&self, total_bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total_bytes);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
    }

    pub fn set(&self, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        if !self.shown.get() && self.started.elapsed() >= DELAY {
            self.shown.set(true);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_position(bytes);
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
