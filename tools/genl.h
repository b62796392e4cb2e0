// SPDX-License-Identifier: GPL-2.0
#ifndef GENL_H
#define GENL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

/* Big enough for a whole dump skb, which the kernel sizes up to 32 KiB. */
#define GENL_BUF_SIZE 32768
#define GENL_EXTACK_MAX 256

struct genl {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;
	uint32_t events_group;		/* 0 if the family has none */
	char extack[GENL_EXTACK_MAX];	/* the kernel's message for the last error */
	uint32_t extack_off;		/* where in the request the attribute it
					   names begins; 0 if it names none */
	char buf[GENL_BUF_SIZE];
};

/*
 * Opens a socket and resolves the sipwall family; on failure prints why
 * (e.g. the module is not loaded) and returns -1.
 */
int genl_open(struct genl *g);
void genl_close(struct genl *g);

/* The two halves of genl_open: a socket (prints why not), and a family. */
int genl_socket_open(struct genl *g);
/* Sets g->family and g->events_group; returns 0 or -errno (-ENOENT: none). */
int genl_resolve(struct genl *g, const char *name);

/* Starts a sipwall request in buf (GENL_BUF_SIZE bytes). */
struct nlmsghdr *genl_msg_start(void *buf, uint16_t family, uint8_t cmd,
				uint16_t flags);

/*
 * Sends nlh and reads answers until the ack or the end of the dump,
 * passing each sipwall message to cb (may be NULL). Returns 0 or -errno;
 * on a kernel error g->extack holds its message, if it sent one.
 */
int genl_talk(struct genl *g, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * Handles one received buffer of answers to the request numbered seq:
 * returns 1 if more are to come, 0 at the ack or the dump's end, or
 * -errno (g->extack then holds the kernel's message, if any).
 */
int genl_dispatch(struct genl *g, uint16_t family, unsigned int seq,
		  const void *buf, size_t len, mnl_cb_t cb, void *data);

/* Prints a failed request's error as one line: "<what>: <reason>". */
void genl_perror(const struct genl *g, int err, const char *what);

/* Joins the events multicast group. */
int genl_subscribe(struct genl *g);

#endif
