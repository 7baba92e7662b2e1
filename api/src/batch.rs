//! Group commit: requests that write the same kind of thing wait in one
//! bounded queue, and a few writer threads each take everything waiting and
//! write it together in one transaction, then answer every request. Under
//! load a busy checkpoint's scans share their statements and their commit;
//! alone, a request waits for nobody. A request is answered only after its
//! transaction committed, so every acknowledged write is durable.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::error::TrySendError;
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
    /// The most jobs that wait; a request that finds the queue full is
    /// answered 503 at once rather than left waiting.
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

    /// Queues `job` and waits until its batch is written. A full queue means
    /// the writers are far behind (or the database is down): the request is
    /// refused at once with a 503 and Retry-After, never left to hang.
    pub async fn submit(&self, job: J) -> Result<O, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.queue.try_send((job, reply)).map_err(|err| match err {
            TrySendError::Full(_) => ApiError::Unavailable("the write queue is full".into()),
            TrySendError::Closed(_) => ApiError::Unavailable("the writers have stopped".into()),
        })?;
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
        // A panic in one batch answers that batch with a 500 and leaves the
        // writer running: a dead writer would stall every later request.
        let answers = match catch_unwind(AssertUnwindSafe(|| write(db, &jobs))) {
            Ok(answers) => answers,
            Err(_) => {
                tracing::error!(batch.size = jobs.len(), "batch.write_panicked");
                jobs.iter()
                    .map(|_| Err(ApiError::internal("a batch write panicked")))
                    .collect()
            }
        };
        tracing::debug!(
            batch.size = jobs.len(),
            batch.millis = started.elapsed().as_millis() as u64,
            "batch.written"
        );
        let unavailable = unavailable_cause(&answers);
        for (reply, answer) in replies.into_iter().zip(answers) {
            // A request that gave up waiting has dropped its receiver; its
            // write stands, as it would had the answer been lost in transit.
            let _ = reply.send(answer);
        }
        if let Some(cause) = unavailable {
            turn_away_waiting(receiver, &cause);
        }
    }
}

/// The cause when every answer of a batch says the database is unavailable.
fn unavailable_cause<O>(answers: &[Result<O, ApiError>]) -> Option<String> {
    let mut causes = answers.iter().map(|answer| match answer {
        Err(ApiError::Unavailable(cause)) => Some(cause),
        _ => None,
    });
    let first = causes.next()??;
    causes.all(|cause| cause.is_some()).then(|| first.clone())
}

/// Answers every job already waiting with the same 503 when the database is
/// down: each batch would otherwise wait out the pool's timeout in turn, and
/// the last in the queue would hear only minutes later.
fn turn_away_waiting<J, O>(receiver: &Mutex<mpsc::Receiver<Item<J, O>>>, cause: &str) {
    // Another writer holding the queue is taking jobs itself, or waiting
    // for one because none is left.
    let Ok(mut receiver) = receiver.try_lock() else {
        return;
    };
    let mut turned_away = 0_usize;
    while let Ok((_, reply)) = receiver.try_recv() {
        let _ = reply.send(Err(ApiError::Unavailable(cause.to_owned())));
        turned_away += 1;
    }
    if turned_away > 0 {
        tracing::warn!(
            batch.turned_away = turned_away,
            "batch.database_unavailable"
        );
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
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

    fn scratch_db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::db::DatabaseUrl::Sqlite(dir.path().join("batch.db"));
        let db = Db::connect(&url, 1, std::time::Duration::from_secs(1)).unwrap();
        (dir, db)
    }

    fn one_writer(queue: usize) -> BatchSettings {
        BatchSettings {
            writers: 1,
            max_batch: 8,
            queue,
        }
    }

    async fn until(flag: &AtomicBool) {
        while !flag.load(Ordering::SeqCst) {
            actix_rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    static HELD_STARTED: AtomicBool = AtomicBool::new(false);
    static HELD_RELEASED: AtomicBool = AtomicBool::new(false);

    fn held(_: &Db, jobs: &[u32]) -> Vec<Result<u32, ApiError>> {
        HELD_STARTED.store(true, Ordering::SeqCst);
        while !HELD_RELEASED.load(Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        jobs.iter().map(|job| Ok(*job)).collect()
    }

    #[actix_rt::test]
    async fn a_full_queue_is_refused_at_once_and_the_queued_jobs_still_written() {
        let (_dir, db) = scratch_db();
        let batcher = Batcher::start("held", db, one_writer(1), held).unwrap();
        let writing = actix_rt::spawn({
            let batcher = batcher.clone();
            async move { batcher.submit(1).await }
        });
        until(&HELD_STARTED).await;

        let queued = batcher.submit(2);
        futures::pin_mut!(queued);
        assert!(futures::poll!(&mut queued).is_pending());
        let refused = batcher.submit(3).await;
        assert!(
            matches!(refused, Err(ApiError::Unavailable(_))),
            "{refused:?}"
        );

        HELD_RELEASED.store(true, Ordering::SeqCst);
        assert_eq!(writing.await.unwrap().unwrap(), 1);
        assert_eq!(queued.await.unwrap(), 2);
    }

    fn panics_on_zero(_: &Db, jobs: &[u32]) -> Vec<Result<u32, ApiError>> {
        assert!(!jobs.contains(&0), "a job of zero");
        jobs.iter().map(|job| Ok(*job)).collect()
    }

    #[actix_rt::test]
    async fn a_writer_outlives_a_panicking_batch() {
        let (_dir, db) = scratch_db();
        let batcher = Batcher::start("panics", db, one_writer(8), panics_on_zero).unwrap();

        let failed = batcher.submit(0).await;
        assert!(matches!(failed, Err(ApiError::Internal(_))), "{failed:?}");
        assert_eq!(batcher.submit(7).await.unwrap(), 7);
    }

    static DOWN_STARTED: AtomicBool = AtomicBool::new(false);
    static DOWN_RELEASED: AtomicBool = AtomicBool::new(false);
    static DOWN_WRITES: AtomicUsize = AtomicUsize::new(0);

    fn database_down(_: &Db, jobs: &[u32]) -> Vec<Result<u32, ApiError>> {
        DOWN_WRITES.fetch_add(1, Ordering::SeqCst);
        DOWN_STARTED.store(true, Ordering::SeqCst);
        while !DOWN_RELEASED.load(Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        jobs.iter()
            .map(|_| Err(ApiError::Unavailable("connection refused".into())))
            .collect()
    }

    #[actix_rt::test]
    async fn when_the_database_is_down_everyone_waiting_hears_so_at_once() {
        let (_dir, db) = scratch_db();
        let batcher = Batcher::start("down", db, one_writer(8), database_down).unwrap();
        let first = actix_rt::spawn({
            let batcher = batcher.clone();
            async move { batcher.submit(1).await }
        });
        until(&DOWN_STARTED).await;
        let second = batcher.submit(2);
        let third = batcher.submit(3);
        futures::pin_mut!(second, third);
        assert!(futures::poll!(&mut second).is_pending());
        assert!(futures::poll!(&mut third).is_pending());

        DOWN_RELEASED.store(true, Ordering::SeqCst);
        for answer in [first.await.unwrap(), second.await, third.await] {
            assert!(
                matches!(answer, Err(ApiError::Unavailable(_))),
                "{answer:?}"
            );
        }
        assert_eq!(
            DOWN_WRITES.load(Ordering::SeqCst),
            1,
            "the waiting jobs were not written"
        );
    }
}
