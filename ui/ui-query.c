/* Asks the terminal itself whether it draws 24-bit colour, before curses
 * starts: terminfo's entry for TERM often says 256 colours for a terminal
 * that has more (TERM=xterm-256color over SSH, where COLORTERM is not
 * passed on). The answers are read here, never by the key reader.
 *
 * What is sent, in one write, answered in order by terminals that know it:
 *
 *   ESC P + q 524742 ST          XTGETTCAP "RGB": 1+r524742=... if direct colour
 *   ESC P + q 5463 ST            XTGETTCAP "Tc" (tmux's name for the same)
 *   ESC P + q 636f6c6f7273 ST    XTGETTCAP "colors": 1+r...=323536 for 256
 *   ESC [ 38;2;1;2;3 m           a 24-bit foreground, then
 *   ESC P $ q m ST               DECRQSS: "which SGR is in effect?" -- a
 *                                terminal with 24-bit colour says 38:2::1:2:3
 *                                (or 38;2;1;2;3), one with the 256-colour
 *                                palette only 38:5:16, others nothing
 *   ESC [ m                      the attributes back to normal
 *   ESC [ c                      DA1, which every VT100-compatible terminal
 *                                answers: its answer ends the wait
 *
 * Terminals answer in the order asked, so once DA1's answer is in, nothing
 * more will come. Bytes that are none of the answers were typed meanwhile;
 * they are handed back to the caller so no key is lost.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ui/ui-int.h"

static const char query[] = "\033P+q524742\033\\"
			    "\033P+q5463\033\\"
			    "\033P+q636f6c6f7273\033\\"
			    "\033[38;2;1;2;3m\033P$qm\033\\\033[m"
			    "\033[c";

/* The length of the DCS string at s (ESC P ... ESC \), or 0 while its end
 * has not arrived. */
static size_t dcs_len(const char *s, size_t n)
{
	for (size_t i = 2; i + 1 < n; i++)
		if (s[i] == '\033' && s[i + 1] == '\\')
			return i + 2;
	return 0;
}

/* The length of a DA1 answer at s (ESC [ ? digits and ';' c), 0 if s is not
 * one (or not all of it has arrived). */
static size_t da1_len(const char *s, size_t n)
{
	size_t i = 3;

	if (n < 4 || s[1] != '[' || s[2] != '?')
		return 0;
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ';'))
		i++;
	return i < n && s[i] == 'c' ? i + 1 : 0;
}

/* A byte that was none of the answers: typed by the user meanwhile. */
static void keep(struct ui_query *q, char c)
{
	if (q->ntyped < sizeof(q->typed))
		q->typed[q->ntyped++] = c;
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* One DCS answer's body (between ESC P and ESC \). */
static void read_dcs(const char *s, size_t n, struct ui_query *q)
{
	if ((starts(s, n, "1+r524742") || starts(s, n, "1+r5463")) && !q->truecolor) {
		q->truecolor = true;
		q->how = "XTGETTCAP";
	} else if (starts(s, n, "1+r636f6c6f7273=")) {
		/* The value is hex-encoded decimal digits: 323536 is "256". */
		int colors = 0;

		for (size_t i = 16; i + 1 < n && s[i] == '3' && s[i + 1] >= '0' && s[i + 1] <= '9' &&
				    colors < 0x1000000; i += 2)
			colors = colors * 10 + (s[i + 1] - '0');
		if (colors > q->colors)
			q->colors = colors;
		if (!q->truecolor && !q->how)
			q->how = "XTGETTCAP";
	} else if (starts(s, n, "1$r") && n > 3 && s[n - 1] == 'm') {
		/* The SGR in effect: 24-bit if the terminal kept ours, the
		 * 256-colour palette if it made it a palette colour. */
		for (size_t i = 3; i + 4 <= n; i++)
			if ((memcmp(s + i, "38:2", 4) == 0 || memcmp(s + i, "38;2", 4) == 0) && !q->truecolor) {
				q->truecolor = true;
				q->how = "DECRQSS";
				break;
			} else if ((memcmp(s + i, "38:5", 4) == 0 || memcmp(s + i, "38;5", 4) == 0) && q->colors < 256) {
				q->colors = 256;
				if (!q->truecolor && !q->how)
					q->how = "DECRQSS";
			}
	}
}

size_t ui_query_parse(struct ui_query *q, const char *buf, size_t n, bool final)
{
	size_t i = 0, k;

	while (i < n) {
		if (buf[i] != '\033') {
			keep(q, buf[i++]);
			continue;
		}
		if (i + 1 < n && buf[i + 1] == 'P') {
			if (!(k = dcs_len(buf + i, n - i))) {
				if (!final)
					break; /* the rest is still to come */
				i = n;     /* cut short: dropped */
				break;
			}
			read_dcs(buf + i + 2, k - 4, q);
			i += k;
		} else if ((k = da1_len(buf + i, n - i))) {
			q->answered = true;
			i += k;
		} else if (!final && n - i < 64 && i + 1 < n && buf[i + 1] == '[' &&
			   (i + 2 >= n || buf[i + 2] == '?') && !memchr(buf + i + 1, '\033', n - i - 1)) {
			break; /* perhaps DA1's answer, not all here yet */
		} else if (!final && i + 1 == n) {
			break; /* a lone ESC: what follows decides */
		} else {
			keep(q, buf[i++]);
		}
	}
	return i;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int ui_query_terminal(struct ui_query *q, int in, int out, int timeout_ms)
{
	struct termios saved, tio;
	char buf[sizeof(q->typed)];
	size_t n = 0, used;
	long end = now_ms() + timeout_ms;
	int err = 0;
	ssize_t r;

	*q = (struct ui_query){ 0 };
	if (tcgetattr(in, &saved) < 0)
		return -errno;
	tio = saved;
	tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(in, TCSANOW, &tio) < 0)
		return -errno;
	for (size_t off = 0; off < sizeof(query) - 1; off += (size_t)r)
		if ((r = write(out, query + off, sizeof(query) - 1 - off)) < 0 && errno != EINTR) {
			err = -errno;
			goto out;
		} else if (r < 0) {
			r = 0;
		}
	while (!q->answered && n < sizeof(buf)) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		long left = end - now_ms();

		if (left <= 0 || (r = poll(&p, 1, (int)left)) == 0)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (p.revents & (POLLERR | POLLNVAL)))
			break;
		if ((r = read(in, buf + n, sizeof(buf) - n)) <= 0) {
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			break;
		}
		n += (size_t)r;
		used = ui_query_parse(q, buf, n, false);
		memmove(buf, buf + used, n - used);
		n -= used;
	}
	ui_query_parse(q, buf, n, true);
out:
	tcsetattr(in, TCSANOW, &saved);
	return err;
}

bool ui_query_wanted(void)
{
	const char *term = getenv("TERM"), *env = getenv("ENCIDE_TERM_QUERY");

	if (env && (strcmp(env, "off") == 0 || strcmp(env, "0") == 0 || strcmp(env, "no") == 0))
		return false;
	/* The Linux console has 8 colours and no DCS; a dumb terminal nothing. */
	return term && *term && strncmp(term, "linux", 5) != 0 && strcmp(term, "dumb") != 0 &&
	       !strstr(term, "direct");
}

/* term.h defines a macro for every terminfo capability (lines, columns,
 * bell...), so it comes last, for this one function only. */
#include <term.h>

int ui_query_terminfo_colours(int tty)
{
	int colors = -1, err;

	if (setupterm(NULL, tty, &err) == OK) {
		colors = tigetnum("colors");
		del_curterm(cur_term);
	}
	return colors;
}
