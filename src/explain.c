/*
 * explain.c - f:spawn(argv, {explain = true}): the child runs under its
 * filter's program with every kill_process and kill_thread return turned
 * into a notification, so that the supervisor can name the first call the
 * filter kills - the call, its arch and arguments, and the rule or the
 * default action that kills it - before it kills the process as the filter
 * would have.
 *
 * Only the program's return values change, never the rules: the rewritten
 * program tests exactly what the filter's own program tests, so every call
 * the filter does not kill gets exactly the filter's answer (overlapping
 * rules keep their one meaning), and the notification of a call the filter
 * kills is the only new event.  trap stays as it is: its SIGSYS goes to a
 * handler the program may have, which no supervisor can stand in for.
 *
 * When a notification comes, the filter's own program (a copy taken at
 * spawn, run by the module's interpreter as f:simulate runs it) says what
 * the filter answers.  A notify answer is the caller's, as without explain;
 * a kill is taken here (sc_explain_take, called by notify.c's receive, so
 * the caller's loops never see it): the call is recorded, the rule that
 * kills it is found in a copy of the rule ledger taken at spawn (the rule
 * that decides the call in the one meaning's order, meaning.c), and the
 * calling thread gets SIGSYS - the signal the kernel's kill
 * sends - or, where the program catches, blocks or ignores SIGSYS (or the
 * filter's wait_kill makes the wait deaf to it), SIGKILL.
 */
#include "core.h"
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#define SC_EXPLAIN_ALIGN(n) (((n) + 15u) & ~(size_t)15u)

/* Why SIGKILL stood in for SIGSYS (sc_explain.why). */
enum { SC_WHY_NONE, SC_WHY_CAUGHT, SC_WHY_KILLABLE, SC_WHY_STAYED };

struct sc_explain {
    /* the filter as it was when the child started */
    size_t nrules;
    sc_rule *rules;           /* nrules, in this block */
    sc_minst *mi;             /* room for nrules: a call's rules in the one meaning's order */
    int widen;                /* widen_multiplexed */
    uint32_t def, badarch;
    uint64_t arch_mask;       /* over sc_arches */
    int big_endian;
    size_t n;                 /* program length */
    struct sock_filter *orig; /* the filter's program */
    struct sock_filter *prog; /* the same, kills returning USER_NOTIF */
    int killable_wait;        /* installed with WAIT_KILLABLE_RECV */
    pid_t child;              /* the spawned child */
    /* the first call killed */
    unsigned long kills;      /* calls killed so far */
    struct sc_notif first;
    uint32_t action;          /* what the filter answers it */
    int rule;                 /* its rule (ledger index), or -1: the default, -2: bad arch, -3: none found */
    int mux;                  /* the rule reached it through socketcall or ipc */
    pid_t tgid;               /* the process it was in */
    int sig;                  /* the signal sent */
    int why;                  /* SC_WHY_*: why SIGKILL */
    int child_sig;            /* the signal sent to the spawned child itself, 0: none */
};

/* ---- at spawn ------------------------------------------------------------- */

/* Push the explain record for the filter at fidx and its program p:
 * returns it, or NULL (nothing pushed) when the program kills nothing.
 * The user value is the list of the rules' origins. */
static sc_explain *sc_explain_new(lua_State *L, int fidx, sc_filter *f, const sc_sim_prog *p)
{
    size_t i, kills = 0, hdr = SC_EXPLAIN_ALIGN(sizeof(sc_explain));
    size_t rsz = SC_EXPLAIN_ALIGN(f->ledger.n * sizeof(sc_rule));
    size_t msz = SC_EXPLAIN_ALIGN(f->ledger.n * sizeof(sc_minst));
    sc_explain *e;
    int rc;
    fidx = lua_absindex(L, fidx);
    for (i = 0; i < p->n; i++) {
        uint16_t code = p->prog[i].code;
        uint32_t act = p->prog[i].k & BPF_SC_RET_ACTION_FULL;
        if (code == (BPF_RET | BPF_A))
            sc_raise(L, "spawn", EINVAL, "explain: the filter's program returns a computed action, "
                     "which cannot be told from a kill");
        if (code == (BPF_RET | BPF_K) && (act == BPF_SC_RET_KILL_PROCESS || act == BPF_SC_RET_KILL_THREAD))
            kills++;
    }
    if (kills == 0)
        return NULL;
    e = sc_newuserdata(L, hdr + rsz + msz + 2 * p->n * sizeof(struct sock_filter));
    memset(e, 0, sizeof *e);
    e->rules = (sc_rule *)(void *)((char *)e + hdr);
    e->mi = (sc_minst *)(void *)((char *)e + hdr + rsz);
    e->widen = f->widen;
    e->orig = (struct sock_filter *)(void *)((char *)e + hdr + rsz + msz);
    e->prog = e->orig + p->n;
    e->nrules = f->ledger.n;
    if (f->ledger.n)
        memcpy(e->rules, f->ledger.v, f->ledger.n * sizeof(sc_rule));
    e->n = p->n;
    memcpy(e->orig, p->prog, p->n * sizeof *e->orig);
    memcpy(e->prog, p->prog, p->n * sizeof *e->prog);
    for (i = 0; i < p->n; i++) {
        uint32_t act = e->prog[i].k & BPF_SC_RET_ACTION_FULL;
        if (e->prog[i].code == (BPF_RET | BPF_K) &&
            (act == BPF_SC_RET_KILL_PROCESS || act == BPF_SC_RET_KILL_THREAD))
            e->prog[i].k = BPF_SC_RET_USER_NOTIF;
    }
    e->big_endian = p->big_endian;
    e->arch_mask = sc_filter_arch_mask(f);
    if ((rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_DEFAULT, &e->def)) < 0 ||
        (rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_BADARCH, &e->badarch)) < 0)
        sc_raise(L, "spawn", rc, "reading the filter's actions failed");
    e->child = -1;
    e->rule = -3;
    lua_createtable(L, (int)f->ledger.n, 0);
    for (i = 0; i < f->ledger.n; i++) {
        sc_push_origin(L, fidx, &f->ledger.v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setiuservalue(L, -2, 1);
    return e;
}

/* The program to install (the kills turned into notifications); its
 * seccomp(2) flags have WAIT_KILLABLE_RECV when `killable_wait`. */
static struct sock_filter *sc_explain_program(sc_explain *e, int killable_wait)
{
    e->killable_wait = killable_wait;
    return e->prog;
}

/* The child is running: its pid. */
static void sc_explain_started(sc_explain *e, pid_t child)
{
    e->child = child;
}

/* ---- when a notification comes ---------------------------------------------- */

/* The arch token of a notification (x32 calls come as x86_64 ones with the
 * x32 bit in the number). */
static uint32_t sc_explain_token(const struct sc_notif *m)
{
    if (m->data.arch == SCMP_ARCH_X86_64 && (m->data.nr & SC_X32_SYSCALL_BIT))
        return SCMP_ARCH_X32;
    return m->data.arch;
}

/* The rule of the record that gives the call m the action e->action: the
 * one that decides it in the one meaning's order (meaning.c, as verify
 * expects it); through a multiplexer whose call's real arguments are out
 * of reach (not widened), the rule whose action stands for the call's.
 * -1 when it is the default action, -2 the bad-arch action, -3 when no
 * rule gives it (a program that departs from the rules: verify off). */
static int sc_explain_rule(sc_explain *e, const struct sc_notif *m)
{
    uint32_t tok = sc_explain_token(m);
    size_t ai, n, nlive = 0;
    long d;
    for (ai = 0; ai < SC_NARCHES && ai < 64; ai++)
        if (sc_arches[ai].token == tok)
            break;
    if (ai == SC_NARCHES || ai >= 64 || !((e->arch_mask >> ai) & 1u))
        return e->action == e->badarch ? -2 : -3;
    n = sc_mcollect(e->rules, e->nrules, ai, tok, m->data.nr, e->widen, e->mi);
    if (n > 0)
        nlive = sc_morder(e->mi, n, e->def, e->widen);
    d = sc_mdecide(e->mi, nlive, m->data.args);
    if (d < 0)
        return e->action == e->def ? -1 : -3;
    if (e->mi[d].action != e->action)
        return -3;
    e->mux = e->mi[d].mux;
    if (e->mi[d].clamped && e->mi[d].clamp_rule < 0)
        return -1;
    return e->mi[d].clamp_rule;
}

/* The signal mask fields of /proc/TID/status: Tgid, and whether SIGSYS is
 * blocked (that thread), ignored or caught (the process).  0, or -1 when
 * the file cannot be read. */
static int sc_explain_proc(pid_t tid, pid_t *tgid, int *deaf)
{
    char path[64], line[256];
    FILE *fp;
    unsigned long long bit = 1ull << (SIGSYS - 1);
    int found = 0;
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    fp = fopen(path, "re");
    if (fp == NULL)
        return -1;
    *deaf = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        unsigned long long v;
        int t;
        if (sscanf(line, "Tgid: %d", &t) == 1) {
            *tgid = (pid_t)t;
            found = 1;
        } else if ((sscanf(line, "SigBlk: %llx", &v) == 1 || sscanf(line, "SigIgn: %llx", &v) == 1 ||
                    sscanf(line, "SigCgt: %llx", &v) == 1) && (v & bit)) {
            *deaf = 1;
        }
    }
    fclose(fp);
    return found ? 0 : -1;
}

static int sc_explain_tgkill(pid_t tgid, pid_t tid, int sig)
{
    return (int)syscall(SYS_tgkill, tgid, tid, sig);
}

/* Kill the task that made call m as the filter would: SIGSYS, which ends
 * the process as the kernel's kill does where the program leaves SIGSYS
 * alone; else, or when the task is still waiting a second later, SIGKILL. */
static void sc_explain_kill(sc_notifier *n, sc_explain *e, const struct sc_notif *m, int first)
{
    pid_t tid = (pid_t)m->pid, tgid = tid;
    int deaf = 0, sig = SIGSYS, why = SC_WHY_NONE, i;
    int known = sc_explain_proc(tid, &tgid, &deaf) == 0;
    if (first)
        e->tgid = tgid;
    /* a task still waiting holds its tid: check, then signal */
    if (sc_id_check(n, m->id) != 0)
        return; /* gone already: nothing to kill */
    if (e->killable_wait) {
        sig = SIGKILL;
        why = SC_WHY_KILLABLE;
    } else if (known && deaf) {
        sig = SIGKILL;
        why = SC_WHY_CAUGHT;
    }
    sc_explain_tgkill(tgid, tid, sig);
    for (i = 0; sig == SIGSYS && i < 1000 && sc_id_check(n, m->id) == 0; i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    if (sig == SIGSYS && sc_id_check(n, m->id) == 0) {
        sig = SIGKILL;
        why = SC_WHY_STAYED;
        sc_explain_tgkill(tgid, tid, sig);
    }
    if (first) {
        e->sig = sig;
        e->why = why;
    }
    if (tgid == e->child)
        e->child_sig = sig;
}

/* notify.c's receive, for a notifier with an explain record: is request m
 * a call the filter kills?  Then it is recorded, the task killed, and 1
 * returned (the request is the module's: nobody else sees it); 0 for a
 * request that is the caller's to answer. */
static int sc_explain_take(sc_notifier *n, const struct sc_notif *m)
{
    sc_explain *e = n->explain;
    unsigned char data[BPF_SC_DATA_SIZE];
    const char *fault = NULL;
    uint32_t a, act;
    bpf_pack_data(data, e->big_endian, m->data.nr, m->data.arch, m->data.ip, m->data.args);
    a = bpf_run(e->orig, e->n, data, e->big_endian, &fault);
    act = a & BPF_SC_RET_ACTION_FULL;
    if (fault != NULL || (act != BPF_SC_RET_KILL_PROCESS && act != BPF_SC_RET_KILL_THREAD))
        return 0;
    if (e->kills++ == 0) {
        e->first = *m;
        e->action = a;
        e->rule = sc_explain_rule(e, m);
    }
    sc_explain_kill(n, e, m, e->kills == 1);
    return 1;
}

/* ---- telling the caller -------------------------------------------------------- */

/* Push child.killed for the record at eidx: nil until a call was killed. */
static void sc_explain_push(lua_State *L, int eidx)
{
    sc_explain *e = lua_touserdata(L, eidx);
    const struct sc_notif *m;
    uint32_t tok;
    const struct sc_arch *arch;
    char name[64];
    sc_cex c;
    int i, top;
    if (e == NULL || e->kills == 0) {
        lua_pushnil(L);
        return;
    }
    eidx = lua_absindex(L, eidx);
    m = &e->first;
    tok = sc_explain_token(m);
    arch = sc_arch_by_token(tok);
    lua_createtable(L, 0, 12);
    top = lua_gettop(L);
    memset(&c, 0, sizeof c);
    c.nr = m->data.nr;
    c.arch = tok;
    memcpy(c.args, m->data.args, sizeof c.args);
    if (arch != NULL && sc_syscall_name(tok, m->data.nr, name, sizeof name))
        lua_pushstring(L, name);
    else
        lua_pushinteger(L, m->data.nr);
    lua_setfield(L, top, "syscall");
    lua_pushinteger(L, m->data.nr);
    lua_setfield(L, top, "nr");
    if (arch != NULL)
        lua_pushstring(L, arch->name);
    else
        lua_pushinteger(L, (lua_Integer)m->data.arch);
    lua_setfield(L, top, "arch");
    lua_createtable(L, 6, 0);
    for (i = 0; i < 6; i++) {
        lua_pushinteger(L, (lua_Integer)m->data.args[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, top, "args");
    lua_pushinteger(L, (lua_Integer)m->pid);
    lua_setfield(L, top, "pid");
    lua_pushinteger(L, (lua_Integer)e->tgid);
    lua_setfield(L, top, "process");
    sc_push_action_name(L, e->action);
    lua_setfield(L, top, "action");
    if (e->sig != 0) { /* none when the task was gone before it could be sent */
        lua_pushstring(L, e->sig == SIGKILL ? "SIGKILL" : "SIGSYS");
        lua_setfield(L, top, "signal");
    }
    lua_pushinteger(L, (lua_Integer)e->kills);
    lua_setfield(L, top, "count");
    if (e->rule >= 0) {
        lua_pushinteger(L, e->rule + 1);
        lua_setfield(L, top, "rule");
        lua_getiuservalue(L, eidx, 1);
        lua_rawgeti(L, -1, e->rule + 1);
        lua_setfield(L, top, "origin");
        lua_pop(L, 1);
    }
    lua_pushstring(L, e->rule >= 0 ? "rule" : e->rule == -1 ? "default" : e->rule == -2 ? "badarch" : "unknown");
    lua_setfield(L, top, "by");
    /* the message: "getppid(5, 0, 0, 0, 0, 0) on x86_64, pid 42: kill_process, by rules[1] (rule #1)" */
    sc_push_call(L, &c);
    lua_pushfstring(L, ", pid %d: ", (int)m->pid);
    sc_push_action_name(L, e->action);
    if (e->rule >= 0) {
        lua_getfield(L, top, "origin");
        if (lua_isstring(L, -1))
            lua_pushfstring(L, ", by %s (rule #%d%s)", lua_tostring(L, -1), e->rule + 1,
                            e->mux ? ", through socketcall or ipc" : "");
        else
            lua_pushfstring(L, ", by rule #%d%s", e->rule + 1, e->mux ? " (through socketcall or ipc)" : "");
        lua_remove(L, -2);
    } else if (e->rule == -1) {
        lua_pushliteral(L, ", by the default action");
    } else if (e->rule == -2) {
        lua_pushfstring(L, ", by the bad-arch action (%s is not one of the filter's arches)",
                        arch != NULL ? arch->name : "the call's arch");
    } else {
        lua_pushliteral(L, " (no rule of the filter gives it: an answer the module cannot explain)");
    }
    lua_concat(L, 4);
    lua_setfield(L, top, "message");
    if (e->why != SC_WHY_NONE) {
        lua_pushstring(L, e->why == SC_WHY_CAUGHT ? "the program catches, blocks or ignores SIGSYS"
                          : e->why == SC_WHY_KILLABLE ? "the filter's wait_kill makes the wait deaf to SIGSYS"
                                                      : "the task did not die of SIGSYS");
        lua_setfield(L, top, "sigkill_because");
    }
}

/* Did the explain record at eidx kill process `pid` with SIGKILL standing
 * in for the filter's SIGSYS?  (child:wait() then reports SIGSYS.) */
static int sc_explain_stood_in(lua_State *L, int eidx, pid_t pid)
{
    sc_explain *e = lua_touserdata(L, eidx);
    return e != NULL && e->child == pid && e->child_sig == SIGKILL;
}
