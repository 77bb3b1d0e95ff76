// GNU extensions of glibc that Swift's Glibc module hides (it is not built with _GNU_SOURCE),
// through typed wrappers: thread names (what `top -H`, gdb and perf show) and closing inherited
// descriptors in posix_spawn.
#ifndef BURAQ_CGNUEXTENSIONS_SHIM_H
#define BURAQ_CGNUEXTENSIONS_SHIM_H
#ifdef __linux__
#include <sys/prctl.h>
static inline void buraq_set_thread_name(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}
#include <spawn.h>
/* glibc 2.34+; <spawn.h> declares it only under _GNU_SOURCE, so it is declared here. */
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *, int);
static inline int buraq_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
#else
#include <pthread.h>
#include <spawn.h>
static inline void buraq_set_thread_name(const char *name) { pthread_setname_np(name); }
static inline int buraq_spawn_close_from(posix_spawn_file_actions_t *actions, int from) { return 0; }
#endif
#endif
