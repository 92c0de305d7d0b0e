/*
 * UdpForwardIT's server in the guest (busybox's nc has no UDP): sends each datagram that arrives on the port
 * argv[1] back to its sender, prefixed with "echo: ", and writes its size to stdout, until killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: udp-echo PORT\n");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		perror("bind");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	char reply[2048] = "echo: ";
	size_t prefix = strlen(reply);
	for (;;) {
		struct sockaddr_in peer;
		socklen_t peer_len = sizeof(peer);
		ssize_t n = recvfrom(fd, reply + prefix, sizeof(reply) - prefix, 0, (struct sockaddr *)&peer, &peer_len);
		if (n < 0) {
			perror("recvfrom");
			return 1;
		}
		printf("got %zd bytes\n", n);
		fflush(stdout);
		if (sendto(fd, reply, prefix + (size_t)n, 0, (struct sockaddr *)&peer, peer_len) < 0) {
			perror("sendto");
			return 1;
		}
	}
}
