//! Stopping a run cleanly on Ctrl-C (SIGINT) or SIGTERM.
//!
//! [`Stop`] is a flag shared between the signal handlers and the run: a signal only records itself, and
//! the run checks the flag between articles, stops reading, and returns [`crate::Error::Interrupted`]
//! so that the output's temporary files are removed on the way out and the previous tables stay as
//! they were. A second signal while the run is stopping ends the process at once, with the same exit
//! status. What to do with a stopped run (exit status, a resumable journal) is left to the caller.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// A signal that stops a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT, Ctrl-C.
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl Signal {
    /// The shell's exit status for a process ended by the signal: 128 plus its number.
    pub fn exit_status(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }

    fn number(self) -> usize {
        usize::from(self.exit_status() - 128)
    }

    fn from_number(n: usize) -> Option<Signal> {
        [Signal::Interrupt, Signal::Terminate]
            .into_iter()
            .find(|s| s.number() == n)
    }
}

/// Whether a run was asked to stop, and by which signal. Cheap to clone; clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Stop {
    /// The number of the signal that asked to stop; 0 while running.
    signal: Arc<AtomicUsize>,
    /// Set with `signal`: a second signal then ends the process at once.
    stopping: Arc<AtomicBool>,
}

impl Stop {
    /// A flag that nothing sets but [`Stop::request`].
    pub fn new() -> Self {
        Stop::default()
    }

    /// A flag set by SIGINT and SIGTERM. Unix only; elsewhere the flag is only set by
    /// [`Stop::request`].
    pub fn on_signals() -> Result<Self> {
        let stop = Stop::new();
        #[cfg(unix)]
        for signal in [Signal::Interrupt, Signal::Terminate] {
            let number = signal.number() as i32;
            let failed =
                |e: std::io::Error| Error::Usage(format!("cannot handle {}: {e}", signal.name()));
            // Registered first, so that it sees the flag as it was before this signal.
            signal_hook::flag::register_conditional_shutdown(
                number,
                i32::from(signal.exit_status()),
                Arc::clone(&stop.stopping),
            )
            .map_err(failed)?;
            signal_hook::flag::register_usize(number, Arc::clone(&stop.signal), signal.number())
                .map_err(failed)?;
            signal_hook::flag::register(number, Arc::clone(&stop.stopping)).map_err(failed)?;
        }
        Ok(stop)
    }

    /// Asks the run to stop as if `signal` had arrived.
    pub fn request(&self, signal: Signal) {
        self.signal.store(signal.number(), Ordering::SeqCst);
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// The signal that asked the run to stop, if any.
    pub fn requested(&self) -> Option<Signal> {
        Signal::from_number(self.signal.load(Ordering::SeqCst))
    }

    /// `Err(Error::Interrupted)` once a stop was asked for.
    pub fn check(&self) -> Result<()> {
        match self.requested() {
            Some(signal) => Err(Error::Interrupted(signal)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_seen_by_every_clone_and_names_its_signal() {
        let stop = Stop::new();
        let seen_by_the_run = stop.clone();
        assert!(seen_by_the_run.check().is_ok());
        stop.request(Signal::Terminate);
        assert_eq!(seen_by_the_run.requested(), Some(Signal::Terminate));
        let err = seen_by_the_run.check().unwrap_err();
        assert!(matches!(err, Error::Interrupted(Signal::Terminate)));
        assert_eq!(Signal::Terminate.exit_status(), 143);
        assert_eq!(Signal::Interrupt.exit_status(), 130);
    }
}
