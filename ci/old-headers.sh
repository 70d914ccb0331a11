#!/usr/bin/env bash
# Fabricate libseccomp headers that claim an older release, from the system's
# (2.5.x) /usr/include/seccomp.h and seccomp-syscalls.h, with the declarations
# that did not exist in that release removed.  Code that uses newer API without
# a version gate then fails to compile against OUTDIR/include.
#
# usage: ci/old-headers.sh OUTDIR [MINOR]
#   MINOR=4 (default): claim 2.4.4 -- removes what 2.5.0 added
#   MINOR=3          : claim 2.3.3 -- additionally removes what 2.4.0 added
#
# Removed functions are simply undeclared, as in the real old header: with
# gcc < 14 a call is only an implicit-declaration *warning*, so compile with
# -Werror=implicit-function-declaration (gcc >= 14 errors by default).  Set
# OLD_HEADERS_POISON=1 to also '#pragma GCC poison' the removed function names
# (hard error on any use, but it also rejects version-gated fallback
# definitions of the same name and '#ifdef name').
#
# Prints "INCDIR=OUTDIR/include" at the end.  Re-running overwrites OUTDIR/include.
set -euo pipefail

die() { echo "old-headers.sh: $*" >&2; exit 1; }

if [ $# -lt 1 ] || [ $# -gt 2 ]; then die "usage: $0 OUTDIR [MINOR]"; fi
MINOR=${2:-4}
case "$MINOR" in
	4) MICRO=4 ;;
	3) MICRO=3 ;;
	*) die "MINOR must be 4 (2.4.4) or 3 (2.3.3), not '$MINOR'" ;;
esac

SYSINC=${SECCOMP_SYSINC:-/usr/include}
[ -f "$SYSINC/seccomp.h" ] || die "$SYSINC/seccomp.h not found (apt-get install libseccomp-dev)"
[ -f "$SYSINC/seccomp-syscalls.h" ] || die "$SYSINC/seccomp-syscalls.h not found"
grep -Eq '^#define[[:space:]]+SCMP_VER_MINOR[[:space:]]+5$' "$SYSINC/seccomp.h" ||
	die "$SYSINC/seccomp.h is not a libseccomp 2.5.x header"

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
command -v "$PY" >/dev/null || die "python3 not found"

mkdir -p "$1/include"
OUTDIR=$(cd "$1" && pwd)
INCDIR=$OUTDIR/include

cp "$SYSINC/seccomp-syscalls.h" "$INCDIR/seccomp-syscalls.h"

"$PY" - "$SYSINC/seccomp.h" "$INCDIR/seccomp.h.tmp" "$MINOR" "$MICRO" "${OLD_HEADERS_POISON:-0}" <<'PYEOF'
import re
import sys

src, dst, minor, micro, poison = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
lines = open(src).read().split("\n")
# Deleted lines become None so indices stay stable; "touched" records the
# first line after which something was deleted, to clean up orphaned comments.
removed = []
touched = set()


def fail(msg):
    sys.exit("old-headers.sh: " + msg)


def live(i):
    return 0 <= i < len(lines) and lines[i] is not None


def prev_live(i):
    i -= 1
    while i >= 0 and lines[i] is None:
        i -= 1
    return i


def next_live(i):
    i += 1
    while i < len(lines) and lines[i] is None:
        i += 1
    return i


def kill(a, b, what):
    """Delete lines a..b inclusive."""
    for i in range(a, b + 1):
        lines[i] = None
    touched.add(a)
    removed.append(what)


def comment_start(end):
    """If line `end` closes a comment, return the index where it opens."""
    if not live(end) or not lines[end].rstrip().endswith("*/"):
        return None
    i = end
    while i >= 0:
        if lines[i] is not None and "/*" in lines[i]:
            return i
        i -= 1
    return None


def find_define(name):
    pat = re.compile(r"^#\s*define\s+" + re.escape(name) + r"(?=[\s(]|$)")
    for i, l in enumerate(lines):
        if l is not None and pat.match(l):
            j = i
            while lines[j].rstrip().endswith("\\"):
                j += 1
            return i, j
    return None


def drop_define(name):
    r = find_define(name)
    if r is None:
        fail("#define %s not found in source header" % name)
    kill(r[0], r[1], "#define " + name)


def replace_define(name, text):
    r = find_define(name)
    if r is None:
        fail("#define %s not found in source header" % name)
    for i in range(r[0] + 1, r[1] + 1):
        lines[i] = None
    lines[r[0]] = text


def drop_enum_member(name):
    pat = re.compile(r"^\s+" + re.escape(name) + r"\s*(=|,)")
    for i, l in enumerate(lines):
        if l is not None and pat.match(l):
            j = i
            # a trailing /**< ... */ comment may span several lines
            if l.rfind("/*") > l.rfind("*/"):
                j = i + 1
                while "*/" not in lines[j]:
                    j += 1
            kill(i, j, "enum " + name)
            return
    fail("enum member %s not found in source header" % name)


def drop_function(name):
    # a prototype starts in column 0 with a type, not in a comment
    pat = re.compile(r"^[A-Za-z_].*\b" + re.escape(name) + r"\s*\(")
    for i, l in enumerate(lines):
        if l is not None and pat.match(l) and not l.startswith("#"):
            j = i
            while ";" not in lines[j]:
                j += 1
            a = i
            c = comment_start(prev_live(i))
            if c is not None and lines[c].lstrip().startswith("/**"):
                a = c  # the function's own doc comment
            kill(a, j, name + "()")
            return
    fail("function %s not found in source header" % name)


def drop_ifndef(name):
    """Delete '#ifndef NAME' ... matching '#endif', plus a one-line comment
    right above it."""
    pat = re.compile(r"^#\s*ifndef\s+" + re.escape(name) + r"\s*$")
    for i, l in enumerate(lines):
        if l is not None and pat.match(l):
            depth = 0
            for j in range(i, len(lines)):
                s = lines[j]
                if s is None:
                    continue
                if re.match(r"^#\s*if", s):
                    depth += 1
                elif re.match(r"^#\s*endif", s):
                    depth -= 1
                    if depth == 0:
                        break
            a = i
            p = prev_live(i)
            if live(p) and lines[p].startswith("/*") and lines[p].rstrip().endswith("*/"):
                a = p
            kill(a, j, "#ifndef %s ... #endif" % name)
            return
    fail("'#ifndef %s' not found in source header" % name)


def drop_include(hdr):
    pat = re.compile(r"^#\s*include\s+<" + re.escape(hdr) + r">")
    for i, l in enumerate(lines):
        if l is not None and pat.match(l):
            kill(i, i, "#include <%s>" % hdr)
            return
    fail("#include <%s> not found in source header" % hdr)


def drop_lines_matching(regex, what):
    pat = re.compile(regex)
    hit = False
    for i, l in enumerate(lines):
        if l is not None and pat.match(l):
            lines[i] = None
            hit = True
    if not hit:
        fail("no line matching %r (%s)" % (regex, what))


def cleanup_orphan_comments():
    """Drop comments that documented something now deleted: a comment that
    immediately preceded a deletion and is now followed by a blank line,
    another comment or '#endif'."""
    changed = True
    while changed:
        changed = False
        for t in sorted(touched):
            end = prev_live(t)
            c = comment_start(end)
            if c is None:
                continue
            n = next_live(end)
            nxt = lines[n].strip() if n < len(lines) else ""
            if nxt == "" or nxt.startswith("/*") or nxt.startswith("#endif"):
                for i in range(c, end + 1):
                    lines[i] = None
                changed = True
    # collapse runs of blank lines left behind
    out, blank = [], False
    for l in lines:
        if l is None:
            continue
        if l.strip() == "":
            if blank:
                continue
            blank = True
        else:
            blank = False
        out.append(l)
    return out


functions_removed = []


def drop_functions(names):
    for n in names:
        drop_function(n)
        functions_removed.append(n)


# ---- added in 2.5.0 (absent from 2.4.x) ---------------------------------
# <linux/types.h> and <linux/seccomp.h> came with the notify API; 2.4.x
# included only <elf.h> <inttypes.h> <asm/unistd.h> <linux/audit.h>.
drop_include("linux/types.h")
drop_include("linux/seccomp.h")
for m in ("SCMP_FLTATR_CTL_SSB", "SCMP_FLTATR_CTL_OPTIMIZE", "SCMP_FLTATR_API_SYSRAWRC"):
    drop_enum_member(m)
drop_ifndef("AUDIT_ARCH_RISCV64")
drop_define("SCMP_ARCH_RISCV64")
drop_define("SCMP_ACT_NOTIFY")
# the SECCOMP_RET_USER_NOTIF fallback + struct seccomp_notif/_resp
drop_ifndef("SECCOMP_RET_USER_NOTIF")
drop_functions(["seccomp_notify_alloc", "seccomp_notify_free", "seccomp_notify_receive",
                "seccomp_notify_respond", "seccomp_notify_id_valid", "seccomp_notify_fd"])
# API levels 4..6 only exist since 2.5.0 (doc comment only)
drop_lines_matching(r"^ \*  [4-6] : ", "api level 4-6 doc")

if minor <= 3:
    # ---- added in 2.4.0 (absent from 2.3.x) -----------------------------
    drop_functions(["seccomp_api_get", "seccomp_api_set"])
    drop_enum_member("SCMP_FLTATR_CTL_LOG")
    drop_define("SCMP_ACT_KILL_PROCESS")
    drop_define("SCMP_ACT_LOG")
    drop_define("SCMP_ACT_KILL")
    replace_define("SCMP_ACT_KILL_THREAD", "#define SCMP_ACT_KILL\t\t0x00000000U")
    removed.append("#define SCMP_ACT_KILL_THREAD (SCMP_ACT_KILL is 0x00000000U again)")
    drop_define("SCMP_ARCH_PARISC")
    drop_define("SCMP_ARCH_PARISC64")
    # explicit 32/64-bit comparison macros; 2.3 had SCMP_CMP(...)/SCMP_An(...)
    for h in ("_SCMP_VA_NUM_ARGS", "_SCMP_VA_NUM_ARGS_IMPL", "_SCMP_MACRO_DISPATCHER",
              "_SCMP_MACRO_DISPATCHER_IMPL1", "_SCMP_MACRO_DISPATCHER_IMPL2",
              "_SCMP_CMP32_1", "_SCMP_CMP32_2", "SCMP_CMP32"):
        drop_define(h)
    drop_define("SCMP_CMP")
    replace_define("SCMP_CMP64", "#define SCMP_CMP(...)\t\t((struct scmp_arg_cmp){__VA_ARGS__})")
    removed.append("#define SCMP_CMP64 (SCMP_CMP(...) defined directly)")
    for n in range(6):
        drop_define("SCMP_A%d_32" % n)
        drop_define("SCMP_A%d" % n)
        replace_define("SCMP_A%d_64" % n, "#define SCMP_A%d(...)\t\tSCMP_CMP(%d, __VA_ARGS__)" % (n, n))
        removed.append("#define SCMP_A%d_64 (SCMP_A%d(...) defined directly)" % (n, n))

out = cleanup_orphan_comments()
text = "\n".join(out)
text = re.sub(r"(#define\s+SCMP_VER_MINOR\s+)\d+", r"\g<1>%d" % minor, text, count=1)
text = re.sub(r"(#define\s+SCMP_VER_MICRO\s+)\d+", r"\g<1>%s" % micro, text, count=1)
banner = ("/* FABRICATED by ci/old-headers.sh: libseccomp 2.5.x header reduced to the\n"
          " * API of libseccomp 2.%d.%s, for compile-time version-gating tests only. */\n"
          % (minor, micro))
if poison and functions_removed:
    tail = ("\n#if defined(__GNUC__)\n#pragma GCC poison %s\n#endif\n" % " ".join(functions_removed))
    # before the final '#endif' of the include guard
    k = text.rstrip().rfind("#endif")
    text = text[:k] + tail.lstrip("\n") + "\n" + text[k:]
open(dst, "w").write(banner + text)
for r in removed:
    print("removed: " + r, file=sys.stderr)
PYEOF

mv "$INCDIR/seccomp.h.tmp" "$INCDIR/seccomp.h"

# sanity: the fabricated header compiles on its own and reports the version
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
cat >"$probe/v.c" <<'EOF'
#include <seccomp.h>
#if SCMP_VER_MAJOR != 2
#error bad major
#endif
int v = SCMP_VER_MINOR * 100 + SCMP_VER_MICRO;
EOF
${CC:-cc} -fsyntax-only -Wall -Werror -I"$INCDIR" "$probe/v.c" ||
	die "fabricated header does not compile"
grep -Eq "^#define[[:space:]]+SCMP_VER_MINOR[[:space:]]+$MINOR\$" "$INCDIR/seccomp.h" ||
	die "SCMP_VER_MINOR not set"

echo "fabricated libseccomp 2.$MINOR.$MICRO headers in $INCDIR" >&2
echo "INCDIR=$INCDIR"
