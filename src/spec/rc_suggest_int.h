/* rc_suggest.h — "did you mean ...?" for a misspelled key, value, stream or layout: the closest
 * name of a list by edit distance (insertions, deletions, substitutions and swaps of two
 * neighbouring letters, case ignored), when it is close enough to be a typo. */
#ifndef RC_SUGGEST_H
#define RC_SUGGEST_H

#include <stddef.h>

/* list holds the known names separated by ", ".  Writes "; did you mean 'NAME'?" into buf when
 * one name is within 1 edit of word (2 for words of 5 or more letters) and word is not itself in
 * the list, else "".  Returns buf. */
const char *rc_suggest(const char *word, const char *list, char *buf, size_t n);

#endif
