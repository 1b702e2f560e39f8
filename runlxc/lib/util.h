/* Small helpers shared by every part of runlxc: cleanup attributes, allocation that
 * cannot fail silently, whole-file I/O, atomic writes. */
#ifndef RUNLXC_UTIL_H
#define RUNLXC_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/types.h>
#include "error.h"

static inline void rlx_freep(void *p) { free(*(void **)p); }
static inline void rlx_closep(int *fd);
static inline void rlx_fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void rlx_error_releasep(rlx_error_t *e) { rlx_error_release(e); }
#define cleanup_free __attribute__((cleanup(rlx_freep)))
#define cleanup_close __attribute__((cleanup(rlx_closep)))
#define cleanup_file __attribute__((cleanup(rlx_fclosep)))
#define cleanup_error __attribute__((cleanup(rlx_error_releasep)))

static inline void rlx_closep(int *fd) { if (*fd >= 0) close(*fd); *fd = -1; }

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* NULL-terminated string vectors. */
size_t strv_len(char *const *v);
void strv_free(char **v);
void strv_push(char ***v, const char *s);
bool strv_has(char *const *v, const char *s);
/* Same strings in the same order (NULL equals an empty list). */
bool strv_same_set(char *const *a, char *const *b);

/* Reads a whole file (NUL-terminated). Returns NULL and records the error. */
char *read_file(const char *path, size_t *len, rlx_error_t *err);
/* Writes data to path via a temp file + rename in the same dir (readers never see half). */
int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, rlx_error_t *err);
int write_file(const char *path, const char *data, rlx_error_t *err);
int write_all(int fd, const void *buf, size_t len);
void rlx_copy_winsize(int from, int to);
/* The exit code a shell (and runc) gives a wait status: the exit status, 128+n for a death by
 * signal n, 255 otherwise. */
int wait_exit_code(int status);
/* Waits for the child pid (retrying on EINTR); its exit code, or 255 if it cannot be waited. */
int wait_child_code(pid_t pid);
/* Points fds 0-2 at /dev/null (closes them where there is none): for helpers that must not
 * hold a caller's pipes or terminal. */
void stdio_to_devnull(void);
/* Moves fd to the lowest free number >= min (not close-on-exec) and closes the old one. */
int fd_move_above(int fd, int min);
int mkdir_p(const char *path, mode_t mode);
/* Removes a directory tree (no symlink following). */
int rm_rf(const char *path);
/* Drops leading blanks and trailing blanks and line ends, in place; returns the start. */
char *str_trim(char *s);
bool path_exists(const char *path);
/* Undoes the \\ooo escapes of /proc/PID/mountinfo and fstab fields (space, tab, newline,
 * backslash), in place. */
void octal_unescape(char *s);
/* True if any component of path is "..". */
bool path_has_dotdot(const char *path);
/* Process start time (field 22 of /proc/PID/stat), 0 if gone; zombie is reported by *zombie. */
unsigned long long proc_start_time(pid_t pid, bool *zombie);
/* Parent pid (field 4 of /proc/PID/stat), -1 if gone. */
pid_t proc_parent(pid_t pid);
/* pid is still the process that started at starttime, and not a zombie. */
bool proc_is_alive(pid_t pid, unsigned long long starttime);
/* A listening unix socket at path, for its owner only (0600); errors read "WHAT PATH...". */
int rlx_unix_listen(const char *what, const char *path, rlx_error_t *err);
/* A connection to the unix socket at path; errors read "WHAT PATH..." and keep the errno. */
int rlx_unix_connect(const char *what, const char *path, rlx_error_t *err);
/* Now in RFC 3339 with nanoseconds, UTC. */
char *now_rfc3339(void);

#endif
