#!/usr/bin/python3
"""A desktop notification server for the e2e tests.

Owns org.freedesktop.Notifications on the session bus (the tests run under dbus-run-session, so
it is a private bus) and appends every Notify call to a JSON-lines file: app name, summary, body,
actions, hints (urgency as a number), timeout. It advertises "actions" and "body" like a real
server, so the app sends its action buttons, and "body-markup" too when asked (as GNOME, KDE and
dunst do), for tests of what a server that reads the body as markup would be sent. Prints
"ready" once the name is owned.

    /usr/bin/python3 notification_server.py /tmp/notifications.jsonl [--body-markup]
"""

import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def plain(value):
    """dbus-python values as JSON values."""
    if isinstance(value, (dbus.Boolean,)):
        return bool(value)
    if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16, dbus.UInt32, dbus.UInt64)):
        return int(value)
    if isinstance(value, dbus.Double):
        return float(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath, str)):
        return str(value)
    if isinstance(value, (dbus.Array, list, tuple, dbus.Struct)):
        return [plain(v) for v in value]
    if isinstance(value, (dbus.Dictionary, dict)):
        return {str(k): plain(v) for k, v in value.items()}
    return repr(value)


class Server(dbus.service.Object):
    def __init__(self, bus, log_path, capabilities):
        super().__init__(bus, PATH)
        self.log_path = log_path
        self.capabilities = capabilities
        self.next_id = 1

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return self.capabilities

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("hinomi-e2e-notifications", "hinomi", "1.0", "1.2")

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, icon, summary, body, actions, hints, timeout):
        nid = int(replaces_id) or self.next_id
        if not replaces_id:
            self.next_id += 1
        record = {
            "id": nid,
            "app_name": str(app_name),
            "replaces_id": int(replaces_id),
            "icon": str(icon),
            "summary": str(summary),
            "body": str(body),
            "actions": plain(actions),
            "hints": plain(hints),
            "timeout": int(timeout),
        }
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
        return nid

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        self.NotificationClosed(nid, 3)

    @dbus.service.signal(NAME, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass

    @dbus.service.signal(NAME, signature="us")
    def ActionInvoked(self, nid, action):
        pass

    @dbus.service.method("org.hinomi.Test", in_signature="us", out_signature="")
    def Invoke(self, nid, action):
        """Lets a test click an action button: emits ActionInvoked as a server would."""
        self.ActionInvoked(nid, action)


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    capabilities = ["actions", "body", "persistence"]
    if "--body-markup" in sys.argv[2:]:
        capabilities.append("body-markup")
    Server(bus, sys.argv[1], capabilities)
    print("ready", flush=True)
    loop = GLib.MainLoop()
    try:
        loop.run()
    finally:
        del name


if __name__ == "__main__":
    main()
