#ifndef BURAQ_CYAML_SHIM_H
#define BURAQ_CYAML_SHIM_H
#include <yaml.h>
#endif
