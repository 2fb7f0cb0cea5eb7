/*
 * The TCP retry of one query after a truncated UDP answer (RFC 7766):
 * non-blocking connect, the query with its 2-byte length prefix, then the
 * length and the answer, each step driven by query.c's poll loop. A failed
 * connection ends the attempt; the next one starts at the attempt's
 * deadline, so a server that resets at once cannot use up the retries in a
 * few milliseconds.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/query_int.h"

static void
fail_attempt(struct qstate *s, int e)
{
	s->last_err = e;
	qs_close(s);
	s->st = ST_IDLE;
}

void
tcp_start(struct qstate *s, int64_t now, int timeout_ms)
{
	const struct sockaddr *sa = s->q->addr;
	int e;

	qs_close(s);
	s->use_tcp = true;
	s->deadline = now + timeout_ms;
	/* A new connection gets a new ID: nothing of the UDP try is reused. */
	if (qs_new_id(s) == -1) {
		qs_finish(s, DNSQ_NETERR, errno);
		return;
	}
	if ((s->io = malloc(s->wire_len + 2)) == NULL) {
		qs_finish(s, DNSQ_NETERR, ENOMEM);
		return;
	}
	s->io[0] = (uint8_t)(s->wire_len >> 8);
	s->io[1] = (uint8_t)(s->wire_len & 0xff);
	memcpy(s->io + 2, s->wire, s->wire_len);
	s->io_len = s->wire_len + 2;
	s->io_off = 0;
	s->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s->fd == -1) {
		e = errno;
		qs_finish(s, qs_errno_unreachable(e) ? DNSQ_UNREACHABLE :
		    DNSQ_NETERR, e);
		return;
	}
	if (connect(s->fd, sa, s->q->addrlen) == 0) {
		s->st = ST_TCP_WRITE;
		return;
	}
	e = errno;
	if (e == EINPROGRESS) {
		s->st = ST_TCP_CONNECT;
		return;
	}
	if (qs_errno_unreachable(e))
		qs_finish(s, DNSQ_UNREACHABLE, e);
	else
		fail_attempt(s, e);
}

short
tcp_wanted(const struct qstate *s)
{
	return s->st == ST_TCP_READ ? POLLIN : POLLOUT;
}

static void
tcp_write(struct qstate *s)
{
	ssize_t n;

	n = send(s->fd, s->io + s->io_off, s->io_len - s->io_off, MSG_NOSIGNAL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			fail_attempt(s, errno);
		return;
	}
	s->io_off += (size_t)n;
	if (s->io_off < s->io_len)
		return;
	free(s->io);
	s->io = NULL;
	s->io_len = s->io_off = s->len_off = 0;
	s->st = ST_TCP_READ;
}

/* One read step; false when nothing more can be read now. */
static bool
tcp_read_some(struct qstate *s)
{
	uint8_t *dst;
	size_t want;
	ssize_t n;

	if (s->len_off < 2) {
		dst = s->lenbuf + s->len_off;
		want = 2 - s->len_off;
	} else {
		dst = s->io + s->io_off;
		want = s->io_len - s->io_off;
	}
	n = recv(s->fd, dst, want, 0);
	if (n == 0) {
		fail_attempt(s, ECONNRESET);
		return false;
	}
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			fail_attempt(s, errno);
		return false;
	}
	if (s->len_off < 2) {
		s->len_off += (size_t)n;
		if (s->len_off < 2)
			return true;
		/* The prefix bounds the message to 65535 bytes by itself. */
		s->io_len = ((size_t)s->lenbuf[0] << 8) | s->lenbuf[1];
		s->io_off = 0;
		if (s->io_len < LDNS_HEADER_SIZE ||
		    (s->io = malloc(s->io_len)) == NULL) {
			fail_attempt(s, EPROTO);
			return false;
		}
		return true;
	}
	s->io_off += (size_t)n;
	if (s->io_off < s->io_len)
		return true;
	/* Our own connection: an answer that does not match is an error. */
	if (qs_take_answer(s, s->io, s->io_len, true) != 1)
		fail_attempt(s, EPROTO);
	return false;
}

void
tcp_event(struct qstate *s, short revents)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	switch (s->st) {
	case ST_TCP_CONNECT:
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
			soerr = errno;
		if (soerr != 0) {
			fail_attempt(s, soerr);
			return;
		}
		s->st = ST_TCP_WRITE;
		tcp_write(s);
		return;
	case ST_TCP_WRITE:
		tcp_write(s);
		return;
	case ST_TCP_READ:
		/* Three steps at most: the length, then the body, maybe in
		 * two reads; the rest waits for the next wake-up. */
		for (int i = 0; i < 3 && s->st == ST_TCP_READ; i++)
			if (!tcp_read_some(s))
				break;
		return;
	default:
		(void)revents;
		return;
	}
}
