"""tap.py - TAP output for the Python tests: numbered "ok N - desc" / "not ok N - desc" lines,
a failure's diagnostic as "# " comments, "Bail out!", skips, and the closing plan "1..N" with the exit
status (1 when any test failed). A test script reaches it through its parent folder:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from tap import done, ok
scratch_dir() gives a temporary folder that is removed when the test exits."""
import atexit
import shutil
import sys
import tempfile

_n = 0
_failed = 0
DIAG_ENDS = 30      # a longer diagnostic shows this many lines from each end


def scratch_dir(prefix):
    """A new folder under $TMPDIR, removed with everything in it when the test exits."""
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, True)
    return d


def diag(text):
    """Every line of text as a TAP comment."""
    for line in str(text).splitlines():
        print("# " + line)


def ok(cond, desc, diag_text=None):
    """One numbered TAP line; on failure diag_text as comments, its middle left out when it is long
    (the start names the failure, the end holds a traceback or a command's last words). Returns cond."""
    global _n, _failed
    _n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", _n, desc))
    if not cond:
        _failed += 1
        if diag_text is not None:
            lines = str(diag_text).splitlines()
            if len(lines) > 2 * DIAG_ENDS:
                left_out = len(lines) - 2 * DIAG_ENDS
                lines = lines[:DIAG_ENDS] + ["... %d lines left out ..." % left_out] + lines[-DIAG_ENDS:]
            diag("\n".join(lines))
    sys.stdout.flush()
    return cond


def skip(desc, reason):
    """One numbered TAP line for a test not run here: "ok N - desc # SKIP reason"."""
    global _n
    _n += 1
    print("ok %d - %s # SKIP %s" % (_n, desc, reason))
    sys.stdout.flush()


def bail(reason):
    """Stops the whole test: "Bail out! reason" and exit status 1."""
    print("Bail out! " + reason)
    sys.stdout.flush()
    sys.exit(1)


def done():
    """The plan line for the tests run so far, then exit 1 if any failed, else 0."""
    print("1..%d" % _n)
    sys.exit(1 if _failed else 0)
