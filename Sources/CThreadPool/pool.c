/* See CThreadPool.h. All shared state is sequentially consistent atomics; the mutex and condition
 * variable only put idle workers to sleep and wake them. */
#include "CThreadPool.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

#define MAX_WORKERS 63
/* Pause iterations a worker spins for a new job before sleeping (tens to hundreds of microseconds). */
#define SPIN 20000

static pthread_mutex_t use_lock = PTHREAD_MUTEX_INITIALIZER;   /* one job at a time */
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static _Atomic(vitopt_pool_fn) job_fn;
static _Atomic(void *) job_ctx;
static atomic_int done_chunks, sleepers, workers;
static atomic_long generation;
/* The claim word: job number (bits 40+), the job's chunk count (bits 20-39) and the next unclaimed
 * chunk (bits 0-19). A compare-and-swap claims a chunk only while the word still names the job the
 * thread is serving, so a late worker from an earlier job can never take (or skip) a chunk of a new one. */
static atomic_ullong ticket;
#define IDX_BITS 20
#define IDX_MASK ((1ull << IDX_BITS) - 1)
#define JOB_MASK ((1ull << (64 - 2 * IDX_BITS)) - 1)
static _Thread_local int is_worker;

static void run_chunks(unsigned long long job) {
    for (;;) {
        unsigned long long t = atomic_load(&ticket);
        if ((t >> (2 * IDX_BITS)) != job) return;
        unsigned long long idx = t & IDX_MASK, count = (t >> IDX_BITS) & IDX_MASK;
        if (idx >= count) return;
        if (!atomic_compare_exchange_weak(&ticket, &t, t + 1)) continue;
        atomic_load(&job_fn)(atomic_load(&job_ctx), (int)idx);
        atomic_fetch_add(&done_chunks, 1);
    }
}

static void *worker_main(void *arg) {
    (void)arg;
    is_worker = 1;
    long seen = atomic_load(&generation);
    for (;;) {
        int spins = 0;
        while (atomic_load(&generation) == seen && spins < SPIN) { CPU_RELAX(); spins++; }
        if (atomic_load(&generation) == seen) {
            pthread_mutex_lock(&sleep_lock);
            atomic_fetch_add(&sleepers, 1);
            while (atomic_load(&generation) == seen) pthread_cond_wait(&wake, &sleep_lock);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&sleep_lock);
        }
        seen = atomic_load(&generation);
        run_chunks((unsigned long long)seen & JOB_MASK);
    }
    return 0;
}

static int enabled(void) {
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("VITOPT_POOL");
        on = !(e && strcmp(e, "0") == 0);
    }
    return on;
}

/* Starts workers until there are `want` (called with use_lock held). */
static int ensure_workers(int want) {
    if (want > MAX_WORKERS) want = MAX_WORKERS;
    while (atomic_load(&workers) < want) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, worker_main, 0);
        pthread_attr_destroy(&attr);
        if (rc != 0) break;
        atomic_fetch_add(&workers, 1);
    }
    return atomic_load(&workers);
}

int vitopt_pool_run(int chunks, vitopt_pool_fn fn, void *ctx) {
    if (chunks <= 0) return 1;
    if ((unsigned long long)chunks > IDX_MASK) return 0;
    if (is_worker || !enabled()) return 0;
    if (pthread_mutex_trylock(&use_lock) != 0) return 0;
    if (chunks > 1 && ensure_workers(chunks - 1) < 1) { pthread_mutex_unlock(&use_lock); return 0; }
    atomic_store(&job_fn, fn);
    atomic_store(&job_ctx, ctx);
    atomic_store(&done_chunks, 0);
    long next = atomic_load(&generation) + 1;
    unsigned long long job = (unsigned long long)next & JOB_MASK;
    atomic_store(&ticket, (job << (2 * IDX_BITS)) | ((unsigned long long)chunks << IDX_BITS));
    atomic_store(&generation, next);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
    run_chunks(job);
    while (atomic_load(&done_chunks) < chunks) CPU_RELAX();
    pthread_mutex_unlock(&use_lock);
    return 1;
}
