//! The threads a generation runs on, kept for the next generation.
//!
//! A generation runs progenitor, the printing of its file and our largest
//! templates on threads of their own (syn's trees cannot cross threads).
//! A new thread for each of them costs more than its start: when a thread
//! ends, the allocator hands the memory it used back to the system, and
//! the next generation's new threads fault it in again, page by page. So a
//! thread whose job is done waits a while for the next job instead.
//!
//! [`scope`] and [`Scope::spawn`] work as `std::thread::scope` and its
//! `spawn` do: a job may borrow from outside the scope, and the scope does
//! not end before every job it started has (a panic in a job comes back
//! from [`Handle::join`]). Each job runs on an idle worker, or on a new one
//! when none is idle: a job never waits for a worker, since jobs of one
//! scope wait for each other.

use std::marker::PhantomData;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The stack of a worker: progenitor, typify and our schema walks recurse
/// as deep as the spec nests (a debug build needs several MiB where a
/// spawned thread's default is 2). Only what is used is committed.
pub const STACK: usize = 64 << 20;

/// The most workers kept idle; one more finishing its job ends.
const MAX_IDLE: usize = 8;

/// How long an idle worker waits for a job before it ends.
const IDLE_FOR: Duration = Duration::from_secs(30);

/// A job as a worker runs it: a [`Task`] with its lifetimes erased.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// The idle workers, the most recently idle last, each with its number.
static IDLE: Mutex<Vec<(u64, mpsc::Sender<Job>)>> = Mutex::new(Vec::new());

/// A scope of jobs: see [`scope`].
pub struct Scope<'scope, 'env: 'scope> {
    running: Arc<Running>,
    /// Invariant in both lifetimes, as `std::thread::Scope` is.
    scope: PhantomData<&'scope mut &'scope ()>,
    env: PhantomData<&'env mut &'env ()>,
}

/// What a scope and its jobs share: how many jobs have not ended.
#[derive(Default)]
struct Running {
    count: Mutex<usize>,
    ended: Condvar,
    /// Whether a job panicked without its handle being joined.
    unjoined_panic: AtomicBool,
}

/// Runs `body` with a [`Scope`] whose jobs may borrow what `body` can; every
/// job has ended when this returns (or unwinds, when `body` panics).
///
/// # Panics
///
/// When `body` panics, or a job panicked and its handle was not joined.
pub fn scope<'env, T>(body: impl for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T) -> T {
    let scope = Scope { running: Arc::default(), scope: PhantomData, env: PhantomData };
    let result = catch_unwind(AssertUnwindSafe(|| body(&scope)));
    // The jobs may borrow from the caller: none may outlive this call.
    let mut count = lock(&scope.running.count);
    while *count > 0 {
        count = scope.running.ended.wait(count).unwrap_or_else(PoisonError::into_inner);
    }
    drop(count);
    match result {
        Err(panic) => resume_unwind(panic),
        Ok(_) if scope.running.unjoined_panic.load(Ordering::Relaxed) => panic!("a generation job panicked"),
        Ok(value) => value,
    }
}

impl<'scope> Scope<'scope, '_> {
    /// Starts `work` on an idle worker, or on a new one; an error when no
    /// thread can start (nothing runs then).
    pub fn spawn<T: Send + 'scope>(&'scope self, work: impl FnOnce() -> T + Send + 'scope) -> std::io::Result<Handle<'scope, T>> {
        let packet = Arc::new(Packet { result: Mutex::new(None), ready: Condvar::new(), running: Arc::clone(&self.running) });
        *lock(&self.running.count) += 1;
        let task = Task { work: Some(work), packet: Some(Arc::clone(&packet)), running: Arc::clone(&self.running) };
        let job: Box<dyn FnOnce() + Send + 'scope> = Box::new(move || task.run());
        // SAFETY: only the lifetime changes, from 'scope to 'static. The job
        // ends, run or dropped, before `scope` returns: the task counts
        // itself out of `running` when it drops, after what it borrows (its
        // work, its result), and `scope` waits until the count is zero.
        let job = unsafe { std::mem::transmute::<Box<dyn FnOnce() + Send + 'scope>, Job>(job) };
        hand_out(job)?;
        Ok(Handle { packet, scope: PhantomData })
    }
}

/// A job's result, awaited with [`Handle::join`].
pub struct Handle<'scope, T> {
    packet: Arc<Packet<T>>,
    scope: PhantomData<&'scope ()>,
}

impl<T> Handle<'_, T> {
    /// Waits for the job to end: its result, or its panic.
    pub fn join(self) -> std::thread::Result<T> {
        let mut result = lock(&self.packet.result);
        loop {
            match result.take() {
                Some(result) => return result,
                None => result = self.packet.ready.wait(result).unwrap_or_else(PoisonError::into_inner),
            }
        }
    }
}

/// Where a job leaves its result for its [`Handle`].
struct Packet<T> {
    result: Mutex<Option<std::thread::Result<T>>>,
    ready: Condvar,
    running: Arc<Running>,
}

impl<T> Drop for Packet<T> {
    fn drop(&mut self) {
        let result = self.result.get_mut().unwrap_or_else(PoisonError::into_inner);
        if matches!(result, Some(Err(_))) {
            self.running.unjoined_panic.store(true, Ordering::Relaxed);
        }
    }
}

/// A job: its work, where its result goes, and its scope's count, which
/// it leaves last, when it drops (whether it ran or not).
struct Task<F, T> {
    work: Option<F>,
    packet: Option<Arc<Packet<T>>>,
    running: Arc<Running>,
}

impl<F: FnOnce() -> T, T> Task<F, T> {
    fn run(mut self) {
        let Some(work) = self.work.take() else { return };
        let result = catch_unwind(AssertUnwindSafe(work));
        if let Some(packet) = &self.packet {
            *lock(&packet.result) = Some(result);
            packet.ready.notify_all();
        }
    }
}

impl<F, T> Drop for Task<F, T> {
    fn drop(&mut self) {
        // What the job borrows goes first: the scope may end once the count is zero.
        drop(self.work.take());
        drop(self.packet.take());
        let mut count = lock(&self.running.count);
        *count -= 1;
        if *count == 0 {
            self.running.ended.notify_all();
        }
    }
}

/// Gives `job` to an idle worker, or to a new one. When no thread can start,
/// the job is dropped here.
fn hand_out(mut job: Job) -> std::io::Result<()> {
    loop {
        let idle = lock(&IDLE).pop();
        let Some((_, worker)) = idle else { break };
        match worker.send(job) {
            Ok(()) => return Ok(()),
            // A worker leaves the idle list before it ends; never reached.
            Err(mpsc::SendError(returned)) => job = returned,
        }
    }
    start_worker(job)
}

/// Starts a worker with `job` as its first.
fn start_worker(job: Job) -> std::io::Result<()> {
    static STARTED: AtomicU64 = AtomicU64::new(0);
    let number = STARTED.fetch_add(1, Ordering::Relaxed);
    let (sender, jobs) = mpsc::channel();
    // Queued before the thread starts: a thread that cannot start drops it.
    sender.send(job).map_err(|_| std::io::Error::other("a worker's queue closed before it started"))?;
    std::thread::Builder::new()
        .name(format!("generate: worker {number}"))
        .stack_size(STACK)
        .spawn(move || work(number, &sender, &jobs))
        .map(drop)
}

/// A worker's life: a job, then idle until the next or until [`IDLE_FOR`]
/// has passed; it ends sooner when [`MAX_IDLE`] workers are idle already.
fn work(number: u64, sender: &mpsc::Sender<Job>, jobs: &mpsc::Receiver<Job>) {
    loop {
        match jobs.recv_timeout(IDLE_FOR) {
            Ok(job) => {
                // A task catches its work's panic; anything else is not the
                // next job's concern.
                let _ = catch_unwind(AssertUnwindSafe(job));
                let mut idle = lock(&IDLE);
                if idle.len() >= MAX_IDLE {
                    return;
                }
                idle.push((number, sender.clone()));
            }
            Err(RecvTimeoutError::Timeout) => {
                let mut idle = lock(&IDLE);
                match idle.iter().position(|(idle, _)| *idle == number) {
                    Some(at) => {
                        idle.remove(at);
                        return;
                    }
                    // Taken from the list meanwhile: a job is on its way.
                    None => continue,
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// `mutex` locked; a panic while it was held leaves nothing half-done here.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_borrow_from_the_scope_and_return_their_results() {
        let words = ["a".to_owned(), "bb".to_owned(), "ccc".to_owned()];
        let lengths = scope(|scope| {
            let handles: Vec<_> = words.iter().map(|word| scope.spawn(move || word.len()).unwrap()).collect();
            handles.into_iter().map(|handle| handle.join().unwrap()).collect::<Vec<_>>()
        });
        assert_eq!(lengths, [1, 2, 3]);
    }

    #[test]
    fn the_scope_waits_for_jobs_that_were_not_joined() {
        let done = AtomicBool::new(false);
        scope(|scope| {
            scope
                .spawn(|| {
                    std::thread::sleep(Duration::from_millis(50));
                    done.store(true, Ordering::SeqCst);
                })
                .unwrap();
        });
        assert!(done.load(Ordering::SeqCst));
    }

    #[test]
    fn a_panic_comes_back_from_join_and_the_worker_goes_on() {
        let panicked = scope(|scope| scope.spawn(|| -> u8 { panic!("in a job") }).unwrap().join());
        let message = panicked.expect_err("the job panicked");
        assert_eq!(message.downcast_ref::<&str>(), Some(&"in a job"));
        assert_eq!(scope(|scope| scope.spawn(|| 7).unwrap().join().unwrap()), 7);
    }

    #[test]
    fn an_unjoined_panic_panics_the_scope() {
        let outcome = catch_unwind(|| {
            scope(|scope| {
                scope.spawn(|| panic!("unjoined")).unwrap();
            })
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn jobs_of_one_scope_can_wait_for_each_other_whatever_the_workers() {
        // More jobs than idle workers, each waiting for the next: every one
        // needs a thread of its own at once.
        let count = MAX_IDLE * 2;
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..count).map(|_| mpsc::channel::<usize>()).unzip();
        let total = scope(|scope| {
            let handles: Vec<_> = receivers
                .into_iter()
                .enumerate()
                .map(|(index, receiver)| {
                    let next = senders.get(index + 1).cloned();
                    scope
                        .spawn(move || {
                            let value = receiver.recv().unwrap();
                            if let Some(next) = next {
                                next.send(value + 1).unwrap();
                            }
                            value
                        })
                        .unwrap()
                })
                .collect();
            senders[0].send(0).unwrap();
            handles.into_iter().map(|handle| handle.join().unwrap()).sum::<usize>()
        });
        assert_eq!(total, (0..count).sum::<usize>());
    }

    #[test]
    fn finished_workers_take_the_next_jobs() {
        // Other tests start and take workers alongside; still, twenty jobs
        // one after the other do not each need a new thread.
        let threads: std::collections::BTreeSet<String> = (0..20)
            .map(|_| scope(|scope| scope.spawn(|| format!("{:?}", std::thread::current().id())).unwrap().join().unwrap()))
            .collect();
        assert!(threads.len() < 20, "{} threads for 20 jobs", threads.len());
    }
}
