// Names the calling thread (what `top -H`, gdb and perf show); pthread_setname_np needs
// _GNU_SOURCE, which Swift's Glibc module is not built with.
#ifndef BURAQ_CTHREADNAME_SHIM_H
#define BURAQ_CTHREADNAME_SHIM_H
#ifdef __linux__
#include <sys/prctl.h>
static inline void buraq_set_thread_name(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}
#else
#include <pthread.h>
static inline void buraq_set_thread_name(const char *name) { pthread_setname_np(name); }
#endif
#endif
