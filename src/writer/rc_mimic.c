/* rc_mimic.c — logical <-> physical dataset paths of the robomimic layout (rc_mimic_int.h). */
#include "config.h"
#include "writer/rc_mimic_int.h"

#include <stdio.h>
#include <string.h>

#include "writer/rc_h5_int.h"

int rc_mimic_physical(const char *logical, char *buf, size_t n)
{
    const char *slash = strchr(logical, '/');
    int len = slash && !strcmp(slash, "/data") ? snprintf(buf, n, "obs/%.*s", (int)(slash - logical), logical)
                                               : snprintf(buf, n, "robocache/%s", logical);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

int rc_mimic_logical(const char *physical, char *buf, size_t n)
{
    int len;
    if (!strncmp(physical, "obs/", 4) && physical[4] && !strchr(physical + 4, '/'))
        len = snprintf(buf, n, "%s/data", physical + 4);
    else if (!strncmp(physical, "robocache/", 10) && physical[10])
        len = snprintf(buf, n, "%s", physical + 10);
    else
        return 0;
    return len < 0 || (size_t)len >= n ? -1 : 1;
}

int rc_mimic_is(hid_t fid)
{
    char v[32];
    return rc_h5_attr_read_str(fid, RC_MIMIC_FORMAT_ATTR, v, sizeof v) == 0 && !strcmp(v, "robomimic");
}

typedef struct find_ctx {
    const char *id;
    char found[64];
} find_ctx;

static herr_t match_id(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    find_ctx *f = data;
    char id[256];
    if (info->type != H5L_TYPE_HARD || strlen(name) >= sizeof f->found) return 0;
    hid_t demo = H5Gopen2(g, name, H5P_DEFAULT);
    if (demo < 0) return 0;
    int hit = rc_h5_attr_read_str(demo, RC_MIMIC_ID_ATTR, id, sizeof id) == 0 && !strcmp(id, f->id);
    H5Gclose(demo);
    if (!hit) return 0;
    snprintf(f->found, sizeof f->found, "%s", name);
    return 1;
}

hid_t rc_mimic_open_episode(hid_t fid, const char *id)
{
    char where[600];
    if (!rc_mimic_is(fid)) {
        snprintf(where, sizeof where, "/episodes/%s", id);
        return H5Gopen2(fid, where, H5P_DEFAULT);
    }
    hid_t data = H5Gopen2(fid, "/data", H5P_DEFAULT);
    if (data < 0) return -1;
    find_ctx f = {id, ""};
    hsize_t idx = 0;
    herr_t rc = H5Literate(data, H5_INDEX_NAME, H5_ITER_INC, &idx, match_id, &f);
    hid_t g = rc > 0 && f.found[0] ? H5Gopen2(data, f.found, H5P_DEFAULT) : -1;
    H5Gclose(data);
    return g;
}
