/*
 * cond.c - argument conditions, in the three forms docs/api.md ("Conditions")
 * describes:
 *
 *   { arg, op, value [, value2] }      table ({2, "&=", mask, value} for masked)
 *   "arg2 >= 3", "arg1 & 0x3 == 1"     string
 *   seccomp.arg(2):eq(1)               builder (seccomp.arg32 truncates to 32 bits)
 *
 * All three end in one struct scmp_arg_cmp; the builder's result is a
 * "seccomp.cond" userdata holding it.  Values are 64-bit two's complement.
 */
#include "core.h"

#define SC_COND_MT "seccomp.cond"
#define SC_ARGREF_MT "seccomp.arg"
typedef struct {
    unsigned arg;
    int bits32; /* seccomp.arg32: data truncated to 32 bits */
} sc_argref;

/* A 64-bit datum from a Lua integer or exact-integer float. */
static const char *sc_parse_datum(lua_State *L, int idx, const char *what, scmp_datum_t *out)
{
    int ok = 0;
    lua_Integer v = 0;
    if (lua_type(L, idx) == LUA_TNUMBER)
        v = lua_tointegerx(L, idx, &ok);
    if (!ok)
        return lua_pushfstring(L, "%s must be an integer, got %s", what, sc_repr(L, idx));
    *out = (scmp_datum_t)(uint64_t)v;
    return NULL;
}

static const char *sc_parse_argindex(lua_State *L, int idx, unsigned *out)
{
    int ok = 0;
    lua_Integer v = 0;
    if (lua_type(L, idx) == LUA_TNUMBER)
        v = lua_tointegerx(L, idx, &ok);
    if (!ok || v < 0 || v >= SC_MAX_ARGS)
        return lua_pushfstring(L, "argument index must be 0..5, got %s", sc_repr(L, idx));
    *out = (unsigned)v;
    return NULL;
}

/* {arg, op, value [, value2]} */
static const char *sc_parse_cond_table(lua_State *L, int idx, struct scmp_arg_cmp *c)
{
    int top = lua_gettop(L);
    const char *msg;
    lua_rawgeti(L, idx, 1);
    lua_rawgeti(L, idx, 2);
    lua_rawgeti(L, idx, 3);
    lua_rawgeti(L, idx, 4);
    lua_pushnil(L);
    while (lua_next(L, idx)) { /* any key besides 1..4 is a mistake */
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 4)
            return lua_pushfstring(L, "unexpected key %s in condition table", sc_repr(L, -1));
    }
    if ((msg = sc_parse_argindex(L, top + 1, &c->arg)) ||
        (msg = sc_parse_op(L, top + 2, &c->op)))
        return msg;
    /* sc_parse_op sets c->op whenever it returns NULL (the analyser takes
     * lua_pushfstring for a possible NULL) */
    /* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
    if (c->op == SCMP_CMP_MASKED_EQ) {
        if (lua_isnil(L, top + 4))
            return lua_pushliteral(L, "masked comparison needs {arg, '&=', mask, value}");
        if ((msg = sc_parse_datum(L, top + 3, "mask", &c->datum_a)) ||
            (msg = sc_parse_datum(L, top + 4, "value", &c->datum_b)))
            return msg;
    } else {
        if (!lua_isnil(L, top + 4))
            return lua_pushfstring(L, "operator '%s' takes one value, got a second one %s",
                                   sc_op_symbol(c->op), sc_repr(L, top + 4));
        if ((msg = sc_parse_datum(L, top + 3, "value", &c->datum_a)))
            return msg;
        c->datum_b = 0;
    }
    lua_settop(L, top);
    return NULL;
}

static int sc_isident(int ch)
{
    return isalnum(ch) || ch == '_';
}

/* One token of a condition string: a run of operator characters, or a run of
 * word characters (which may start with '-'). */
static size_t sc_token(const char *s, size_t i, size_t len, size_t *start)
{
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    *start = i;
    if (i < len && strchr("=!<>&~", s[i])) {
        while (i < len && strchr("=!<>&~", s[i]))
            i++;
    } else {
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        while (i < len && (sc_isident((unsigned char)s[i]) || s[i] == '.'))
            i++;
    }
    return i;
}

/* A number token of a condition string, through Lua's own lexer rules
 * (decimal, 0x hex, negative), integers only. */
static const char *sc_parse_cond_number(lua_State *L, const char *s, size_t len, const char *src,
                                        scmp_datum_t *out)
{
    const char *msg;
    lua_pushlstring(L, s, len);
    if (len == 0 || lua_stringtonumber(L, lua_tostring(L, -1)) == 0) {
        msg = lua_pushfstring(L, "bad number '%s' in condition '%s'", lua_tostring(L, -1), src);
        lua_remove(L, -2);
        return msg;
    }
    lua_remove(L, -2);
    msg = sc_parse_datum(L, lua_gettop(L), "value", out);
    if (msg) {
        msg = lua_pushfstring(L, "%s in condition '%s'", msg, src);
        return msg;
    }
    lua_pop(L, 1);
    return NULL;
}

/* "argN OP value" or "argN & mask == value" */
static const char *sc_parse_cond_string(lua_State *L, int idx, struct scmp_arg_cmp *c)
{
    size_t len, a0, a1, o0, o1, v0, v1, w0, w1, e0, e1;
    const char *s = lua_tolstring(L, idx, &len);
    const char *msg;
    int top = lua_gettop(L);
    a1 = sc_token(s, 0, len, &a0);
    if (a1 - a0 != 4 || strncmp(s + a0, "arg", 3) != 0 || s[a0 + 3] < '0' || s[a0 + 3] > '5')
        return lua_pushfstring(L, "condition '%s' must start with arg0..arg5", s);
    c->arg = (unsigned)(s[a0 + 3] - '0');
    o1 = sc_token(s, a1, len, &o0);
    v1 = sc_token(s, o1, len, &v0);
    if (o1 - o0 == 1 && s[o0] == '&') { /* argN & mask == value */
        w1 = sc_token(s, v1, len, &w0);
        e1 = sc_token(s, w1, len, &e0);
        if (w1 - w0 != 2 || strncmp(s + w0, "==", 2) != 0)
            return lua_pushfstring(L, "condition '%s': a mask must be followed by '=='", s);
        c->op = SCMP_CMP_MASKED_EQ;
        if ((msg = sc_parse_cond_number(L, s + v0, v1 - v0, s, &c->datum_a)) ||
            (msg = sc_parse_cond_number(L, s + e0, e1 - e0, s, &c->datum_b)))
            return msg;
        v1 = e1;
    } else {
        size_t i;
        int found = 0;
        for (i = 0; i < SC_NOPS; i++)
            if (sc_ops[i].op != SCMP_CMP_MASKED_EQ && strlen(sc_ops[i].sym) == o1 - o0 &&
                strncmp(sc_ops[i].sym, s + o0, o1 - o0) == 0) {
                c->op = sc_ops[i].op;
                found = 1;
            }
        if (!found) {
            lua_pushlstring(L, s + o0, o1 - o0);
            msg = sc_push_unknown_op(L, -1);
            return lua_pushfstring(L, "%s in condition '%s'", msg, s);
        }
        if ((msg = sc_parse_cond_number(L, s + v0, v1 - v0, s, &c->datum_a)))
            return msg;
        c->datum_b = 0;
    }
    while (v1 < len && isspace((unsigned char)s[v1]))
        v1++;
    if (v1 != len)
        return lua_pushfstring(L, "unexpected '%s' at the end of condition '%s'", s + v1, s);
    lua_settop(L, top);
    return NULL;
}

static const char *sc_parse_cond(lua_State *L, int idx, struct scmp_arg_cmp *out)
{
    struct scmp_arg_cmp *u;
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TTABLE:
        return sc_parse_cond_table(L, idx, out);
    case LUA_TSTRING:
        return sc_parse_cond_string(L, idx, out);
    case LUA_TUSERDATA:
        if ((u = luaL_testudata(L, idx, SC_COND_MT)) != NULL) {
            *out = *u;
            return NULL;
        }
        /* fall through */
    default:
        return lua_pushfstring(L, "condition expected (table, string or seccomp.arg), got %s",
                               sc_repr(L, idx));
    }
}

/* Read up to six conditions from stack slots first..last into conds;
 * raises an argument error naming the slot. Returns the count. */
static unsigned sc_check_conds(lua_State *L, int first, int last, struct scmp_arg_cmp *conds)
{
    int i;
    unsigned n = 0, seen = 0;
    if (last - first + 1 > SC_MAX_ARGS)
        sc_argerror(L, first + SC_MAX_ARGS,
                      lua_pushfstring(L, "too many conditions (%d); at most %d", last - first + 1,
                                      SC_MAX_ARGS));
    for (i = first; i <= last; i++) {
        const char *msg = sc_parse_cond(L, i, &conds[n]);
        if (msg)
            sc_argerror(L, i, msg);
        if (seen & (1u << conds[n].arg))
            sc_argerror(L, i, lua_pushfstring(L,
                "a second condition on arg%d: libseccomp allows one comparison per argument in "
                "a rule (use separate rules, or a masked comparison)", (int)conds[n].arg));
        seen |= 1u << conds[n].arg;
        n++;
    }
    return n;
}

static struct scmp_arg_cmp *sc_push_cond(lua_State *L, const struct scmp_arg_cmp *c)
{
    struct scmp_arg_cmp *u = sc_newuserdata(L, sizeof *u);
    *u = *c;
    luaL_setmetatable(L, SC_COND_MT);
    return u;
}

/* tostring(cond) -> "arg2 == 0x1" / "arg1 & 0x3 == 0x1" */
static int l_cond_tostring(lua_State *L)
{
    struct scmp_arg_cmp *c = luaL_checkudata(L, 1, SC_COND_MT);
    char a[24], b[24];
    snprintf(a, sizeof a, "0x%llx", (unsigned long long)c->datum_a);
    snprintf(b, sizeof b, "0x%llx", (unsigned long long)c->datum_b);
    if (c->op == SCMP_CMP_MASKED_EQ)
        lua_pushfstring(L, "arg%d & %s == %s", (int)c->arg, a, b);
    else
        lua_pushfstring(L, "arg%d %s %s", (int)c->arg, sc_op_symbol(c->op), a);
    return 1;
}

/* cond.arg, cond.op ("==" ...), cond.a, cond.b: the condition's parts */
static int l_cond_index(lua_State *L)
{
    struct scmp_arg_cmp *c = luaL_checkudata(L, 1, SC_COND_MT);
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
    if (strcmp(k, "arg") == 0)
        lua_pushinteger(L, (lua_Integer)c->arg);
    else if (strcmp(k, "op") == 0)
        lua_pushstring(L, sc_op_symbol(c->op));
    else if (strcmp(k, "a") == 0)
        lua_pushinteger(L, (lua_Integer)c->datum_a);
    else if (strcmp(k, "b") == 0)
        lua_pushinteger(L, (lua_Integer)c->datum_b);
    else
        lua_pushnil(L);
    return 1;
}

static int sc_argref_new(lua_State *L, int bits32)
{
    unsigned idx = 0;
    const char *msg = sc_parse_argindex(L, 1, &idx);
    sc_argref *r;
    if (msg)
        sc_argerror(L, 1, msg);
    r = sc_newuserdata(L, sizeof *r);
    r->arg = idx;
    r->bits32 = bits32;
    luaL_setmetatable(L, SC_ARGREF_MT);
    return 1;
}

/* seccomp.arg(n) -> builder for conditions on argument n (0..5) */
static int l_arg(lua_State *L)
{
    return sc_argref_new(L, 0);
}

/* seccomp.arg32(n) -> builder whose data are truncated to 32 bits */
static int l_arg32(lua_State *L)
{
    return sc_argref_new(L, 1);
}

static scmp_datum_t sc_check_datum(lua_State *L, int arg, int bits32)
{
    scmp_datum_t d = 0;
    const char *msg = sc_parse_datum(L, arg, "value", &d);
    if (msg)
        sc_argerror(L, arg, msg);
    return bits32 ? (scmp_datum_t)(uint32_t)d : d;
}

static int sc_argref_cmp(lua_State *L, enum scmp_compare op)
{
    sc_argref *r = luaL_checkudata(L, 1, SC_ARGREF_MT);
    struct scmp_arg_cmp c;
    c.arg = r->arg;
    c.op = op;
    c.datum_a = sc_check_datum(L, 2, r->bits32);
    c.datum_b = op == SCMP_CMP_MASKED_EQ ? sc_check_datum(L, 3, r->bits32) : 0;
    if (op != SCMP_CMP_MASKED_EQ && !lua_isnone(L, 3))
        sc_argerror(L, 3, "one value expected");
    sc_push_cond(L, &c);
    return 1;
}

/* arg:eq(v) arg:ne(v) arg:lt(v) arg:le(v) arg:gt(v) arg:ge(v) -> condition */
static int l_arg_eq(lua_State *L) { return sc_argref_cmp(L, SCMP_CMP_EQ); }
static int l_arg_ne(lua_State *L) { return sc_argref_cmp(L, SCMP_CMP_NE); }
static int l_arg_lt(lua_State *L) { return sc_argref_cmp(L, SCMP_CMP_LT); }
static int l_arg_le(lua_State *L) { return sc_argref_cmp(L, SCMP_CMP_LE); }
static int l_arg_gt(lua_State *L) { return sc_argref_cmp(L, SCMP_CMP_GT); }
static int l_arg_ge(lua_State *L) { return sc_argref_cmp(L, SCMP_CMP_GE); }
/* arg:masked_eq(mask, value) -> condition (arg & mask) == value */
static int l_arg_masked_eq(lua_State *L) { return sc_argref_cmp(L, SCMP_CMP_MASKED_EQ); }

static int l_arg_tostring(lua_State *L)
{
    sc_argref *r = luaL_checkudata(L, 1, SC_ARGREF_MT);
    lua_pushfstring(L, "seccomp.arg%s(%d)", r->bits32 ? "32" : "", (int)r->arg);
    return 1;
}

/* A builder's fields are its methods; any other name is a mistake, raised
 * with the method meant ("seccomp.arg(1) has no method 'lte' (did you mean
 * 'le'?)"), not left to an "attempt to call a nil value". */
static int l_argref_index(lua_State *L)
{
    sc_argref *r = luaL_checkudata(L, 1, SC_ARGREF_MT);
    char buf[24];
    const char *k, *guess;
    if (sc_index_method(L))
        return 1;
    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    k = lua_tostring(L, 2);
    guess = sc_op_name_guess(k, buf, sizeof buf);
    if (guess)
        return luaL_error(L, "seccomp.arg%s(%d) has no method '%s' (did you mean '%s'?)",
                          r->bits32 ? "32" : "", (int)r->arg, k, guess);
    return luaL_error(L, "seccomp.arg%s(%d) has no method '%s' (the methods are eq, ne, lt, "
                      "le, gt, ge, masked_eq)", r->bits32 ? "32" : "", (int)r->arg, k);
}

static void sc_open_cond(lua_State *L)
{
    static const luaL_Reg argref_methods[] = {
        {"eq", l_arg_eq}, {"ne", l_arg_ne}, {"lt", l_arg_lt}, {"le", l_arg_le},
        {"gt", l_arg_gt}, {"ge", l_arg_ge}, {"masked_eq", l_arg_masked_eq}, {NULL, NULL},
    };
    static const luaL_Reg cond_meta[] = {{"__tostring", l_cond_tostring}, {NULL, NULL}};
    static const luaL_Reg argref_meta[] = {{"__tostring", l_arg_tostring}, {NULL, NULL}};
    sc_new_type(L, SC_COND_MT, cond_meta, NULL, l_cond_index);
    sc_new_type(L, SC_ARGREF_MT, argref_meta, argref_methods, l_argref_index);
}
