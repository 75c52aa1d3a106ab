//! A spinner on standard error for work that takes more than a moment; nothing when standard
//! error is not a terminal (scripts, CI, pipes).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget};

/// Shows the phase of long work.
#[derive(Debug)]
pub struct Spinner(ProgressBar);

impl Spinner {
    /// A spinner that draws only on a terminal.
    pub fn new(what: &str) -> Spinner {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        bar.set_message(what.to_owned());
        Spinner(bar)
    }

    /// Clears the spinner.
    pub fn done(&self) {
        self.0.finish_and_clear();
    }
}

impl kaohe::lifecycle::Progress for Spinner {
    fn phase(&self, name: &str) {
        self.0.set_message(name.to_owned());
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
