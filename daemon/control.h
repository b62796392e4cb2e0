/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket (`[global] control_socket`): a unix stream socket
 * served from the event loop. A client sends one command line (`stats`,
 * `registrations`, `calls`, `help`); the daemon answers with text lines and
 * closes the connection; an unknown command gets one "error: ..." line.
 * sipwallctl daemon is the client. See docs/registrar.md.
 */
#ifndef SIPWALL_CONTROL_H
#define SIPWALL_CONTROL_H

#include <stdio.h>

/*
 * Creates the socket (mode 0660, its directory 0750 if missing; a stale
 * socket is replaced, a live one left alone). -1 (logged) if it cannot:
 * the daemon runs on without it.
 */
int sipwall_control_open(const char *path);
/* Closes every client and removes the socket. */
void sipwall_control_close(void);

#endif
