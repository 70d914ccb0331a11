/*
 * notes.c - f:notes(): what the module accepted that will not do what it
 * seems to.
 *
 * A note is {kind =, message =, origin =}.  Notes are kept in the filter's
 * user-value table (the one that holds the policy origins), field "notes",
 * in the order they were taken.  A rejected transaction drops the notes
 * taken inside it (filter.c keeps their count at each start), reset() drops
 * them all, merge() moves the source's over.
 */
#include "core.h"

/* The kinds a note may have (docs/api.md describes each). */
static const char *const sc_note_kinds[] = {
    "shadowed", "unplaced", "defaulted", "widened", "ignored_key", "never_holds", NULL,
};

/* Push the filter's notes list (creating it, and the user-value table,
 * when create is set; else nil when there is none). */
static int sc_notes_push(lua_State *L, int fidx, int create)
{
    fidx = lua_absindex(L, fidx);
    if (lua_getiuservalue(L, fidx, 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        if (!create) {
            lua_pushnil(L);
            return 0;
        }
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, fidx, 1);
    }
    if (lua_getfield(L, -1, "notes") != LUA_TTABLE) {
        lua_pop(L, 1);
        if (!create) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return 0;
        }
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, "notes");
    }
    lua_remove(L, -2);
    return 1;
}

/* Record a note on the filter at fidx: kind (one of sc_note_kinds), the
 * message and the origin (a string, or nil; index 0: none) at the given
 * stack indices. */
static void sc_note_add(lua_State *L, int fidx, const char *kind, int msgidx, int originidx)
{
    lua_Integer n;
    msgidx = lua_absindex(L, msgidx);
    originidx = originidx ? lua_absindex(L, originidx) : 0;
    luaL_checkstack(L, 4, NULL);
    sc_notes_push(L, fidx, 1);
    n = (lua_Integer)lua_rawlen(L, -1);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, kind);
    lua_setfield(L, -2, "kind");
    lua_pushvalue(L, msgidx);
    lua_setfield(L, -2, "message");
    if (originidx && lua_type(L, originidx) == LUA_TSTRING) {
        lua_pushvalue(L, originidx);
        lua_setfield(L, -2, "origin");
    }
    lua_rawseti(L, -2, n + 1);
    lua_pop(L, 1);
}

/* A note about the action at aidx when it is a bare "errno" or "trace"
 * (sc_action_defaulted): of rule r (ledger index i), or, r NULL, of the
 * filter's default action.  Its origin is the next one the policy layer
 * gives (sc_notes_stamp), like the rule's. */
static void sc_note_defaulted(lua_State *L, int fidx, int aidx, const sc_rule *r, size_t i)
{
    uint32_t a = 0;
    int top = lua_gettop(L);
    const char *what, *given, *taken;
    if (!sc_action_defaulted(L, aidx) || sc_parse_action(L, aidx, &a) != NULL) {
        lua_settop(L, top);
        return;
    }
    fidx = lua_absindex(L, fidx);
    if (r == NULL)
        what = "the default action";
    else if (r->name[0] != '\0' && !r->by_number)
        what = lua_pushfstring(L, "rule #%d on '%s'", (int)i + 1, r->name);
    else
        what = lua_pushfstring(L, "rule #%d on syscall %d", (int)i + 1, r->sys);
    given = sc_repr(L, aidx);
    taken = sc_push_action_name(L, a);
    lua_pushfstring(L, "%s: %s without a value is taken as %s", what, given, taken);
    sc_note_add(L, fidx, "defaulted", -1, 0);
    sc_notes_push(L, fidx, 0);
    lua_rawgeti(L, -1, (lua_Integer)lua_rawlen(L, -1));
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "pending");
    if (r == NULL) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "of_default"); /* kept by a reset that keeps the default */
    }
    lua_settop(L, top);
}

/* f:_set_origin(origin): the notes taken with the rules it names get the
 * origin (string at originidx) too. */
static void sc_notes_stamp(lua_State *L, int fidx, int originidx)
{
    lua_Integer i;
    originidx = lua_absindex(L, originidx);
    if (sc_notes_push(L, fidx, 0))
        for (i = (lua_Integer)lua_rawlen(L, -1); i > 0; i--) {
            lua_rawgeti(L, -1, i);
            if (lua_getfield(L, -1, "pending") != LUA_TNIL) {
                lua_pushnil(L);
                lua_setfield(L, -3, "pending");
                lua_pushvalue(L, originidx);
                lua_setfield(L, -3, "origin");
            }
            lua_pop(L, 2);
        }
    lua_pop(L, 1);
}

/* Drop every note (reset), but the one about the default action when
 * `keep_default` (a reset that keeps it). */
static void sc_notes_clear(lua_State *L, int fidx, int keep_default)
{
    lua_Integer i, n, k = 0;
    fidx = lua_absindex(L, fidx);
    if (sc_notes_push(L, fidx, 0)) {
        lua_newtable(L);
        n = keep_default ? (lua_Integer)lua_rawlen(L, -2) : 0;
        for (i = 1; i <= n; i++) {
            lua_rawgeti(L, -2, i);
            if (lua_getfield(L, -1, "of_default") != LUA_TNIL) {
                lua_pop(L, 1);
                lua_rawseti(L, -2, ++k);
            } else {
                lua_pop(L, 2);
            }
        }
        lua_getiuservalue(L, fidx, 1);
        lua_insert(L, -2);
        lua_setfield(L, -2, "notes");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* How many notes the filter has taken (kept or not). */
static lua_Integer sc_notes_count(lua_State *L, int fidx)
{
    lua_Integer n = 0;
    if (sc_notes_push(L, fidx, 0))
        n = (lua_Integer)lua_rawlen(L, -1);
    lua_pop(L, 1);
    return n;
}

/* Forget the notes taken after the first n (a failed merge, a rejected
 * transaction). */
static void sc_notes_truncate(lua_State *L, int fidx, lua_Integer n)
{
    lua_Integer i;
    if (sc_notes_push(L, fidx, 0))
        for (i = (lua_Integer)lua_rawlen(L, -1); i > n; i--) {
            lua_pushnil(L);
            lua_rawseti(L, -2, i);
        }
    lua_pop(L, 1);
}

/* merge: the source's notes (filter at oidx) follow its rules. */
static void sc_notes_merge(lua_State *L, int fidx, int oidx)
{
    lua_Integer i, n;
    fidx = lua_absindex(L, fidx);
    oidx = lua_absindex(L, oidx);
    luaL_checkstack(L, 6, NULL);
    if (!sc_notes_push(L, oidx, 0)) {
        lua_pop(L, 1);
        return;
    }
    n = (lua_Integer)lua_rawlen(L, -1);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "kind");
        lua_getfield(L, -2, "message");
        lua_getfield(L, -3, "origin");
        sc_note_add(L, fidx, lua_tostring(L, -3), -2, -1);
        lua_pop(L, 4);
    }
    lua_pop(L, 1);
}

/* Is rule r on some arch of the filter (arch mask fmask), directly or
 * through a multiplexer? */
static int sc_rule_placed(const sc_rule *r, uint64_t fmask)
{
    size_t a;
    for (a = 0; a < SC_NARCHES && a < 64; a++)
        if (((fmask >> a) & 1u) && sc_rule_on_arch(r, a)) {
            sc_target t;
            sc_rule_target(r, sc_arches[a].token, &t);
            if (t.has_direct || t.has_mux)
                return 1;
        }
    return 0;
}

/* Push "the filter's arches (x86_64, x86)" for arch mask fmask. */
static const char *sc_push_arch_list(lua_State *L, uint64_t fmask)
{
    luaL_Buffer b;
    size_t a;
    int k = 0;
    luaL_buffinit(L, &b);
    for (a = 0; a < SC_NARCHES && a < 64; a++)
        if ((fmask >> a) & 1u) {
            luaL_addstring(&b, k++ ? ", " : "");
            luaL_addstring(&b, sc_arches[a].name);
        }
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

/* Push "rule #3 (errno(EPERM) on 'setns')" for rule r, ledger index i. */
static const char *sc_push_rule_desc(lua_State *L, const sc_rule *r, size_t i)
{
    const char *s;
    sc_push_action_name(L, r->action);
    if (r->name[0] != '\0' && !r->by_number)
        s = lua_pushfstring(L, "rule #%d (%s on '%s')", (int)i + 1, lua_tostring(L, -1), r->name);
    else
        s = lua_pushfstring(L, "rule #%d (%s on syscall %d)", (int)i + 1, lua_tostring(L, -1), r->sys);
    lua_remove(L, -2);
    return s;
}

/* Append to the list at the top the notes of dead rules (kind "shadowed"):
 * rules that decide no call of the filter's, one meaning (docs/compiler.md)
 * making another rule's action the answer wherever they hold (verify.c's
 * sc_shadow_list finds them). */
static void sc_notes_shadowed(lua_State *L, int fidx, sc_filter *f, lua_Integer *k)
{
    int list = lua_gettop(L), dead;
    lua_Integer j, n;
    sc_shadow_list(L, f);
    dead = lua_gettop(L);
    n = (lua_Integer)lua_rawlen(L, dead);
    for (j = 1; j <= n; j++) {
        lua_Integer i, by = 0;
        int r1;
        const sc_rule *r;
        lua_rawgeti(L, dead, j);
        lua_getfield(L, -1, "rule");
        i = lua_tointeger(L, -1) - 1;
        lua_getfield(L, -2, "by");
        by = lua_isinteger(L, -1) ? lua_tointeger(L, -1) - 1 : -1;
        lua_getfield(L, -3, "r1");
        r1 = lua_toboolean(L, -1);
        lua_settop(L, dead);
        r = &f->ledger.v[i];
        lua_createtable(L, 0, 3);
        lua_pushliteral(L, "shadowed");
        lua_setfield(L, -2, "kind");
        sc_push_rule_desc(L, r, (size_t)i);
        if (by >= 0 && (size_t)by < f->ledger.n) {
            sc_push_rule_desc(L, &f->ledger.v[by], (size_t)by);
            if (r1)
                lua_pushfstring(L, "%s never decides a call: %s, without conditions, decides every "
                                "call of it (the first rule without conditions on a call decides "
                                "it: conditional rules before it are erased, rules after it change "
                                "nothing)", lua_tostring(L, -2), lua_tostring(L, -1));
            else
                lua_pushfstring(L, "%s never decides a call: wherever its conditions hold, %s "
                                "decides first (the order of overlapping rules, docs/compiler.md)",
                                lua_tostring(L, -2), lua_tostring(L, -1));
            lua_remove(L, -2);
        } else {
            lua_pushfstring(L, "%s never decides a call: wherever its conditions hold, rules that "
                            "come before it in the order of overlapping rules decide (docs/"
                            "compiler.md)", lua_tostring(L, -1));
        }
        lua_remove(L, -2);
        lua_setfield(L, -2, "message");
        sc_push_origin(L, fidx, r);
        lua_setfield(L, -2, "origin");
        lua_rawseti(L, list, ++*k);
    }
    lua_settop(L, list);
}

/* Append to the list at the top the notes computed from the ledger: rules
 * that land on none of the filter's arches (kind "unplaced"). */
static void sc_notes_computed(lua_State *L, int fidx, sc_filter *f, lua_Integer *k)
{
    uint64_t fmask = sc_filter_arch_mask(f);
    int list = lua_gettop(L);
    size_t i;
    for (i = 0; i < f->ledger.n; i++) {
        const sc_rule *r = &f->ledger.v[i];
        if (sc_rule_placed(r, fmask))
            continue;
        lua_createtable(L, 0, 3);
        lua_pushliteral(L, "unplaced");
        lua_setfield(L, -2, "kind");
        if (r->name[0] != '\0' && !r->by_number)
            lua_pushfstring(L, "rule #%d (%s on '%s') applies on none of the filter's arches (",
                            (int)i + 1, sc_push_action_name(L, r->action), r->name);
        else
            lua_pushfstring(L, "rule #%d (%s on syscall %d) applies on none of the filter's "
                            "arches (", (int)i + 1, sc_push_action_name(L, r->action), r->sys);
        lua_remove(L, -2);
        sc_push_arch_list(L, r->all_arches ? fmask : (r->arch_mask & fmask));
        lua_pushliteral(L, "): none of them has the call, so the rule does nothing");
        lua_concat(L, 3);
        lua_setfield(L, -2, "message");
        sc_push_origin(L, fidx, r);
        lua_setfield(L, -2, "origin");
        lua_rawseti(L, list, ++*k);
    }
}

/* Where a widened rule holds on the multiplexed path, for its note: its
 * conditions on arg0 give way to the call's number there, and those on the
 * other arguments stay, tested on the multiplexer's own (libseccomp's
 * abi_rule_add). */
static void sc_push_widened_args(lua_State *L, const sc_rule *r)
{
    luaL_Buffer b;
    unsigned c, a, seen = 0, n = 0;
    for (c = 0; c < r->nconds; c++)
        if (r->conds[c].arg != 0 && r->conds[c].arg < 6)
            seen |= 1u << r->conds[c].arg;
    if (seen == 0) {
        lua_pushliteral(L, "whatever the arguments");
        return;
    }
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "whenever its arguments meet the rule's conditions on ");
    for (a = 1; a < 6; a++)
        if ((seen >> a) & 1u) {
            char w[8];
            snprintf(w, sizeof w, "%sarg%u", n++ ? ", " : "", a);
            luaL_addstring(&b, w);
        }
    luaL_addstring(&b, " (its own arguments: the call's are in memory)");
    luaL_pushresult(&b);
}

/* Append the notes computed from the ledger when the filter accepts
 * libseccomp's widening (widen_multiplexed): each conditional rule on a
 * call an arch of the filter also routes through socketcall or ipc, where
 * the conditions cannot be tested (kind "widened"). */
static void sc_notes_widened(lua_State *L, int fidx, sc_filter *f, lua_Integer *k)
{
    uint64_t fmask = sc_filter_arch_mask(f);
    int list = lua_gettop(L);
    size_t i, a;
    if (!f->widen)
        return;
    for (i = 0; i < f->ledger.n; i++) {
        const sc_rule *r = &f->ledger.v[i];
        char mux[SC_LEDGER_NAMELEN];
        luaL_Buffer b;
        int n = 0;
        uint32_t sub = 0;
        if (r->nconds == 0 || r->name[0] == '\0')
            continue;
        luaL_buffinit(L, &b);
        for (a = 0; a < SC_NARCHES && a < 64; a++) {
            sc_target t;
            if (!((fmask >> a) & 1u) || !sc_rule_on_arch(r, a))
                continue;
            sc_rule_target(r, sc_arches[a].token, &t);
            if (!t.has_mux)
                continue;
            if (n++ == 0) {
                sub = t.sub;
                if (!sc_syscall_name(sc_arches[a].token, t.mux, mux, sizeof mux))
                    snprintf(mux, sizeof mux, "%d", t.mux);
            }
            luaL_addstring(&b, n > 1 ? ", " : "");
            luaL_addstring(&b, sc_arches[a].name);
        }
        luaL_pushresult(&b);
        if (n == 0) {
            lua_pop(L, 1);
            continue;
        }
        lua_createtable(L, 0, 3);
        lua_pushliteral(L, "widened");
        lua_setfield(L, -2, "kind");
        sc_push_action_name(L, r->action);
        sc_push_widened_args(L, r);
        lua_pushfstring(L, "rule #%d (%s on '%s' with conditions) is widened on %s: there the call "
                        "also goes through %s(%d, ...), whose real arguments no filter can read, "
                        "and that path gets %s %s (widen_multiplexed, as libseccomp and the "
                        "container runtimes do)", (int)i + 1, lua_tostring(L, -2), r->name,
                        lua_tostring(L, -4), mux, (int)sub, lua_tostring(L, -2), lua_tostring(L, -1));
        lua_remove(L, -2);
        lua_remove(L, -2);
        lua_setfield(L, -2, "message");
        sc_push_origin(L, fidx, r);
        lua_setfield(L, -2, "origin");
        lua_rawseti(L, list, ++*k);
        lua_pop(L, 1); /* the arch list */
    }
}

/* f:notes() -> list of {kind =, message =, origin =}: the notes taken, in
 * order (copies), then those the rules give now. */
static int l_notes(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    lua_Integer i, n = 0, k = 0;
    lua_settop(L, 1);
    luaL_checkstack(L, 8, NULL);
    if (sc_notes_push(L, 1, 0))
        n = (lua_Integer)lua_rawlen(L, 2);
    lua_createtable(L, (int)n, 0);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 2, i);
        lua_createtable(L, 0, 3);
        lua_getfield(L, -2, "kind");
        lua_setfield(L, -2, "kind");
        lua_getfield(L, -2, "message");
        lua_setfield(L, -2, "message");
        lua_getfield(L, -2, "origin");
        lua_setfield(L, -2, "origin");
        lua_rawseti(L, 3, ++k);
        lua_pop(L, 1);
    }
    sc_notes_computed(L, 1, f, &k);
    sc_notes_shadowed(L, 1, f, &k);
    sc_notes_widened(L, 1, f, &k);
    return 1;
}

/* seccomp.core._private.note(f, kind, message [, origin]) -> f: the policy
 * and profile readers record what they accepted but will not do. */
static int l_note(lua_State *L)
{
    int kind;
    sc_checkfilter(L, 1);
    kind = luaL_checkoption(L, 2, NULL, sc_note_kinds);
    luaL_checktype(L, 3, LUA_TSTRING);
    if (!lua_isnoneornil(L, 4))
        luaL_checktype(L, 4, LUA_TSTRING);
    lua_settop(L, 4);
    sc_note_add(L, 1, sc_note_kinds[kind], 3, 4);
    lua_settop(L, 1);
    return 1;
}

static void sc_open_notes(lua_State *L)
{
    static const luaL_Reg filter_methods[] = {{"notes", l_notes}, {NULL, NULL}};
    sc_add_methods(L, SC_FILTER_MT, filter_methods);
}
