/* Reading the terminal's answers to the colour query: the bytes xterm 379
 * sends back (recorded from a real one: tests/screen/0014 asks it live),
 * tmux's answer (DA1 only), keys typed in between, and answers that arrive
 * a byte at a time. */
#include <stdio.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "ui/ui-int.h"

/* xterm with direct colour, tcap queries off (Debian's default). */
static const char xterm_direct[] = "\033P1$r0;38:2::1:2:3m\033\\\033[?64;1;2;6;9;15;16;17;18;21;22;28c";
/* xterm -xrm 'XTerm*directColor: false': a palette colour instead. */
static const char xterm_palette[] = "\033P1$r0;38:5:16m\033\\\033[?64;1;2;6;9;15;16;17;18;21;22;28c";
/* xterm -xrm 'XTerm*allowTcapOps: true': XTGETTCAP answered too. */
static const char xterm_tcap[] = "\033P1+r524742=38\033\\\033P1+r636f6c6f7273=323536\033\\"
				 "\033P1$r0;38:2::1:2:3m\033\\\033[?64;1;2;6;9;15;16;17;18;21;22;28c";
/* tmux 3.3a: DA1, nothing else. */
static const char tmux_da1[] = "\033[?1;2c";

/* Feeds text to the parser in pieces of step bytes, as reads would. */
static struct ui_query feed(const char *text, size_t n, size_t step)
{
	struct ui_query q = { 0 };
	char buf[512];
	size_t have = 0, used;

	for (size_t i = 0; i < n; i += step) {
		size_t k = n - i < step ? n - i : step;

		memcpy(buf + have, text + i, k);
		have += k;
		used = ui_query_parse(&q, buf, have, false);
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	ui_query_parse(&q, buf, have, true);
	return q;
}

TEST(xterm_direct_colour_through_decrqss)
{
	struct ui_query q = feed(xterm_direct, sizeof(xterm_direct) - 1, 4096);

	CHECK(q.answered);
	CHECK(q.truecolor);
	CHECK_STR(q.how, "DECRQSS");
	CHECK_INT(q.ntyped, 0);
}

TEST(xterm_palette_only_is_256_colours)
{
	struct ui_query q = feed(xterm_palette, sizeof(xterm_palette) - 1, 4096);

	CHECK(q.answered);
	CHECK(!q.truecolor);
	CHECK_INT(q.colors, 256);
	CHECK_STR(q.how, "DECRQSS");
}

TEST(xtgettcap_rgb_and_colors)
{
	struct ui_query q = feed(xterm_tcap, sizeof(xterm_tcap) - 1, 4096);

	CHECK(q.truecolor);
	CHECK_STR(q.how, "XTGETTCAP"); /* the first answer that said so */
	CHECK_INT(q.colors, 256);
}

TEST(tmux_answers_nothing_about_colour)
{
	struct ui_query q = feed(tmux_da1, sizeof(tmux_da1) - 1, 4096);

	CHECK(q.answered);
	CHECK(!q.truecolor);
	CHECK_INT(q.colors, 0);
	CHECK(q.how == NULL);
	CHECK_INT(q.ntyped, 0);
}

TEST(refusals_say_nothing)
{
	static const char no[] = "\033P0+r524742\033\\\033P0$r\033\\\033[?6c";
	struct ui_query q = feed(no, sizeof(no) - 1, 4096);

	CHECK(q.answered);
	CHECK(!q.truecolor);
	CHECK(q.how == NULL);
}

TEST(answers_a_byte_at_a_time)
{
	const char *texts[] = { xterm_direct, xterm_palette, xterm_tcap, tmux_da1 };

	for (size_t t = 0; t < 4; t++) {
		struct ui_query whole = feed(texts[t], strlen(texts[t]), 4096);

		for (size_t step = 1; step < 9; step++) {
			struct ui_query q = feed(texts[t], strlen(texts[t]), step);

			CHECK(q.answered == whole.answered);
			CHECK(q.truecolor == whole.truecolor);
			CHECK_INT(q.colors, whole.colors);
			CHECK_INT(q.ntyped, 0);
		}
	}
}

TEST(keys_typed_meanwhile_are_kept_in_order)
{
	/* "ab", an arrow key, "c" and a lone ESC typed around the answers. */
	static const char mixed[] = "ab\033P1$r0;38:2::1:2:3m\033\\\033[Ac\033[?64;1c\033";

	for (size_t step = 1; step < 40; step++) {
		struct ui_query q = feed(mixed, sizeof(mixed) - 1, step);

		CHECK(q.answered);
		CHECK(q.truecolor);
		CHECK_INT(q.ntyped, 7);
		CHECK(memcmp(q.typed, "ab\033[Ac\033", 7) == 0);
	}
}

TEST(an_answer_cut_short_is_dropped)
{
	static const char cut[] = "x\033P1$r0;38:2::1:2";
	struct ui_query q = feed(cut, sizeof(cut) - 1, 3);

	CHECK(!q.answered);
	CHECK(!q.truecolor);
	CHECK_INT(q.ntyped, 1);
	CHECK_INT(q.typed[0], 'x');
}

TEST(a_paste_longer_than_the_keep_is_cut_not_overflowed)
{
	char big[1000];
	struct ui_query q;

	memset(big, 'k', sizeof(big));
	q = feed(big, sizeof(big), 100);
	CHECK_INT(q.ntyped, sizeof(q.typed));
	CHECK(!q.answered);
}
