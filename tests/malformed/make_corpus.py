#!/usr/bin/python3
"""make_corpus.py — writes the malformed-input corpus that run_corpus.py feeds to the CLI.

  make_corpus.py input OUTDIR          bad raw inputs and bad specs, one folder per case
  make_corpus.py shard SHARD OUTDIR    damaged copies of a good output shard (for `inspect`)

Every case is a folder OUTDIR/<case>/ holding what the command needs; its row in OUTDIR/cases.tsv
(appended to) says how the CLI must react:

  case  TAB  command  TAB  exit code  TAB  fragments  TAB  extra check

command is robocache-convert's arguments, split on spaces, with {D} for the case folder;
fragments ('|'-separated) must all appear on stderr, {D} again for the case folder: data errors
name the file, the episode and the HDF5 path.  Extra check is '-', 'steps=N' (exit 0 cases: the
one converted episode has N steps) or 'seconds<S' (the command's wall time).  Inputs are written with h5py, independently of the C code.
tests/reader and tests/spec cover the library-level checks one by one; this corpus covers the
whole command: exit code, message, no output or temporary file left, bounded memory."""
import os
import shutil
import sys

import h5py
import numpy as np

EP = "ep-000000"
G = "/episodes/" + EP
N = 20                      # samples of each series, 100 Hz
T0 = 1_000_000_000          # first timestamp, ns
ROWS_2_40 = 1 << 40         # rows an absurd dataset claims (never written)

SPEC = """version: 1
input: {{dir: in, pattern: "*.h5", layout: robocache-raw}}
output: {{dir: out, shard_max_episodes: 1}}
on_error: {on_error}
timeline: {{rate_hz: {rate}, span: intersection}}
stages:
  - fuse:
      name: observation
      streams:
        - {{name: joint_pos, method: linear}}
        - {{name: imu, method: nearest}}
  - resample: {{name: action, stream: action, method: linear}}
  - voxelize: {{name: grid, stream: lidar, range: [[-4, 4], [-4, 4], [-1, 1]], voxel_size: [0.5, 0.5, 0.5], mode: count, layout: sparse}}
"""


def good_streams():
    """stream -> {dataset: (array, units or None)}: one valid episode of the streams SPEC reads."""
    t = T0 + np.arange(N, dtype=np.int64) * 10_000_000
    s = {}
    for name, cols in (("joint_pos", 7), ("imu", 6), ("action", 7)):
        data = np.sin(np.arange(N * cols, dtype=np.float32).reshape(N, cols) / 7.0)
        s[name] = {"data": (data, None), "t": (t.copy(), "ns")}
    frames = 5
    offsets = np.array([0, 3, 6, 9, 12, 15], dtype=np.int64)
    pts = (np.arange(15 * 4, dtype=np.float32).reshape(15, 4) % 7.0) - 3.0
    s["lidar"] = {"points": (pts, None), "offsets": (offsets, None),
                  "t": (T0 + np.arange(frames, dtype=np.int64) * 40_000_000, "ns")}
    return s


def write_h5(path, streams, post=None):
    with h5py.File(path, "w") as f:
        g = f.create_group(G)
        for name, dsets in streams.items():
            sg = g.create_group(name)
            for dname, (arr, units) in dsets.items():
                d = sg.create_dataset(dname, data=arr)
                if units is not None:
                    d.attrs["units"] = units
        if post:
            post(f)


class Corpus:
    def __init__(self, out):
        self.out = out
        os.makedirs(out, exist_ok=True)
        self.rows = []

    def folder(self, case):
        d = os.path.join(self.out, case)
        os.makedirs(d, exist_ok=True)
        return d

    def add(self, case, command, code, fragments, extra="-"):
        self.rows.append((case, command, str(code), "|".join(fragments), extra))

    def save(self):
        with open(os.path.join(self.out, "cases.tsv"), "a") as f:
            for r in self.rows:
                f.write("\t".join(r) + "\n")

    def data_case(self, case, code, fragments, damage=None, post=None, raw=None, rate=50, extra="-",
                  on_error="fail", options="", stage=""):
        """A run over one input file in.h5 (from good_streams, damaged) with SPEC (and options),
        stage: one more stage line appended to SPEC's stages."""
        d = self.folder(case)
        os.makedirs(os.path.join(d, "in"), exist_ok=True)
        path = os.path.join(d, "in", "in.h5")
        if raw is not None:
            raw(path)
        else:
            s = good_streams()
            if damage:
                damage(s)
            write_h5(path, s, post)
        with open(os.path.join(d, "spec.yaml"), "w") as f:
            f.write(SPEC.format(rate=rate, on_error=on_error) + stage)
        self.add(case, "run {D}/spec.yaml --progress never" + options, code,
                 [f.replace("{F}", "{D}/in/in.h5") for f in fragments], extra)

    def spec_case(self, case, text, code, fragments, command="validate", extra="-"):
        d = self.folder(case)
        with open(os.path.join(d, "spec.yaml"), "w") as f:
            f.write(text)
        self.add(case, command + " {D}/spec.yaml" + (" --progress never" if command == "run" else ""),
                 code, fragments, extra)


def setd(stream, dname, arr, units=None):
    return lambda s: s[stream].__setitem__(dname, (arr, units))


def ns(values):
    return np.array(values, dtype=np.int64)


def good_t():
    return good_streams()["imu"]["t"][0]


def with_value(stream, row, col, value, dtype=np.float32):
    a = good_streams()[stream]["data"][0].astype(dtype)
    a[row, col] = value
    return setd(stream, "data", a)


def absurd(where, cols, dtype, units=None):
    """Replaces dataset `where` by one declaring 2^40 rows: chunked, nothing written, a few KB."""
    def post(f):
        del f[where]
        d = f.create_dataset(where, shape=(ROWS_2_40,) + cols, maxshape=(None,) + cols,
                             chunks=(1024,) + cols, dtype=dtype, fillvalue=0)
        if units:
            d.attrs["units"] = units
    return post


SLERP_STAGE = "  - resample: {name: orient, stream: base_quat, method: slerp}\n"


def with_quat(norms, nan_row=None):
    """Adds stream base_quat: unit quaternions (float32, turning about a tilted axis) scaled to
    norms[row] for the rows norms names, and a NaN in nan_row."""
    def damage(s):
        k = np.arange(N, dtype=np.float64)
        axis = np.array([0.3, -0.5, 0.81])
        axis /= np.linalg.norm(axis)
        q = np.concatenate([np.cos(0.05 * k)[:, None], np.sin(0.05 * k)[:, None] * axis], axis=1)
        for row, norm in norms.items():
            q[row] *= norm
        q = q.astype(np.float32)
        if nan_row is not None:
            q[nan_row, 1] = np.nan
        s["base_quat"] = {"data": (q, None), "t": (good_t(), "ns")}
    return damage


def quaternion_cases(c, F, E, where):
    """Slerp needs unit quaternions: | |q| - 1 | <= 1e-3 is normalised, beyond it exit 2 naming
    the file, the episode, the stream and the first rows with their norms, and the count."""
    c.data_case("quat_unit", 0, ["1 episodes in 1 shards"], with_quat({}), stage=SLERP_STAGE, extra="steps=10")
    c.data_case("quat_within_tolerance", 0, ["1 episodes in 1 shards"],
                with_quat({0: 1 + 9e-4, 7: 1 - 9e-4, 19: 1 + 5e-4}), stage=SLERP_STAGE, extra="steps=10")
    c.data_case("quat_zero_rows", 2, where("/base_quat") + [
        "stage 'orient' resamples stream 'base_quat' with slerp, which needs unit quaternions (| |q| - 1 | <= 0.001)",
        "3 of 20 rows are not: rows 3 (|q| = 0), 4 (|q| = 0), 11 (|q| = 0)"],
        with_quat({3: 0.0, 4: 0.0, 11: 0.0}), stage=SLERP_STAGE)
    c.data_case("quat_norm_1_01", 2, where("/base_quat") + [
        "20 of 20 rows are not: rows 0 (|q| = 1.01), 1 (|q| = 1.01), 2 (|q| = 1.01), 3 (|q| = 1.01), "
        "4 (|q| = 1.01), ..."],
        with_quat({r: 1.01 for r in range(N)}), stage=SLERP_STAGE)
    c.data_case("quat_one_row_off", 2, where("/base_quat") + ["1 of 20 rows are not: row 19 (|q| = 1.002)"],
                with_quat({19: 1.002}), stage=SLERP_STAGE)
    c.data_case("quat_nan_row", 2, where("/base_quat/data") + ["found nan at row 5, column 1"],
                with_quat({}, nan_row=5), stage=SLERP_STAGE)
    # The same stream resampled linearly is not a quaternion: no norm check.
    c.data_case("quat_zero_rows_linear", 0, ["1 episodes in 1 shards"], with_quat({3: 0.0}),
                stage=SLERP_STAGE.replace("slerp", "linear"), extra="steps=10")


def input_cases(c):
    F, E = "{F}", "episode " + EP
    def where(p):
        return [F, E, G + p]

    c.data_case("control_good", 0, ["1 episodes in 1 shards"], extra="steps=10")
    # Not HDF5, or HDF5 that is damaged.
    c.data_case("not_hdf5", 2, [F, "expected an HDF5 file"],
                raw=lambda p: open(p, "w").write("joint_pos,imu\n1,2\n"))
    c.data_case("empty_file", 2, [F, "expected an HDF5 file"], raw=lambda p: open(p, "wb").close())

    def truncated(keep):
        def raw(p):
            write_h5(p + ".whole", good_streams())
            with open(p + ".whole", "rb") as f:
                b = f.read()
            os.remove(p + ".whole")
            with open(p, "wb") as f:
                f.write(b[:keep if keep > 0 else len(b) // 2])
        return raw
    c.data_case("truncated_half", 2, [F, "damaged HDF5 file"], raw=truncated(0))
    c.data_case("truncated_superblock", 2, [F, "damaged HDF5 file"], raw=truncated(100))

    def corrupt_heap(p):
        """Overwrites every local heap ('HEAP', the link names of old-style groups) with 0xFF."""
        write_h5(p, good_streams())
        with open(p, "r+b") as f:
            b = bytearray(f.read())
            at = b.find(b"HEAP")
            while at >= 0:
                b[at + 8:at + 32] = b"\xff" * 24
                at = b.find(b"HEAP", at + 4)
            f.seek(0)
            f.write(b)
    # The group's link names are gone: HDF5 opens the file but finds no /episodes.
    c.data_case("corrupt_heap", 2, [F, "expected group /episodes"], raw=corrupt_heap)

    def truncated_and_good(p):  # on_error: skip leaves the damaged file out, with a record
        truncated(0)(p)
        write_h5(os.path.join(os.path.dirname(p), "good.h5"), good_streams())
    c.data_case("truncated_skipped", 0, ["skipping " + F, "damaged HDF5 file", "1 skipped"],
                raw=truncated_and_good, on_error="skip", extra="steps=10")

    # Wrong dtypes.
    c.data_case("string_data", 2, where("/joint_pos/data") + ["found string"],
                setd("joint_pos", "data", np.array([[b"x" * 3] * 7] * N)))
    c.data_case("float32_timestamps", 2, where("/imu/t") + ["found float32"],
                setd("imu", "t", good_t().astype(np.float32), "s"))
    c.data_case("int8_offsets_ok", 0, ["1 episodes in 1 shards"],
                setd("lidar", "offsets", np.array([0, 3, 6, 9, 12, 15], dtype=np.int8)), extra="steps=10")
    # 0-length and 1-sample streams.
    def zero_len(s):
        s["imu"]["data"] = (np.zeros((0, 6), dtype=np.float32), None)
        s["imu"]["t"] = (ns([]), "ns")
    c.data_case("zero_length_stream", 2, where("/imu/data") + ["found an empty dataset"], zero_len)

    def one_sample(s):  # inside the others' span: the intersection is that one instant
        s["imu"]["data"] = (s["imu"]["data"][0][5:6], None)
        s["imu"]["t"] = (s["imu"]["t"][0][5:6], "ns")
    c.data_case("one_sample_stream", 0, ["1 episodes in 1 shards"], one_sample, extra="steps=1")
    # Timestamps.
    c.data_case("decreasing_t", 2, where("/joint_pos/t") + ["a decrease at index 3"],
                setd("joint_pos", "t", np.where(np.arange(N) == 3, T0, good_t()), "ns"))
    c.data_case("duplicate_t", 2, where("/action/t") + ["a duplicate at index 19"],
                setd("action", "t", np.where(np.arange(N) == 19, good_t()[18], good_t()), "ns"))
    c.data_case("overflowing_t", 2, where("/imu/t") + ["within int64 nanoseconds"],
                setd("imu", "t", ns(range(N)) + 10**10, "s"))
    c.data_case("overflowing_float_t", 2, where("/imu/t") + ["within int64 nanoseconds"],
                setd("imu", "t", np.arange(N) * 1e10 + 1.0, "s"))
    nan_t = good_t() / 1e9
    nan_t[4] = np.nan
    c.data_case("nan_t", 2, where("/imu/t") + ["found nan at index 4"], setd("imu", "t", nan_t, "s"))
    inf_t = good_t() / 1e9
    inf_t[0] = -np.inf
    c.data_case("inf_t", 2, where("/action/t") + ["found -inf at index 0"], setd("action", "t", inf_t, "s"))
    # NaN / Inf in data.
    c.data_case("nan_data", 2, where("/imu/data") + ["found nan at row 7, column 2"],
                with_value("imu", 7, 2, np.nan))
    c.data_case("inf_data", 2, where("/action/data") + ["found inf at row 0, column 6"],
                with_value("action", 0, 6, np.inf, np.float64))
    c.data_case("nan_points", 2, where("/lidar/points") + ["found nan at row 14, column 0"],
                lambda s: s["lidar"]["points"][0].__setitem__((14, 0), np.nan))
    # Point-cloud offsets and frames.
    c.data_case("offsets_past_points", 2, where("/lidar/offsets") + ["expected offsets to end at the number of points"],
                setd("lidar", "offsets", ns([0, 3, 6, 9, 12, 99])))
    c.data_case("offsets_negative", 2, where("/lidar/offsets") + ["expected offsets[0] = 0, found -1"],
                setd("lidar", "offsets", ns([-1, 3, 6, 9, 12, 15])))
    c.data_case("frames_of_zero_points", 0, ["1 episodes in 1 shards"],
                setd("lidar", "offsets", ns([0, 0, 6, 6, 15, 15])), extra="steps=10")

    def no_points(s):
        s["lidar"]["points"] = (np.zeros((0, 4), dtype=np.float32), None)
        s["lidar"]["offsets"] = (ns([0, 0, 0, 0, 0, 0]), None)
    c.data_case("cloud_without_points", 0, ["1 episodes in 1 shards"], no_points, extra="steps=10")
    # Absurd shapes: declared, never written (the file stays small).
    c.data_case("rows_2_40_data", 2, where("/imu/t") + ["expected 1099511627776 timestamps (one per data row)",
                                                        "found 20"],
                post=absurd(G + "/imu/data", (6,), "f4"))
    c.data_case("rows_2_40_t", 2, where("/joint_pos/t") + ["expected 20 timestamps", "found 1099511627776"],
                post=absurd(G + "/joint_pos/t", (), "i8", "ns"))
    c.data_case("rows_2_40_points", 2, where("/lidar/points") + ["over the memory budget"],
                post=lambda f: (absurd(G + "/lidar/points", (4,), "f4")(f),
                                f[G + "/lidar/offsets"].__setitem__(5, ROWS_2_40)))
    c.data_case("columns_2_40", 2, where("/action") + ["expected at most 1000000 columns", "found 1099511627776"],
                post=lambda f: (f.__delitem__(G + "/action/data"),
                                f.create_dataset(G + "/action/data", shape=(N, ROWS_2_40), chunks=(1, 1024),
                                                 dtype="f4")))
    # Units.
    c.data_case("units_minutes", 2, where("/imu/t") + ['found "min"'], setd("imu", "t", good_t(), "min"))
    c.data_case("units_number", 2, where("/imu/t") + ["expected attribute 'units' to be one string"],
                post=lambda f: f[G + "/imu/t"].attrs.__setitem__("units", 1000))
    c.data_case("units_missing", 2, where("/joint_pos/t") + ["expected attribute 'units'"],
                setd("joint_pos", "t", good_t()))
    # Missing groups and datasets.
    c.data_case("no_episodes_group", 2, [F, "/episodes", "expected group /episodes"],
                post=lambda f: f.move("/episodes", "/logs"))
    c.data_case("missing_stream", 2, where("/imu") + ["expected stream 'imu'"], lambda s: s.pop("imu"))
    c.data_case("missing_offsets", 2, where("/lidar/offsets") + ["expected dataset 'offsets'"],
                lambda s: s["lidar"].pop("offsets"))
    # Streams that do not overlap in time.
    c.data_case("no_overlap", 2, [F, E, "do not overlap"],
                setd("action", "t", good_t() + 3_600_000_000_000, "ns"))
    # A timeline rate so low that one step spans more than int64 ns: one step, no endless loop.
    c.data_case("rate_tiny", 0, ["1 episodes in 1 shards"], rate="1e-300", extra="steps=1")
    quaternion_cases(c, F, E, where)


def spec_cases(c):
    good = SPEC.format(rate=50, on_error="fail")
    c.spec_case("yaml_unclosed", good.replace("[[-4, 4]", "[[-4, 4"), 1, ["{D}/spec.yaml:", "invalid YAML"], "run")
    c.spec_case("yaml_tab_indent", good.replace("  - fuse:", "\t- fuse:"), 1, ["{D}/spec.yaml:", "invalid YAML"])
    # An alias bomb: 10^8 stage entries if expanded; the loader keeps aliases as references.
    lines = ["version: 1", "input: {dir: in}", "output: {dir: out}", "timeline: {rate_hz: 50}",
             "x0: &a0 [{resample: {name: a, stream: action, method: linear}}]"]
    lines += ["x%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)) for i in range(1, 9)]
    c.spec_case("alias_bomb_stages", "\n".join(lines + ["stages: *a8"]) + "\n", 1,
                ["{D}/spec.yaml:", "unknown key 'x8'"])
    streams = "stages:\n  - fuse: {name: o, streams: *s8}\n"
    lines = ["version: 1", "input: {dir: in}", "output: {dir: out}", "timeline: {rate_hz: 50}",
             "s0: &s0 [{name: imu, method: linear}]"]
    lines += ["s%d: &s%d [%s]" % (i, i, ", ".join(["*s%d" % (i - 1)] * 10)) for i in range(1, 9)]
    c.spec_case("alias_bomb_streams", "\n".join(lines) + "\n" + streams, 1, ["{D}/spec.yaml:", "streams"])
    depth = 100000
    c.spec_case("deep_flow_nesting", good + "x: " + "[" * depth + "]" * depth + "\n", 1,
                ["{D}/spec.yaml:", "nested deeper than"])
    c.spec_case("deep_block_nesting", good + "".join("%sk:\n" % ("  " * i) for i in range(2000)) +
                "  " * 2000 + "v\n", 1, ["{D}/spec.yaml:", "nested deeper than"])
    c.spec_case("huge_rate", good.replace("rate_hz: 50", "rate_hz: 1e400"), 1, ["{D}/spec.yaml:5:", "rate_hz"])
    c.spec_case("rate_over_1ghz", good.replace("rate_hz: 50", "rate_hz: 1e300"), 1,
                ["{D}/spec.yaml:5:", "rate_hz", "expected at most 1000000000"], "run")
    c.spec_case("huge_shard_episodes", good.replace("shard_max_episodes: 1", "shard_max_episodes: 1" + "0" * 30),
                1, ["{D}/spec.yaml:3:", "shard_max_episodes"])
    c.spec_case("huge_shard_bytes", good.replace("shard_max_episodes: 1", "shard_max_bytes: 99999999999999999999TiB"),
                1, ["{D}/spec.yaml:3:", "shard_max_bytes"])
    c.spec_case("huge_zstd_level", good.replace("shard_max_episodes: 1}", "shard_max_episodes: 1, compression: "
                                                "{codec: zstd, level: 99999999999999999999}}"),
                1, ["{D}/spec.yaml:3:", "level"])
    c.spec_case("grid_over_budget", good.replace("voxel_size: [0.5, 0.5, 0.5], mode: count, layout: sparse",
                                                 "voxel_size: [0.001, 0.001, 0.001], mode: mean"),
                1, ["{D}/spec.yaml:", "over the budget"], "run")
    c.folder("spec_missing")
    c.add("spec_missing", "validate {D}/nope.yaml", 1, ["{D}/nope.yaml", "cannot open"])
    d = c.folder("spec_is_folder")
    os.makedirs(os.path.join(d, "spec.yaml"), exist_ok=True)
    c.add("spec_is_folder", "run {D}/spec.yaml", 1, ["{D}/spec.yaml", "Is a directory"])
    # Input and output paths that do not exist or are files.
    def paths_case(case, replace, code, fragments):
        d = c.folder(case)
        with open(os.path.join(d, "spec.yaml"), "w") as f:
            f.write(good.replace("{dir: in,", replace[0]).replace("{dir: out,", replace[1]))
        with open(os.path.join(d, "a_file"), "w") as f:
            f.write("not a folder\n")
        os.makedirs(os.path.join(d, "in"), exist_ok=True)
        write_h5(os.path.join(d, "in", "in.h5"), good_streams())
        c.add(case, "run {D}/spec.yaml --progress never", code, fragments)
    paths_case("input_missing", ("{dir: no/such/folder,", "{dir: out,"), 3,
               ["{D}/no/such/folder", "No such file or directory"])
    paths_case("input_is_file", ("{dir: a_file,", "{dir: out,"), 3, ["{D}/a_file", "Not a directory"])
    paths_case("output_is_file", ("{dir: in,", "{dir: a_file,"), 3, ["{D}/a_file", "expected", "to be a folder"])
    paths_case("output_under_file", ("{dir: in,", "{dir: a_file/out,"), 3, ["{D}/a_file", "to be a folder"])


def shard_cases(c, shard):
    """Damaged copies of a good shard for `inspect` (verify is not part of this version)."""
    with h5py.File(shard, "r") as f:
        ep = sorted(f["episodes"])[0]
        ds = f["episodes"][ep]["observation"]["data"]
        info = ds.id.get_chunk_info(0)
        at, size = info.byte_offset, info.size
    with open(shard, "rb") as f:
        whole = f.read()

    def case(name, data, code, fragments):
        d = c.folder(name)
        with open(os.path.join(d, "shard.h5"), "wb") as f:
            f.write(data)
        c.add(name, "inspect {D}/shard.h5", code, fragments)

    b = bytearray(whole)
    b[at + size // 2:at + size // 2 + 8] = b"\x00\xff" * 4  # inside the zstd frame's blocks
    # zstd frames carry no checksum here: the damaged block decodes to other bytes, which the
    # episode's content_sha256 catches.
    case("shard_chunk_bytes_flipped", bytes(b), 2, ["{D}/shard.h5", "content_sha256 MISMATCH"])
    b = bytearray(whole)
    b[at:at + 4] = b"\x00\x00\x00\x00"                        # the zstd frame's magic number
    case("shard_chunk_not_zstd", bytes(b), 2, ["{D}/shard.h5", "/episodes/%s/observation/data" % ep])
    case("shard_truncated", whole[:len(whole) // 2], 3, ["{D}/shard.h5"])
    raw = os.path.join(c.out, "raw.h5")
    write_h5(raw, good_streams())
    case("shard_is_raw_input", open(raw, "rb").read(), 3, ["{D}/shard.h5", "not a robocache shard"])
    os.remove(raw)


def main():
    import make_hostile  # the second round's cases, written with this module's helpers
    what, args = sys.argv[1], sys.argv[2:]
    if what == "input":
        c = Corpus(args[0])
        input_cases(c)
        spec_cases(c)
        make_hostile.input_cases(c)
        make_hostile.spec_cases(c)
    elif what == "shard":
        c = Corpus(args[1])
        shard_cases(c, args[0])
        make_hostile.shard_cases(c, args[0])
    else:
        sys.exit("usage: make_corpus.py input OUTDIR | shard SHARD OUTDIR")
    c.save()


if __name__ == "__main__":
    main()
