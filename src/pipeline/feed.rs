//! The hand-over from the thread that reads items to the thread that batches them.
//!
//! A channel wakes its receiver for each item it is sent; when items are small (a sentence for
//! `tenor rate`) and the two threads share a core, those wake-ups cost more than the work on the
//! item. A [`Feed`] is a queue under a lock that the batcher empties in one go: the reader wakes it
//! only when it waits idle for the first item, when a good part of a batch is waiting, or at the end
//! of the input. Slow input still streams, since an idle batcher is woken by the first item and a
//! busy one looks again within its linger. Batching, ordering and stopping are left to the caller
//! (`map_ordered_from`).

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Items, or their weight in bytes, that a waiting batcher is woken for: a quarter of a batch, so
/// that a batch is handed over in a few wake-ups rather than one per item.
const WAKE_ITEMS: usize = super::BATCH_ITEMS / 4;
const WAKE_WEIGHT: usize = super::BATCH_WEIGHT / 4;

/// The queue's bound, in items and in weight: the reader waits while it holds this much, so that
/// memory stays flat however far the batcher falls behind. One item is always let in, however heavy.
const HELD_ITEMS: usize = super::BATCH_ITEMS;
const HELD_WEIGHT: usize = super::BATCH_WEIGHT;

/// A bounded queue of items from one reader thread to one batcher thread.
pub(super) struct Feed<T> {
    queue: Mutex<Queue<T>>,
    /// The batcher waits on this for items.
    filled: Condvar,
    /// The reader waits on this for room.
    drained: Condvar,
}

struct Queue<T> {
    /// Each item with its weight, so that the batcher need not weigh it again.
    items: Vec<(T, usize)>,
    weight: usize,
    /// The reader will send nothing more.
    ended: bool,
    /// The batcher is gone; the reader stops at its next item.
    closed: bool,
    /// What the waiting batcher, if any, is waiting for.
    batcher: Waiting,
    /// The reader waits for room.
    reader_waits: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Waiting {
    Not,
    /// Any item: the batcher has no open batch.
    FirstItem,
    /// A good part of a batch ([`WAKE_ITEMS`], [`WAKE_WEIGHT`]): its open batch can wait.
    Plenty,
}

impl<T> Queue<T> {
    fn plenty(&self) -> bool {
        self.items.len() >= WAKE_ITEMS || self.weight >= WAKE_WEIGHT
    }

    fn full(&self) -> bool {
        !self.items.is_empty() && (self.items.len() >= HELD_ITEMS || self.weight >= HELD_WEIGHT)
    }
}

/// What [`Feed::take_into`] found.
pub(super) struct Taken {
    /// Nothing more will come after the items taken.
    pub ended: bool,
}

impl<T> Feed<T> {
    pub fn new() -> Feed<T> {
        Feed {
            queue: Mutex::new(Queue {
                items: Vec::new(),
                weight: 0,
                ended: false,
                closed: false,
                batcher: Waiting::Not,
                reader_waits: false,
            }),
            filled: Condvar::new(),
            drained: Condvar::new(),
        }
    }

    /// The queue, even if a thread panicked while holding it: its fields are plain values, each
    /// left consistent by every step that changes it.
    fn lock(&self) -> MutexGuard<'_, Queue<T>> {
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sends every item of `items` with its weight, then marks the end (also when `items` panics).
    /// Stops early once the batcher is gone.
    pub fn send_all(&self, items: impl Iterator<Item = T>, weigh: fn(&T) -> usize) {
        struct EndOnDrop<'a, T>(&'a Feed<T>);
        impl<T> Drop for EndOnDrop<'_, T> {
            fn drop(&mut self) {
                self.0.end();
            }
        }
        let _end = EndOnDrop(self);
        for item in items {
            let weight = weigh(&item);
            if !self.push(item, weight) {
                return;
            }
        }
    }

    /// Adds one item, waiting while the queue is full. False once the batcher is gone.
    fn push(&self, item: T, weight: usize) -> bool {
        let mut queue = self.lock();
        while queue.full() && !queue.closed {
            queue.reader_waits = true;
            queue = self
                .drained
                .wait(queue)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        queue.reader_waits = false;
        if queue.closed {
            return false;
        }
        queue.items.push((item, weight));
        queue.weight += weight;
        let wake = match queue.batcher {
            Waiting::Not => false,
            Waiting::FirstItem => true,
            Waiting::Plenty => queue.plenty(),
        };
        if wake {
            queue.batcher = Waiting::Not;
            drop(queue);
            self.filled.notify_one();
        }
        true
    }

    fn end(&self) {
        let mut queue = self.lock();
        queue.ended = true;
        let waiting = queue.batcher != Waiting::Not;
        queue.batcher = Waiting::Not;
        drop(queue);
        if waiting {
            self.filled.notify_one();
        }
    }

    /// Tells the reader that nothing more will be taken.
    pub fn close(&self) {
        let mut queue = self.lock();
        queue.closed = true;
        queue.items.clear();
        drop(queue);
        self.drained.notify_all();
    }

    /// Moves every waiting item, with its weight, into `into` (which the caller has emptied). With `idle` (no open
    /// batch) it waits up to `wait` for one item; otherwise up to `wait` for plenty, so that an
    /// open batch fills in a few hand-overs.
    pub fn take_into(&self, into: &mut Vec<(T, usize)>, wait: Duration, idle: bool) -> Taken {
        let mut queue = self.lock();
        let enough = |queue: &Queue<T>| {
            queue.ended
                || if idle {
                    !queue.items.is_empty()
                } else {
                    queue.plenty()
                }
        };
        if !enough(&queue) && !wait.is_zero() {
            queue.batcher = if idle {
                Waiting::FirstItem
            } else {
                Waiting::Plenty
            };
            queue = match self.filled.wait_timeout_while(queue, wait, |q| !enough(q)) {
                Ok((queue, _)) => queue,
                Err(poisoned) => poisoned.into_inner().0,
            };
            queue.batcher = Waiting::Not;
        }
        std::mem::swap(&mut queue.items, into);
        queue.weight = 0;
        let taken = Taken { ended: queue.ended };
        let reader_waits = queue.reader_waits;
        drop(queue);
        if reader_waits && !into.is_empty() {
            self.drained.notify_one();
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn one_byte(_: &u32) -> usize {
        1
    }

    #[test]
    fn every_item_arrives_once_in_order_and_the_end_is_seen() {
        let feed = Feed::new();
        let mut got = Vec::new();
        std::thread::scope(|scope| {
            scope.spawn(|| feed.send_all(0..50_000u32, one_byte));
            let mut taken = Vec::new();
            loop {
                let ended = feed
                    .take_into(&mut taken, Duration::from_millis(5), got.len() % 3 == 0)
                    .ended;
                got.extend(taken.drain(..).map(|(item, _)| item));
                if ended {
                    break;
                }
            }
        });
        assert_eq!(got, (0..50_000).collect::<Vec<_>>());
    }

    #[test]
    fn the_queue_holds_no_more_than_its_bound() {
        let feed = Feed::new();
        std::thread::scope(|scope| {
            scope.spawn(|| feed.send_all(0..(3 * HELD_ITEMS as u32), one_byte));
            // Give the reader time to fill the queue while nothing is taken.
            std::thread::sleep(Duration::from_millis(50));
            let mut taken = Vec::new();
            feed.take_into(&mut taken, Duration::ZERO, true);
            assert_eq!(taken.len(), HELD_ITEMS);
            feed.close();
        });
    }

    #[test]
    fn an_idle_batcher_gets_a_lone_item_at_once() {
        let feed = Feed::new();
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                feed.push(7u32, 1);
                std::thread::sleep(Duration::from_millis(400));
                feed.end();
            });
            let asked = Instant::now();
            let mut taken = Vec::new();
            let ended = feed
                .take_into(&mut taken, Duration::from_secs(10), true)
                .ended;
            assert_eq!(taken, [(7, 1)]);
            assert!(!ended);
            // Woken by the item, not by the end of the wait or of the input.
            assert!(asked.elapsed() < Duration::from_millis(300));
            reader.join().ok();
        });
    }

    #[test]
    fn a_closed_feed_stops_its_reader() {
        let feed = Feed::new();
        let sent = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                feed.send_all(
                    (0..u32::MAX).inspect(|_| {
                        sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }),
                    one_byte,
                )
            });
            std::thread::sleep(Duration::from_millis(20));
            feed.close();
        });
        // The reader stopped at the bound, not at the end of four billion items.
        assert!(sent.into_inner() <= HELD_ITEMS + 1);
    }
}
