"""make_hostile.py — the second round of hostile inputs for make_corpus.py (same case table):
inputs that reach outside their file, declare sizes past the memory budget, decode to more than
their chunk, or carry timestamps, names and spec integers at the edges of their types.  Uses
make_corpus's helpers; its functions are called from make_corpus.main()."""
import os
import shutil
import struct

import h5py
import numpy as np

import make_corpus as mc

BLOCK = 1 << 17             # a zstd block at most
BOMB_BYTES = 30517 * BLOCK  # what a zstd bomb chunk decodes to: 4.0e9 bytes, under HDF5's 4 GiB


def zstd_bomb(content_size=True, total=BOMB_BYTES):
    """One zstd frame of RLE blocks decoding to `total` zero bytes (~122 KB for BOMB_BYTES).  With
    content_size it states the size in its header; without it a decoder has to stream."""
    if content_size:        # single segment, 8-byte content size
        head = struct.pack("<IB", 0xFD2FB528, 0xE0) + struct.pack("<Q", total)
    else:                   # window descriptor 2^17 bytes, no content size
        head = struct.pack("<IBB", 0xFD2FB528, 0x00, 0x38)
    sizes = [BLOCK] * (total // BLOCK) + ([total % BLOCK] if total % BLOCK else [])
    blocks = [struct.pack("<I", (n << 3) | (1 << 1) | (k == len(sizes) - 1))[:3] + b"\0"
              for k, n in enumerate(sizes)]
    return head + b"".join(blocks)


def bomb_dataset(where, content_size=True):
    """Replaces dataset `where` by a zstd-filtered copy (filter 32015, through the plugin) whose
    first chunk is a bomb."""
    def post(f):
        old = f[where]
        data, attrs = old[()], dict(old.attrs)
        del f[where]
        d = f.create_dataset(where, data=data, chunks=data.shape, compression=32015)
        for k, v in attrs.items():
            d.attrs[k] = v
        d.id.write_direct_chunk((0,) * data.ndim, zstd_bomb(content_size))
    return post


def input_cases(c):
    F, E = "{F}", "episode " + mc.EP
    def where(p):
        return [F, E, mc.G + p]

    # A raw input whose zstd chunk decodes to 4 GiB: refused at the chunk's own size.
    c.data_case("zstd_bomb_input", 2, where("/imu/data"), post=bomb_dataset(mc.G + "/imu/data"))
    c.data_case("zstd_bomb_input_streamed", 2, where("/imu/data"),
                post=bomb_dataset(mc.G + "/imu/data", content_size=False))
    outside_cases(c)


def case_dir(f):
    """The case folder of input file f (<case>/in/in.h5)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(f.filename)))


def fifo(f):
    """A FIFO in the case folder, outside the input folder: opening it for reading blocks."""
    path = os.path.join(case_dir(f), "fifo")
    if not os.path.exists(path):
        os.mkfifo(path)
    return path


def outside_h5(f):
    """A good HDF5 file in the case folder, outside the input folder."""
    path = os.path.join(case_dir(f), "outside.h5")
    mc.write_h5(path, mc.good_streams())
    return path


def relink(where, link):
    """Replaces the object at `where` by the link link(f)."""
    def post(f):
        del f[where]
        f[where] = link(f)
    return post


def restore(where, make):
    """Replaces dataset `where` by make(f, name, data) (same data and attributes)."""
    def post(f):
        old = f[where]
        data, attrs = old[()], dict(old.attrs)
        del f[where]
        d = make(f, where, data)
        for k, v in attrs.items():
            d.attrs[k] = v
    return post


def external_storage(target):
    return restore(mc.G + "/imu/data", lambda f, w, a: f.create_dataset(
        w, shape=a.shape, dtype=a.dtype, external=[(target(f), 0, a.nbytes)]))


def virtual(target):
    def make(f, w, a):
        layout = h5py.VirtualLayout(shape=a.shape, dtype=a.dtype)
        layout[:] = h5py.VirtualSource(target(f), w, shape=a.shape)
        return f.create_virtual_dataset(w, layout)
    return restore(mc.G + "/imu/data", make)


def outside_cases(c):
    """Item: an input reaches only data inside its own file (run and scan)."""
    F, E = "{F}", "episode " + mc.EP
    def where(p):
        return [F, E, mc.G + p]
    data = mc.G + "/imu/data"
    c.data_case("external_link_passwd", 2, where("/imu/data") + ["external link (into another file) at 'data'"],
                post=relink(data, lambda f: h5py.ExternalLink("/etc/passwd", "/")))
    c.data_case("external_link_fifo", 2, where("/imu") + ["external link"],
                post=relink(mc.G + "/imu", lambda f: h5py.ExternalLink(fifo(f), "/imu")))
    c.data_case("external_link_episode", 2, [F, E, mc.G, "external link"],
                post=relink(mc.G, lambda f: h5py.ExternalLink(outside_h5(f), mc.G)))
    c.data_case("soft_link_other_stream", 2, where("/action/data") + ["soft link to '%s/joint_pos/data'" % mc.G],
                post=relink(mc.G + "/action/data", lambda f: h5py.SoftLink(mc.G + "/joint_pos/data")))
    c.data_case("external_storage_passwd", 2, where("/imu/data") + ["external storage"],
                post=external_storage(lambda f: "/etc/passwd"))
    c.data_case("external_storage_fifo", 2, where("/imu/data") + ["external storage"],
                post=external_storage(fifo))
    c.data_case("virtual_dataset_other_file", 2, where("/imu/data") + ["virtual dataset"],
                post=virtual(outside_h5))
    c.data_case("virtual_dataset_fifo", 2, where("/imu/data") + ["virtual dataset"], post=virtual(fifo))
    # scan reads the input as run does.
    for case in ("external_link_fifo", "external_storage_fifo", "virtual_dataset_fifo"):
        c.add(case, "scan {D}/spec.yaml --json -", 2, ["{D}/in/in.h5", E, "inside this file"])


ALOHA_SPEC = """version: 1
input: {dir: in, pattern: "*.hdf5", layout: aloha}
output: {dir: out, shard_max_episodes: 1}
timeline: {rate_hz: 50, span: intersection}
stages:
  - resample: {name: qpos, stream: qpos, method: linear}
  - resample: {name: cam_high, stream: cam_high, method: nearest}
"""


def aloha_file(path, camera=(20, 8, 8, 3), qpos_cols=14, qpos_rows=20):
    """An ALOHA episode; the camera dataset is chunked and never written (a few KB whatever its
    declared shape)."""
    with h5py.File(path, "w") as f:
        f.create_dataset("observations/qpos", data=np.zeros((qpos_rows, qpos_cols), dtype=np.float32))
        f.create_dataset("action", data=np.zeros((20, 14), dtype=np.float32))
        f.create_dataset("observations/images/cam_high", shape=camera, chunks=(1, 8, 8, 3), dtype="u1")


def aloha_case(c, case, shape, code, fragments, options="", on_error="fail", extra="-"):
    """A run over ALOHA files: episode_0 with camera `shape` (and qpos_cols from a tuple)."""
    d = c.folder(case)
    os.makedirs(os.path.join(d, "in"), exist_ok=True)
    aloha_file(os.path.join(d, "in", "episode_0.hdf5"), *shape)
    if on_error == "skip":
        aloha_file(os.path.join(d, "in", "episode_1.hdf5"))
    with open(os.path.join(d, "spec.yaml"), "w") as f:
        f.write(ALOHA_SPEC + "on_error: %s\n" % on_error)
    c.add(case, "run {D}/spec.yaml --progress never" + options, code, fragments, extra)


def budget_cases(c):
    """Item: one memory budget; declared sizes over it are refused before anything is allocated."""
    cam = ["{D}/in/episode_0.hdf5", "episode episode_0", "/observations/images/cam_high"]
    aloha_case(c, "aloha_camera_20000", ((20, 20000, 20000, 3),), 2, cam + ["over the memory budget"])
    # A small dataset whose declared chunk is 1.17 GB: refused before the chunk is decoded.
    d = c.folder("chunk_over_budget")
    os.makedirs(os.path.join(d, "in"), exist_ok=True)
    aloha_file(os.path.join(d, "in", "episode_0.hdf5"))
    with h5py.File(os.path.join(d, "in", "episode_0.hdf5"), "r+") as f:
        del f["observations/qpos"]
        rows = 16384 * 1280  # a chunk of 1.17 GB (a whole number of zstd blocks), never allocated here
        q = f.create_dataset("observations/qpos", shape=(20, 14), maxshape=(None, 14), chunks=(rows, 14),
                             dtype="f4", compression=32015)
        q.id.write_direct_chunk((0, 0), zstd_bomb(True, rows * 14 * 4))
    with open(os.path.join(d, "spec.yaml"), "w") as f:
        f.write(ALOHA_SPEC)
    c.add("chunk_over_budget", "run {D}/spec.yaml --progress never --memory 1GiB", 2,
          ["{D}/in/episode_0.hdf5", "episode episode_0", "/observations/qpos", "cannot decode"])
    aloha_case(c, "aloha_camera_5000_memory_flag", ((20, 5000, 5000, 3),), 2,
               cam + ["1500000000 bytes, over the memory budget of 1073741824 bytes (--memory"], " --memory 1GiB")
    # timeline.rate_hz 1e9 over 0.19 s: 1.9e8 steps of grid (1.5 GB) over a 1 GiB budget; at 1e8 Hz
    # the grid fits (152 MB) and the fused output [1.9e7, 13] float32 (988 MB) does not fit 512 MiB.
    over = ["{F}", "episode " + mc.EP, "over the memory budget"]
    c.data_case("timeline_1e9_hz", 2, over + ["a timeline of 190000001 steps"], rate="1e9", options=" --memory 1GiB")
    c.data_case("output_over_budget", 2, over + ["output 'observation' [19000001, 13]"], rate="1e8",
                options=" --memory 512MiB")
    small = mc.SPEC.format(rate=50, on_error="fail") + "limits: {memory: 100}\n"
    for case, options, code, fragments in (
            ("spec_memory_limit", "", 2, ["{D}/in/in.h5", mc.G + "/joint_pos/data", "over the memory budget of 100",
                                          "limits.memory of {D}/spec.yaml"]),
            ("spec_memory_limit_overridden", " --memory 1GiB", 0, ["1 episodes in 1 shards"])):
        d = c.folder(case)
        os.makedirs(os.path.join(d, "in"), exist_ok=True)
        mc.write_h5(os.path.join(d, "in", "in.h5"), mc.good_streams())
        with open(os.path.join(d, "spec.yaml"), "w") as f:
            f.write(small)
        c.add(case, "run {D}/spec.yaml --progress never" + options, code, fragments,
              "steps=10" if code == 0 else "-")
    c.spec_case("spec_memory_zero", mc.SPEC.format(rate=50, on_error="fail") + "limits: {memory: 0}\n", 1,
                ["{D}/spec.yaml:", "memory"])


def union_case(c, case, damage, fragments):
    """A run and a scan with span: union over an input whose imu times are set by damage."""
    c.data_case(case, 2, fragments, damage)
    spec = os.path.join(c.out, case, "spec.yaml")
    text = open(spec).read().replace("span: intersection", "span: union")
    with open(spec, "w") as f:
        f.write(text)
    c.add(case, "scan {D}/spec.yaml --json -", 2, [f.replace("{F}", "{D}/in/in.h5") for f in fragments])


def timeline_cases(c):
    """Item: counting a timeline is O(1); spans of up to 2^64 ns end in exit 2, never a hang."""
    F, E = "{F}", "episode " + mc.EP
    lo, hi = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    whole = mc.ns([lo + k * ((hi - lo) // (mc.N - 1)) for k in range(mc.N - 1)] + [hi])
    over = [F, E, "a timeline of"]
    union_case(c, "t_int64_min_to_max", mc.setd("imu", "t", whole, "ns"), over)
    sentinel = mc.good_t()
    sentinel[0] = lo
    union_case(c, "t_int64_min_sentinel", mc.setd("imu", "t", sentinel, "ns"), over)
    seconds = np.linspace(-9.2e9, 9.2e9, mc.N)
    union_case(c, "t_seconds_9_2e9", mc.setd("imu", "t", seconds, "s"), over)


def zero_column_cases(c):
    """Item: a stream of 0 columns is bad input in the reader (exit 2), skippable."""
    qpos = ["{D}/in/episode_0.hdf5", "episode episode_0", "/observations/qpos", "expected at least one column"]
    aloha_case(c, "zero_columns", ((20, 8, 8, 3), 0), 2, qpos)
    aloha_case(c, "zero_columns_skipped", ((20, 8, 8, 3), 0), 0, ["skipping"] + qpos + ["1 skipped"],
               on_error="skip", extra="steps=20")


def option_cases(c):
    """Command-line values and input.rate_hz out of range are bad usage or spec (exit 1)."""
    good = mc.SPEC.format(rate=50, on_error="fail")
    aloha = ALOHA_SPEC.replace("layout: aloha}", "layout: aloha, rate_hz: %s}")
    c.spec_case("input_rate_3e9", aloha % "3e9", 1, ["{D}/spec.yaml:2:", "input.rate_hz", "at most 1000000000"])
    c.spec_case("input_rate_1e-300", aloha % "1e-300", 1, ["{D}/spec.yaml:2:", "input.rate_hz", "at least 1e-09",
                                                          "found 1e-300"])
    # At the lowest rate the 21st sample is past int64: the reader refuses it (exit 2).
    aloha_case(c, "input_rate_1e-9_overflow", ((20, 8, 8, 3), 14, 21), 2,
               ["{D}/in/episode_0.hdf5", "episode episode_0", "within int64 ns"])
    with open(os.path.join(c.out, "input_rate_1e-9_overflow", "spec.yaml"), "w") as f:
        f.write(aloha % "1e-9")
    for n in ("1025", "40000", "100000"):
        c.spec_case("threads_" + n, good, 1, ["--threads needs an integer from 1 to 1024", n],
                    "run --threads " + n)


def integer_cases(c):
    """Item: every spec integer is range-checked at validation (exit 1), never truncated."""
    good = mc.SPEC.format(rate=50, on_error="fail")
    points = "mode: points, max_points_per_voxel: %s, max_voxels: %s, layout: sparse"
    for case, old, new, key in (
            ("int_points_per_voxel_2_32_plus_1", "mode: count, layout: sparse", points % ("4294967297", "8"),
             "max_points_per_voxel"),
            ("int_max_voxels_2_60", "mode: count, layout: sparse", points % ("4", str(1 << 60)), "max_voxels"),
            ("int_shard_episodes_2_63_minus_1", "shard_max_episodes: 1", "shard_max_episodes: %d" % ((1 << 63) - 1),
             "shard_max_episodes"),
            ("int_split_seed_2_63", "shard_max_episodes: 1}", "shard_max_episodes: 1, split: {seed: %d}}" % (1 << 63),
             "seed"),
            ("sparse_grid_over_2_62", "range: [[-4, 4], [-4, 4], [-1, 1]], voxel_size: [0.5, 0.5, 0.5]",
             "range: [[-1e6, 1e6], [-1e6, 1e6], [-1e6, 1e6]], voxel_size: [0.002, 0.002, 0.002]",
             "at most 2^62")):
        assert old in good, old
        c.spec_case(case, good.replace(old, new), 1, ["{D}/spec.yaml:", key])


def big_spec_cases(c):
    """Item: the spec check is not quadratic; errors are capped; the file size is limited.  Each
    1 MB spec of 100k keys must fail within 15 s (run_corpus's timing column): a guard against the
    quadratic check, which took 58 s here, not a speed target; it leaves room for a sanitizer build
    on a loaded 2-core machine (0.2 s in a plain build, 1.5 s under ASan)."""
    head = "version: 1\ninput: {dir: in}\noutput: {dir: out}\ntimeline: {rate_hz: 50}\n" \
           "stages:\n  - resample: {name: a, stream: action, method: linear}\n"
    c.spec_case("spec_100k_unknown_keys", head + "".join("k%06d: 1\n" % i for i in range(100000)), 1,
                ["{D}/spec.yaml:7:1:", "unknown key 'k000000'", "99900 more errors not shown", "100000 errors"],
                extra="seconds<15")
    c.spec_case("spec_100k_duplicate_keys", head + "stats: false\n" * 100000, 1,
                ["{D}/spec.yaml:8:1:", "duplicate key 'stats' (first given at line 7", "99999 errors"],
                extra="seconds<15")
    c.spec_case("spec_over_4_mib", head + "#" * (4 << 20) + "\n", 1, ["{D}/spec.yaml", "at most 4194304 bytes"])


def utf8_cases(c):
    """Item: names that are not UTF-8 are refused (exit 2) and, where on_error: skip records them,
    written to manifest.json as U+FFFD; verify refuses a manifest that is not UTF-8 (exit 3)."""
    bad = os.fsdecode(b"bad-\xff.h5")
    for case, on_error, code in (("file_name_not_utf8", "fail", 2), ("file_name_not_utf8_skipped", "skip", 0)):
        d = c.folder(case)
        os.makedirs(os.path.join(d, "in"), exist_ok=True)
        mc.write_h5(os.path.join(d, "in", bad), mc.good_streams())
        if on_error == "skip":
            mc.write_h5(os.path.join(d, "in", "good.h5"), mc.good_streams())
        with open(os.path.join(d, "spec.yaml"), "w") as f:
            f.write(mc.SPEC.format(rate=50, on_error=on_error))
        c.add(case, "run {D}/spec.yaml --progress never", code,
              ["{D}/in/bad-", "expected a file name in UTF-8", "byte 0xff at offset"],
              "steps=10" if code == 0 else "-")
    def bad_episode(f):
        f.move(mc.G.encode(), b"/episodes/ep-\xfe")
    c.data_case("episode_name_not_utf8", 2, ["{F}", "/episodes", "expected an episode name in UTF-8", "0xfe"],
                post=bad_episode)


def spec_cases(c):
    option_cases(c)
    utf8_cases(c)
    big_spec_cases(c)
    integer_cases(c)
    zero_column_cases(c)
    budget_cases(c)
    timeline_cases(c)


def shard_cases(c, shard):
    """Shards whose first observation chunk is a zstd bomb: `inspect` and `verify` refuse them."""
    with h5py.File(shard, "r") as f:
        ep = sorted(f["episodes"])[0]
    path = "/episodes/%s/observation/data" % ep
    for name, content_size in (("shard_zstd_bomb", True), ("shard_zstd_bomb_streamed", False)):
        d = c.folder(name)
        good, bad = os.path.join(d, "good"), os.path.join(d, "bad")
        shutil.copytree(os.path.dirname(shard), good)
        shutil.copytree(os.path.dirname(shard), bad)
        with h5py.File(os.path.join(bad, os.path.basename(shard)), "r+") as f:
            f[path].id.write_direct_chunk((0,) * f[path].ndim, zstd_bomb(content_size))
        target = "{D}/bad/" + os.path.basename(shard)
        c.add(name, "inspect " + target, 2, [target, path])
        c.add(name, "verify {D}/good {D}/bad", 3, [target, path])
    # A shard declaring 3e8 x 7 float32 rows (8.4 GB, nothing stored): refused before decoding.
    d = c.folder("shard_rows_3e8")
    copy = os.path.join(d, os.path.basename(shard))
    shutil.copy(shard, copy)
    with h5py.File(copy, "r+") as f:
        del f[path]
        f.create_dataset(path, shape=(300_000_000, 7), chunks=(4096, 7), dtype="f4", compression=32015)
    c.add("shard_rows_3e8", "inspect --memory 1GiB {D}/" + os.path.basename(shard), 2,
          ["{D}/" + os.path.basename(shard), path, "8400000000 bytes, over the memory budget"])
    # A manifest that is not UTF-8: verify refuses it before parsing.
    d = c.folder("manifest_not_utf8")
    shutil.copytree(os.path.dirname(shard), os.path.join(d, "good"))
    shutil.copytree(os.path.dirname(shard), os.path.join(d, "bad"))
    man = os.path.join(d, "bad", "manifest.json")
    text = open(man, "rb").read().replace(b'"robocache-manifest"', b'"robocache-manifest\xc0"', 1)
    open(man, "wb").write(text)
    c.add("manifest_not_utf8", "verify {D}/good {D}/bad", 3, ["{D}/bad/manifest.json", "expected UTF-8 text",
                                                            "0xc0"])
    # Shards that reach outside their file: inspect fails without opening the FIFO.
    for name, forge in (("shard_external_link_fifo", lambda f: f.__setitem__(path, h5py.ExternalLink(fifo(f), "/x"))),
                        ("shard_external_storage", lambda f: f.create_dataset(
                            path, shape=(4,), dtype="u1", external=[("/etc/passwd", 0, 4)]))):
        d = c.folder(name)
        os.makedirs(os.path.join(d, "in"))
        copy = os.path.join(d, "in", os.path.basename(shard))
        shutil.copy(shard, copy)
        with h5py.File(copy, "r+") as f:
            del f[path]
            forge(f)
        c.add(name, "inspect {D}/in/" + os.path.basename(shard), 2, ["{D}/in/" + os.path.basename(shard), path])
