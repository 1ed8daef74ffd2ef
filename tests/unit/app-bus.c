/* The bus: order of delivery, payload copies, subscribing and unsubscribing
 * during a dispatch, no re-entrant delivery, JSON form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "app/bus.h"
#include "tests/unit/harness.h"

/* A log of what subscribers saw: "A:text" per call. */
static char seen[4096];

static void log_msg(const char *who, const struct bus_event *ev)
{
	const struct ev_message *m = ev->payload;
	size_t len = strlen(seen);

	snprintf(seen + len, sizeof(seen) - len, "%s%s:%s", len ? " " : "", who, m->text);
}

static void sub_a(const struct bus_event *ev, void *arg)
{
	log_msg("A", ev);
}

static void sub_b(const struct bus_event *ev, void *arg)
{
	log_msg("B", ev);
}

static void emit(struct bus *bus, const char *text)
{
	CHECK_INT(bus_emit_message(bus, &(struct ev_message){ .level = "info", .text = text }), 0);
}

TEST(ordering)
{
	struct bus *bus = bus_new();

	seen[0] = '\0';
	bus_subscribe(bus, EV_MESSAGE, sub_a, NULL);
	bus_subscribe(bus, EV_MESSAGE, sub_b, NULL);
	emit(bus, "1");
	emit(bus, "2");
	emit(bus, "3");
	CHECK_STR(seen, ""); /* publishing only queues */
	CHECK(bus_pending(bus));
	CHECK_INT(bus_dispatch(bus), 3);
	CHECK_STR(seen, "A:1 B:1 A:2 B:2 A:3 B:3");
	CHECK(!bus_pending(bus));
	bus_free(bus);
}

TEST(type_filter)
{
	struct bus *bus = bus_new();

	seen[0] = '\0';
	bus_subscribe(bus, EV_MESSAGE, sub_a, NULL);
	bus_emit_quit(bus, &(struct ev_quit){ .reason = "x" });
	emit(bus, "m");
	CHECK_INT(bus_dispatch(bus), 2);
	CHECK_STR(seen, "A:m");
	bus_free(bus);
}

static char copied[64];

static void sub_copy(const struct bus_event *ev, void *arg)
{
	const struct ev_message *m = ev->payload;

	snprintf(copied, sizeof(copied), "%s/%s", m->level, m->text);
	CHECK(m->text != (const char *)arg); /* the bus's copy, not ours */
}

TEST(payload_is_copied)
{
	struct bus *bus = bus_new();
	char text[16] = "before";
	const char *v[] = { "x", "y", NULL };

	bus_subscribe(bus, EV_MESSAGE, sub_copy, text);
	bus_emit_message(bus, &(struct ev_message){ .level = "info", .text = text });
	strcpy(text, "after"); /* the publisher's buffer changes before delivery */
	bus_dispatch(bus);
	CHECK_STR(copied, "info/before");
	(void)v;
	bus_free(bus);
}

/* Unsubscribes B (id in *arg) from inside A's callback. */
struct unsub {
	struct bus *bus;
	int victim;
};

static void sub_unsub(const struct bus_event *ev, void *arg)
{
	struct unsub *u = arg;

	log_msg("U", ev);
	bus_unsubscribe(u->bus, u->victim);
}

TEST(unsubscribe_during_dispatch)
{
	struct bus *bus = bus_new();
	struct unsub u = { bus, 0 };

	seen[0] = '\0';
	bus_subscribe(bus, EV_MESSAGE, sub_unsub, &u);
	u.victim = bus_subscribe(bus, EV_MESSAGE, sub_b, NULL);
	emit(bus, "1");
	emit(bus, "2");
	bus_dispatch(bus);
	/* B is removed before its turn for event 1 and never called again. */
	CHECK_STR(seen, "U:1 U:2");
	bus_free(bus);
}

static void sub_unsub_self(const struct bus_event *ev, void *arg)
{
	struct unsub *u = arg;

	log_msg("S", ev);
	bus_unsubscribe(u->bus, u->victim);
}

TEST(unsubscribe_self_during_dispatch)
{
	struct bus *bus = bus_new();
	struct unsub u = { bus, 0 };

	seen[0] = '\0';
	u.victim = bus_subscribe(bus, EV_MESSAGE, sub_unsub_self, &u);
	bus_subscribe(bus, EV_MESSAGE, sub_a, NULL);
	emit(bus, "1");
	emit(bus, "2");
	bus_dispatch(bus);
	CHECK_STR(seen, "S:1 A:1 A:2");
	bus_free(bus);
}

/* Subscribes A from inside a callback, once. */
static void sub_subscriber(const struct bus_event *ev, void *arg)
{
	struct bus *bus = arg;
	static int done;

	log_msg("N", ev);
	if (!done++)
		bus_subscribe(bus, EV_MESSAGE, sub_a, NULL);
}

TEST(subscribe_during_dispatch)
{
	struct bus *bus = bus_new();

	seen[0] = '\0';
	bus_subscribe(bus, EV_MESSAGE, sub_subscriber, bus);
	emit(bus, "1");
	emit(bus, "2");
	bus_dispatch(bus);
	/* The new subscriber starts with the next event. Also force the
	 * subscriber array to grow during a dispatch (16 entries at first). */
	CHECK_STR(seen, "N:1 N:2 A:2");
	bus_free(bus);
}

/* Publishes from a callback and tries a nested dispatch. */
static int depth, max_depth;
static size_t nested_result = 99;

static void sub_reentrant(const struct bus_event *ev, void *arg)
{
	struct bus *bus = arg;
	const struct ev_message *m = ev->payload;

	depth++;
	if (depth > max_depth)
		max_depth = depth;
	log_msg("R", ev);
	if (strcmp(m->text, "1") == 0) {
		emit(bus, "1a");
		nested_result = bus_dispatch(bus); /* must not deliver now */
	}
	depth--;
}

TEST(no_reentrancy)
{
	struct bus *bus = bus_new();

	seen[0] = '\0';
	bus_subscribe(bus, EV_MESSAGE, sub_reentrant, bus);
	emit(bus, "1");
	emit(bus, "2");
	CHECK_INT(bus_dispatch(bus), 3);
	CHECK_INT(nested_result, 0);
	CHECK_INT(max_depth, 1);
	/* The event published during dispatch comes after those already queued. */
	CHECK_STR(seen, "R:1 R:2 R:1a");
	bus_free(bus);
}

static int grow_calls;

static void sub_count(const struct bus_event *ev, void *arg)
{
	grow_calls++;
}

static void sub_grow(const struct bus_event *ev, void *arg)
{
	struct bus *bus = arg;

	for (int i = 0; i < 100; i++)
		bus_subscribe(bus, EV_MESSAGE, sub_count, NULL);
}

TEST(subscribers_grow_during_dispatch)
{
	struct bus *bus = bus_new();

	grow_calls = 0;
	bus_subscribe(bus, EV_MESSAGE, sub_grow, bus);
	emit(bus, "1");
	emit(bus, "2");
	bus_dispatch(bus);
	/* The 100 added during event 1 see event 2 only. */
	CHECK_INT(grow_calls, 100);
	bus_free(bus);
}

TEST(free_with_queued_events)
{
	struct bus *bus = bus_new();

	emit(bus, "never delivered");
	bus_emit_command_failed(bus, &(struct ev_command_failed){ .source = "s", .error = "e" });
	bus_free(bus); /* ASan checks nothing leaks */
	bus_free(NULL);
}

TEST(json_form)
{
	struct bus *bus = bus_new();
	struct bus_event ev;
	struct ev_message m = { .level = "info", .text = "quote \" and / and \xc3\xa9" };
	struct json_object *obj, *val;
	char *json;

	ev = (struct bus_event){ .type = EV_MESSAGE, .seq = 7, .payload = &m };
	json = bus_event_json(&ev);
	CHECK(json != NULL);
	obj = json_tokener_parse(json);
	CHECK(obj != NULL);
	CHECK(json_object_object_get_ex(obj, "event", &val));
	CHECK_STR(json_object_get_string(val), "MESSAGE");
	CHECK(json_object_object_get_ex(obj, "seq", &val));
	CHECK_INT(json_object_get_int64(val), 7);
	CHECK(json_object_object_get_ex(obj, "text", &val));
	CHECK_STR(json_object_get_string(val), m.text);
	json_object_put(obj);
	free(json);
	bus_free(bus);
}

TEST(type_names)
{
	CHECK_STR(bus_type_info(EV_COMMAND_FAILED)->name, "COMMAND_FAILED");
	CHECK_INT(bus_type_by_name("QUIT"), EV_QUIT);
	CHECK_INT(bus_type_by_name("NO_SUCH"), EV_ANY);
	CHECK(bus_type_info(EV__COUNT) == NULL);
	CHECK_INT(bus_type_info(EV_FILE_OPENED)->nfields, 3);
}
