#ifndef BURAQ_CYAML_SHIM_H
#define BURAQ_CYAML_SHIM_H
#include <stdlib.h>
#include <yaml.h>

/* libyaml keeps a pointer to the parser inside the parser (the string reader's handler data), so
   the parser must live at a fixed address: these wrappers allocate it on the heap. */

/* A parser reading `size` bytes at `input` (which must outlive the parser); NULL when out of memory. */
static inline yaml_parser_t *buraq_yaml_parser_create(const unsigned char *input, size_t size) {
    yaml_parser_t *parser = (yaml_parser_t *)malloc(sizeof(yaml_parser_t));
    if (parser == NULL) return NULL;
    if (!yaml_parser_initialize(parser)) {
        free(parser);
        return NULL;
    }
    yaml_parser_set_input_string(parser, input, size);
    return parser;
}

/* Releases a parser made by buraq_yaml_parser_create. */
static inline void buraq_yaml_parser_destroy(yaml_parser_t *parser) {
    if (parser == NULL) return;
    yaml_parser_delete(parser);
    free(parser);
}

/* The next event into *event (release it with yaml_event_delete); 0 on a parse error. */
static inline int buraq_yaml_parser_next(yaml_parser_t *parser, yaml_event_t *event) {
    return yaml_parser_parse(parser, event);
}
#endif
