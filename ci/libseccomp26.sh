#!/usr/bin/env bash
# Make libseccomp 2.6.0 (Debian trixie's libseccomp2 + libseccomp-dev)
# available under PREFIX, without touching the system's libseccomp or the
# machine's own APT state.
#
# usage: ci/libseccomp26.sh PREFIX
#
# The Debian mirror is taken from the machine's own APT sources (the entry
# that serves the installed release's main suite, e.g. bookworm); a temporary
# sources list for suite "trixie", component "main" is written to a temp dir,
# and apt-get update/download run with their lists and cache redirected there.
# Both .debs are unpacked with dpkg -x into PREFIX.
#
# On success the last two lines of output are
#   LIBSECCOMP_INCDIR=PREFIX/usr/include
#   LIBSECCOMP_LIBDIR=PREFIX/usr/lib/<multiarch>
# Running it again with a PREFIX that already holds 2.6 is a no-op.
set -euo pipefail

TARGET_SUITE=${LIBSECCOMP_SUITE:-trixie} # sid: 2.6.1
WANT_MINOR=6

die() { echo "libseccomp26.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 PREFIX"
mkdir -p "$1"
PREFIX=$(cd "$1" && pwd)

# Print the library dir under PREFIX holding libseccomp.so.2, if any.
find_libdir() {
	local so
	for so in "$PREFIX"/usr/lib/*/libseccomp.so.2 "$PREFIX"/usr/lib/libseccomp.so.2; do
		if [ -e "$so" ]; then
			dirname "$so"
			return 0
		fi
	done
	return 1
}

# True if PREFIX already holds a usable 2.6 header + library + dev symlink.
have_26() {
	local hdr=$PREFIX/usr/include/seccomp.h libdir
	[ -f "$hdr" ] || return 1
	grep -Eq "^#define[[:space:]]+SCMP_VER_MAJOR[[:space:]]+2\$" "$hdr" || return 1
	grep -Eq "^#define[[:space:]]+SCMP_VER_MINOR[[:space:]]+${WANT_MINOR}\$" "$hdr" || return 1
	libdir=$(find_libdir) || return 1
	[ -e "$libdir/libseccomp.so" ] || return 1
	# the dev symlink must resolve to a file inside PREFIX
	case "$(readlink -f "$libdir/libseccomp.so")" in
		"$PREFIX"/*) ;;
		*) return 1 ;;
	esac
}

report() {
	local libdir
	libdir=$(find_libdir) || die "no libseccomp.so.2 under $PREFIX"
	echo "LIBSECCOMP_INCDIR=$PREFIX/usr/include"
	echo "LIBSECCOMP_LIBDIR=$libdir"
}

if have_26; then
	echo "libseccomp 2.${WANT_MINOR} already present under $PREFIX; nothing to do" >&2
	report
	exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found"
command -v dpkg >/dev/null || die "dpkg not found"

# --- find the machine's main Debian mirror --------------------------------
# Release codename of this machine (e.g. bookworm).
CODENAME=
if [ -r /etc/os-release ]; then
	# shellcheck disable=SC1091
	CODENAME=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
fi
[ -n "$CODENAME" ] || CODENAME=bookworm

# Print "URI<TAB>SIGNED_BY" for every deb source that serves suite $1 with
# component main, one-line (*.list) and deb822 (*.sources) formats alike.
list_sources() {
	local suite=$1 f
	local -a lists=() debs=()
	[ -f /etc/apt/sources.list ] && lists+=(/etc/apt/sources.list)
	for f in /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && lists+=("$f"); done
	for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && debs+=("$f"); done

	if [ ${#lists[@]} -gt 0 ]; then
		awk -v suite="$suite" '
			/^[[:space:]]*#/ { next }
			$1 != "deb" { next }
			{
				i = 2; signed = ""
				if ($i ~ /^\[/) {
					# options: [opt=val opt=val]
					while (i <= NF) {
						opt = $i; gsub(/[\[\]]/, "", opt)
						if (opt ~ /^signed-by=/) { sub(/^signed-by=/, "", opt); signed = opt }
						if ($i ~ /\]$/) { i++; break }
						i++
					}
				}
				uri = $i; s = $(i + 1); hasmain = 0
				for (j = i + 2; j <= NF; j++) if ($j == "main") hasmain = 1
				if (s == suite && hasmain) print uri "\t" signed
			}' "${lists[@]}"
	fi

	if [ ${#debs[@]} -gt 0 ]; then
		# deb822: stanzas separated by blank lines; fields may continue on
		# indented lines; "#" lines are comments.
		awk -v suite="$suite" '
			function flush() {
				if (types != "" && uris != "" && suites != "") {
					nt = split(types, T, /[[:space:]]+/); isdeb = 0
					for (k = 1; k <= nt; k++) if (T[k] == "deb") isdeb = 1
					ns = split(suites, S, /[[:space:]]+/); hassuite = 0
					for (k = 1; k <= ns; k++) if (S[k] == suite) hassuite = 1
					nc = split(comps, C, /[[:space:]]+/); hasmain = 0
					for (k = 1; k <= nc; k++) if (C[k] == "main") hasmain = 1
					if (tolower(enabled) == "no") isdeb = 0
					if (isdeb && hassuite && hasmain) {
						nu = split(uris, U, /[[:space:]]+/)
						for (k = 1; k <= nu; k++) if (U[k] != "") print U[k] "\t" signed
					}
				}
				types = uris = suites = comps = signed = enabled = ""; last = ""
			}
			BEGIN { flush() }
			/^[[:space:]]*#/ { next }
			/^[[:space:]]*$/ { flush(); next }
			/^[[:space:]]/ {
				# continuation line
				v = $0; sub(/^[[:space:]]+/, "", v)
				if (last == "uris") uris = uris " " v
				else if (last == "suites") suites = suites " " v
				else if (last == "components") comps = comps " " v
				else if (last == "types") types = types " " v
				next
			}
			{
				key = $0; sub(/:.*/, "", key); key = tolower(key)
				val = $0; sub(/^[^:]*:[[:space:]]*/, "", val); sub(/[[:space:]]+$/, "", val)
				last = key
				if (key == "types") types = val
				else if (key == "uris") uris = val
				else if (key == "suites") suites = val
				else if (key == "components") comps = val
				else if (key == "signed-by") signed = val
				else if (key == "enabled") enabled = val
			}
			END { flush() }' "${debs[@]}"
	fi
}

SRC=$(list_sources "$CODENAME" | head -n 1)
[ -n "$SRC" ] || die "no 'deb' source for suite $CODENAME/main found in /etc/apt"
MIRROR=${SRC%%$'\t'*}
SIGNED_BY=${SRC#*$'\t'}
MIRROR=${MIRROR%/}
# A Signed-By that is an inline key block (not a path) cannot be passed on a
# one-line entry; fall back to the default keyring in that case.
case "$SIGNED_BY" in
	/*) [ -r "$SIGNED_BY" ] || SIGNED_BY= ;;
	*) SIGNED_BY= ;;
esac
if [ -z "$SIGNED_BY" ] && [ -r /usr/share/keyrings/debian-archive-keyring.gpg ]; then
	SIGNED_BY=/usr/share/keyrings/debian-archive-keyring.gpg
fi
echo "using mirror $MIRROR (from the machine's $CODENAME source), suite $TARGET_SUITE" >&2

# --- temporary APT state ---------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libseccomp26.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/lists/partial" "$TMP/cache/archives/partial" "$TMP/debs"

if [ -n "$SIGNED_BY" ]; then
	echo "deb [signed-by=$SIGNED_BY] $MIRROR $TARGET_SUITE main" >"$TMP/sources.list"
else
	echo "deb $MIRROR $TARGET_SUITE main" >"$TMP/sources.list"
fi

ARCH=$(dpkg --print-architecture)
APT_OPTS=(
	-o "Dir::Etc::SourceList=$TMP/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$TMP/lists"
	-o "Dir::Cache=$TMP/cache"
	-o "APT::Architecture=$ARCH"
	-o "APT::Architectures=$ARCH"
	-o "APT::Sandbox::User=root"
	-o "Acquire::Languages=none"
)

apt-get -q "${APT_OPTS[@]}" update >&2

# Pick the trixie version explicitly (don't rely on candidate selection).
VER=$(apt-cache "${APT_OPTS[@]}" show libseccomp2 2>/dev/null |
	awk '/^Version: /{print $2}' | grep "^2\.${WANT_MINOR}\." | sort -V | tail -n 1 || true)
[ -n "$VER" ] || die "no libseccomp2 2.${WANT_MINOR}.x found in $TARGET_SUITE"
echo "downloading libseccomp2 / libseccomp-dev $VER" >&2

(cd "$TMP/debs" && apt-get -q "${APT_OPTS[@]}" download \
	"libseccomp2=$VER" "libseccomp-dev=$VER" >&2)

for deb in "$TMP"/debs/*.deb; do
	dpkg -x "$deb" "$PREFIX"
done

# --- fix up ----------------------------------------------------------------
LIBDIR=$(find_libdir) || die "libseccomp.so.2 not found under $PREFIX after unpacking"
REAL=$(basename "$(find "$LIBDIR" -maxdepth 1 -name 'libseccomp.so.2.*' -type f | sort -V | tail -n 1)")
[ -n "$REAL" ] || die "no libseccomp.so.2.* file in $LIBDIR"
# The dev symlink may be absolute (pointing at the system's /usr/lib/...):
# make it (and the soname link) relative so they resolve inside PREFIX.
for link in libseccomp.so libseccomp.so.2; do
	case "$(readlink -f "$LIBDIR/$link" 2>/dev/null || true)" in
		"$LIBDIR"/*) [ -e "$LIBDIR/$link" ] && continue ;;
	esac
	ln -sfn "$REAL" "$LIBDIR/$link"
done

# Point the pkg-config file at PREFIX (PKG_CONFIG_PATH=$LIBDIR/pkgconfig).
PC=$LIBDIR/pkgconfig/libseccomp.pc
if [ -f "$PC" ]; then
	sed -i -E "s|^prefix=.*|prefix=$PREFIX/usr|" "$PC"
fi

have_26 || die "unpacked libseccomp under $PREFIX is not a usable 2.${WANT_MINOR}"
report
