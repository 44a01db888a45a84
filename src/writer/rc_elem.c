/* rc_elem.c — sizes and names of the output element types (rc_writer.h). */
#include "config.h"

#include "writer/rc_writer.h"

int rc_elem_size(rc_elem e)
{
    static const int size[] = {1, 2, 4, 4, 8, 2, 2, 4};
    return (unsigned)e < sizeof size / sizeof size[0] ? size[e] : 0;
}

const char *rc_elem_name(rc_elem e)
{
    static const char *const name[] = {"uint8", "uint16", "int32", "uint32", "int64", "float16", "bfloat16", "float32"};
    return (unsigned)e < sizeof name / sizeof name[0] ? name[e] : "unknown";
}
