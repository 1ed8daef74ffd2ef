/* The bus: a FIFO of deep-copied event payloads and a list of subscribers,
 * drained by bus_dispatch() from the event loop. See bus.h for the contract
 * (copy on publish, no re-entrant delivery, deferred unsubscribe).
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "app/bus.h"

/*
 * Field descriptors come from the same BUS_EVENTS rows as the structs. A
 * field macro does not know which struct it is in, so each row becomes a
 * function with a typedef of its struct in scope, run once on first use.
 */
#define CNT_(f) +1
#define COUNT_(N, n, fields) enum { nfields_##n = 0 fields };
BUS_EVENTS(COUNT_, CNT_, CNT_, CNT_, CNT_)
#undef COUNT_
#undef CNT_

#define DS_(f) out[i++] = (struct bus_field){ #f, BUS_FIELD_STR, offsetof(cur_t, f) };
#define DI_(f) out[i++] = (struct bus_field){ #f, BUS_FIELD_INT, offsetof(cur_t, f) };
#define DB_(f) out[i++] = (struct bus_field){ #f, BUS_FIELD_BOOL, offsetof(cur_t, f) };
#define DV_(f) out[i++] = (struct bus_field){ #f, BUS_FIELD_STRV, offsetof(cur_t, f) };
#define DESC_(N, n, fields)                                                    \
	static struct bus_field fields_##n[nfields_##n];                       \
	static void describe_##n(struct bus_type_info *info)                   \
	{                                                                      \
		typedef struct ev_##n cur_t;                                   \
		struct bus_field *out = fields_##n;                            \
		size_t i = 0;                                                  \
		fields                                                         \
		assert(i == nfields_##n);                                      \
		*info = (struct bus_type_info){ #N, sizeof(cur_t), out, i };   \
	}
BUS_EVENTS(DESC_, DS_, DI_, DB_, DV_)
#undef DESC_

static struct bus_type_info type_infos[EV__COUNT];
static bool type_infos_ready;

static void describe_all(void)
{
#define CALL_(N, n, fields) describe_##n(&type_infos[EV_##N]);
	BUS_EVENTS(CALL_, DS_, DI_, DB_, DV_)
#undef CALL_
	type_infos_ready = true;
}
#undef DS_
#undef DI_
#undef DB_
#undef DV_

const struct bus_type_info *bus_type_info(enum bus_event_type type)
{
	if (type < 0 || type >= EV__COUNT)
		return NULL;
	if (!type_infos_ready)
		describe_all();
	return &type_infos[type];
}

enum bus_event_type bus_type_by_name(const char *name)
{
	for (int t = 0; t < EV__COUNT; t++)
		if (strcmp(bus_type_info(t)->name, name) == 0)
			return t;
	return EV_ANY;
}

/* A queued event: the bus's own copy of the payload. */
struct queued {
	struct bus_event ev; /* ev.payload points at payload[] */
	struct queued *next; /* next in publication order */
	max_align_t payload[]; /* struct ev_<name>, strings owned */
};

struct subscriber {
	int id;                   /* > 0; 0 once unsubscribed (swept later) */
	enum bus_event_type type; /* or EV_ANY */
	bus_fn *fn;               /* callback */
	void *arg;                /* its argument */
};

struct bus {
	struct queued *head, *tail; /* the queue, oldest first */
	struct subscriber *subs;    /* in subscription order */
	size_t nsubs, cap;          /* used and allocated entries of subs */
	int next_id;                /* the id of the next subscription */
	uint64_t seq;               /* sequence number of the last publish */
	bool dispatching;           /* inside bus_dispatch() */
	bool need_sweep;            /* subs holds entries with id 0 */
};

struct bus *bus_new(void)
{
	struct bus *bus = calloc(1, sizeof(*bus));

	if (bus)
		bus->next_id = 1;
	return bus;
}

static char **strv_dup(const char *const *v)
{
	size_t n = 0;
	char **copy;

	while (v[n])
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		copy[i] = strdup(v[i]);
		if (!copy[i]) {
			while (i--)
				free(copy[i]);
			free(copy);
			return NULL;
		}
	}
	return copy;
}

/* Frees the strings a payload owns (never the payload itself). */
static void payload_release(const struct bus_type_info *info, void *payload)
{
	for (size_t i = 0; i < info->nfields; i++) {
		void *slot = (char *)payload + info->fields[i].offset;

		if (info->fields[i].kind == BUS_FIELD_STR) {
			free(*(char **)slot);
		} else if (info->fields[i].kind == BUS_FIELD_STRV) {
			char **v = *(char ***)slot;

			for (size_t j = 0; v && v[j]; j++)
				free(v[j]);
			free(v);
		}
	}
}

static struct queued *queued_new(enum bus_event_type type, const void *payload)
{
	const struct bus_type_info *info = bus_type_info(type);
	struct queued *q = calloc(1, sizeof(*q) + info->size);

	if (!q)
		return NULL;
	memcpy(q->payload, payload, info->size);
	/* First clear every pointer, so a failure half-way frees only copies. */
	for (size_t i = 0; i < info->nfields; i++)
		if (info->fields[i].kind == BUS_FIELD_STR || info->fields[i].kind == BUS_FIELD_STRV)
			*(void **)((char *)q->payload + info->fields[i].offset) = NULL;
	for (size_t i = 0; i < info->nfields; i++) {
		size_t off = info->fields[i].offset;
		const void *src;
		void **dst = (void **)((char *)q->payload + off);

		/* Only string fields hold a pointer (a bool may sit at any offset). */
		if (info->fields[i].kind != BUS_FIELD_STR && info->fields[i].kind != BUS_FIELD_STRV)
			continue;
		src = *(const void *const *)((const char *)payload + off);
		if (!src)
			continue;
		if (info->fields[i].kind == BUS_FIELD_STR)
			*dst = strdup(src);
		else
			*dst = strv_dup(src);
		if (!*dst) {
			payload_release(info, q->payload);
			free(q);
			return NULL;
		}
	}
	q->ev.type = type;
	q->ev.payload = q->payload;
	return q;
}

static void queued_free(struct queued *q)
{
	payload_release(bus_type_info(q->ev.type), q->payload);
	free(q);
}

void bus_free(struct bus *bus)
{
	if (!bus)
		return;
	while (bus->head) {
		struct queued *q = bus->head;

		bus->head = q->next;
		queued_free(q);
	}
	free(bus->subs);
	free(bus);
}

int bus_subscribe(struct bus *bus, enum bus_event_type type, bus_fn *fn, void *arg)
{
	assert(fn && (type == EV_ANY || (type >= 0 && type < EV__COUNT)));
	if (bus->nsubs == bus->cap) {
		size_t cap = bus->cap ? 2 * bus->cap : 16;
		struct subscriber *subs = realloc(bus->subs, cap * sizeof(*subs));

		if (!subs)
			return -ENOMEM;
		bus->subs = subs;
		bus->cap = cap;
	}
	bus->subs[bus->nsubs++] = (struct subscriber){ bus->next_id, type, fn, arg };
	return bus->next_id++;
}

static void sweep(struct bus *bus)
{
	size_t j = 0;

	for (size_t i = 0; i < bus->nsubs; i++)
		if (bus->subs[i].id != 0)
			bus->subs[j++] = bus->subs[i];
	bus->nsubs = j;
	bus->need_sweep = false;
}

void bus_unsubscribe(struct bus *bus, int id)
{
	for (size_t i = 0; i < bus->nsubs; i++) {
		if (bus->subs[i].id == id) {
			bus->subs[i].id = 0;
			bus->need_sweep = true;
			break;
		}
	}
	if (!bus->dispatching && bus->need_sweep)
		sweep(bus);
}

int bus_publish(struct bus *bus, enum bus_event_type type, const void *payload)
{
	struct queued *q;

	assert(type >= 0 && type < EV__COUNT && payload);
	q = queued_new(type, payload);
	if (!q)
		return -ENOMEM;
	q->ev.seq = ++bus->seq;
	if (bus->tail)
		bus->tail->next = q;
	else
		bus->head = q;
	bus->tail = q;
	return 0;
}

bool bus_pending(const struct bus *bus)
{
	return bus->head != NULL;
}

size_t bus_dispatch(struct bus *bus)
{
	size_t delivered = 0;

	if (bus->dispatching)
		return 0;
	bus->dispatching = true;
	while (bus->head) {
		struct queued *q = bus->head;
		/* Subscribers added by a callback start with the next event. */
		size_t n = bus->nsubs;

		bus->head = q->next;
		if (!bus->head)
			bus->tail = NULL;
		for (size_t i = 0; i < n; i++) {
			/* Index, not pointer: a callback may grow (move) subs. */
			struct subscriber s = bus->subs[i];

			if (s.id != 0 && (s.type == EV_ANY || s.type == q->ev.type))
				s.fn(&q->ev, s.arg);
		}
		queued_free(q);
		delivered++;
	}
	bus->dispatching = false;
	if (bus->need_sweep)
		sweep(bus);
	return delivered;
}

char *bus_event_json(const struct bus_event *ev)
{
	const struct bus_type_info *info = bus_type_info(ev->type);
	struct json_object *obj = json_object_new_object();
	char *text = NULL;

	if (!obj)
		return NULL;
	json_object_object_add(obj, "event", json_object_new_string(info->name));
	json_object_object_add(obj, "seq", json_object_new_int64((int64_t)ev->seq));
	for (size_t i = 0; i < info->nfields; i++) {
		const struct bus_field *f = &info->fields[i];
		const char *slot = (const char *)ev->payload + f->offset;
		struct json_object *val = NULL;

		switch (f->kind) {
		case BUS_FIELD_STR: {
			const char *s = *(const char *const *)slot;

			val = s ? json_object_new_string(s) : NULL;
			break;
		}
		case BUS_FIELD_INT:
			val = json_object_new_int64(*(const int64_t *)slot);
			break;
		case BUS_FIELD_BOOL:
			val = json_object_new_boolean(*(const bool *)slot);
			break;
		case BUS_FIELD_STRV: {
			const char *const *v = *(const char *const *const *)slot;

			val = json_object_new_array();
			for (size_t j = 0; v && v[j]; j++)
				json_object_array_add(val, json_object_new_string(v[j]));
			break;
		}
		}
		json_object_object_add(obj, f->name, val);
	}
	text = strdup(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
	return text;
}
