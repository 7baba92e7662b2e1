//! Group commit: requests that write the same kind of thing wait in one
//! bounded queue, and a few writer threads each take everything waiting and
//! write it together in one transaction, then answer every request. Under
//! load a busy checkpoint's scans share their statements and their commit;
//! alone, a request waits for nobody. A request is answered only after its
//! transaction committed, so every acknowledged write is durable.

use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use crate::db::Db;
use crate::error::ApiError;

/// Writes a batch of jobs, answering each job in the order given.
pub type WriteBatch<J, O> = fn(&Db, &[J]) -> Vec<Result<O, ApiError>>;

type Item<J, O> = (J, oneshot::Sender<Result<O, ApiError>>);

/// How a [`Batcher`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchSettings {
    /// Writer threads, each with its own transaction (and connection).
    pub writers: usize,
    /// The most jobs one transaction takes.
    pub max_batch: usize,
    /// The most jobs that wait; further requests wait to enter the queue.
    pub queue: usize,
}

/// The queue in front of the writers. Cloning it shares the queue.
pub struct Batcher<J, O> {
    queue: mpsc::Sender<Item<J, O>>,
}

impl<J, O> Clone for Batcher<J, O> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
        }
    }
}

impl<J: Send + 'static, O: Send + 'static> Batcher<J, O> {
    /// Starts the writer threads. They stop once every clone of the
    /// batcher is dropped and the queue is empty.
    pub fn start(
        name: &str,
        db: Db,
        settings: BatchSettings,
        write: WriteBatch<J, O>,
    ) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::channel(settings.queue.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..settings.writers.max(1) {
            let receiver = Arc::clone(&receiver);
            let db = db.clone();
            let max_batch = settings.max_batch.max(1);
            std::thread::Builder::new()
                .name(format!("{name}-{index}"))
                .spawn(move || run_writer(&db, &receiver, max_batch, write))?;
        }
        Ok(Self { queue: sender })
    }

    /// Queues `job` and waits until its batch is written.
    pub async fn submit(&self, job: J) -> Result<O, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((job, reply))
            .await
            .map_err(|_| ApiError::Unavailable("the writers have stopped".into()))?;
        answer
            .await
            .map_err(|_| ApiError::internal("a writer dropped a job without answering"))?
    }
}

fn run_writer<J, O>(
    db: &Db,
    receiver: &Mutex<mpsc::Receiver<Item<J, O>>>,
    max_batch: usize,
    write: WriteBatch<J, O>,
) {
    loop {
        let Some(items) = next_batch(receiver, max_batch) else {
            return;
        };
        let (jobs, replies): (Vec<J>, Vec<_>) = items.into_iter().unzip();
        let started = std::time::Instant::now();
        let answers = write(db, &jobs);
        tracing::debug!(
            batch.size = jobs.len(),
            batch.millis = started.elapsed().as_millis() as u64,
            "batch.written"
        );
        for (reply, answer) in replies.into_iter().zip(answers) {
            // A request that gave up waiting has dropped its receiver; its
            // write stands, as it would had the answer been lost in transit.
            let _ = reply.send(answer);
        }
    }
}

/// Waits for one job, then takes whatever else is already waiting, up to
/// `max_batch`: no job ever waits for a batch to fill.
fn next_batch<T>(receiver: &Mutex<mpsc::Receiver<T>>, max_batch: usize) -> Option<Vec<T>> {
    let mut receiver = receiver.lock().ok()?;
    let first = receiver.blocking_recv()?;
    let mut batch = vec![first];
    while batch.len() < max_batch {
        match receiver.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_takes_what_waits_and_no_more_than_its_bound() {
        let (sender, receiver) = mpsc::channel(10);
        for n in 0..5 {
            sender.try_send(n).unwrap();
        }
        let receiver = Mutex::new(receiver);
        assert_eq!(next_batch(&receiver, 3), Some(vec![0, 1, 2]));
        assert_eq!(next_batch(&receiver, 3), Some(vec![3, 4]));
        drop(sender);
        assert_eq!(next_batch(&receiver, 3), None);
    }

    #[test]
    fn a_lone_job_is_its_own_batch() {
        let (sender, receiver) = mpsc::channel(10);
        sender.try_send("alone").unwrap();
        assert_eq!(next_batch(&Mutex::new(receiver), 64), Some(vec!["alone"]));
    }
}
