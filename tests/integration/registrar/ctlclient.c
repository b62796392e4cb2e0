// SPDX-License-Identifier: GPL-2.0
/*
 * A control socket client that misbehaves on request, for the tests:
 *   ctlclient PATH [TEXT [HOLD_SECONDS]]
 * connects, sends TEXT as it is (nothing if empty or absent), waits
 * HOLD_SECONDS without sending more, then prints what the daemon answered
 * until it closes the connection (at most 10 s in all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc < 2 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: ctlclient PATH [TEXT [HOLD_SECONDS]]\n");
		return 2;
	}
	strcpy(sun.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		perror("connect");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (argc > 2 && *argv[2] && write(fd, argv[2], strlen(argv[2])) < 0) {
		perror("write");
		return 1;
	}
	if (argc > 3)
		sleep((unsigned int)atoi(argv[3]));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0 ? 1 : 0;
}
