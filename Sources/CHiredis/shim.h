#ifndef BURAQ_CHIREDIS_SHIM_H
#define BURAQ_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <sys/time.h>

/* Typed accessors so Swift never has to reach into hiredis structs by layout guesses. */
static inline int chiredis_context_err(const redisContext *c) { return c->err; }
static inline const char *chiredis_context_errstr(const redisContext *c) { return c->errstr; }
static inline int chiredis_context_fd(const redisContext *c) { return c->fd; }

static inline redisContext *chiredis_connect(const char *host, int port, long timeout_ms) {
    struct timeval tv;
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    return redisConnectWithTimeout(host, port, tv);
}

static inline redisContext *chiredis_connect_unix(const char *path, long timeout_ms) {
    struct timeval tv;
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    return redisConnectUnixWithTimeout(path, tv);
}

static inline int chiredis_set_timeout(redisContext *c, long timeout_ms) {
    struct timeval tv;
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    return redisSetTimeout(c, tv);
}
/* Keep up to max_bytes of consumed read buffer instead of freeing it after every reply
   (hiredis' default, 16 KiB, frees and regrows it for every large reply). */
static inline void chiredis_set_reader_maxbuf(redisContext *c, size_t max_bytes) { c->reader->maxbuf = max_bytes; }
#endif
