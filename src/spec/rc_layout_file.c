/* rc_layout_file.c — input.layout as a spec gives it: the name of a built-in layout
 * (schema_dir/layouts/NAME.yaml) or the path of a user's own layout file, relative to the spec's
 * folder.  Both kinds are available side by side: a layout by path hides no built-in one. */
#include "config.h"
#include "spec/rc_spec.h"

#include <stdio.h>
#include <string.h>

int rc_layout_is_path(const char *value)
{
    size_t n = strlen(value);
    return strchr(value, '/') != NULL || (n > 5 && !strcmp(value + n - 5, ".yaml")) ||
           (n > 4 && !strcmp(value + n - 4, ".yml"));
}

rc_status rc_layout_open(const char *schema_dir, const char *base_dir, const char *value, rc_layout *out,
                         rc_err *err)
{
    rc_status st = RC_OK;
    char path[2100], name[64];
    if (!rc_layout_is_path(value)) return rc_layout_load(schema_dir, value, out, err);
    int w = value[0] == '/' || !base_dir || !base_dir[0] ? snprintf(path, sizeof path, "%s", value)
                                                         : snprintf(path, sizeof path, "%s/%s", base_dir, value);
    rc_err_scope(err, NULL, NULL, NULL);
    RC_FAIL_IF(w < 0 || (size_t)w >= sizeof path, err, RC_E_SPEC, "layout path longer than %zu bytes",
               sizeof path - 1);
    /* the layout's name is the file name without folder and extension */
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    RC_FAIL_IF(len == 0 || len >= sizeof name, err, RC_E_SPEC,
               "expected a layout file name of 1 to %zu bytes before its extension, found %zu", sizeof name - 1, len);
    memcpy(name, base, len);
    name[len] = '\0';
    st = rc_layout_load_file(path, name, out, err);
done:
    return st;
}
