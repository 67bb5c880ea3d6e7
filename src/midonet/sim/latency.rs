//! The write-latency clock: when each write's `--write-latency-ms` ends. Timers wake late
//! (tokio rounds to whole milliseconds; a loaded machine schedules threads late), and that
//! lateness must not accumulate, or N serialized writes would take N × (latency + slack):
//!
//! * a write that queued behind another starts its latency at the previous write's deadline
//!   (the previous wake-up lateness is absorbed by this write);
//! * a write that found the lock idle pays back the previous write's lateness ("debt").
//!
//! Individual writes may so hold the lock slightly less than the latency; every run of N
//! writes holds it N × latency (plus the last write's lateness).
use std::time::{Duration, Instant};

/// State of the clock (kept under the emulator's write lock).
#[derive(Debug, Default)]
pub struct WriteClock {
    last_deadline: Option<Instant>,
    debt: Duration,
}

impl WriteClock {
    /// The deadline of a write that arrived at `arrived` and now holds the lock.
    pub fn deadline(&mut self, arrived: Instant, latency: Duration) -> Instant {
        let (start, target) = match self.last_deadline {
            Some(last) if last > arrived => (last, latency),
            _ => (arrived, latency.saturating_sub(self.debt)),
        };
        self.debt = Duration::ZERO;
        // checked: an absurd --write-latency-ms must not panic on Instant overflow.
        let d = start.checked_add(target).unwrap_or(start);
        self.last_deadline = Some(d);
        d
    }

    /// Records that the write due at `deadline` really woke at `woke`.
    pub fn finished(&mut self, deadline: Instant, woke: Instant, latency: Duration) {
        self.debt = woke.saturating_duration_since(deadline).min(latency);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_writes_chain_and_idle_writes_pay_back_lateness() {
        let ms = Duration::from_millis;
        let t0 = Instant::now();
        let mut c = WriteClock::default();
        let d1 = c.deadline(t0, ms(5));
        assert_eq!(d1, t0 + ms(5));
        // Woke 1 ms late; the next write had queued (arrived before d1): chained.
        c.finished(d1, d1 + ms(1), ms(5));
        let d2 = c.deadline(t0 + ms(1), ms(5));
        assert_eq!(d2, t0 + ms(10));
        // Woke 2 ms late; the next write arrives after the lock went idle: pays back 2 ms.
        c.finished(d2, d2 + ms(2), ms(5));
        let arrived = t0 + ms(13);
        assert_eq!(c.deadline(arrived, ms(5)), arrived + ms(3));
    }
}
