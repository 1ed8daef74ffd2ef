/* The theme format: colours at three depths, attributes, backgrounds,
 * comments, the built-in themes, and every mistake named with its line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "ui/ui-int.h"

static struct ui_theme blank(void)
{
	struct ui_theme t;

	for (int e = 0; e < UI__COUNT; e++)
		t.style[e] = (struct ui_style){ .fg = { { -1, -1, -1 } }, .bg = { { -1, -1, -1 } } };
	return t;
}

TEST(colour_triples_names_and_attributes)
{
	struct ui_theme t = blank();
	char *err = NULL;

	CHECK_INT(ui_theme_parse(&t, "# a comment\n\nkeyword = #569cd6/74/blue bold  # why\n"
				     "superseded = magenta on #262626/235/default italic\n", "t", &err), 0);
	CHECK(err == NULL);
	CHECK_INT(t.style[SYN_KEYWORD].fg.v[UI_DEPTH_TRUE], 0x569cd6);
	CHECK_INT(t.style[SYN_KEYWORD].fg.v[UI_DEPTH_256], 74);
	CHECK_INT(t.style[SYN_KEYWORD].fg.v[UI_DEPTH_8], COLOR_BLUE);
	CHECK(t.style[SYN_KEYWORD].attrs & A_BOLD);
	CHECK_INT(t.style[UI_SUPERSEDED].fg.v[UI_DEPTH_8], COLOR_MAGENTA);
	CHECK_INT(t.style[UI_SUPERSEDED].fg.v[UI_DEPTH_256], COLOR_MAGENTA);
	CHECK(t.style[UI_SUPERSEDED].has_bg);
	CHECK_INT(t.style[UI_SUPERSEDED].bg.v[UI_DEPTH_256], 235);
	CHECK_INT(t.style[UI_SUPERSEDED].bg.v[UI_DEPTH_8], -1);
	CHECK(t.style[UI_SUPERSEDED].attrs & A_ITALIC);
}

static void check_error(const char *text, const char *want)
{
	struct ui_theme t = blank(), before;
	char *err = NULL;

	before = t;
	CHECK_INT(ui_theme_parse(&t, text, "bad.theme", &err), -EINVAL);
	CHECK(err != NULL);
	if (err && !strstr(err, want)) {
		fprintf(stderr, "    got '%s', wanted '%s'\n", err, want);
		CHECK(0);
	}
	CHECK(memcmp(&t, &before, sizeof(t)) == 0); /* untouched on failure */
	free(err);
}

TEST(mistakes_are_named_with_their_line)
{
	check_error("normal = default\nkeyword = purple\n", "bad.theme:2: 'purple': not a colour");
	check_error("\n\nnosuch = red\n", "bad.theme:3: unknown element 'nosuch'");
	check_error("keyword red\n", "bad.theme:1: expected 'element = colours and attributes'");
	check_error("keyword = #569cd6/300/blue\n", "bad.theme:1: '#569cd6/300/blue': the 256-colour index is past 255");
	check_error("keyword = #569cd6/74/teal\n", "the 8-colour value is not one of");
	check_error("keyword = #56/74/blue\n", "a colour is #RRGGBB/N/NAME");
	check_error("keyword = red green\n", "bad.theme:1: a second foreground colour 'green'");
	check_error("keyword = red on\n", "'on' without a colour");
	check_error("keyword = on red on blue\n", "two background colours");
}

TEST(built_in_themes_parse_and_name_every_element)
{
	for (size_t i = 0; ui_theme_names[i]; i++) {
		struct ui_theme t;
		char *err = NULL;

		CHECK_INT(ui_theme_load(&t, ui_theme_names[i], &err), 0);
		CHECK(err == NULL);
		free(err);
		/* The UI's parts all have a look of their own in each theme. */
		for (int e = UI_LINENR; e < UI__COUNT; e++)
			CHECK(t.style[e].has_fg || t.style[e].has_bg || t.style[e].attrs);
	}
}

TEST(unknown_theme_keeps_the_default)
{
	struct ui_theme t, dark;
	char *err = NULL;

	CHECK_INT(ui_theme_load(&dark, "dark", &err), 0);
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	CHECK(ui_theme_load(&t, "no-such-theme", &err) < 0);
	CHECK(err && strstr(err, "no theme 'no-such-theme'"));
	free(err);
	CHECK(memcmp(&t, &dark, sizeof(t)) == 0);
}
