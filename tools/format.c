// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "format.h"

#define PRETTY_KEY_WIDTH 14
#define COLOR_TITLE "\033[1;32m"
#define COLOR_KEY "\033[1m"
#define COLOR_OFF "\033[0m"

void out_init(struct out *o, FILE *f, enum out_mode mode)
{
	*o = (struct out){ .f = f, .mode = mode };
	/* https://no-color.org: any value of NO_COLOR turns colors off. */
	o->color = mode == OUT_PRETTY && !getenv("NO_COLOR");
}

/*
 * The '[' waits for the first record: a dump that fails before it leaves
 * stdout empty, with only the error line on stderr.
 */
void out_list_begin(struct out *o)
{
	o->in_list = true;
	o->records = 0;
}

void out_list_end(struct out *o)
{
	if (o->mode == OUT_JSON)
		fputs(o->records ? "\n]\n" : "[]\n", o->f);
	o->in_list = false;
}

void out_record_begin(struct out *o, enum out_layout layout, const char *title)
{
	o->layout = layout;
	o->fields = 0;
	o->titled = false;
	switch (o->mode) {
	case OUT_JSON:
		if (o->in_list)
			fputs(o->records ? ",\n" : "[\n", o->f);
		fputc('{', o->f);
		break;
	case OUT_PRETTY:
		if (o->records)
			fputc('\n', o->f);
		if (title) {
			fprintf(o->f, "%s%s%s\n", o->color ? COLOR_TITLE : "",
				title, o->color ? COLOR_OFF : "");
			o->titled = true;
		}
		break;
	case OUT_PLAIN:
		break;
	}
}

void out_record_end(struct out *o)
{
	o->records++;
	if (o->mode == OUT_JSON)
		fputs(o->in_list ? "}" : "}\n", o->f);
	else if (o->mode == OUT_PLAIN && o->layout == OUT_LINE)
		fputc('\n', o->f);
	/* Each line is whole when written, so a reader of a pipe sees it. */
	fflush(o->f);
}

void out_json_string(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			/* JSON forbids raw control characters in strings. */
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Writes what comes before a value: separator and key. */
static void out_key(struct out *o, const char *key)
{
	switch (o->mode) {
	case OUT_JSON:
		if (o->fields)
			fputc(',', o->f);
		out_json_string(o->f, key);
		fputc(':', o->f);
		break;
	case OUT_PRETTY:
		fprintf(o->f, "%s%s%-*s%s ", o->titled ? "  " : "",
			o->color ? COLOR_KEY : "", PRETTY_KEY_WIDTH, key,
			o->color ? COLOR_OFF : "");
		break;
	case OUT_PLAIN:
		if (o->fields && o->layout == OUT_LINE)
			fputc(' ', o->f);
		fprintf(o->f, "%s ", key);
		break;
	}
	o->fields++;
}

static void out_value_end(struct out *o)
{
	if (o->mode == OUT_PRETTY || (o->mode == OUT_PLAIN && o->layout == OUT_BLOCK))
		fputc('\n', o->f);
}

void out_tag(struct out *o, const char *key, const char *word)
{
	if (o->mode == OUT_JSON) {
		out_str(o, key, word);
		return;
	}
	if (o->mode == OUT_PRETTY) {
		fprintf(o->f, "%s%s%s\n", o->color ? COLOR_TITLE : "", word,
			o->color ? COLOR_OFF : "");
		o->titled = true;
		return;
	}
	if (o->fields && o->layout == OUT_LINE)
		fputc(' ', o->f);
	fputs(word, o->f);
	if (o->layout == OUT_BLOCK)
		fputc('\n', o->f);
	o->fields++;
}

void out_str(struct out *o, const char *key, const char *val)
{
	if (!val && o->mode == OUT_PRETTY)
		return;
	out_key(o, key);
	if (o->mode == OUT_JSON) {
		if (val)
			out_json_string(o->f, val);
		else
			fputs("null", o->f);
	} else {
		fputs(val ? val : "-", o->f);
	}
	out_value_end(o);
}

void out_u64(struct out *o, const char *key, uint64_t val)
{
	out_key(o, key);
	fprintf(o->f, "%llu", (unsigned long long)val);
	out_value_end(o);
}
