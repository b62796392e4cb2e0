/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registrations state file (state_dir/registrations): written after
 * changes, at most once a second, and at exit; read back at start. Each
 * write goes to a temporary file in the same directory, is fsync()ed and
 * renamed over the old one, and the directory is fsync()ed: a crash leaves
 * the old file or the new one, never a mix. A forked child does it, so the
 * loop never waits for the disk. See docs/registrar.md.
 */
#ifndef SIPWALL_REGSTATE_H
#define SIPWALL_REGSTATE_H

#include "config.h"

/*
 * Takes the directory from cfg, at start and on reload; without a realm
 * that has registrar = yes no file is read or written.
 */
int sipwall_regstate_configure(const struct sipwall_config *cfg);
/* Reads the file into the location store (realms must exist); bad lines are skipped and reported once. */
void sipwall_regstate_load(void);
/* Writes now if anything changed since the last write. */
void sipwall_regstate_flush(void);
void sipwall_regstate_uninit(void);

/* For the unit tests: the same, with an explicit file. */
int sipwall_regstate_write_file(const char *path);
void sipwall_regstate_read_file(const char *path);

#endif
