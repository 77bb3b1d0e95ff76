// glibc's allocator tuning (mallopt), which Swift's Glibc module does not expose.
#ifndef BURAQ_CMALLOC_SHIM_H
#define BURAQ_CMALLOC_SHIM_H
#include <malloc.h>
#endif
