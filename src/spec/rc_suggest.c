/* rc_suggest.c — the closest known name to a misspelled one (see rc_suggest_int.h). */
#include "spec/rc_suggest_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_NAME 64

/* Edit distance of a[0..na) and b[0..nb) with adjacent swaps (optimal string alignment), case
 * ignored; both at most MAX_NAME long. */
static int distance(const char *a, int na, const char *b, int nb)
{
    int d[MAX_NAME + 1][MAX_NAME + 1];
    for (int i = 0; i <= na; i++) d[i][0] = i;
    for (int j = 0; j <= nb; j++) d[0][j] = j;
    for (int i = 1; i <= na; i++) {
        for (int j = 1; j <= nb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[na][nb];
}

const char *rc_suggest(const char *word, const char *list, char *buf, size_t n)
{
    int nw = (int)strlen(word);
    int limit = nw >= 5 ? 2 : 1;
    int best = limit + 1;
    const char *best_at = NULL;
    int best_len = 0;
    if (n) buf[0] = '\0';
    if (nw == 0 || nw > MAX_NAME) return buf;
    for (const char *p = list; *p;) {
        const char *end = strstr(p, ", ");
        int len = end ? (int)(end - p) : (int)strlen(p);
        if (len == nw && !strncmp(p, word, (size_t)len)) return buf; /* not misspelled */
        if (len > 0 && len <= MAX_NAME) {
            int dist = distance(word, nw, p, len);
            if (dist < best) {
                best = dist;
                best_at = p;
                best_len = len;
            }
        }
        if (!end) break;
        p = end + 2;
    }
    if (best_at && n) snprintf(buf, n, "; did you mean '%.*s'?", best_len, best_at);
    return buf;
}
