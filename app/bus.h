/* The bus: typed events (something happened) published by any part of encide
 * and delivered to subscribers by the event loop, in order, never re-entrantly.
 * It is the bottom layer: it depends on nothing else in encide, so editor/,
 * build/, debugger/ and enc/ may publish on it without calling up.
 *
 * Ownership: bus_publish() deep-copies the payload (strings included); the
 * caller keeps its own. A subscriber receives a pointer to the bus's copy that
 * is valid only during the callback: copy what you want to keep.
 *
 * Re-entrancy: bus_publish() only queues. bus_dispatch() delivers the queue
 * (including events published by the subscribers themselves, after those
 * already queued); called from inside a callback it returns 0 at once.
 * Subscribing during a dispatch takes effect from the next event; an
 * unsubscribed callback is never called again, even for the current event.
 */
#ifndef ENCIDE_BUS_H
#define ENCIDE_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/bus-events.h"

/* Payload structs: struct ev_<name> for each row of BUS_EVENTS. */
#define BUS_S_(f) const char *f;
#define BUS_I_(f) int64_t f;
#define BUS_B_(f) bool f;
#define BUS_V_(f) const char *const *f;
#define BUS_STRUCT_(N, n, fields) struct ev_##n { fields };
BUS_EVENTS(BUS_STRUCT_, BUS_S_, BUS_I_, BUS_B_, BUS_V_)
#undef BUS_STRUCT_

#define BUS_ENUM_(N, n, fields) EV_##N,
enum bus_event_type {
	BUS_EVENTS(BUS_ENUM_, BUS_S_, BUS_I_, BUS_B_, BUS_V_)
	EV__COUNT,
	EV_ANY = -1, /* subscribe to every type */
};
#undef BUS_ENUM_

enum bus_field_kind {
	BUS_FIELD_STR,  /* const char * (NULL allowed) */
	BUS_FIELD_INT,  /* int64_t */
	BUS_FIELD_BOOL, /* bool */
	BUS_FIELD_STRV, /* NULL-terminated const char *const * (NULL allowed) */
};

struct bus_field {
	const char *name;         /* as in the payload struct and the JSON */
	enum bus_field_kind kind; /* how to copy, free and print it */
	size_t offset;            /* offsetof(struct ev_<name>, field) */
};

struct bus_type_info {
	const char *name;               /* "MESSAGE", as printed in --batch */
	size_t size;                    /* sizeof(struct ev_<name>) */
	const struct bus_field *fields; /* the payload's fields, in order */
	size_t nfields;                 /* number of fields */
};

struct bus_event {
	enum bus_event_type type; /* which struct payload points to */
	uint64_t seq;             /* publication order, from 1 */
	const void *payload;      /* the bus's copy: struct ev_<name> */
};

struct bus;
typedef void bus_fn(const struct bus_event *ev, void *arg);

/* Allocates an empty bus; NULL when out of memory. */
struct bus *bus_new(void);
/* Frees the bus and every queued event; bus_free(NULL) is a no-op. */
void bus_free(struct bus *bus);

/* Calls fn for each event of type (or every event with EV_ANY); returns an id
 * (> 0) for bus_unsubscribe, or a negative value when out of memory. */
int bus_subscribe(struct bus *bus, enum bus_event_type type, bus_fn *fn, void *arg);
/* Stops the subscription id; safe during a dispatch; unknown ids are ignored. */
void bus_unsubscribe(struct bus *bus, int id);

/* Copies payload (a struct ev_<name> of type) onto the end of the queue.
 * Returns 0, or -ENOMEM with the queue unchanged. */
int bus_publish(struct bus *bus, enum bus_event_type type, const void *payload);
/* Delivers every queued event in order; returns how many were delivered
 * (0 when called re-entrantly from a subscriber). */
size_t bus_dispatch(struct bus *bus);
/* True when events are waiting for bus_dispatch(). */
bool bus_pending(const struct bus *bus);

/* The name and fields of an event type (NULL for an unknown type). */
const struct bus_type_info *bus_type_info(enum bus_event_type type);
/* The type named name ("MESSAGE"), or EV_ANY when there is none. */
enum bus_event_type bus_type_by_name(const char *name);
/* The event as one JSON object {"event":"NAME","seq":N,fields...}, no newline.
 * The caller frees the returned string; NULL when out of memory. */
char *bus_event_json(const struct bus_event *ev);

/* Typed publishers: bus_emit_<name>(bus, &(struct ev_<name>){ ... }). */
#define BUS_EMIT_(N, n, fields)                                                \
	static inline int bus_emit_##n(struct bus *bus, const struct ev_##n *p) \
	{                                                                      \
		return bus_publish(bus, EV_##N, p);                            \
	}
BUS_EVENTS(BUS_EMIT_, BUS_S_, BUS_I_, BUS_B_, BUS_V_)
#undef BUS_EMIT_

#endif
