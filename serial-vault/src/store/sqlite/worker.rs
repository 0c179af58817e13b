//! A database thread: it owns one SQLite connection and runs the calls sent to it through
//! a bounded queue, one at a time; the caller awaits the answer on a oneshot channel, so
//! an async worker never blocks on SQLite (a lock another process holds delays only the
//! requests that need that connection).
//!
//! Waiting is bounded ([`DatabaseLimits`]): a full queue is refused at once
//! ([`DatabaseError::QueueFull`]); a call that waited in the queue for the whole busy timeout
//! is answered without running ([`DatabaseError::Expired`]), and one that waited part of it
//! runs with what is left as its busy timeout. A call whose caller has gone (the request
//! was dropped) is skipped.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::error::{DatabaseError, Error};
use crate::store::DatabaseLimits;

/// A call for the database thread: given the connection, or the reason it will not run.
type Work = Box<dyn FnOnce(Result<&mut Connection, DatabaseError>) + Send>;

/// A queued call and when it was queued.
struct Job {
    queued: Instant,
    work: Work,
}

/// Queue waits below this keep the connection's busy timeout as configured (setting it
/// costs a call into SQLite; a few milliseconds do not matter against seconds).
const SLACK: Duration = Duration::from_millis(5);

/// The sending side of one database thread. Clones share the thread, which ends (and
/// closes its connection) when the last clone is dropped.
#[derive(Clone)]
pub(super) struct Lane {
    queue: SyncSender<Job>,
    depth: usize,
}

impl Lane {
    /// Starts database thread `name` with the connection `open` makes (on that thread);
    /// returns once it is open, or with `open`'s error.
    pub(super) fn start(
        name: &str,
        limits: &DatabaseLimits,
        open: impl FnOnce() -> Result<Connection, Error> + Send + 'static,
    ) -> Result<Lane, Error> {
        let (queue, jobs) = mpsc::sync_channel::<Job>(limits.queue_depth);
        let (ready, opened) = mpsc::sync_channel::<Result<(), Error>>(1);
        let busy = limits.busy_timeout.max(Duration::from_millis(1));
        std::thread::Builder::new()
            .name(format!("vault-db-{name}"))
            .spawn(move || match open() {
                Ok(conn) => {
                    let _ = ready.send(Ok(()));
                    serve(conn, &jobs, busy);
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                }
            })
            .map_err(|e| Error::io("cannot start a database thread", e))?;
        opened
            .recv()
            .map_err(|_| Error::db(DatabaseError::Lost))??;
        Ok(Lane {
            queue,
            depth: limits.queue_depth,
        })
    }

    /// Runs `f` on the database thread and returns its result.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let work: Work = Box::new(move |conn| {
            if answer.is_closed() {
                // The caller is gone: nobody would see the result.
                return;
            }
            let _ = answer.send(match conn {
                Ok(c) => f(c),
                Err(e) => Err(Error::db(e)),
            });
        });
        let job = Job {
            queued: Instant::now(),
            work,
        };
        self.queue.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => Error::db(DatabaseError::QueueFull { depth: self.depth }),
            TrySendError::Disconnected(_) => Error::db(DatabaseError::Lost),
        })?;
        answered.await.map_err(|_| Error::db(DatabaseError::Lost))?
    }
}

/// The database thread's loop: until every [`Lane`] is dropped.
fn serve(mut conn: Connection, jobs: &Receiver<Job>, busy: Duration) {
    while let Ok(job) = jobs.recv() {
        let waited = job.queued.elapsed();
        let Some(left) = busy.checked_sub(waited).filter(|d| !d.is_zero()) else {
            (job.work)(Err(DatabaseError::Expired { waited }));
            continue;
        };
        let shortened = waited >= SLACK;
        if shortened {
            let _ = conn.busy_timeout(left);
        }
        // A panic in a call (a bug) is logged; its caller gets `Lost` (the answer channel
        // is dropped) and the thread goes on with the next call. An open transaction was
        // rolled back when the panic dropped it.
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| (job.work)(Ok(&mut conn)))) {
            let what = crate::error::panic_text(&*panic);
            tracing::error!(panic = what, "database call panicked");
        }
        if shortened {
            let _ = conn.busy_timeout(busy);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(busy_ms: u64, depth: usize) -> DatabaseLimits {
        DatabaseLimits {
            busy_timeout: Duration::from_millis(busy_ms),
            queue_depth: depth,
        }
    }

    fn memory() -> Result<Connection, Error> {
        Connection::open_in_memory().map_err(Error::db)
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// A call runs on the thread and its answer comes back; an open error comes back from
    /// `start`.
    #[test]
    fn calls_run_on_the_database_thread() {
        let lane = Lane::start("t", &limits(1000, 4), memory).unwrap();
        let (name, one) = rt()
            .block_on(lane.run(|c| {
                let one: i64 = c
                    .query_row("SELECT 1", [], |r| r.get(0))
                    .map_err(Error::db)?;
                Ok((std::thread::current().name().map(str::to_string), one))
            }))
            .unwrap();
        assert_eq!((name.as_deref(), one), (Some("vault-db-t"), 1));
        let e = Lane::start("t", &limits(1000, 4), || Err(Error::config("no database")))
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "configuration: no database");
    }

    /// While the thread is busy, calls queue up to the depth; the next is refused at once
    /// (transient), and those that outwaited the busy timeout are answered without running.
    #[test]
    fn a_full_queue_refuses_and_stale_calls_expire() {
        let rt = rt();
        let lane = Lane::start("q", &limits(200, 2), memory).unwrap();
        let (hold, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        rt.block_on(async {
            let blocker = tokio::spawn({
                let lane = lane.clone();
                async move {
                    lane.run(move |_| {
                        let _ = started.send(());
                        let _ = held.recv_timeout(Duration::from_secs(5));
                        Ok(())
                    })
                    .await
                }
            });
            tokio::task::spawn_blocking(move || running.recv().unwrap())
                .await
                .unwrap();
            let queued: Vec<_> = (0..2)
                .map(|_| {
                    tokio::spawn({
                        let lane = lane.clone();
                        async move { lane.run(|_| Ok("ran")).await }
                    })
                })
                .collect();
            tokio::time::sleep(Duration::from_millis(50)).await;
            let full = lane.run(|_| Ok("ran")).await.unwrap_err();
            assert_eq!(
                full.to_string(),
                "database: the database queue is full (2 calls waiting)"
            );
            assert!(full.is_transient());
            tokio::time::sleep(Duration::from_millis(250)).await;
            hold.send(()).unwrap();
            blocker.await.unwrap().unwrap();
            for q in queued {
                let e = q.await.unwrap().unwrap_err();
                assert!(e.is_transient(), "{e}");
                assert!(
                    e.to_string().starts_with(
                        "database: the database did not answer within its busy timeout"
                    ),
                    "{e}"
                );
            }
            // The thread carries on.
            assert_eq!(lane.run(|_| Ok("ran")).await.unwrap(), "ran");
        });
    }

    /// A panicking call is answered `Lost`; the thread serves the next call.
    #[test]
    fn a_panicking_call_does_not_stop_the_thread() {
        let rt = rt();
        let lane = Lane::start("p", &limits(1000, 4), memory).unwrap();
        let e = rt
            .block_on(lane.run(|_| -> Result<(), Error> { panic!("bug") }))
            .unwrap_err();
        assert!(matches!(e, Error::Database(DatabaseError::Lost)), "{e}");
        assert!(!e.is_transient());
        assert_eq!(rt.block_on(lane.run(|_| Ok(7))).unwrap(), 7);
    }
}
