/* cmd_info.c — the 'info' subcommand (docs/SPEC.md §2): version, backends compiled in, the CUDA
 * targets embedded in this very binary (read from /proc/self/exe's .nv_fatbin section, not
 * from what the build intended), the CUDA runtime and driver, the devices seen, and which
 * backend `auto` would pick and why (that runs the backend's probe kernel).  Text by default,
 * one JSON object with --json.  Also where the zstd filter plugin is, and what h5py needs to
 * find it.  The memory budget with its source. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "cli/rc_cli_int.h"
#include "common/rc_common.h"

#define MAX_TARGETS 32
#define MAX_DEVICES 16

/* Everything info reports, gathered before printing. */
typedef struct info_facts {
    int cuda_compiled;
    rc_fatbin_target targets[MAX_TARGETS];
    int n_targets;
    char targets_err[1100]; /* non-empty: the binary could not be read */
    int runtime, driver;    /* CUDA versions (1000*major + 10*minor); 0 = none */
    char devices_err[1100]; /* non-empty: no device list */
    int n_devices;
    rc_cuda_device devices[MAX_DEVICES];
    const char *auto_name;
    char auto_reason[1200];
    int plugin_found;         /* the zstd filter plugin: its folder, or every place looked */
    char plugin_dir[4096];
    char plugin_looked[4096];
    int plugin_default;       /* plugin_dir is HDF5's default folder */
    const char *plugin_env;   /* HDF5_PLUGIN_PATH when set (HDF5 then looks only there), else NULL */
    int plugin_in_env;        /* a folder of it holds the plugin: plugin_dir is that one */
} info_facts;

static void gather(info_facts *f)
{
    rc_err err;
    rc_backend *b = NULL;
    memset(f, 0, sizeof *f);
    rc_err_clear(&err);
    if (rc_fatbin_list_file("/proc/self/exe", f->targets, MAX_TARGETS, &f->n_targets, &err) != RC_OK)
        snprintf(f->targets_err, sizeof f->targets_err, "%s", err.msg);
    f->cuda_compiled = rc_backend_cuda_compiled();
    rc_backend_cuda_versions(&f->runtime, &f->driver);
    rc_err_clear(&err);
    if (rc_backend_cuda_devices(f->devices, MAX_DEVICES, &f->n_devices, &err) != RC_OK)
        snprintf(f->devices_err, sizeof f->devices_err, "%s", err.msg);
    if (f->n_devices > MAX_DEVICES) f->n_devices = MAX_DEVICES;
    rc_err_clear(&err);
    if (rc_backend_open("auto", 0, &b, f->auto_reason, sizeof f->auto_reason, &err) == RC_OK) {
        f->auto_name = rc_backend_name(b); /* a string literal: outlives the backend */
        rc_backend_close(b);
    } else {
        f->auto_name = "none";
        snprintf(f->auto_reason, sizeof f->auto_reason, "%s", err.msg);
    }
    f->plugin_env = getenv("HDF5_PLUGIN_PATH");
    if (f->plugin_env && !*f->plugin_env) f->plugin_env = NULL;
    f->plugin_in_env = cli_plugin_dir_in_env(f->plugin_dir, sizeof f->plugin_dir);
    f->plugin_found = f->plugin_in_env ||
                      cli_plugin_dir(f->plugin_dir, sizeof f->plugin_dir, f->plugin_looked, sizeof f->plugin_looked);
    f->plugin_default = f->plugin_found && cli_is_hdf5_default_plugin_dir(f->plugin_dir);
}

static void print_text(const info_facts *f)
{
    printf("robocache-convert %s\n", PACKAGE_VERSION);
    printf("backends: cpu%s\n", f->cuda_compiled ? ", cuda" : "");
    printf("cuda: %s\n", f->cuda_compiled ? "compiled in" : "not compiled");
    printf("cuda architectures: ");
    if (f->targets_err[0]) printf("unknown: %s", f->targets_err);
    else if (f->n_targets == 0) printf("none");
    for (int i = 0; i < f->n_targets; i++) {
        char name[64];
        rc_fatbin_target_name(&f->targets[i], name, sizeof name);
        printf("%s%s", i ? ", " : "", name);
    }
    printf("\n");
    if (f->cuda_compiled) {
        printf("cuda runtime: %d.%d\n", f->runtime / 1000, f->runtime % 1000 / 10);
        if (f->driver) printf("cuda driver: %d.%d\n", f->driver / 1000, f->driver % 1000 / 10);
        else printf("cuda driver: none\n");
        if (f->devices_err[0]) printf("cuda devices: none: %s\n", f->devices_err);
        else printf("cuda devices: %d\n", f->n_devices);
        for (int i = 0; i < f->n_devices; i++)
            printf("  device %d: %s, sm_%d%d, %.1f GiB, %d multiprocessors\n", i, f->devices[i].name,
                   f->devices[i].sm_major, f->devices[i].sm_minor,
                   (double)f->devices[i].mem_bytes / (1024.0 * 1024.0 * 1024.0),
                   f->devices[i].multiprocessors);
    }
    printf("backend auto: %s (%s)\n", f->auto_name, f->auto_reason);
    if (!f->plugin_found) {
        printf("hdf5 plugin: not found (%s); looked in: %s\n", RC_PLUGIN_FILE, f->plugin_looked);
    } else if (f->plugin_in_env) {
        printf("hdf5 plugin: %s/%s (in HDF5_PLUGIN_PATH: h5py and other HDF5 programs run from this environment "
               "read shards as they are)\n", f->plugin_dir, RC_PLUGIN_FILE);
    } else if (f->plugin_env) {
        /* HDF5 reads HDF5_PLUGIN_PATH instead of its default folder, never both */
        printf("hdf5 plugin: %s/%s (HDF5_PLUGIN_PATH is set without it, and HDF5 then looks nowhere else; for "
               "h5py and other HDF5 programs run:)\n", f->plugin_dir, RC_PLUGIN_FILE);
        printf("export HDF5_PLUGIN_PATH=%s:$HDF5_PLUGIN_PATH\n", f->plugin_dir);
    } else if (f->plugin_default) {
        printf("hdf5 plugin: %s/%s (HDF5's default folder: h5py and other HDF5 programs read shards as they are)\n",
               f->plugin_dir, RC_PLUGIN_FILE);
    } else {
        printf("hdf5 plugin: %s/%s (not HDF5's default folder %s; for h5py and other HDF5 programs run:)\n",
               f->plugin_dir, RC_PLUGIN_FILE, RC_HDF5_DEFAULT_PLUGIN_DIR);
        printf("export HDF5_PLUGIN_PATH=%s\n", f->plugin_dir);
    }
    printf("memory budget: %llu bytes (%s)\n", (unsigned long long)rc_budget_bytes(), rc_budget_source());
}

/* s as a JSON string (quotes, backslashes and control characters escaped). */
static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void json_version(int v)
{
    if (v) printf("\"%d.%d\"", v / 1000, v % 1000 / 10);
    else printf("null");
}

static void print_json(const info_facts *f)
{
    printf("{\"version\": ");
    json_str(PACKAGE_VERSION);
    printf(", \"backends\": [\"cpu\"%s], \"cuda_compiled\": %s", f->cuda_compiled ? ", \"cuda\"" : "",
           f->cuda_compiled ? "true" : "false");
    printf(", \"cuda_architectures\": ");
    if (f->targets_err[0]) {
        printf("null, \"cuda_architectures_error\": ");
        json_str(f->targets_err);
    } else {
        printf("[");
        for (int i = 0; i < f->n_targets; i++) {
            char name[64];
            rc_fatbin_target_name(&f->targets[i], name, sizeof name);
            printf("%s", i ? ", " : "");
            json_str(name);
        }
        printf("]");
    }
    printf(", \"cuda_runtime\": ");
    json_version(f->runtime);
    printf(", \"cuda_driver\": ");
    json_version(f->driver);
    printf(", \"devices\": [");
    for (int i = 0; i < f->n_devices; i++) {
        printf("%s{\"index\": %d, \"name\": ", i ? ", " : "", i);
        json_str(f->devices[i].name);
        printf(", \"sm\": \"sm_%d%d\", \"memory_bytes\": %llu, \"multiprocessors\": %d}",
               f->devices[i].sm_major, f->devices[i].sm_minor,
               (unsigned long long)f->devices[i].mem_bytes, f->devices[i].multiprocessors);
    }
    printf("], \"devices_error\": ");
    if (f->devices_err[0]) json_str(f->devices_err);
    else printf("null");
    printf(", \"backend_auto\": ");
    json_str(f->auto_name);
    printf(", \"backend_auto_reason\": ");
    json_str(f->auto_reason);
    printf(", \"hdf5_plugin_dir\": ");
    if (f->plugin_found) json_str(f->plugin_dir);
    else printf("null");
    printf(", \"hdf5_plugin_dir_is_default\": %s", f->plugin_default ? "true" : "false");
    printf(", \"hdf5_plugin_path_env\": ");
    if (f->plugin_env) json_str(f->plugin_env);
    else printf("null");
    printf(", \"hdf5_plugin_in_env\": %s", f->plugin_in_env ? "true" : "false");
    printf(", \"hdf5_default_plugin_dir\": ");
    json_str(RC_HDF5_DEFAULT_PLUGIN_DIR);
    if (!f->plugin_found) {
        printf(", \"hdf5_plugin_looked_in\": ");
        json_str(f->plugin_looked);
    }
    printf(", \"memory_budget\": %llu, \"memory_budget_source\": ", (unsigned long long)rc_budget_bytes());
    json_str(rc_budget_source());
    printf("}\n");
}

int cmd_info(int argc, char **argv)
{
    info_facts f;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: robocache-convert info [--json]\n"
                   "  prints the version, the backends compiled in, the CUDA targets embedded in\n"
                   "  this binary, the CUDA runtime, driver and devices, what --backend auto picks,\n"
                   "  and the folder of the HDF5 zstd filter plugin (with the 'export HDF5_PLUGIN_PATH=...'\n"
                   "  line to run when it is not HDF5's default folder),\n"
                   "  and the memory budget with where it comes from\n"
                   CLI_HELP_LOG_OPTIONS);
            return 0;
        }
        if (!strcmp(argv[i], "--json")) {
            json = 1;
            continue;
        }
        return cli_usage_error("info", "unexpected argument '%s'", argv[i]);
    }
    gather(&f);
    if (json) print_json(&f);
    else print_text(&f);
    return fflush(stdout) == 0 ? 0 : 3;
}
