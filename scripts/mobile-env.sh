# Build settings of the mobile library, sourced (not run) by every build of it: the shipped ones
# (android/build-rust.sh, ios/build-xcframework.sh), the size check (tests/bench/mobile-size.sh)
# and the cdylib the Kotlin and Swift suites load (tests/stages/60-kotlin.sh, 70-swift.sh), so
# those suites run against the SQLite the apps ship. docs/mobile.md "Library size".
#
# Only these builds get them: the CLI's reference server keeps SQLite's automatic indexes and
# compound SELECT. Changing LIBSQLITE3_FLAGS rebuilds libsqlite3-sys and everything above it, so
# these builds use their own target directory and never invalidate the ordinary one.
# Incremental compilation splits a crate into many codegen units whatever the profile says, which
# changes the shipped code and its size; the mobile profile wants one.
export CARGO_INCREMENTAL=0
if [ -z "${DUET_MOBILE_ENV:-}" ]; then
  export DUET_MOBILE_ENV=1
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target}/mobile-env"
fi

# Bundled SQLite (libsqlite3-sys appends LIBSQLITE3_FLAGS after its own -D flags): turn off what
# the vault never uses, which is most of the library's size beyond duet itself.
# -U drops libsqlite3-sys's defaults: full-text search (FTS3/4/5), R-tree, the dbstat table,
# STAT4 statistics, soundex(), column metadata, loadable extensions. -DSQLITE_OMIT_*: JSON SQL
# functions, date/time SQL functions, UTF-16 APIs, deprecated APIs, shared cache, progress
# callbacks, declared column types, sqlite3_complete/get_table, TCL variables, the authorizer,
# incremental blob I/O, introspection pragmas, test hooks, auto-vacuum, automatic indexes,
# INSERT-SELECT transfer, sqlite3_deserialize, compile-option introspection, tracing, generated
# columns, blob/hex literals, localtime, compound SELECT (UNION, multi-row VALUES), lookaside
# memory, and the LIKE/BETWEEN/OR/count/truncate/quick-balance optimizations (tables of a few
# dozen rows). Recommended by sqlite.org/compile.html: DQS=0 (no double-quoted string literals),
# DEFAULT_MEMSTATUS=0, LIKE_DOESNT_MATCH_BLOBS, MAX_EXPR_DEPTH=0.
# Options that change SQLite's grammar (window functions, virtual tables, ANALYZE, EXPLAIN, CTEs)
# do not compile with the amalgamation, and VIEW, VACUUM, ATTACH and REINDEX compile but leave
# the parser calling functions that are gone (undefined symbols in the .so; mobile-size.sh checks
# there are none), so they are not used either; triggers stay because SQLite enforces foreign
# keys with them (the vault turns foreign keys on).
export LIBSQLITE3_FLAGS="-USQLITE_ENABLE_FTS3 -USQLITE_ENABLE_FTS3_PARENTHESIS -USQLITE_ENABLE_FTS5 -USQLITE_ENABLE_RTREE -USQLITE_ENABLE_DBSTAT_VTAB -USQLITE_ENABLE_STAT4 -USQLITE_SOUNDEX -USQLITE_ENABLE_COLUMN_METADATA -USQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_JSON -DSQLITE_OMIT_DATETIME_FUNCS -DSQLITE_OMIT_UTF16 -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_OMIT_PROGRESS_CALLBACK -DSQLITE_OMIT_DECLTYPE -DSQLITE_OMIT_COMPLETE -DSQLITE_OMIT_GET_TABLE -DSQLITE_OMIT_TCL_VARIABLE -DSQLITE_OMIT_AUTHORIZATION -DSQLITE_OMIT_INCRBLOB -DSQLITE_OMIT_INTROSPECTION_PRAGMAS -DSQLITE_UNTESTABLE -DSQLITE_DQS=0 -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_MAX_EXPR_DEPTH=0 -DSQLITE_OMIT_AUTOVACUUM -DSQLITE_OMIT_AUTOMATIC_INDEX -DSQLITE_OMIT_XFER_OPT -DSQLITE_OMIT_DESERIALIZE -DSQLITE_OMIT_COMPILEOPTION_DIAGS -DSQLITE_OMIT_TRACE -DSQLITE_OMIT_GENERATED_COLUMNS -DSQLITE_OMIT_BLOB_LITERAL -DSQLITE_OMIT_LOCALTIME -DSQLITE_OMIT_HEX_INTEGER -DSQLITE_OMIT_COMPOUND_SELECT -DSQLITE_OMIT_LIKE_OPTIMIZATION -DSQLITE_OMIT_BETWEEN_OPTIMIZATION -DSQLITE_OMIT_OR_OPTIMIZATION -DSQLITE_OMIT_QUICKBALANCE -DSQLITE_OMIT_LOOKASIDE -DSQLITE_OMIT_BTREECOUNT -DSQLITE_OMIT_TRUNCATE_OPTIMIZATION -DSQLITE_OMIT_CASE_SENSITIVE_LIKE_PRAGMA"

# No unwind tables for the C code (SQLite, ring): nothing unwinds through it (a Rust panic never
# crosses an extern "C" frame, and rusqlite's callbacks catch panics), and the tables are 90 KB of
# the x86_64 library. Per target (cc reads CFLAGS_<triple>), so the host's other C builds are
# untouched; Apple targets keep their compact unwind info. A crash inside SQLite still shows the
# faulting frame.
export CFLAGS_x86_64_unknown_linux_gnu="-fno-asynchronous-unwind-tables -fno-unwind-tables"
export CFLAGS_aarch64_linux_android="-fno-asynchronous-unwind-tables -fno-unwind-tables"
export CFLAGS_armv7_linux_androideabi="-fno-asynchronous-unwind-tables -fno-unwind-tables"
export CFLAGS_x86_64_linux_android="-fno-asynchronous-unwind-tables -fno-unwind-tables"
