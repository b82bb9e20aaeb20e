"""Server-sent events: every open stand-in page hears about rebuilds, errors and xAPI statements."""
from __future__ import annotations

import json
import queue
import threading

HEARTBEAT = 15.0  # seconds: a comment line keeps proxies and the browser from dropping the stream


class Broker:
    def __init__(self) -> None:
        self.listeners: list[queue.Queue] = []
        self.lock = threading.Lock()
        self.closed = threading.Event()

    def publish(self, event: str, data) -> None:
        message = f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()
        with self.lock:
            for listener in self.listeners:
                listener.put(message)

    def stream(self, write) -> None:
        """Send every event to `write` until the client goes away or the broker closes."""
        listener: queue.Queue = queue.Queue()
        with self.lock:
            self.listeners.append(listener)
        try:
            write(b"retry: 500\n\n")
            while not self.closed.is_set():
                try:
                    write(listener.get(timeout=HEARTBEAT))
                except queue.Empty:
                    write(b": alive\n\n")
        except OSError:
            pass  # the page was closed or reloaded
        finally:
            with self.lock:
                self.listeners.remove(listener)

    def close(self) -> None:
        self.closed.set()
        self.publish("bye", None)
