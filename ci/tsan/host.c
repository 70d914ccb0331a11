/*
 * host.c - several Lua states on several threads, each requiring seccomp and
 * building, simulating, verifying and exporting filters at once (ci/tsan.sh
 * builds it and the module with -fsanitize=thread).  Never part of the
 * module.
 *
 *   host WORK.lua THREADS ROUNDS LPATH CPATH
 *
 * Each thread runs ROUNDS rounds; a round is a new lua_State that runs
 * WORK.lua (with THREAD and ROUND set) and is closed, so the module's
 * process-wide tables are filled, shared, dropped by the last state and
 * filled again while other threads use them.  Exit status 0 when every
 * round's chunk ran to its end; the sanitizer reports data races itself
 * (and makes the exit status non-zero).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

struct job {
    int thread, rounds, failed;
    const char *work, *lpath, *cpath;
};

static void *run(void *arg)
{
    struct job *j = arg;
    int r;
    for (r = 1; r <= j->rounds; r++) {
        lua_State *L = luaL_newstate();
        if (L == NULL) {
            j->failed++;
            continue;
        }
        luaL_openlibs(L);
        lua_getglobal(L, "package");
        lua_pushstring(L, j->lpath);
        lua_setfield(L, -2, "path");
        lua_pushstring(L, j->cpath);
        lua_setfield(L, -2, "cpath");
        lua_pop(L, 1);
        lua_pushinteger(L, j->thread);
        lua_setglobal(L, "THREAD");
        lua_pushinteger(L, r);
        lua_setglobal(L, "ROUND");
        if (luaL_dofile(L, j->work) != LUA_OK) {
            fprintf(stderr, "thread %d round %d: %s\n", j->thread, r, lua_tostring(L, -1));
            j->failed++;
        }
        lua_close(L);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int n, rounds, i, failed = 0;
    pthread_t *t;
    struct job *jobs;
    if (argc != 6) {
        fprintf(stderr, "usage: host WORK.lua THREADS ROUNDS LPATH CPATH\n");
        return 2;
    }
    n = atoi(argv[2]);
    rounds = atoi(argv[3]);
    if (n < 1 || rounds < 1)
        return 2;
    t = calloc((size_t)n, sizeof *t);
    jobs = calloc((size_t)n, sizeof *jobs);
    if (t == NULL || jobs == NULL)
        return 2;
    for (i = 0; i < n; i++) {
        jobs[i].thread = i + 1;
        jobs[i].rounds = rounds;
        jobs[i].work = argv[1];
        jobs[i].lpath = argv[4];
        jobs[i].cpath = argv[5];
        if (pthread_create(&t[i], NULL, run, &jobs[i]) != 0)
            return 2;
    }
    for (i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        failed += jobs[i].failed;
    }
    printf("host: %d threads x %d rounds, %d failed\n", n, rounds, failed);
    free(t);
    free(jobs);
    return failed ? 1 : 0;
}
