#!/usr/bin/python3
"""A tray host for the e2e tests: owns org.kde.StatusNotifierWatcher on the (private) session
bus, as a desktop's panel does, so the app knows its tray icon is shown somewhere.

Every item that registers is read once a second (org.kde.StatusNotifierItem properties, e.g.
Title and the Ayatana label the app sets to the firing count, and its com.canonical.dbusmenu
menu) and the latest values are written to a JSON file the test reads. Prints "ready" once the name is owned.

    /usr/bin/python3 tray_host.py /tmp/tray.json
"""

import json
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"


def plain(value):
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16, dbus.UInt32, dbus.UInt64)):
        return int(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath, str)):
        return str(value)
    if isinstance(value, (dbus.Array, list, tuple, dbus.Struct)):
        # Icon pixmaps are big and say nothing the test needs.
        return "<data>" if len(value) > 16 else [plain(v) for v in value]
    if isinstance(value, (dbus.Dictionary, dict)):
        return {str(k): plain(v) for k, v in value.items()}
    return repr(value)


def menu_items(bus, bus_name, path):
    """The item's menu (com.canonical.dbusmenu) as [{id, label}], depth first."""
    if not path:
        return []
    menu = bus.get_object(bus_name, path)
    _revision, root = menu.GetLayout(0, -1, [], dbus_interface="com.canonical.dbusmenu", timeout=2)
    found = []

    def walk(node):
        node_id, props, children = node
        if "label" in props:
            found.append({"id": int(node_id), "label": str(props["label"])})
        for child in children:
            walk(child)

    walk(root)
    return found


class Watcher(dbus.service.Object):
    def __init__(self, bus, out):
        super().__init__(bus, PATH)
        self.bus = bus
        self.out = out
        self.items = {}

    @dbus.service.method(NAME, in_signature="s", out_signature="", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        # Items pass either a bus name or an object path on their own connection.
        if service.startswith("/"):
            bus_name, path = sender, service
        else:
            bus_name, path = service, "/StatusNotifierItem"
        self.items[f"{bus_name}{path}"] = {"bus_name": bus_name, "path": path, "properties": {}}
        self.StatusNotifierItemRegistered(f"{bus_name}{path}")
        self.refresh()

    @dbus.service.method(NAME, in_signature="s", out_signature="")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(NAME, signature="s")
    def StatusNotifierItemRegistered(self, service):
        pass

    @dbus.service.signal(NAME, signature="")
    def StatusNotifierHostRegistered(self):
        pass

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        return self.GetAll(interface)[prop]

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return {
            "RegisteredStatusNotifierItems": dbus.Array(list(self.items), signature="s"),
            "IsStatusNotifierHostRegistered": dbus.Boolean(True),
            "ProtocolVersion": dbus.Int32(0),
        }

    def refresh(self):
        for item in self.items.values():
            try:
                proxy = self.bus.get_object(item["bus_name"], item["path"])
                props = proxy.GetAll(ITEM, dbus_interface=dbus.PROPERTIES_IFACE, timeout=2)
                item["properties"] = plain(props)
                item["menu"] = menu_items(self.bus, item["bus_name"], str(props.get("Menu", "")))
                item["error"] = None
            except dbus.DBusException as err:
                item["error"] = str(err)
        tmp = self.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(list(self.items.values()), f, ensure_ascii=False)
        os.replace(tmp, self.out)
        return True


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    watcher = Watcher(bus, sys.argv[1])
    # Kept referenced: a BusName that is garbage-collected releases the name.
    watcher.name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    watcher.refresh()
    GLib.timeout_add(1000, watcher.refresh)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
