/**
 * Upstream timeouts (proxy_connect_timeout, proxy_send_timeout,
 * proxy_read_timeout) that expire together where nginx's expire together.
 *
 * nginx reads the clock once per event loop iteration, after epoll_wait()
 * returns (ngx_current_msec), and a timer's key is that time plus the
 * timeout. Two timers with the same timeout armed in one iteration have the
 * same key, so ngx_event_expire_timers() runs both handlers in one pass,
 * before the next epoll_wait() reports any I/O. This decides what two
 * concurrent retries find. A non-blocking connect() to a closed loopback
 * port returns EINPROGRESS, and the next epoll_wait() reports the refusal
 * (seen in the debug log of nginx 1.22.1 on Linux). So two retries started
 * by timeouts of one pass both pick a backup that refuses connections,
 * before either refusal marks it failed.
 *
 * node reads the clock again for each setTimeout() and checks each timer
 * against its own start, so two timers armed microseconds apart can land
 * on different milliseconds and expire in different iterations, with I/O
 * handled in between. Here, timeouts of the same length armed in one
 * iteration of node's event loop form a group with one node timer, and
 * their callbacks run in the order they were armed.
 */

/** A pending timeout; cancel() is a no-op once it has fired. */
export interface UpstreamTimeout {
  cancel(): void;
}

class Entry implements UpstreamTimeout {
  constructor(
    readonly callback: () => void,
    readonly group: Group,
  ) {}

  cancel(): void {
    cancelEntry(this);
  }
}

interface Group {
  ms: number;
  entries: Set<Entry>;
  timer: NodeJS.Timeout;
}

/** The groups of the current event loop iteration by timeout length; reset in the iteration's check phase. */
let currentGroups: Map<number, Group> | undefined;

function closeIteration(): void {
  currentGroups = undefined;
}

/** Calls `callback` after `ms` milliseconds unless cancelled. */
export function startUpstreamTimeout(ms: number, callback: () => void): UpstreamTimeout {
  if (currentGroups === undefined) {
    currentGroups = new Map();
    // setImmediate() runs after this iteration's poll phase, and a pending one keeps the poll phase from blocking,
    // so every timeout grouped here was armed within one iteration and without a wait in between.
    setImmediate(closeIteration);
  }

  let group = currentGroups.get(ms);
  if (group === undefined) {
    const created: Group = { ms, entries: new Set(), timer: setTimeout(() => fireGroup(created), ms) };
    group = created;
    currentGroups.set(ms, group);
  }

  const entry = new Entry(callback, group);
  group.entries.add(entry);
  return entry;
}

function cancelEntry(entry: Entry): void {
  const group = entry.group;
  if (!group.entries.delete(entry)) return;
  if (group.entries.size > 0) return;

  clearTimeout(group.timer);
  if (currentGroups?.get(group.ms) === group) currentGroups.delete(group.ms);
}

/** Runs every callback of the group; a group fires in a later iteration than the one that armed it, so it takes no new entries. */
function fireGroup(group: Group): void {
  for (const entry of [...group.entries]) {
    // An earlier callback of the group may have cancelled this one.
    if (!group.entries.delete(entry)) continue;
    entry.callback();
  }
}
