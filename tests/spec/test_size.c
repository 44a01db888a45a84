/* test_size.c — the size parser of spec keys like shard_max_bytes: exact byte values for every
 * unit (written out by hand here), the 64-bit edge, and each malformed form rejected with a
 * message that says what was expected and what was found. */
#include "config.h"

#include <string.h>

#include "spec/rc_spec.h"
#include "tap.h"

static void accepts(const char *s, uint64_t want)
{
    uint64_t got = 0;
    char why[256] = "";
    int rc = rc_size_parse(s, &got, why, sizeof why);
    tap_ok(rc == 0 && got == want, "'%s' is %llu bytes (got rc %d, %llu; %s)", s, (unsigned long long)want, rc,
           (unsigned long long)got, why);
}

static void rejects(const char *s, const char *why_part)
{
    uint64_t got = 12345;
    char why[256] = "";
    int rc = rc_size_parse(s, &got, why, sizeof why);
    tap_ok(rc == -1 && got == 12345 && strstr(why, why_part) != NULL, "'%s' is rejected: %s", s, why);
}

int main(void)
{
    accepts("0", 0);
    accepts("4096", 4096);
    accepts("1kB", 1000);
    accepts("100MB", 100000000);
    accepts("3GB", 3000000000ull);
    accepts("2TB", 2000000000000ull);
    accepts("1KiB", 1024);
    accepts("512MiB", 536870912ull);
    accepts("2GiB", 2147483648ull);
    accepts("1TiB", 1099511627776ull);
    accepts("512 MiB", 536870912ull);
    accepts("007kB", 7000);
    accepts("18446744073709551615", 18446744073709551615ull);
    accepts("16777215TiB", 18446742974197923840ull);

    rejects("", "expected a size like 4096, 512MiB or 2GB, found ''");
    rejects("MiB", "found 'MiB'");
    rejects("-1", "found '-1'");
    rejects(" 512", "found ' 512'");
    rejects("1.5GiB", "found the fraction '1.5GiB'");
    rejects("512mb", "found 'mb' in '512mb'");
    rejects("512KB", "found 'KB' in '512KB'");
    rejects("512kiB", "found 'kiB'");
    rejects("512B", "found 'B' in '512B'");
    rejects("512MiBs", "found 'MiBs'");
    rejects("512 ", "found '' in '512 '");
    rejects("512  MiB", "found ' MiB'");
    rejects("1e3", "found 'e3'");
    rejects("0x10", "found 'x10'");
    rejects("18446744073709551616", "below 2^64");
    rejects("16777216TiB", "below 2^64");
    return tap_done();
}
