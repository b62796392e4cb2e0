// SPDX-License-Identifier: GPL-2.0
#ifndef FORMAT_H
#define FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Records of "key value" fields, written as they come:
 *   plain   fields as "key value"; a LINE record on one line, a BLOCK
 *           record one field a line; absent values print as "-"
 *   pretty  for a tty: an optional title, then one aligned field a line,
 *           absent values left out
 *   json    one object per record (null for absent values); a list is an
 *           array, one object a line
 */
enum out_mode { OUT_PLAIN, OUT_PRETTY, OUT_JSON };
enum out_layout { OUT_LINE, OUT_BLOCK };

struct out {
	FILE *f;
	enum out_mode mode;
	bool color;
	enum out_layout layout;
	bool in_list;
	bool titled;
	unsigned int records;	/* in the current list */
	unsigned int fields;	/* in the current record */
};

void out_init(struct out *o, FILE *f, enum out_mode mode);
void out_list_begin(struct out *o);
void out_list_end(struct out *o);
void out_record_begin(struct out *o, enum out_layout layout, const char *title);
void out_record_end(struct out *o);
/* A bare word in text ("flow-expired"); "key":"word" in JSON. */
void out_tag(struct out *o, const char *key, const char *word);
/* val NULL: the field has no value. */
void out_str(struct out *o, const char *key, const char *val);
void out_u64(struct out *o, const char *key, uint64_t val);
void out_json_string(FILE *f, const char *s);

#endif
