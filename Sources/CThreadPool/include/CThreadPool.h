#ifndef VITOPT_CTHREADPOOL_H
#define VITOPT_CTHREADPOOL_H
/*
 * A small pool of persistent worker threads for vitopt's parallel loops. Workers spin for a short
 * while after each job before sleeping, so the many short parallel regions of one model run (a few
 * hundred microseconds apart) do not pay a thread wake-up each. Chunks are claimed dynamically, but
 * each chunk is a fixed piece of work, so results do not depend on which thread ran it.
 */
#ifdef __cplusplus
extern "C" {
#endif

typedef void (*vitopt_pool_fn)(void *ctx, int chunk);

/* Runs fn(ctx, c) for every c in [0, chunks) on the calling thread and pool workers, and returns 1
 * when all have finished. Returns 0 without running anything when the pool cannot take the job
 * (another thread is using it, the caller is itself a pool worker, VITOPT_POOL=0, or threads could
 * not be created): the caller then runs the chunks some other way. */
int vitopt_pool_run(int chunks, vitopt_pool_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
